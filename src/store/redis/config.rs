//! `RedisConfig`: where a `RedisStore` finds Redis, and how long it waits for it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use secrecy::SecretString;
use time::Duration;

use crate::clock::{Clock, SystemClock};

/// Where and how a [`RedisStore`](super::RedisStore) talks to Redis. Needs no server to build.
///
/// Its durations are [`time::Duration`]s, as everywhere in this crate; a negative one counts as
/// zero (what zero means is on each setter).
///
/// ```
/// use jwt_auth::store::RedisConfig;
/// use time::Duration;
///
/// let config = RedisConfig::new("redis://127.0.0.1:6379/")
///     .with_prefix("shop")
///     .with_command_timeout(Duration::milliseconds(100))
///     .with_resync_interval(Duration::seconds(-5));
/// assert_eq!(config.staleness_bound(), RedisConfig::DEFAULT_STALENESS_BOUND);
/// assert_eq!(config.prefix(), "shop");
///
/// // The URL may carry a password: `Debug` never shows it.
/// let with_password = RedisConfig::new("redis://:hunter2hunter2@127.0.0.1:6379/");
/// assert!(!format!("{with_password:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    pub(super) clock: Arc<dyn Clock>,
    pub(super) target: Target,
    pub(super) prefix: String,
    // Never negative (the setters clamp), so `to_std` is exact.
    pub(super) command_timeout: Duration,
    pub(super) staleness_bound: Duration,
    pub(super) resync_interval: Duration,
}

/// One Redis, or the seed nodes of a Redis Cluster. Each URL may hold a password
/// (`redis://:password@host/`): never shown by `Debug`.
#[derive(Clone)]
pub(super) enum Target {
    Single(SecretString),
    Cluster(Vec<SecretString>),
}

/// `duration` as Tokio and redis-rs take it: a negative one counts as zero.
pub(super) fn to_std(duration: Duration) -> StdDuration {
    StdDuration::try_from(duration).unwrap_or(StdDuration::ZERO)
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("RedisConfig");
        if let Target::Cluster(seeds) = &self.target {
            f.field("cluster_seeds", &seeds.len());
        }
        f.field("prefix", &self.prefix)
            // As `std` prints them (`250ms`); `time` prints its fields.
            .field("command_timeout", &to_std(self.command_timeout))
            .field("staleness_bound", &to_std(self.staleness_bound))
            .field("resync_interval", &to_std(self.resync_interval))
            .finish_non_exhaustive()
    }
}

impl RedisConfig {
    /// How long one Redis command may take before it fails with
    /// [`StoreError::Timeout`](crate::store::StoreError::Timeout): 250 ms. A hung server
    /// (stopped, not closed) then behaves like a down one.
    pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::milliseconds(250);
    /// How long a [`RevocationMirror`](super::RevocationMirror) answers without confirming it
    /// is current before it refuses with
    /// [`RevocationStatus::Unavailable`](crate::store::RevocationStatus::Unavailable) (503):
    /// 10 seconds.
    pub const DEFAULT_STALENESS_BOUND: Duration = Duration::seconds(10);
    /// How often a mirror reloads every entry from Redis, whatever pub/sub said: 30 seconds.
    pub const DEFAULT_RESYNC_INTERVAL: Duration = Duration::seconds(30);

    /// Redis at `url` (`redis://host:port/db`, as `REDIS_URL` holds it), with the defaults:
    /// prefix `jwt-auth`, [`DEFAULT_COMMAND_TIMEOUT`](Self::DEFAULT_COMMAND_TIMEOUT),
    /// [`DEFAULT_STALENESS_BOUND`](Self::DEFAULT_STALENESS_BOUND),
    /// [`DEFAULT_RESYNC_INTERVAL`](Self::DEFAULT_RESYNC_INTERVAL).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            clock: Arc::new(SystemClock),
            target: Target::Single(SecretString::from(url.into())),
            prefix: "jwt-auth".to_owned(),
            command_timeout: Self::DEFAULT_COMMAND_TIMEOUT,
            staleness_bound: Self::DEFAULT_STALENESS_BOUND,
            resync_interval: Self::DEFAULT_RESYNC_INTERVAL,
        }
    }

    /// A Redis Cluster, found through `seeds` (`redis://host:port/` each, as
    /// `REDIS_CLUSTER_URLS` holds them, comma-separated; blanks around each are ignored; one
    /// reachable seed is enough, the others are found from it), with the defaults of
    /// [`new`](Self::new).
    ///
    /// The store runs the same scripts on the cluster, each on keys of one slot: a family's keys
    /// carry its `{sid}` hash tag, so families spread over every master. The revocation entries
    /// spread over 16 shards, each in one slot, a sixteenth of the slot space apart (so on every
    /// master of a cluster of up to 16), and reach each instance's mirror by sharded pub/sub
    /// (`SSUBSCRIBE`, Redis 7.0 or later). A master that is down makes only the operations on its
    /// slots fail with a [`StoreError`](crate::store::StoreError) (503), and the mirror answers
    /// [`RevocationStatus::Unavailable`](crate::store::RevocationStatus::Unavailable) (503)
    /// only for the tokens whose subject, family or `jti` falls in its shards, once they are
    /// staler than the bound.
    ///
    /// ```
    /// use jwt_auth::store::RedisConfig;
    ///
    /// let urls = "redis://10.0.0.1:7000/, redis://10.0.0.2:7000/, redis://10.0.0.3:7000/";
    /// let config = RedisConfig::cluster(urls.split(',')).with_prefix("shop");
    /// assert!(config.is_cluster());
    /// assert!(!RedisConfig::new("redis://10.0.0.1:6379/").is_cluster());
    /// ```
    pub fn cluster<I>(seeds: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            target: Target::Cluster(
                seeds
                    .into_iter()
                    .map(Into::into)
                    .filter_map(|seed| {
                        let seed = seed.trim();
                        (!seed.is_empty()).then(|| SecretString::from(seed))
                    })
                    .collect(),
            ),
            ..Self::new(String::new())
        }
    }

    /// Whether the store runs on a Redis Cluster ([`cluster`](Self::cluster)).
    pub fn is_cluster(&self) -> bool {
        matches!(self.target, Target::Cluster(_))
    }

    /// Sets the prefix of every key and of the channel (default `jwt-auth`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the command timeout (default 250 ms). Negative counts as zero, which fails every
    /// command with [`StoreError::Timeout`](crate::store::StoreError::Timeout).
    #[must_use]
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout.max(Duration::ZERO);
        self
    }

    /// Sets the mirror's staleness bound (default 10 s). Negative counts as zero, with which the
    /// mirror is stale as soon as it is confirmed: revocation checks answer
    /// [`RevocationStatus::Unavailable`](crate::store::RevocationStatus::Unavailable).
    #[must_use]
    pub fn with_staleness_bound(mut self, bound: Duration) -> Self {
        self.staleness_bound = bound.max(Duration::ZERO);
        self
    }

    /// Sets the mirror's full-resync interval (default 30 s). Negative counts as zero, with
    /// which the mirror reloads at every heartbeat (every 500 ms).
    #[must_use]
    pub fn with_resync_interval(mut self, interval: Duration) -> Self {
        self.resync_interval = interval.max(Duration::ZERO);
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
    pub fn staleness_bound(&self) -> Duration {
        self.staleness_bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_durations_count_as_zero() {
        let config = RedisConfig::new("redis://127.0.0.1:1/")
            .with_command_timeout(Duration::seconds(-1))
            .with_staleness_bound(Duration::MIN)
            .with_resync_interval(Duration::milliseconds(-1));
        assert_eq!(config.command_timeout, Duration::ZERO);
        assert_eq!(config.staleness_bound(), Duration::ZERO);
        assert_eq!(config.resync_interval, Duration::ZERO);
        assert_eq!(to_std(Duration::seconds(-3)), StdDuration::ZERO);
    }

    #[test]
    fn durations_reach_tokio_exactly() {
        assert_eq!(
            to_std(RedisConfig::DEFAULT_COMMAND_TIMEOUT),
            StdDuration::from_millis(250)
        );
        // The longest `time::Duration` fits a `std` one: nothing is clamped at the top.
        assert_eq!(
            to_std(Duration::MAX),
            StdDuration::new(i64::MAX as u64, 999_999_999)
        );
        let config = RedisConfig::new("redis://127.0.0.1:1/")
            .with_staleness_bound(Duration::milliseconds(1500));
        assert_eq!(config.staleness_bound(), Duration::milliseconds(1500));
        assert!(format!("{config:?}").contains("staleness_bound: 1.5s"));
    }
}
