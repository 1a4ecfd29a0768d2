use std::fmt::Debug;
use std::time::SystemTime;

use time::{Duration, OffsetDateTime};

/// The default clock tolerance between services: 60 seconds. The verifier and the sessions
/// (whose revocation entries must outlive a token by it) both start from it.
pub(crate) const DEFAULT_LEEWAY: Duration = Duration::seconds(60);

/// A source of the current time for [`Issuer`](crate::Issuer) and [`Verifier`](crate::Verifier),
/// so that issuing and verifying can be tested at any instant.
///
/// ```
/// use jwt_auth::{Clock, FixedClock, SystemClock};
/// use time::macros::datetime;
///
/// let clock = FixedClock::new(datetime!(2026-01-01 00:00 UTC));
/// assert_eq!(clock.now().unix_timestamp(), 1_767_225_600);
/// assert!(SystemClock.now().year() >= 2026);
/// ```
pub trait Clock: Debug + Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;

    /// The current instant in whole seconds since the Unix epoch, as NumericDate counts them: what
    /// the verifier compares a token's times with. By default `now().unix_timestamp()`; a clock
    /// that can read the seconds without building a calendar date, as [`SystemClock`] does,
    /// overrides it, and must agree with [`Clock::now`].
    ///
    /// ```
    /// use jwt_auth::{Clock, FixedClock, SystemClock};
    ///
    /// assert_eq!(FixedClock::at_unix(1_767_225_600)?.unix_timestamp(), 1_767_225_600);
    /// assert!((SystemClock.unix_timestamp() - SystemClock.now().unix_timestamp()).abs() <= 1);
    /// # Ok::<(), time::error::ComponentRange>(())
    /// ```
    fn unix_timestamp(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The operating system's wall clock. The default everywhere.
///
/// ```
/// use jwt_auth::{Clock, SystemClock};
///
/// let before = time::OffsetDateTime::now_utc();
/// assert!(SystemClock.now() >= before);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    /// The seconds from `SystemTime`, without the calendar date `now` builds: every verify
    /// reads the clock, and this is its cheaper half.
    fn unix_timestamp(&self) -> i64 {
        match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            // A clock set before 1970 is wrong, but read as `now` reads it.
            Err(_) => self.now().unix_timestamp(),
        }
    }
}

/// A clock stopped at one instant: for tests, fixtures and reproducible examples.
///
/// ```
/// use jwt_auth::{Clock, FixedClock};
///
/// let clock = FixedClock::at_unix(1_767_225_600)?;
/// assert_eq!(clock.now().year(), 2026);
/// # Ok::<(), time::error::ComponentRange>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(OffsetDateTime);

impl FixedClock {
    /// A clock that always reads `now`.
    ///
    /// ```
    /// use jwt_auth::{Clock, FixedClock};
    /// use time::macros::datetime;
    ///
    /// assert_eq!(FixedClock::new(datetime!(2026-01-01 00:00 UTC)).now().unix_timestamp(), 1_767_225_600);
    /// ```
    pub const fn new(now: OffsetDateTime) -> Self {
        Self(now)
    }

    /// A clock that always reads `seconds` after the Unix epoch.
    ///
    /// ```
    /// assert!(jwt_auth::FixedClock::at_unix(i64::MAX).is_err());
    /// ```
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
