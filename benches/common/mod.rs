//! What the benches share: HMAC-SHA256 with a precomputed key, on the same crypto crate as the
//! backend under test, for the floors and budgets they compare against; and the medians criterion
//! wrote, for their summaries.

use std::path::PathBuf;
use std::time::SystemTime;

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
        use hmac::KeyInit as _;
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

/// The median of one benchmark of this run, in nanoseconds, from criterion's estimates; `None`
/// when it did not run in this process (a filter skipped it), whatever an earlier run left.
pub(crate) fn median_ns(group: &str, name: &str, started: SystemTime) -> Option<f64> {
    // Where criterion writes: $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else
    // target/criterion (cargo runs benches from the package root).
    let home = std::env::var_os("CRITERION_HOME").map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| PathBuf::from("target"), PathBuf::from);
            target.join("criterion")
        },
        PathBuf::from,
    );
    let path = home.join(group).join(name).join("new/estimates.json");
    if std::fs::metadata(&path).and_then(|m| m.modified()).ok()? < started {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}
