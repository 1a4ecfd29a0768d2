//! The verifier's side of a remote key set (feature `remote-jwks`): the keys as last fetched,
//! read without a lock, and the rule that turns a lookup into "use these keys", "refresh first",
//! "the source does not have it" or "the source cannot answer". The fetching itself lives in
//! `jwks::remote`, which implements [`RemoteSource`]; this module knows nothing of HTTP.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Algorithm, PublicKey};

/// What a remote key set last fetched, as verifiers see it: replaced whole after every attempt,
/// so that a verifier reads one consistent state through an `arc_swap` load.
#[derive(Debug, Default)]
pub(crate) struct RemoteSnapshot {
    /// The keys of the last document fetched and read, kept while later attempts fail.
    pub(crate) keys: Vec<PublicKey>,
    /// When those keys were fetched; `None` before the first success.
    pub(crate) fetched_at: Option<Instant>,
    /// When the last attempt, successful or not, finished; `None` before the first.
    pub(crate) attempted_at: Option<Instant>,
    /// Why the last attempt failed; `None` when it succeeded (or none was made).
    pub(crate) failure: Option<Arc<str>>,
}

/// A source of public keys fetched from elsewhere: what a [`KeySet`](super::KeySet) holds for a
/// remote key set, so that the key module needs no HTTP client.
pub(crate) trait RemoteSource: fmt::Debug + Send + Sync {
    /// The state as last fetched: an `arc_swap` load, no lock.
    fn snapshot(&self) -> arc_swap::Guard<Arc<RemoteSnapshot>>;
    /// How long after an attempt no other is made for an unknown `kid`.
    fn cooldown(&self) -> Duration;
    /// How long fetched keys keep verifying while the source cannot be fetched.
    fn max_staleness(&self) -> Duration;
    /// Asks for a refresh in the background, at once unless one is under way or the last
    /// attempt is within the cooldown; starts the background task on first use. `Err` with the
    /// reason when no refresh can run (no Tokio runtime).
    fn request_refresh(&self) -> Result<(), Arc<str>>;
    /// Completes once an attempt that was under way, or one it starts, has finished; at once
    /// when the last attempt is within the cooldown. Single flight: however many callers wait,
    /// one fetch is made.
    fn refreshed(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// What a lookup in a remote key set decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The keys found may be used.
    Use,
    /// A fresh answer from the source does not have the key: the token is bad (401).
    Unknown,
    /// A refresh may find it (or make stale keys fresh): refresh, then look again.
    Refresh,
    /// The source could not be fetched within the cooldown and the cache cannot answer (503).
    Unreachable(Arc<str>),
    /// The keys found are older than the staleness bound and the source cannot be fetched (503).
    Stale {
        /// Since the last successful fetch.
        age: Duration,
        /// Why the last attempt failed.
        reason: Arc<str>,
    },
}

impl RemoteSnapshot {
    /// The decision for a lookup that `found` keys (or not), at `now`.
    pub(crate) fn verdict(
        &self,
        found: bool,
        now: Instant,
        cooldown: Duration,
        max_staleness: Duration,
    ) -> Verdict {
        let since_attempt = self
            .attempted_at
            .map(|at| now.saturating_duration_since(at));
        let may_refresh = since_attempt.is_none_or(|since| since >= cooldown);
        let reason = || {
            self.failure
                .clone()
                .unwrap_or_else(|| Arc::from("the key set has not been fetched yet"))
        };
        match self.fetched_at {
            Some(fetched) if found => {
                let age = now.saturating_duration_since(fetched);
                if age <= max_staleness {
                    Verdict::Use
                } else if may_refresh {
                    Verdict::Refresh
                } else {
                    Verdict::Stale {
                        age,
                        reason: reason(),
                    }
                }
            }
            _ if may_refresh => Verdict::Refresh,
            _ if self.failure.is_some() => Verdict::Unreachable(reason()),
            // A successful attempt within the cooldown did not list the key.
            _ => Verdict::Unknown,
        }
    }

    /// The position in [`RemoteSnapshot::keys`] of the key `kid` names, or without `kid` of the
    /// first key of `alg`; `None` when there is none.
    pub(crate) fn find(&self, alg: Algorithm, kid: Option<&str>) -> Option<usize> {
        match kid {
            Some(kid) => self.keys.iter().position(|key| key.kid() == kid),
            None => self.keys.iter().position(|key| key.algorithm() == alg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOLDOWN: Duration = Duration::from_secs(30);
    const STALE: Duration = Duration::from_secs(3600);

    fn snapshot(
        fetched: Option<u64>,
        attempted: Option<u64>,
        failed: bool,
    ) -> (Instant, RemoteSnapshot) {
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        (
            t0,
            RemoteSnapshot {
                keys: Vec::new(),
                fetched_at: fetched.map(at),
                attempted_at: attempted.map(at),
                failure: failed.then(|| Arc::from("down")),
            },
        )
    }

    #[test]
    fn never_fetched_refreshes_then_is_unreachable_within_the_cooldown() {
        let (t0, s) = snapshot(None, None, false);
        assert_eq!(s.verdict(false, t0, COOLDOWN, STALE), Verdict::Refresh);
        let (t0, s) = snapshot(None, Some(0), true);
        let now = t0 + Duration::from_secs(1);
        assert_eq!(
            s.verdict(false, now, COOLDOWN, STALE),
            Verdict::Unreachable(Arc::from("down"))
        );
        assert_eq!(
            s.verdict(false, now + COOLDOWN, COOLDOWN, STALE),
            Verdict::Refresh
        );
    }

    #[test]
    fn an_unknown_kid_is_unknown_only_after_a_fresh_success() {
        let (t0, s) = snapshot(Some(0), Some(0), false);
        let now = t0 + Duration::from_secs(1);
        assert_eq!(s.verdict(false, now, COOLDOWN, STALE), Verdict::Unknown);
        assert_eq!(s.verdict(true, now, COOLDOWN, STALE), Verdict::Use);
        assert_eq!(
            s.verdict(false, now + COOLDOWN, COOLDOWN, STALE),
            Verdict::Refresh
        );
        let (t0, s) = snapshot(Some(0), Some(10), true);
        let now = t0 + Duration::from_secs(11);
        assert_eq!(
            s.verdict(false, now, COOLDOWN, STALE),
            Verdict::Unreachable(Arc::from("down"))
        );
    }

    #[test]
    fn cached_keys_serve_up_to_the_staleness_bound() {
        let (t0, s) = snapshot(Some(0), Some(3590), true);
        assert_eq!(s.verdict(true, t0 + STALE, COOLDOWN, STALE), Verdict::Use);
        let later = t0 + STALE + Duration::from_secs(1);
        assert_eq!(
            s.verdict(true, later, COOLDOWN, STALE),
            Verdict::Stale {
                age: STALE + Duration::from_secs(1),
                reason: Arc::from("down")
            }
        );
        assert_eq!(
            s.verdict(true, later + COOLDOWN, COOLDOWN, STALE),
            Verdict::Refresh
        );
    }
}
