//! What the benches share: HMAC-SHA256 with a precomputed key, on the same crypto crate as the
//! backend under test, for the floors and budgets they compare against.

/// An HMAC-SHA256 key, derived once.
pub(crate) struct MacKey(
    #[cfg(feature = "aws-lc-rs")] aws_lc_rs::hmac::Key,
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))] hmac::Hmac<sha2::Sha256>,
);

// Each bench uses only some of these.
#[allow(dead_code)]
impl MacKey {
    #[cfg(feature = "aws-lc-rs")]
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self(aws_lc_rs::hmac::Key::new(
            aws_lc_rs::hmac::HMAC_SHA256,
            secret,
        ))
    }
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    pub(crate) fn new(secret: &[u8]) -> Self {
        use hmac::Mac as _;
        Self(hmac::Hmac::new_from_slice(secret).unwrap())
    }

    #[cfg(feature = "aws-lc-rs")]
    pub(crate) fn verify_tag(&self, message: &[u8], tag: &[u8]) -> bool {
        aws_lc_rs::hmac::verify(&self.0, message, tag).is_ok()
    }
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    pub(crate) fn verify_tag(&self, message: &[u8], tag: &[u8]) -> bool {
        use hmac::Mac as _;
        let mut mac = self.0.clone();
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }

    #[cfg(feature = "aws-lc-rs")]
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 32] {
        aws_lc_rs::hmac::sign(&self.0, message)
            .as_ref()
            .try_into()
            .unwrap()
    }
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 32] {
        use hmac::Mac as _;
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}
