//! Key material: [`Secret`] (one HMAC key, strength-checked), its [`Fingerprint`], the
//! [`KeyRing`] a service signs and verifies with, and why a key is refused.

mod error;
mod fingerprint;
pub(crate) mod ring;
mod secret;
pub mod strength;

pub use error::{ConfigError, KeyRingError, SecretProblem, WeakSecret};
pub use fingerprint::Fingerprint;
pub use ring::KeyRing;
pub use secret::Secret;
