//! What the crate reports with the `metrics` feature (exact counter names, labels and values, in
//! a real recorder) and with the `tracing` feature (each event's target, level and fields, and
//! never a token), on the memory store and on a real `redis-server` the tests start themselves.

#![cfg(any(feature = "metrics", feature = "tracing"))]
#![allow(unreachable_pub)] // helpers shared between modules of one test binary

#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "metrics")]
mod counters;
#[cfg(feature = "tracing")]
mod events;

use jwt_auth::{Issuer, Secret};
use time::Duration;

use common::{OTHER_SECRET, issuer};

/// Tokens for each verification outcome the tests count, all judged at `common::T0`.
#[derive(Debug)]
pub(crate) struct Tokens {
    /// Valid.
    pub(crate) valid: String,
    /// Expired a day before `T0`.
    pub(crate) expired: String,
    /// Signed with the test secret, one character of its signature changed.
    pub(crate) forged: String,
    /// Signed with another secret, whose fingerprint it names as `kid`.
    pub(crate) foreign: String,
}

impl Tokens {
    /// The four tokens.
    pub(crate) fn new() -> Self {
        let valid = issuer().issue("42", Some("ada@example.com")).unwrap();
        let expired = Issuer::new(common::secret())
            .with_clock(jwt_auth::FixedClock::new(common::T0 - Duration::days(8)))
            .issue("42", None)
            .unwrap();
        // A character in the middle of the signature, so that it stays canonical base64url.
        let at = valid.len() - 10;
        let swapped = if &valid[at..=at] == "A" { "B" } else { "A" };
        let forged = format!("{}{swapped}{}", &valid[..at], &valid[at + 1..]);
        let other = Secret::new(OTHER_SECRET).unwrap();
        let foreign = Issuer::new(&other)
            .with_clock(common::clock())
            .issue("42", None)
            .unwrap();
        Self {
            valid,
            expired,
            forged,
            foreign,
        }
    }
}
