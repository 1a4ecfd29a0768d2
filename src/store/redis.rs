//! `RedisStore` (feature `redis`): session families in Redis, and a local `RevocationMirror`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration as StdDuration, Instant};

use futures_util::StreamExt as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Client, RedisError, Script, Value};
use secrecy::{ExposeSecret as _, SecretString};
use time::{Duration, OffsetDateTime};

use super::StoreError;
use super::revocations::{RevocationSet, unix_ms};
use super::{
    EndOutcome, Family, Revocation, RevocationStatus, RevocationView, Rotation, RotationOutcome,
    SessionStore, TokenHash, Ttl,
};
use crate::clock::{Clock, SystemClock};

/// How long one Redis command may take before it fails with [`StoreError::Timeout`]: 250 ms. A
/// hung server (stopped, not closed) then behaves like a down one.
pub const DEFAULT_COMMAND_TIMEOUT: StdDuration = StdDuration::from_millis(250);
/// How long a [`RevocationMirror`] answers without confirming it is current before it refuses
/// with [`RevocationStatus::Unavailable`] (503): 10 seconds.
pub const DEFAULT_STALENESS_BOUND: StdDuration = StdDuration::from_secs(10);
/// How often a mirror reloads every entry from Redis, whatever pub/sub said: 30 seconds.
pub const DEFAULT_RESYNC_INTERVAL: StdDuration = StdDuration::from_secs(30);
/// How often a mirror asks Redis for the revocation sequence number, which confirms it is
/// current (or shows a missed message).
const HEARTBEAT: StdDuration = StdDuration::from_millis(500);

/// Where and how a [`RedisStore`] talks to Redis. Needs no server to build.
///
/// ```
/// use std::time::Duration;
/// use jwt_auth::store::{DEFAULT_STALENESS_BOUND, RedisConfig};
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
    clock: Arc<dyn Clock>,
    /// May hold a password (`redis://:password@host/`): never shown by `Debug`.
    url: SecretString,
    prefix: String,
    command_timeout: StdDuration,
    staleness_bound: StdDuration,
    resync_interval: StdDuration,
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

/// Sessions in Redis, shared by every instance of a service, with a local [`RevocationMirror`]
/// for the verifiers.
///
/// - Keys: `<prefix>:{<sid>}:family` (a hash) and `<prefix>:{<sid>}:used` (the family's last 100
///   consumed token hashes): the `{sid}` hash tag keeps a family on one cluster slot. Token
///   hashes (SHA-256, hex) are values, never tokens. They expire with the family's idle (or
///   absolute) expiry, as a time to live counted by Redis's own clock.
/// - Each refresh is one Lua script on the family's keys: consume and rotate, or detect reuse,
///   atomically; a second, small one records that the successor was delivered
///   ([`SessionStore::acknowledge`]).
/// - Revocation entries: the sorted set `{<prefix>:revocations}` (score: when the entry may be
///   dropped) and a sequence number beside it, written by one script that also publishes the
///   entry on the channel `<prefix>:revocations`.
/// - Every command has a timeout ([`DEFAULT_COMMAND_TIMEOUT`]); a down, hung or confused Redis
///   gives a [`StoreError`], never a panic and never a verdict on a token.
///
/// Needs Redis 6.0.6 or later (the scripts use `LPOS`; tested with 7.0) and a Tokio runtime.
/// The mirror follows Redis as long as a handle on the store or on the
/// mirror lives.
/// Connects lazily: a service starts while Redis is down, refreshes fail
/// with [`StoreError`] (503), and verification refuses with 503 until its mirror has synced.
///
/// ```
/// use jwt_auth::RedisStore;
/// use jwt_auth::store::{RedisConfig, RevocationStatus, RevocationView, SessionStore};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Nothing listens on port 1: the store is built, and says it cannot answer.
/// let store = RedisStore::new(RedisConfig::new("redis://127.0.0.1:1/"))?;
/// let view = store.revocations();
/// assert!(matches!(view.status("42", None, None, Some(0)), RevocationStatus::Unavailable { .. }));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    manager: ConnectionManager,
    keys: Keys,
    timeout: StdDuration,
    mirror: RevocationMirror,
    scripts: Arc<Scripts>,
    clock: Arc<dyn Clock>,
}

/// Stops the mirror's task when the last handle on the store or on its mirror is dropped.
#[derive(Debug)]
struct TaskGuard(tokio::task::AbortHandle);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.keys.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Keys {
    prefix: Arc<str>,
    revocations: Arc<str>,
    sequence: Arc<str>,
    channel: Arc<str>,
}

impl Keys {
    fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.into(),
            revocations: format!("{{{prefix}:revocations}}").into(),
            sequence: format!("{{{prefix}:revocations}}:seq").into(),
            channel: format!("{prefix}:revocations").into(),
        }
    }

    fn family(&self, sid: &str) -> (String, String) {
        (
            format!("{}:{{{sid}}}:family", self.prefix),
            format!("{}:{{{sid}}}:used", self.prefix),
        )
    }
}

struct Scripts {
    rotate: Script,
    acknowledge: Script,
    end: Script,
    revoke: Script,
    revoke_family: Script,
}

const ROTATE: &str = r"
local f = redis.call('HMGET', KEYS[1], 'sub', 'email', 'started', 'abs', 'idle', 'cur', 'par', 'pc', 'dlv', 'rev')
if not f[1] then return {'unknown'} end
local presented = ARGV[1]
local now = tonumber(ARGV[2])
if presented ~= f[6] and presented ~= f[7] and not redis.call('LPOS', KEYS[2], presented) then
  return {'unknown'}
end
if f[10] == '1' then return {'revoked', f[1]} end
local abs = tonumber(f[4])
local idle = tonumber(f[5])
if now >= abs then return {'expired', 'absolute', abs} end
if now >= idle then return {'expired', 'idle', idle} end
local new_idle = math.min(now + tonumber(ARGV[3]), abs)
if presented == f[6] then
  if f[7] and f[7] ~= '' then
    redis.call('LPUSH', KEYS[2], f[7])
    redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
  end
  redis.call('HSET', KEYS[1], 'par', presented, 'cur', ARGV[6], 'pc', ARGV[2], 'dlv', '0',
    'idle', string.format('%.0f', new_idle))
  redis.call('PEXPIRE', KEYS[1], math.max(1, new_idle - now))
  redis.call('PEXPIRE', KEYS[2], math.max(1, new_idle - now))
  return {'rotated', f[1], f[2], tonumber(f[3]), abs, new_idle, ARGV[6]}
end
if presented == f[7] and (f[9] == '0' or now < tonumber(f[8]) + tonumber(ARGV[4])) then
  for i = 6, #ARGV do
    if ARGV[i] == f[6] then
      redis.call('HSET', KEYS[1], 'idle', string.format('%.0f', new_idle))
      redis.call('PEXPIRE', KEYS[1], math.max(1, new_idle - now))
      redis.call('PEXPIRE', KEYS[2], math.max(1, new_idle - now))
      return {'repeated', f[1], f[2], tonumber(f[3]), abs, new_idle, f[6], i - 6}
    end
  end
end
redis.call('HSET', KEYS[1], 'rev', '1')
return {'reused', f[1]}
";

const ACKNOWLEDGE: &str = r"
if redis.call('HGET', KEYS[1], 'cur') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'dlv', '1')
end
return 1
";

const END: &str = r"
local f = redis.call('HMGET', KEYS[1], 'sub', 'cur', 'par')
if not f[1] then return {'unknown'} end
if ARGV[1] ~= f[2] and ARGV[1] ~= f[3] and not redis.call('LPOS', KEYS[2], ARGV[1]) then
  return {'unknown'}
end
redis.call('HSET', KEYS[1], 'rev', '1')
return {'ended', f[1]}
";

/// KEYS: the sorted set, the sequence. ARGV: member, score (drop time), now (ms), channel.
const REVOKE: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not old or tonumber(old) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
local seq = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[1])
return seq
";

const REVOKE_FAMILY: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'rev', '1') end
return 1
";

/// The member that stands for a revocation in the sorted set and on the channel.
fn member(revocation: &Revocation) -> String {
    match revocation {
        Revocation::Token { jti, .. } => format!("j:{jti}"),
        Revocation::Session { sid, .. } => format!("s:{sid}"),
        Revocation::Subject { sub, before, .. } => format!("u:{}:{sub}", unix_ms(*before)),
    }
}

fn from_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// The revocation a member and score stand for; `None` for anything else found in Redis.
fn parse_member(member: &str, until_ms: i64) -> Option<Revocation> {
    let until = from_ms(until_ms)?;
    let (kind, rest) = member.split_once(':')?;
    match kind {
        "j" => Some(Revocation::token(rest, until)),
        "s" => Some(Revocation::session(rest, until)),
        "u" => {
            let (before, sub) = rest.split_once(':')?;
            Some(Revocation::subject(
                sub,
                from_ms(before.parse().ok()?)?,
                until,
            ))
        }
        _ => None,
    }
}

fn store_error(error: &RedisError, timeout: StdDuration) -> StoreError {
    if error.is_timeout() {
        StoreError::Timeout {
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        }
    } else if error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal()
    {
        StoreError::Unavailable {
            reason: error.to_string(),
        }
    } else {
        StoreError::Unexpected {
            reason: error.to_string(),
        }
    }
}

fn unexpected(what: &str) -> StoreError {
    StoreError::Unexpected {
        reason: format!("the {what} script answered something else"),
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(text) => Some(text.clone()),
        _ => None,
    }
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        other => text(other)?.parse().ok(),
    }
}

fn hash(value: &Value) -> Option<TokenHash> {
    let hex = text(value)?;
    if hex.len() != 64 {
        return None;
    }
    let mut bytes = [0; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(TokenHash::from_bytes(bytes))
}

/// A `rotated`/`repeated` answer: sub, email, started, abs, idle, cur.
fn family_from(sid: &str, fields: &[Value]) -> Option<Family> {
    let [sub, email, started, abs, idle, cur, ..] = fields else {
        return None;
    };
    let mut family = Family::new(sid, text(sub)?, from_ms(int(started)?)?, hash(cur)?)
        .with_expiry(from_ms(int(abs)?)?, from_ms(int(idle)?)?);
    family.email = text(email);
    Some(family)
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.whole_milliseconds()).unwrap_or(i64::MAX)
}

impl RedisStore {
    /// A store on the Redis of `config`, and its mirror's background task (which needs a Tokio
    /// runtime). Connects lazily.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the URL is not a Redis URL.
    pub fn new(config: RedisConfig) -> Result<Self, StoreError> {
        let client =
            Client::open(config.url.expose_secret()).map_err(|e| StoreError::Unavailable {
                reason: format!("invalid Redis URL ({:?})", e.kind()),
            })?;
        let manager_config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(config.command_timeout))
            .set_connection_timeout(Some(config.command_timeout))
            .set_number_of_retries(1)
            .set_max_delay(StdDuration::from_millis(500));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), manager_config)
            .map_err(|e| store_error(&e, config.command_timeout))?;
        let keys = Keys::new(&config.prefix);
        let follower = RevocationMirror::new(config.staleness_bound);
        let task = tokio::spawn(follower.clone().run(
            client,
            manager.clone(),
            keys.clone(),
            config.command_timeout,
            config.resync_interval,
        ));
        let mirror = RevocationMirror {
            shared: follower.shared,
            _task: Some(Arc::new(TaskGuard(task.abort_handle()))),
        };
        Ok(Self {
            manager,
            keys,
            timeout: config.command_timeout,
            mirror,
            scripts: Arc::new(Scripts {
                rotate: Script::new(ROTATE),
                acknowledge: Script::new(ACKNOWLEDGE),
                end: Script::new(END),
                revoke: Script::new(REVOKE),
                revoke_family: Script::new(REVOKE_FAMILY),
            }),
            clock: config.clock,
        })
    }

    /// The local mirror of the revocation entries.
    pub fn mirror(&self) -> &RevocationMirror {
        &self.mirror
    }

    async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(store_error(&error, self.timeout)),
            Err(_) => Err(StoreError::Timeout {
                timeout_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }
}

impl SessionStore for RedisStore {
    type View = RevocationMirror;

    fn revocations(&self) -> RevocationMirror {
        self.mirror.clone()
    }

    async fn start(&self, family: Family) -> Result<(), StoreError> {
        let (family_key, _) = self.keys.family(&family.sid);
        let idle_ms = unix_ms(family.idle_expiry);
        let mut fields = vec![
            ("sub", family.sub.clone()),
            ("started", unix_ms(family.started).to_string()),
            ("abs", unix_ms(family.absolute_expiry).to_string()),
            ("idle", idle_ms.to_string()),
            ("cur", family.current.to_hex()),
            ("par", String::new()),
            ("pc", "0".to_owned()),
            ("dlv", "1".to_owned()),
            ("rev", "0".to_owned()),
        ];
        if let Some(email) = &family.email {
            fields.push(("email", email.clone()));
        }
        let mut manager = self.manager.clone();
        let mut pipe = redis::pipe();
        pipe.atomic()
            .hset_multiple(&family_key, &fields)
            .ignore()
            .cmd("PEXPIRE")
            .arg(&family_key)
            .arg((idle_ms - unix_ms(family.started)).max(1))
            .ignore();
        self.bounded(pipe.query_async::<()>(&mut manager)).await
    }

    async fn rotate(&self, rotation: Rotation) -> Result<RotationOutcome, StoreError> {
        let (family_key, used_key) = self.keys.family(&rotation.sid);
        let mut invocation = self.scripts.rotate.key(&family_key);
        invocation
            .key(&used_key)
            .arg(rotation.presented.to_hex())
            .arg(unix_ms(rotation.now))
            .arg(ms(rotation.idle))
            .arg(ms(rotation.grace))
            .arg(super::memory::REMEMBERED_TOKENS);
        for successor in &rotation.successors {
            invocation.arg(successor.to_hex());
        }
        let mut manager = self.manager.clone();
        let answer: Vec<Value> = self.bounded(invocation.invoke_async(&mut manager)).await?;
        let bad = || unexpected("rotate");
        let kind = answer.first().and_then(text).ok_or_else(bad)?;
        let sub = || answer.get(1).and_then(text).ok_or_else(bad);
        Ok(match kind.as_str() {
            "unknown" => RotationOutcome::Unknown,
            "revoked" => RotationOutcome::Revoked { sub: sub()? },
            "reused" => RotationOutcome::Reused { sub: sub()? },
            "expired" => {
                let ttl = match answer.get(1).and_then(text).as_deref() {
                    Some("absolute") => Ttl::Absolute,
                    Some("idle") => Ttl::Idle,
                    _ => return Err(bad()),
                };
                let at = answer
                    .get(2)
                    .and_then(int)
                    .and_then(from_ms)
                    .ok_or_else(bad)?;
                RotationOutcome::Expired { ttl, at }
            }
            "rotated" => {
                RotationOutcome::Rotated(family_from(&rotation.sid, &answer[1..]).ok_or_else(bad)?)
            }
            "repeated" => RotationOutcome::Repeated {
                family: family_from(&rotation.sid, &answer[1..]).ok_or_else(bad)?,
                successor: answer
                    .get(7)
                    .and_then(int)
                    .and_then(|i| usize::try_from(i).ok())
                    .ok_or_else(bad)?,
            },
            _ => return Err(bad()),
        })
    }

    async fn acknowledge(&self, sid: &str, current: TokenHash) -> Result<(), StoreError> {
        let (family_key, _) = self.keys.family(sid);
        let mut invocation = self.scripts.acknowledge.key(&family_key);
        invocation.arg(current.to_hex());
        let mut manager = self.manager.clone();
        self.bounded(invocation.invoke_async::<i64>(&mut manager))
            .await
            .map(drop)
    }

    async fn end(&self, sid: &str, presented: TokenHash) -> Result<EndOutcome, StoreError> {
        let (family_key, used_key) = self.keys.family(sid);
        let mut invocation = self.scripts.end.key(&family_key);
        invocation.key(&used_key).arg(presented.to_hex());
        let mut manager = self.manager.clone();
        let answer: Vec<Value> = self.bounded(invocation.invoke_async(&mut manager)).await?;
        match (answer.first().and_then(text).as_deref(), answer.get(1)) {
            (Some("unknown"), _) => Ok(EndOutcome::Unknown),
            (Some("ended"), Some(sub)) => Ok(EndOutcome::Ended {
                sub: text(sub).ok_or_else(|| unexpected("end"))?,
            }),
            _ => Err(unexpected("end")),
        }
    }

    async fn revoke(&self, revocation: Revocation) -> Result<(), StoreError> {
        let mut manager = self.manager.clone();
        let mut invocation = self.scripts.revoke.key(&*self.keys.revocations);
        invocation
            .key(&*self.keys.sequence)
            .arg(member(&revocation))
            .arg(unix_ms(revocation.kept_until()))
            .arg(unix_ms(self.clock.now()))
            .arg(&*self.keys.channel);
        let seq: i64 = self.bounded(invocation.invoke_async(&mut manager)).await?;
        // The writer applies its own entry at once, so its own verifiers never lag behind it.
        self.mirror
            .apply(&revocation, u64::try_from(seq).unwrap_or(0));
        if let Revocation::Session { sid, .. } = &revocation {
            let (family_key, _) = self.keys.family(sid);
            let invocation = self.scripts.revoke_family.key(&family_key);
            self.bounded(invocation.invoke_async::<i64>(&mut manager))
                .await?;
        }
        Ok(())
    }
}

/// An in-memory copy of a [`RedisStore`]'s revocation entries, on each instance, for
/// [`Verifier::with_revocation`](crate::Verifier::with_revocation): a verify never waits on
/// the network.
///
/// Fed by Redis pub/sub for new entries, a full reload on each (re)connection and every
/// [`DEFAULT_RESYNC_INTERVAL`], and a heartbeat every 500 ms that reads the revocation sequence
/// number: a gap (a message lost) triggers a reload, and a heartbeat that finds the mirror
/// complete confirms it current. A mirror not confirmed for longer than its staleness bound
/// ([`DEFAULT_STALENESS_BOUND`], 10 s) answers [`RevocationStatus::Unavailable`], which the
/// verifier turns into a 503 with `Retry-After`; so does a mirror that has never synced. Its
/// memory is bounded by Redis's: entries leave Redis when the tokens they cover have expired,
/// and leave the mirror at its next full reload.
///
/// ```
/// use jwt_auth::RedisStore;
/// use jwt_auth::store::{RedisConfig, RevocationView};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::new(RedisConfig::new("redis://127.0.0.1:1/"))?;
/// let synced = store.mirror().wait_synced(std::time::Duration::from_millis(50)).await;
/// assert!(!synced, "nothing listens on port 1");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RevocationMirror {
    shared: Arc<MirrorShared>,
    /// `None` in the task's own copy, so that the task does not keep itself alive.
    _task: Option<Arc<TaskGuard>>,
}

impl std::fmt::Debug for RevocationMirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevocationMirror")
            .field("entries", &self.len())
            .field("staleness", &self.staleness())
            .field("bound", &self.shared.bound)
            .finish_non_exhaustive()
    }
}

struct MirrorShared {
    set: RwLock<RevocationSet>,
    /// The highest sequence number such that every entry up to it is applied.
    applied: AtomicU64,
    /// When the mirror was last confirmed current, in microseconds after `origin`, plus one
    /// (zero: never).
    confirmed: AtomicU64,
    origin: Instant,
    bound: StdDuration,
}

impl RevocationMirror {
    fn new(bound: StdDuration) -> Self {
        Self {
            shared: Arc::new(MirrorShared {
                set: RwLock::default(),
                applied: AtomicU64::new(0),
                confirmed: AtomicU64::new(0),
                origin: Instant::now(),
                bound,
            }),
            _task: None,
        }
    }

    /// How long since the mirror was last confirmed current; `None` if it never was.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = jwt_auth::RedisStore::new(jwt_auth::store::RedisConfig::new("redis://127.0.0.1:1/"))?;
    /// assert_eq!(store.mirror().staleness(), None);
    /// # Ok(()) }
    /// ```
    pub fn staleness(&self) -> Option<StdDuration> {
        let confirmed = self.shared.confirmed.load(Ordering::Acquire);
        let at = self.shared.origin + StdDuration::from_micros(confirmed.checked_sub(1)?);
        Some(at.elapsed())
    }

    /// Waits until the mirror has synced with Redis at least once, for at most `timeout`; says
    /// whether it has. For start-up, before serving.
    pub async fn wait_synced(&self, timeout: StdDuration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.staleness().is_some() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
    }

    /// How many entries the mirror holds.
    pub fn len(&self) -> usize {
        self.shared
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether the mirror holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn confirm(&self, at: Instant) {
        let micros = at.saturating_duration_since(self.shared.origin).as_micros();
        let micros = u64::try_from(micros).unwrap_or(u64::MAX - 1) + 1;
        self.shared.confirmed.fetch_max(micros, Ordering::AcqRel);
    }

    /// Applies one entry; advances the applied sequence only when nothing is missing before it.
    fn apply(&self, revocation: &Revocation, seq: u64) {
        let mut set = self
            .shared
            .set
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        // The mirror holds what Redis holds; Redis bounds it.
        let _never_full = set.insert(revocation, i64::MIN, usize::MAX);
        let _ = self.shared.applied.compare_exchange(
            seq.saturating_sub(1),
            seq,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    fn apply_message(&self, payload: &str) {
        let mut parts = payload.splitn(3, ' ');
        if let (Some(seq), Some(until), Some(member)) = (parts.next(), parts.next(), parts.next())
            && let (Ok(seq), Ok(until)) = (seq.parse::<u64>(), until.parse::<i64>())
            && let Some(revocation) = parse_member(member, until)
        {
            self.apply(&revocation, seq);
        }
    }

    /// Reloads every entry, and the sequence number they are complete up to, in one transaction.
    async fn resync(
        &self,
        manager: &mut ConnectionManager,
        keys: &Keys,
        timeout: StdDuration,
    ) -> Result<(), ()> {
        let started = Instant::now();
        let mut pipe = redis::pipe();
        pipe.atomic()
            .get(&*keys.sequence)
            .zrange_withscores(&*keys.revocations, 0, -1);
        let (seq, entries): (Option<u64>, Vec<(String, f64)>) =
            match tokio::time::timeout(timeout, pipe.query_async(manager)).await {
                Ok(Ok(answer)) => answer,
                _ => return Err(()),
            };
        let mut set = RevocationSet::default();
        for (member, until) in entries {
            #[allow(clippy::cast_possible_truncation)] // scores are whole milliseconds
            if let Some(revocation) = parse_member(&member, until as i64) {
                let _never_full = set.insert(&revocation, i64::MIN, usize::MAX);
            }
        }
        *self
            .shared
            .set
            .write()
            .unwrap_or_else(PoisonError::into_inner) = set;
        self.shared
            .applied
            .store(seq.unwrap_or(0), Ordering::Release);
        self.confirm(started);
        Ok(())
    }

    /// The background task: (re)connect, subscribe, reload, then follow messages and heartbeats
    /// until the connection fails; forever.
    async fn run(
        self,
        client: Client,
        mut manager: ConnectionManager,
        keys: Keys,
        timeout: StdDuration,
        resync_interval: StdDuration,
    ) {
        loop {
            if let Ok(Ok(mut pubsub)) =
                tokio::time::timeout(timeout, client.get_async_pubsub()).await
                && matches!(
                    tokio::time::timeout(timeout, pubsub.subscribe(&*keys.channel)).await,
                    Ok(Ok(()))
                )
                && self.resync(&mut manager, &keys, timeout).await.is_ok()
            {
                self.follow(pubsub, &mut manager, &keys, timeout, resync_interval)
                    .await;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
    }

    async fn follow(
        &self,
        pubsub: redis::aio::PubSub,
        manager: &mut ConnectionManager,
        keys: &Keys,
        timeout: StdDuration,
        resync_interval: StdDuration,
    ) {
        let mut messages = pubsub.into_on_message();
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_resync = Instant::now();
        // A gap seen at one heartbeat: if still there at the next, a message was lost.
        let mut gap_seen = false;
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(message) = message else { return };
                    if let Ok(payload) = std::str::from_utf8(message.get_payload_bytes()) {
                        self.apply_message(payload);
                    }
                }
                _ = heartbeat.tick() => {
                    let sent = Instant::now();
                    let seq = match tokio::time::timeout(
                        timeout,
                        manager.get::<_, Option<u64>>(&*keys.sequence),
                    )
                    .await
                    {
                        Ok(Ok(seq)) => seq.unwrap_or(0),
                        _ => return,
                    };
                    let complete = self.shared.applied.load(Ordering::Acquire) >= seq;
                    if complete {
                        gap_seen = false;
                        self.confirm(sent);
                    }
                    if (!complete && gap_seen) || last_resync.elapsed() >= resync_interval {
                        if self.resync(manager, keys, timeout).await.is_err() {
                            return;
                        }
                        last_resync = Instant::now();
                        gap_seen = false;
                    } else if !complete {
                        gap_seen = true;
                    }
                }
            }
        }
    }
}

impl RevocationView for RevocationMirror {
    fn status(
        &self,
        sub: &str,
        sid: Option<&str>,
        jti: Option<&str>,
        iat: Option<i64>,
    ) -> RevocationStatus {
        let stale_for = self.staleness();
        match stale_for {
            Some(age) if age <= self.shared.bound => self
                .shared
                .set
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .status(sub, sid, jti, iat),
            _ => RevocationStatus::Unavailable {
                stale_for: Duration::try_from(
                    stale_for.unwrap_or_else(|| self.shared.origin.elapsed()),
                )
                .unwrap_or(Duration::MAX),
            },
        }
    }

    fn subject_cutoff(&self, sub: &str) -> Option<OffsetDateTime> {
        let ms = self
            .shared
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .subject_cutoff_ms(sub)?;
        from_ms(ms)
    }
}
