//! `RedisConfig`: where a `RedisStore` finds Redis, and how long it waits for it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use secrecy::SecretString;

use crate::clock::{Clock, SystemClock};

/// How long one Redis command may take before it fails with
/// [`StoreError::Timeout`](crate::StoreError::Timeout): 250 ms. A hung server (stopped, not
/// closed) then behaves like a down one.
pub const DEFAULT_COMMAND_TIMEOUT: StdDuration = StdDuration::from_millis(250);
/// How long a [`RevocationMirror`](super::RevocationMirror) answers without confirming it is
/// current before it refuses with
/// [`RevocationStatus::Unavailable`](crate::RevocationStatus::Unavailable) (503): 10 seconds.
pub const DEFAULT_STALENESS_BOUND: StdDuration = StdDuration::from_secs(10);
/// How often a mirror reloads every entry from Redis, whatever pub/sub said: 30 seconds.
pub const DEFAULT_RESYNC_INTERVAL: StdDuration = StdDuration::from_secs(30);

/// Where and how a [`RedisStore`](super::RedisStore) talks to Redis. Needs no server to build.
///
/// ```
/// use std::time::Duration;
/// use jwt_auth::{DEFAULT_STALENESS_BOUND, RedisConfig};
///
/// let config = RedisConfig::new("redis://127.0.0.1:6379/")
///     .with_prefix("shop")
///     .with_command_timeout(Duration::from_millis(100));
/// assert_eq!(config.staleness_bound(), DEFAULT_STALENESS_BOUND);
/// assert_eq!(config.prefix(), "shop");
///
/// // The URL may carry a password: `Debug` never shows it.
/// let with_password = RedisConfig::new("redis://:hunter2hunter2@127.0.0.1:6379/");
/// assert!(!format!("{with_password:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    pub(super) clock: Arc<dyn Clock>,
    /// May hold a password (`redis://:password@host/`): never shown by `Debug`.
    pub(super) url: SecretString,
    pub(super) prefix: String,
    pub(super) command_timeout: StdDuration,
    pub(super) staleness_bound: StdDuration,
    pub(super) resync_interval: StdDuration,
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConfig")
            .field("prefix", &self.prefix)
            .field("command_timeout", &self.command_timeout)
            .field("staleness_bound", &self.staleness_bound)
            .field("resync_interval", &self.resync_interval)
            .finish_non_exhaustive()
    }
}

impl RedisConfig {
    /// Redis at `url` (`redis://host:port/db`, as `REDIS_URL` holds it), with the defaults:
    /// prefix `jwt-auth`, [`DEFAULT_COMMAND_TIMEOUT`], [`DEFAULT_STALENESS_BOUND`],
    /// [`DEFAULT_RESYNC_INTERVAL`].
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            clock: Arc::new(SystemClock),
            url: SecretString::from(url.into()),
            prefix: "jwt-auth".to_owned(),
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            staleness_bound: DEFAULT_STALENESS_BOUND,
            resync_interval: DEFAULT_RESYNC_INTERVAL,
        }
    }

    /// Sets the prefix of every key and of the channel (default `jwt-auth`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the command timeout (default 250 ms).
    #[must_use]
    pub fn with_command_timeout(mut self, timeout: StdDuration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// Sets the mirror's staleness bound (default 10 s).
    #[must_use]
    pub fn with_staleness_bound(mut self, bound: StdDuration) -> Self {
        self.staleness_bound = bound;
        self
    }

    /// Sets the mirror's full-resync interval (default 30 s).
    #[must_use]
    pub fn with_resync_interval(mut self, interval: StdDuration) -> Self {
        self.resync_interval = interval;
        self
    }

    /// Sets the clock by which expired revocation entries are dropped from Redis (default
    /// [`SystemClock`]); give it the clock the [`Sessions`](crate::Sessions) use.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The staleness bound.
    pub fn staleness_bound(&self) -> StdDuration {
        self.staleness_bound
    }
}
