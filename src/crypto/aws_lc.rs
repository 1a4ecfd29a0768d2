//! The `aws-lc-rs` backend.

use aws_lc_rs::{digest, hmac};

use super::TAG_LEN;

/// An HMAC-SHA256 key, derived once.
#[derive(Clone)]
pub(crate) struct HmacKey(hmac::Key);

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, key))
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; TAG_LEN] {
        let mut tag = [0; TAG_LEN];
        tag.copy_from_slice(hmac::sign(&self.0, message).as_ref());
        tag
    }

    /// Constant-time comparison, done by aws-lc-rs.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.0, message, tag).is_ok()
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), String> {
    aws_lc_rs::rand::fill(buf).map_err(|_| "aws-lc-rs could not read OS randomness".to_owned())
}

pub(crate) fn sha256(message: &[u8]) -> [u8; TAG_LEN] {
    let mut hash = [0; TAG_LEN];
    hash.copy_from_slice(digest::digest(&digest::SHA256, message).as_ref());
    hash
}
