//! `RevocationMirror`: each instance's copy of the revocation entries, kept current by pub/sub,
//! a heartbeat and periodic full reloads, and refusing to answer once it may be stale.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration as StdDuration, Instant};

use futures_util::StreamExt as _;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands as _, Client};
use time::{Duration, OffsetDateTime};

use super::config::to_std;
use super::layout::{Keys, from_ms, parse_member};
use crate::store::revocations::RevocationSet;
use crate::store::{Revocation, RevocationStatus, RevocationView};

/// How often a mirror asks Redis for the revocation sequence number, which confirms it is
/// current (or shows a missed message).
const HEARTBEAT: StdDuration = StdDuration::from_millis(500);

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
    /// A mirror of the entries under `keys`, and its background task (on the current Tokio
    /// runtime), which lives as long as a clone of the returned handle does.
    pub(super) fn spawn(
        client: Client,
        manager: ConnectionManager,
        keys: Keys,
        timeout: StdDuration,
        resync_interval: StdDuration,
        bound: StdDuration,
    ) -> Self {
        let follower = Self {
            shared: Arc::new(MirrorShared {
                set: RwLock::default(),
                applied: AtomicU64::new(0),
                confirmed: AtomicU64::new(0),
                origin: Instant::now(),
                bound,
            }),
            _task: None,
        };
        let shared = Arc::clone(&follower.shared);
        let task = tokio::spawn(follower.run(client, manager, keys, timeout, resync_interval));
        Self {
            shared,
            _task: Some(Arc::new(TaskGuard(task.abort_handle()))),
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
    pub fn staleness(&self) -> Option<Duration> {
        self.age()
            .map(|age| Duration::try_from(age).unwrap_or(Duration::MAX))
    }

    /// [`staleness`](Self::staleness) as `Instant`s measure it.
    fn age(&self) -> Option<StdDuration> {
        let confirmed = self.shared.confirmed.load(Ordering::Acquire);
        let at = self.shared.origin + StdDuration::from_micros(confirmed.checked_sub(1)?);
        Some(at.elapsed())
    }

    /// Waits until the mirror has synced with Redis at least once, for at most `timeout` (a
    /// negative one counts as zero: it only looks); says whether it has. For start-up, before
    /// serving.
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
    pub(super) fn apply(&self, revocation: &Revocation, seq: u64) {
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
        let stale_for = self.age();
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
