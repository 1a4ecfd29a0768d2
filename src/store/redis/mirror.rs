//! `RevocationMirror`: each instance's copy of the revocation entries, kept current by pub/sub,
//! a heartbeat and periodic full reloads, and refusing to answer once it may be stale.

use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration as StdDuration, Instant};

use futures_util::future::join_all;
use futures_util::{Stream, StreamExt as _, stream};
use redis::cluster::{ClusterClient, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::{AsyncCommands as _, Client, PushKind, Value};
use time::{Duration, OffsetDateTime};

use super::config::to_std;
use super::connection::Connection;
use super::layout::{Keys, Shard, from_ms, parse_member};
use crate::observe::MirrorLag;
use crate::store::revocations::RevocationSet;
use crate::store::{Revocation, RevocationStatus, RevocationView};

/// How often a mirror asks Redis for the revocation sequence numbers, which confirm it is
/// current (or show a missed message).
const HEARTBEAT: StdDuration = StdDuration::from_millis(500);

/// Where a mirror hears of new entries: one Redis's pub/sub, or a cluster's sharded pub/sub
/// (RESP3 pushes).
pub(super) enum Feed {
    Single(Client),
    Cluster(Box<ClusterClient>),
}

/// Stops the mirror's task when the last handle on the store or on its mirror is dropped.
#[derive(Debug)]
struct TaskGuard(tokio::task::AbortHandle);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// An in-memory copy of a [`RedisStore`](super::RedisStore)'s revocation entries, on each instance, for
/// [`Verifier::with_revocation`](crate::Verifier::with_revocation): a verify never waits on
/// the network.
///
/// Fed by Redis pub/sub for new entries, a full reload on each (re)connection and every
/// [`RedisConfig::DEFAULT_RESYNC_INTERVAL`](super::RedisConfig::DEFAULT_RESYNC_INTERVAL), and a heartbeat every 500 ms that reads the
/// revocation sequence number: a gap (a message lost) triggers a reload, and a heartbeat that
/// finds the mirror complete confirms it current. A mirror not confirmed for longer than its
/// staleness bound ([`RedisConfig::DEFAULT_STALENESS_BOUND`](super::RedisConfig::DEFAULT_STALENESS_BOUND), 10 s) answers
/// [`RevocationStatus::Unavailable`], which the verifier turns into a 503 with `Retry-After`;
/// so does a mirror that has never synced. Its
/// memory is bounded by Redis's: entries leave Redis when the tokens they cover have expired,
/// and leave the mirror at its next full reload.
///
/// ```
/// use jwt_auth::RedisStore;
/// use jwt_auth::store::{RedisConfig, RevocationView};
/// use time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::new(RedisConfig::new("redis://127.0.0.1:1/"))?;
/// let synced = store.mirror().wait_synced(Duration::milliseconds(50)).await;
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
            .field("staleness", &self.age())
            .field("bound", &self.shared.bound)
            .finish_non_exhaustive()
    }
}

struct MirrorShared {
    /// One per shard of the entries (one on a single Redis; see `layout::Keys`).
    shards: Box<[ShardCopy]>,
    keys: Keys,
    origin: Instant,
    bound: StdDuration,
    /// What the mirror last reported of its lag, to `tracing` and `metrics`.
    lag: MirrorLag,
}

/// The copy of one shard.
#[derive(Default)]
struct ShardCopy {
    set: RwLock<RevocationSet>,
    /// The highest sequence number such that every entry up to it is applied.
    applied: AtomicU64,
    /// When the shard was last confirmed current, in microseconds after `origin`, plus one
    /// (zero: never).
    confirmed: AtomicU64,
}

/// What the task remembers of one shard between heartbeats.
struct Following {
    /// A gap seen at one heartbeat: if still there at the next, a message was lost.
    gap_seen: bool,
    /// Reload at the next heartbeat that reaches the shard (it could not be read: messages may
    /// have been lost meanwhile).
    reload: bool,
    last_resync: Instant,
}

impl RevocationMirror {
    /// A mirror of the entries under `keys`, and its background task (on the current Tokio
    /// runtime), which lives as long as a clone of the returned handle does.
    pub(super) fn spawn(
        feed: Feed,
        connection: Connection,
        keys: Keys,
        timeout: StdDuration,
        resync_interval: StdDuration,
        bound: StdDuration,
    ) -> Self {
        let follower = Self {
            shared: Arc::new(MirrorShared {
                shards: keys.shards.iter().map(|_| ShardCopy::default()).collect(),
                keys,
                origin: Instant::now(),
                bound,
                lag: MirrorLag::default(),
            }),
            _task: None,
        };
        let shared = Arc::clone(&follower.shared);
        let task = tokio::spawn(async move {
            match feed {
                Feed::Single(client) => {
                    follower
                        .run_single(client, connection, timeout, resync_interval)
                        .await;
                }
                Feed::Cluster(client) => {
                    follower
                        .run_cluster(&client, connection, timeout, resync_interval)
                        .await;
                }
            }
        });
        Self {
            shared,
            _task: Some(Arc::new(TaskGuard(task.abort_handle()))),
        }
    }

    /// How long since the mirror was last confirmed current; `None` if it never was. On a Redis
    /// Cluster, the stalest of its shards (a master that is down holds its shards back).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = jwt_auth::RedisStore::new(jwt_auth::store::RedisConfig::new("redis://127.0.0.1:1/"))?;
    /// assert_eq!(store.mirror().staleness(), None);
    /// # Ok(()) }
    /// ```
    pub fn staleness(&self) -> Option<Duration> {
        self.age()
            .map(|age| Duration::try_from(age).unwrap_or(Duration::MAX))
    }

    /// [`staleness`](Self::staleness) as `Instant`s measure it.
    fn age(&self) -> Option<StdDuration> {
        self.age_of(0..self.shared.shards.len())
    }

    /// The age of the stalest of `shards`; `None` if one never synced.
    fn age_of(&self, shards: impl IntoIterator<Item = usize>) -> Option<StdDuration> {
        let mut oldest = u64::MAX;
        for shard in shards {
            oldest = oldest.min(self.shared.shards[shard].confirmed.load(Ordering::Acquire));
        }
        let at = self.shared.origin + StdDuration::from_micros(oldest.checked_sub(1)?);
        Some(at.elapsed())
    }

    /// Waits until the mirror has synced with Redis at least once (on a cluster, every shard),
    /// for at most `timeout` (a negative one counts as zero: it only looks); says whether it
    /// has. For start-up, before serving.
    pub async fn wait_synced(&self, timeout: Duration) -> bool {
        // A timeout past what `Instant` can hold waits for as long as it takes.
        let deadline = Instant::now().checked_add(to_std(timeout));
        loop {
            if self.age().is_some() {
                return true;
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return false;
            }
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
    }

    /// Reports how long since the mirror was confirmed current (since it started, if it never
    /// was): at each heartbeat, and at each attempt to reconnect.
    fn report_lag(&self) {
        let lag = self.age().unwrap_or_else(|| self.shared.origin.elapsed());
        self.shared.lag.report(lag, self.shared.bound);
    }

    /// How many entries the mirror holds.
    pub fn len(&self) -> usize {
        self.shared
            .shards
            .iter()
            .map(|shard| {
                shard
                    .set
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len()
            })
            .sum()
    }

    /// Whether the mirror holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn confirm(&self, shard: usize, at: Instant) {
        let micros = at.saturating_duration_since(self.shared.origin).as_micros();
        let micros = u64::try_from(micros).unwrap_or(u64::MAX - 1) + 1;
        self.shared.shards[shard]
            .confirmed
            .fetch_max(micros, Ordering::AcqRel);
    }

    /// Applies one entry; advances its shard's applied sequence only when nothing is missing
    /// before it.
    pub(super) fn apply(&self, revocation: &Revocation, seq: u64) {
        let shard = &self.shared.shards[self.shared.keys.shard_for(revocation)];
        let mut set = shard.set.write().unwrap_or_else(PoisonError::into_inner);
        // The mirror holds what Redis holds; Redis bounds it.
        let _never_full = set.insert(revocation, i64::MIN, usize::MAX);
        let _ = shard.applied.compare_exchange(
            seq.saturating_sub(1),
            seq,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    fn apply_message(&self, payload: &[u8]) {
        let Ok(payload) = std::str::from_utf8(payload) else {
            return;
        };
        let mut parts = payload.splitn(3, ' ');
        if let (Some(seq), Some(until), Some(member)) = (parts.next(), parts.next(), parts.next())
            && let (Ok(seq), Ok(until)) = (seq.parse::<u64>(), until.parse::<i64>())
            && let Some(revocation) = parse_member(member, until)
        {
            self.apply(&revocation, seq);
        }
    }

    /// Reloads every entry of shard `index`, and the sequence number they are complete up to,
    /// in one transaction (the shard's keys share a slot).
    async fn resync(
        &self,
        mut connection: Connection,
        index: usize,
        timeout: StdDuration,
    ) -> Result<(), ()> {
        let started = Instant::now();
        let Shard {
            entries, sequence, ..
        } = &self.shared.keys.shards[index];
        let mut pipe = redis::pipe();
        pipe.atomic()
            .get(sequence)
            .zrange_withscores(entries, 0, -1);
        let (seq, entries): (Option<u64>, Vec<(String, f64)>) =
            match tokio::time::timeout(timeout, pipe.query_async(&mut connection)).await {
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
        let shard = &self.shared.shards[index];
        *shard.set.write().unwrap_or_else(PoisonError::into_inner) = set;
        shard.applied.store(seq.unwrap_or(0), Ordering::Release);
        self.confirm(index, started);
        Ok(())
    }

    /// Reloads the shards `indexes`, all at once; says which failed.
    async fn resync_all(
        &self,
        connection: &Connection,
        indexes: impl IntoIterator<Item = usize>,
        timeout: StdDuration,
    ) -> Vec<usize> {
        let indexes: Vec<usize> = indexes.into_iter().collect();
        let results = join_all(
            indexes
                .iter()
                .map(|&index| self.resync(connection.clone(), index, timeout)),
        )
        .await;
        indexes
            .into_iter()
            .zip(results)
            .filter_map(|(index, result)| result.is_err().then_some(index))
            .collect()
    }

    /// The task on one Redis: (re)connect, subscribe, reload, then follow messages and
    /// heartbeats until the connection fails; forever.
    async fn run_single(
        self,
        client: Client,
        connection: Connection,
        timeout: StdDuration,
        resync_interval: StdDuration,
    ) {
        let channel = &self.shared.keys.shards[0].channel;
        loop {
            if let Ok(Ok(mut pubsub)) =
                tokio::time::timeout(timeout, client.get_async_pubsub()).await
                && matches!(
                    tokio::time::timeout(timeout, pubsub.subscribe(channel)).await,
                    Ok(Ok(()))
                )
                && self.resync_all(&connection, [0], timeout).await.is_empty()
            {
                let messages = pubsub
                    .into_on_message()
                    .map(|message| message.get_payload_bytes().to_vec());
                self.follow(messages, &connection, timeout, resync_interval, true)
                    .await;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
            self.report_lag();
        }
    }

    /// The task on a cluster: one connection with a sharded subscription to every shard's
    /// channel, each on the master of its slot, which redis-rs renews on whatever master holds the
    /// slot after a reconnection or a failover; heartbeats and reloads per shard, so that a
    /// master that is down holds back only its own shards.
    async fn run_cluster(
        self,
        client: &ClusterClient,
        connection: Connection,
        timeout: StdDuration,
        resync_interval: StdDuration,
    ) {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let mut feed = client.get_pending_async_connection_with_config(
            ClusterConfig::new()
                .set_connection_timeout(timeout)
                .set_response_timeout(timeout)
                .set_push_sender(sender),
        );
        // Until every channel is subscribed once: afterwards redis-rs keeps the subscriptions.
        let mut unsubscribed: Vec<usize> = (0..self.shared.shards.len()).collect();
        subscribe(&mut feed, &self.shared.keys, &mut unsubscribed, timeout).await;
        let messages = stream::unfold(receiver, |mut receiver| async move {
            let push = receiver.recv().await?;
            Some((push, receiver))
        })
        .filter_map(|push| async move {
            match (push.kind, push.data.get(1)) {
                (PushKind::SMessage | PushKind::Message, Some(Value::BulkString(payload))) => {
                    Some(payload.clone())
                }
                _ => None,
            }
        });
        let failed = self
            .resync_all(&connection, 0..self.shared.shards.len(), timeout)
            .await;
        let resubscribe = async {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                if unsubscribed.is_empty() {
                    return std::future::pending().await;
                }
                subscribe(&mut feed, &self.shared.keys, &mut unsubscribed, timeout).await;
            }
        };
        tokio::select! {
            () = resubscribe => {}
            () = self.follow_from(messages, &connection, timeout, resync_interval, false, &failed) => {}
        }
    }

    async fn follow(
        &self,
        messages: impl Stream<Item = Vec<u8>>,
        connection: &Connection,
        timeout: StdDuration,
        resync_interval: StdDuration,
        stop_on_failure: bool,
    ) {
        self.follow_from(
            messages,
            connection,
            timeout,
            resync_interval,
            stop_on_failure,
            &[],
        )
        .await;
    }

    /// Applies messages as they come; at each heartbeat, reads every shard's sequence number:
    /// confirms the complete shards, reloads those with a gap seen twice, those due for their
    /// periodic reload and those that could not be read before. Returns when the messages end,
    /// or (`stop_on_failure`, one Redis: the subscription must be renewed) when Redis fails.
    async fn follow_from(
        &self,
        messages: impl Stream<Item = Vec<u8>>,
        connection: &Connection,
        timeout: StdDuration,
        resync_interval: StdDuration,
        stop_on_failure: bool,
        to_reload: &[usize],
    ) {
        let mut messages = pin!(messages);
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut following: Vec<Following> = (0..self.shared.shards.len())
            .map(|index| Following {
                gap_seen: false,
                reload: to_reload.contains(&index),
                last_resync: Instant::now(),
            })
            .collect();
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(payload) = message else { return };
                    self.apply_message(&payload);
                }
                _ = heartbeat.tick() => {
                    let healthy = self.beat(connection, timeout, resync_interval, &mut following).await;
                    self.report_lag();
                    if !healthy && stop_on_failure {
                        return;
                    }
                }
            }
        }
    }

    /// One heartbeat; `false` when a shard could not be read or reloaded.
    async fn beat(
        &self,
        connection: &Connection,
        timeout: StdDuration,
        resync_interval: StdDuration,
        following: &mut [Following],
    ) -> bool {
        let sent = Instant::now();
        let sequences = join_all(self.shared.keys.shards.iter().map(|shard| {
            let mut connection = connection.clone();
            async move {
                match tokio::time::timeout(
                    timeout,
                    connection.get::<_, Option<u64>>(&shard.sequence),
                )
                .await
                {
                    Ok(Ok(seq)) => Some(seq.unwrap_or(0)),
                    _ => None,
                }
            }
        }))
        .await;
        let mut healthy = true;
        let mut reload = Vec::new();
        for (index, (seq, state)) in sequences.into_iter().zip(following.iter_mut()).enumerate() {
            let Some(seq) = seq else {
                state.reload = true;
                healthy = false;
                continue;
            };
            let complete = self.shared.shards[index].applied.load(Ordering::Acquire) >= seq;
            if complete && !state.reload {
                state.gap_seen = false;
                self.confirm(index, sent);
            }
            if state.reload
                || (!complete && state.gap_seen)
                || state.last_resync.elapsed() >= resync_interval
            {
                reload.push(index);
            } else if !complete {
                state.gap_seen = true;
            }
        }
        let failed = self
            .resync_all(connection, reload.iter().copied(), timeout)
            .await;
        for index in reload {
            let state = &mut following[index];
            if failed.contains(&index) {
                state.reload = true;
                healthy = false;
            } else {
                state.reload = false;
                state.gap_seen = false;
                state.last_resync = Instant::now();
            }
        }
        healthy
    }

    /// The shards that may hold an entry on a token of `sub`, `sid` and `jti`.
    fn shards_of(&self, sub: &str, sid: Option<&str>, jti: Option<&str>) -> [Option<usize>; 3] {
        let keys = &self.shared.keys;
        let sub = keys.shard_of(sub);
        let sid = sid.map(|sid| keys.shard_of(sid)).filter(|&sid| sid != sub);
        let jti = jti
            .map(|jti| keys.shard_of(jti))
            .filter(|&jti| jti != sub && Some(jti) != sid);
        [Some(sub), sid, jti]
    }
}

/// Subscribes `feed` to the channels of the shards `unsubscribed`, one at a time (each is in
/// its own slot); keeps those that failed.
async fn subscribe(
    feed: &mut ClusterConnection,
    keys: &Keys,
    unsubscribed: &mut Vec<usize>,
    timeout: StdDuration,
) {
    let mut failed = Vec::new();
    for &index in unsubscribed.iter() {
        let channel = &keys.shards[index].channel;
        if !matches!(
            tokio::time::timeout(timeout, feed.ssubscribe(channel)).await,
            Ok(Ok(()))
        ) {
            failed.push(index);
        }
    }
    *unsubscribed = failed;
}

impl RevocationView for RevocationMirror {
    fn status(
        &self,
        sub: &str,
        sid: Option<&str>,
        jti: Option<&str>,
        iat: Option<i64>,
    ) -> RevocationStatus {
        let shards = self.shards_of(sub, sid, jti);
        let stale_for = self.age_of(shards.iter().flatten().copied());
        match stale_for {
            Some(age) if age <= self.shared.bound => {
                for &index in shards.iter().flatten() {
                    let status = self.shared.shards[index]
                        .set
                        .read()
                        .unwrap_or_else(PoisonError::into_inner)
                        .status(sub, sid, jti, iat);
                    if status != RevocationStatus::Active {
                        return status;
                    }
                }
                RevocationStatus::Active
            }
            _ => RevocationStatus::Unavailable {
                stale_for: Duration::try_from(
                    stale_for.unwrap_or_else(|| self.shared.origin.elapsed()),
                )
                .unwrap_or(Duration::MAX),
            },
        }
    }

    fn subject_cutoff(&self, sub: &str) -> Option<OffsetDateTime> {
        let ms = self.shared.shards[self.shared.keys.shard_of(sub)]
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .subject_cutoff_ms(sub)?;
        from_ms(ms)
    }
}
