//! Key material: [`Secret`] (one HMAC key, strength-checked), its [`Fingerprint`], the
//! [`KeyRing`] a service signs and verifies with, the public-key algorithms' [`SigningKey`] and
//! [`PublicKey`], the [`KeySet`] a verifier holds, and why a key is refused.

mod algorithm;
mod asymmetric;
mod error;
mod fingerprint;
#[cfg(feature = "remote-jwks")]
pub(crate) mod remote;
pub(crate) mod ring;
mod secret;
mod set;
pub mod strength;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub(crate) use asymmetric::kid_is_safe;
pub use asymmetric::{Jwk, KeyError, PublicKey, SigningKey};
pub use error::{ConfigError, KeyRingError, WeakSecret};
pub use fingerprint::Fingerprint;
pub use ring::KeyRing;
pub use secret::Secret;
pub use set::KeySet;
