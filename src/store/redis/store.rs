//! `RedisStore`: the [`SessionStore`] on Redis, one atomic script per change.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClient, ClusterClientBuilder, ClusterConfig};
use redis::{Client, ProtocolVersion, RedisError, Value};
use secrecy::{ExposeSecret, SecretString};

use super::config::{RedisConfig, Target, to_std};
use super::connection::Connection;
use super::layout::{Keys, from_ms};
use super::mirror::{Feed, RevocationMirror};
use super::scripts::Scripts;
use crate::clock::Clock;
use crate::store::StoreError;
use crate::store::revocations::unix_ms;
use crate::store::{
    EndOutcome, Family, Revocation, Rotation, RotationOutcome, SessionStore, TokenHash, Ttl,
};

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
///   entry on the channel `<prefix>:revocations`. On a Redis Cluster
///   ([`RedisConfig::cluster`]), 16 such shards, `{<prefix>:revocations:<n>}`, each with its
///   sequence number and its sharded channel (`SPUBLISH`) in its one slot; an entry lives in the
///   shard of its subject, `sid` or `jti`.
/// - Every command has a timeout ([`RedisConfig::DEFAULT_COMMAND_TIMEOUT`]); a down, hung or confused Redis
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
///
/// // The same on a Redis Cluster, from its seed nodes.
/// let seeds = ["redis://127.0.0.1:1/", "redis://127.0.0.1:2/"];
/// let cluster = RedisStore::new(RedisConfig::cluster(seeds))?;
/// assert!(matches!(
///     cluster.revocations().status("42", None, None, Some(0)),
///     RevocationStatus::Unavailable { .. }
/// ));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    manager: Connection,
    keys: Keys,
    timeout: StdDuration,
    mirror: RevocationMirror,
    scripts: Arc<Scripts>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.keys.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
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

/// A client of the cluster at `seeds`; connects when first used.
fn cluster_client(
    seeds: &[SecretString],
    protocol: ProtocolVersion,
) -> Result<ClusterClient, StoreError> {
    if seeds.is_empty() {
        return Err(StoreError::Unavailable {
            reason: "no Redis Cluster seed node".to_owned(),
        });
    }
    ClusterClientBuilder::new(seeds.iter().map(ExposeSecret::expose_secret))
        .use_protocol(protocol)
        // A moved slot or a failed-over master is retried quickly; a master that is down fails
        // the command within its timeout.
        .retries(3)
        .min_retry_wait(10)
        .max_retry_wait(100)
        .build()
        .map_err(|e| StoreError::Unavailable {
            reason: format!("invalid Redis Cluster URL ({:?})", e.kind()),
        })
}

impl RedisStore {
    /// A store on the Redis (or the Redis Cluster, [`RedisConfig::cluster`]) of `config`, and its
    /// mirror's background task (which needs a Tokio runtime). Connects lazily.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when a URL is not a Redis URL, or a cluster has no seed.
    pub fn new(config: RedisConfig) -> Result<Self, StoreError> {
        let timeout = to_std(config.command_timeout);
        let (manager, feed, keys) = match &config.target {
            Target::Single(url) => {
                let client =
                    Client::open(url.expose_secret()).map_err(|e| StoreError::Unavailable {
                        reason: format!("invalid Redis URL ({:?})", e.kind()),
                    })?;
                let manager_config = ConnectionManagerConfig::new()
                    .set_response_timeout(Some(timeout))
                    .set_connection_timeout(Some(timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(StdDuration::from_millis(500));
                let manager =
                    ConnectionManager::new_lazy_with_config(client.clone(), manager_config)
                        .map_err(|e| store_error(&e, timeout))?;
                (
                    Connection::Single(manager),
                    Feed::Single(client),
                    Keys::new(&config.prefix),
                )
            }
            Target::Cluster(seeds) => {
                let commands = cluster_client(seeds, ProtocolVersion::RESP2)?;
                // Pub/sub messages reach a cluster connection only as RESP3 pushes; the commands
                // keep RESP2's answers, which the scripts' replies are read as.
                let feed = cluster_client(seeds, ProtocolVersion::RESP3)?;
                let connection = commands.get_pending_async_connection_with_config(
                    ClusterConfig::new()
                        .set_connection_timeout(timeout)
                        .set_response_timeout(timeout),
                );
                (
                    Connection::Cluster(connection),
                    Feed::Cluster(Box::new(feed)),
                    Keys::cluster(&config.prefix),
                )
            }
        };
        let mirror = RevocationMirror::spawn(
            feed,
            manager.clone(),
            keys.clone(),
            timeout,
            to_std(config.resync_interval),
            to_std(config.staleness_bound),
        );
        Ok(Self {
            manager,
            keys,
            timeout,
            mirror,
            scripts: Arc::new(Scripts::new()),
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
        let family_key = self.keys.family(&family.sid).hash;
        let idle_ms = unix_ms(family.idle_expiry);
        // The scripts in lua/ read these fields by name, and families already in a running Redis
        // carry them: renaming one is a data migration.
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
        let keys = self.keys.family(&rotation.sid);
        let invocation = self.scripts.rotate(&keys, &rotation);
        let mut manager = self.manager.clone();
        let answer: Vec<Value> = self.bounded(invocation.invoke_async(&mut manager)).await?;
        let bad = || unexpected("rotate");
        let (kind, reply) = answer.split_first().ok_or_else(bad)?;
        // The replies of lua/rotate.lua, field by field.
        Ok(match (text(kind).as_deref(), reply) {
            (Some("unknown"), _) => RotationOutcome::Unknown,
            (Some("revoked"), [sub, ..]) => RotationOutcome::Revoked {
                sub: text(sub).ok_or_else(bad)?,
            },
            (Some("reused"), [sub, ..]) => RotationOutcome::Reused {
                sub: text(sub).ok_or_else(bad)?,
            },
            (Some("expired"), [ttl, at, ..]) => RotationOutcome::Expired {
                ttl: match text(ttl).as_deref() {
                    Some("absolute") => Ttl::Absolute,
                    Some("idle") => Ttl::Idle,
                    _ => return Err(bad()),
                },
                at: int(at).and_then(from_ms).ok_or_else(bad)?,
            },
            (Some("rotated"), family) => {
                RotationOutcome::Rotated(family_from(&rotation.sid, family).ok_or_else(bad)?)
            }
            (Some("repeated"), [family @ .., successor]) => RotationOutcome::Repeated {
                family: family_from(&rotation.sid, family).ok_or_else(bad)?,
                successor: int(successor)
                    .and_then(|i| usize::try_from(i).ok())
                    .ok_or_else(bad)?,
            },
            _ => return Err(bad()),
        })
    }

    async fn acknowledge(&self, sid: &str, current: TokenHash) -> Result<(), StoreError> {
        let invocation = self.scripts.acknowledge(&self.keys.family(sid), current);
        let mut manager = self.manager.clone();
        self.bounded(invocation.invoke_async::<i64>(&mut manager))
            .await
            .map(drop)
    }

    async fn end(&self, sid: &str, presented: TokenHash) -> Result<EndOutcome, StoreError> {
        let invocation = self.scripts.end(&self.keys.family(sid), presented);
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
        let invocation = self
            .scripts
            .revoke(&self.keys, &revocation, self.clock.now());
        let seq: i64 = self.bounded(invocation.invoke_async(&mut manager)).await?;
        // The writer applies its own entry at once, so its own verifiers never lag behind it.
        self.mirror
            .apply(&revocation, u64::try_from(seq).unwrap_or(0));
        if let Revocation::Session { sid, .. } = &revocation {
            let invocation = self.scripts.revoke_family(&self.keys.family(sid));
            self.bounded(invocation.invoke_async::<i64>(&mut manager))
                .await?;
        }
        Ok(())
    }
}
