use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use time::OffsetDateTime;

use super::StoreError;
use super::revocations::{RevocationSet, unix_ms};
use super::{
    EndOutcome, Family, Revocation, RevocationStatus, RevocationView, Rotation, RotationOutcome,
    SessionStore, TokenHash, Ttl,
};
use crate::clock::{Clock, SystemClock};

/// How many consumed refresh tokens of a family a store remembers, newest first, to detect their
/// reuse. An older one is refused as unknown, without revoking: with 15-minute access tokens,
/// 100 refreshes are at least 25 hours of continuous use.
pub(crate) const REMEMBERED_TOKENS: usize = 100;

/// The embedded store for one process: families and revocation entries in memory, behind a
/// mutex, bounded.
///
/// Bounded: at most [`MemoryStore::DEFAULT_MAX_ENTRIES`] families and as many revocation entries
/// (see [`MemoryStore::with_max_entries`]). Entries expire with what they cover: a family at its
/// idle or absolute expiry, a revocation entry when the last token it covers has expired. When a
/// cap is reached, expired entries are dropped first; if none has expired, the login or revocation
/// fails with [`StoreError::Full`] (503): nothing live is ever evicted, since evicting a revocation
/// would let revoked tokens through.
///
/// ```
/// use jwt_auth::{MemoryStore, Sessions, Verifier, VerifyError};
/// use jwt_auth::store::SessionStore;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (secret, _) = jwt_auth::Secret::generate();
/// let store = MemoryStore::new();
/// let verifier = Verifier::new(&secret).with_revocation(store.revocations());
/// let sessions = Sessions::new(&secret, store);
///
/// let pair = sessions.login("42", Some("ada@example.com")).await?;
/// assert_eq!(verifier.verify(&pair.access_token)?.sub, "42");
/// sessions.logout(&pair.refresh_token).await?;
/// assert!(matches!(verifier.verify(&pair.access_token), Err(VerifyError::Revoked { .. })));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    families: Mutex<HashMap<String, FamilyState>>,
    revocations: Arc<RwLock<RevocationSet>>,
    max_entries: usize,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("max_entries", &self.max_entries)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct FamilyState {
    family: Family,
    parent: Option<TokenHash>,
    parent_consumed: OffsetDateTime,
    delivered: bool,
    revoked: bool,
    /// Consumed tokens before the parent, newest first.
    used: VecDeque<TokenHash>,
}

impl FamilyState {
    fn knows(&self, hash: TokenHash) -> bool {
        self.family.current == hash || self.parent == Some(hash) || self.used.contains(&hash)
    }
}

/// [`MemoryStore`]'s revocation view: a handle on the store's own entries.
///
/// ```
/// use jwt_auth::MemoryStore;
/// use jwt_auth::store::{RevocationStatus, RevocationView, SessionStore};
///
/// let view = MemoryStore::new().revocations();
/// assert_eq!(view.status("42", None, None, Some(0)), RevocationStatus::Active);
/// ```
#[derive(Clone)]
pub struct MemoryRevocations {
    set: Arc<RwLock<RevocationSet>>,
}

impl std::fmt::Debug for MemoryRevocations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("MemoryRevocations")
            .field("entries", &entries)
            .finish()
    }
}

impl RevocationView for MemoryRevocations {
    fn status(
        &self,
        sub: &str,
        sid: Option<&str>,
        jti: Option<&str>,
        iat: Option<i64>,
    ) -> RevocationStatus {
        self.set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .status(sub, sid, jti, iat)
    }

    fn subject_cutoff(&self, sub: &str) -> Option<OffsetDateTime> {
        let ms = self
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .subject_cutoff_ms(sub)?;
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// The default cap: a million families, and as many revocation entries.
    pub const DEFAULT_MAX_ENTRIES: usize = 1_000_000;

    /// An empty store holding up to [`MemoryStore::DEFAULT_MAX_ENTRIES`] families and as many
    /// revocation entries, on the [`SystemClock`].
    ///
    /// ```
    /// assert_eq!(jwt_auth::MemoryStore::new().families(), 0);
    /// ```
    pub fn new() -> Self {
        Self::build(Self::DEFAULT_MAX_ENTRIES, Arc::new(SystemClock))
    }

    fn build(max_entries: usize, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                families: Mutex::new(HashMap::new()),
                revocations: Arc::default(),
                max_entries,
                clock,
            }),
        }
    }

    /// Sets the cap (families, and separately revocation entries). Call before sharing the store:
    /// it starts a new, empty one.
    ///
    /// ```
    /// let store = jwt_auth::MemoryStore::new().with_max_entries(10_000);
    /// assert_eq!(store.max_entries(), 10_000);
    /// ```
    #[must_use]
    pub fn with_max_entries(self, max_entries: usize) -> Self {
        Self::build(max_entries, Arc::clone(&self.inner.clock))
    }

    /// Sets the clock used to drop expired entries (default [`SystemClock`]); give it the clock
    /// the [`Sessions`](crate::Sessions) use. Starts a new, empty store.
    ///
    /// ```
    /// let clock = jwt_auth::FixedClock::at_unix(1_767_225_600)?;
    /// let store = jwt_auth::MemoryStore::new().with_clock(clock);
    /// # Ok::<(), time::error::ComponentRange>(())
    /// ```
    #[must_use]
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        Self::build(self.inner.max_entries, Arc::new(clock))
    }

    /// The cap.
    ///
    /// ```
    /// assert_eq!(jwt_auth::MemoryStore::new().max_entries(), jwt_auth::MemoryStore::DEFAULT_MAX_ENTRIES);
    /// ```
    pub fn max_entries(&self) -> usize {
        self.inner.max_entries
    }

    /// How many families the store holds, expired ones not yet dropped included.
    ///
    /// ```
    /// assert_eq!(jwt_auth::MemoryStore::new().families(), 0);
    /// ```
    pub fn families(&self) -> usize {
        self.lock().len()
    }

    /// How many revocation entries the store holds.
    ///
    /// ```
    /// assert_eq!(jwt_auth::MemoryStore::new().revocation_entries(), 0);
    /// ```
    pub fn revocation_entries(&self) -> usize {
        self.inner
            .revocations
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, FamilyState>> {
        self.inner
            .families
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn start_now(&self, family: Family) -> Result<(), StoreError> {
        let mut families = self.lock();
        if families.len() >= self.inner.max_entries {
            let now = self.inner.clock.now();
            families.retain(|_, state| state.family.idle_expiry > now);
            if families.len() >= self.inner.max_entries {
                return Err(StoreError::Full {
                    max: self.inner.max_entries,
                });
            }
        }
        let started = family.started;
        families.insert(
            family.sid.clone(),
            FamilyState {
                family,
                parent: None,
                parent_consumed: started,
                delivered: true,
                revoked: false,
                used: VecDeque::new(),
            },
        );
        Ok(())
    }

    fn rotate_now(&self, rotation: &Rotation) -> RotationOutcome {
        let mut families = self.lock();
        let Some(state) = families.get_mut(&rotation.sid) else {
            return RotationOutcome::Unknown;
        };
        let now = rotation.now;
        if !state.knows(rotation.presented) {
            return RotationOutcome::Unknown;
        }
        if state.revoked {
            return RotationOutcome::Revoked {
                sub: state.family.sub.clone(),
            };
        }
        if now >= state.family.absolute_expiry {
            return RotationOutcome::Expired {
                ttl: Ttl::Absolute,
                at: state.family.absolute_expiry,
            };
        }
        if now >= state.family.idle_expiry {
            return RotationOutcome::Expired {
                ttl: Ttl::Idle,
                at: state.family.idle_expiry,
            };
        }
        let idle_expiry = (now + rotation.idle).min(state.family.absolute_expiry);
        if state.family.current == rotation.presented {
            let Some(&successor) = rotation.successors.first() else {
                return RotationOutcome::Unknown;
            };
            if let Some(parent) = state.parent.replace(rotation.presented) {
                state.used.push_front(parent);
                state.used.truncate(REMEMBERED_TOKENS);
            }
            state.family.current = successor;
            state.family.idle_expiry = idle_expiry;
            state.parent_consumed = now;
            state.delivered = false;
            return RotationOutcome::Rotated(state.family.clone());
        }
        if state.parent == Some(rotation.presented)
            && let Some(index) = rotation
                .successors
                .iter()
                .position(|hash| *hash == state.family.current)
            && (!state.delivered || now < state.parent_consumed + rotation.grace)
        {
            state.family.idle_expiry = idle_expiry;
            return RotationOutcome::Repeated {
                family: state.family.clone(),
                successor: index,
            };
        }
        state.revoked = true;
        RotationOutcome::Reused {
            sub: state.family.sub.clone(),
        }
    }
}

impl SessionStore for MemoryStore {
    type View = MemoryRevocations;

    fn revocations(&self) -> MemoryRevocations {
        MemoryRevocations {
            set: Arc::clone(&self.inner.revocations),
        }
    }

    async fn start(&self, family: Family) -> Result<(), StoreError> {
        self.start_now(family)
    }

    async fn rotate(&self, rotation: Rotation) -> Result<RotationOutcome, StoreError> {
        Ok(self.rotate_now(&rotation))
    }

    async fn acknowledge(&self, sid: &str, current: TokenHash) -> Result<(), StoreError> {
        if let Some(state) = self.lock().get_mut(sid)
            && state.family.current == current
        {
            state.delivered = true;
        }
        Ok(())
    }

    async fn end(&self, sid: &str, presented: TokenHash) -> Result<EndOutcome, StoreError> {
        let mut families = self.lock();
        match families.get_mut(sid) {
            Some(state) if state.knows(presented) => {
                state.revoked = true;
                Ok(EndOutcome::Ended {
                    sub: state.family.sub.clone(),
                })
            }
            _ => Ok(EndOutcome::Unknown),
        }
    }

    async fn revoke(&self, revocation: Revocation) -> Result<(), StoreError> {
        let now_ms = unix_ms(self.inner.clock.now());
        self.inner
            .revocations
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(&revocation, now_ms, self.inner.max_entries)?;
        if let Revocation::Session { sid, .. } = &revocation
            && let Some(state) = self.lock().get_mut(sid.as_str())
        {
            state.revoked = true;
        }
        Ok(())
    }
}
