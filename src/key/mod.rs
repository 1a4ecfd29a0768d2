//! Key material: [`Secret`] (one HMAC key, strength-checked), its [`Fingerprint`], and the
//! [`KeyRing`] a service signs and verifies with.

mod fingerprint;
pub(crate) mod ring;
mod secret;
pub(crate) mod strength;

pub use fingerprint::Fingerprint;
pub use ring::KeyRing;
pub use secret::Secret;
