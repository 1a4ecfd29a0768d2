//! The `rust-crypto` backend: RustCrypto `hmac` and `sha2`.

use hmac::{Hmac, KeyInit as _, Mac};
use sha2::{Digest as _, Sha256};

use super::TAG_LEN;

/// The HMAC state after absorbing the padded key: cloning it skips the key schedule.
#[derive(Clone)]
pub(crate) struct HmacKey(Hmac<Sha256>);

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
        Self(Hmac::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key")))
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// Constant-time comparison, done by the `hmac` crate (`subtle`).
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), String> {
    getrandom::fill(buf).map_err(|e| format!("could not read OS randomness: {e}"))
}

pub(crate) fn sha256(message: &[u8]) -> [u8; TAG_LEN] {
    Sha256::digest(message).into()
}
