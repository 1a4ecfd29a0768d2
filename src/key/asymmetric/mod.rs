//! Public-key algorithms (ES256, EdDSA): [`SigningKey`] from PKCS#8, [`PublicKey`] from SPKI or
//! JWK, their RFC 7638 thumbprints, and [`KeyError`].

mod envelope;
mod error;
mod public;
mod signing;

pub use error::KeyError;
pub(crate) use public::kid_is_safe;
pub use public::{Jwk, PublicKey};
pub use signing::SigningKey;
