//! The crypto backend: HMAC-SHA256 with a key derived once, and OS randomness.
//!
//! The crate's `rust-crypto` (default) and `aws-lc-rs` features select the backend and the matching
//! `jsonwebtoken` provider. When both are enabled, `aws-lc-rs` wins: it can only have been asked
//! for explicitly, while `rust-crypto` may just be the default that was left on.
//!
//! jsonwebtoken's provider API hands out a boxed, non-`Send` verifier rebuilt from the raw key on
//! every call. A `Verifier` must be `Send + Sync` and derive its key once, so the hot path calls the
//! very crates those providers wrap (RustCrypto `hmac`/`sha2`, or `aws-lc-rs`) directly. The
//! provider is still installed as jsonwebtoken's process default, so code in the same process that
//! uses jsonwebtoken directly never meets its "no `CryptoProvider`" panic either.

#[cfg(not(any(feature = "rust-crypto", feature = "aws-lc-rs")))]
compile_error!(
    "jwt-auth needs a crypto backend: enable the `rust-crypto` (default) or `aws-lc-rs` feature"
);

pub(crate) mod asymmetric;
#[cfg(feature = "aws-lc-rs")]
mod aws_lc;
#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
mod rust_crypto;

use std::sync::Once;

#[cfg(feature = "aws-lc-rs")]
pub(crate) use aws_lc::{HmacKey, fill_random, sha256};
#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
pub(crate) use rust_crypto::{HmacKey, fill_random, sha256};

/// Length in bytes of an HMAC-SHA256 tag.
pub(crate) const TAG_LEN: usize = 32;

/// The name of the backend compiled in, for diagnostics.
pub(crate) const NAME: &str = if cfg!(feature = "aws-lc-rs") {
    "aws-lc-rs"
} else {
    "rust-crypto"
};

/// Installs the selected jsonwebtoken provider as the process default, once. An application that
/// installed its own first keeps it: that is its choice, and ours does not depend on it.
pub(crate) fn install_jsonwebtoken_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _already_chosen = provider().install_default();
    });
}

fn provider() -> &'static jsonwebtoken::crypto::CryptoProvider {
    #[cfg(feature = "aws-lc-rs")]
    {
        &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
    }
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    {
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER
    }
}

/// Lowercase hex, as `openssl rand -hex` prints it.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _infallible = write!(out, "{b:02x}");
            out
        })
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2: pins the backend's HMAC-SHA256 output.
    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        let key = HmacKey::new(b"Jefe");
        let tag = key.sign(b"what do ya want for nothing?");
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(hex(&tag), expected);
        assert!(key.verify(b"what do ya want for nothing?", &tag));
        assert!(!key.verify(b"what do ya want for nothing!", &tag));
        assert!(!key.verify(b"what do ya want for nothing?", &tag[..31]));
    }

    /// FIPS 180-2 appendix B.1: pins the backend's SHA-256 output.
    #[test]
    fn sha256_matches_fips_180_2_example() {
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(hex(&sha256(b"abc")), expected);
    }
}
