//! Where sessions live: the [`SessionStore`] trait, the [`RevocationView`] the verifier reads, and
//! their implementations, [`MemoryStore`] and (feature `redis`) `RedisStore`.

mod error;
mod memory;
#[cfg(feature = "redis")]
mod redis;
pub(crate) mod revocations;
pub(crate) mod sid;

use std::fmt;
use std::future::Future;

use time::{Duration, OffsetDateTime};

pub use error::StoreError;
pub use memory::{MemoryRevocations, MemoryStore};
#[cfg(feature = "redis")]
pub use redis::{RedisConfig, RedisStore, RevocationMirror};

/// The SHA-256 of a refresh token: what a store keeps instead of the token.
///
/// ```
/// use jwt_auth::store::TokenHash;
///
/// let hash = TokenHash::from_bytes([0xab; 32]);
/// assert_eq!(hash.to_hex().len(), 64);
/// assert_eq!(format!("{hash:?}"), "TokenHash(abababababababab…)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of `token`'s bytes, with the crate's crypto backend.
    pub(crate) fn of(token: &[u8]) -> Self {
        Self(crate::crypto::sha256(token))
    }

    /// A hash from its 32 bytes (for stores that keep them raw).
    ///
    /// ```
    /// assert_eq!(jwt_auth::store::TokenHash::from_bytes([0; 32]).as_bytes(), &[0; 32]);
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    ///
    /// ```
    /// assert_eq!(jwt_auth::store::TokenHash::from_bytes([7; 32]).as_bytes()[0], 7);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, 64 characters: how `RedisStore` writes it.
    ///
    /// ```
    /// assert!(jwt_auth::store::TokenHash::from_bytes([0xff; 32]).to_hex().starts_with("ffff"));
    /// ```
    pub fn to_hex(&self) -> String {
        crate::crypto::hex(&self.0)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..16])
    }
}

/// Which of a session's ttls ran out: the absolute one from login, or the idle one.
///
/// ```
/// assert_eq!(jwt_auth::store::Ttl::Idle.to_string(), "idle");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ttl {
    /// The absolute ttl from login, which rotation never extends.
    Absolute,
    /// The idle ttl: no refresh for that long.
    Idle,
}

impl fmt::Display for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Absolute => "absolute",
            Self::Idle => "idle",
        })
    }
}

/// A session family as a store keeps it: who it is for, when it ends, and the hash of its one
/// live refresh token. Never a token.
///
/// ```
/// use jwt_auth::store::{Family, TokenHash};
/// use time::macros::datetime;
///
/// let family = Family::new("sid", "42", datetime!(2026-01-01 00:00 UTC), TokenHash::from_bytes([1; 32]))
///     .with_email("ada@example.com")
///     .with_expiry(datetime!(2026-01-31 00:00 UTC), datetime!(2026-01-08 00:00 UTC));
/// assert_eq!(family.sub, "42");
/// assert_eq!(family.idle_expiry, datetime!(2026-01-08 00:00 UTC));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Family {
    /// The session id, `sid` in every access token of the family.
    pub sid: String,
    /// The subject.
    pub sub: String,
    /// The subject's email, copied into each access token.
    pub email: Option<String>,
    /// Login time.
    pub started: OffsetDateTime,
    /// Login time plus the absolute ttl.
    pub absolute_expiry: OffsetDateTime,
    /// Last refresh (or login) plus the idle ttl, never past `absolute_expiry`.
    pub idle_expiry: OffsetDateTime,
    /// The live refresh token's hash.
    pub current: TokenHash,
}

impl Family {
    /// A family for `sub` started at `started`, expiring at once until [`Family::with_expiry`].
    pub fn new(
        sid: impl Into<String>,
        sub: impl Into<String>,
        started: OffsetDateTime,
        current: TokenHash,
    ) -> Self {
        Self {
            sid: sid.into(),
            sub: sub.into(),
            email: None,
            started,
            absolute_expiry: started,
            idle_expiry: started,
            current,
        }
    }

    /// Sets the email.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the absolute and idle expiries.
    #[must_use]
    pub fn with_expiry(mut self, absolute: OffsetDateTime, idle: OffsetDateTime) -> Self {
        self.absolute_expiry = absolute;
        self.idle_expiry = idle.min(absolute);
        self
    }
}

/// A refresh, as [`Sessions`](crate::Sessions) asks a store to apply it atomically.
///
/// The rules a store applies, in order (each is tested against both stores):
/// 1. no family `sid`, or `presented` is none of its tokens: [`RotationOutcome::Unknown`];
/// 2. family revoked: [`RotationOutcome::Revoked`];
/// 3. `now` at or past the absolute or the idle expiry: [`RotationOutcome::Expired`];
/// 4. `presented` is the live token: it becomes the parent, `successors[0]` the live token, the
///    idle expiry moves to `now + idle` (capped by the absolute one), and the successor is marked
///    *not yet delivered*: [`RotationOutcome::Rotated`];
/// 5. `presented` is the parent and the live token is one of `successors`, and either that
///    successor was never delivered ([`SessionStore::acknowledge`]) or `now` is within `grace` of
///    the parent's consumption: nothing changes but the idle expiry,
///    [`RotationOutcome::Repeated`] with the matching index;
/// 6. otherwise `presented` is an earlier token of the family: the family is revoked,
///    [`RotationOutcome::Reused`].
///
/// ```
/// use jwt_auth::store::{Rotation, TokenHash};
/// use time::{Duration, macros::datetime};
///
/// let rotation = Rotation::new("sid", TokenHash::from_bytes([1; 32]), vec![TokenHash::from_bytes([2; 32])], datetime!(2026-01-01 00:00 UTC))
///     .with_idle(Duration::days(7))
///     .with_grace(Duration::seconds(10));
/// assert_eq!(rotation.grace, Duration::seconds(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rotation {
    /// The family, read from the presented token.
    pub sid: String,
    /// The presented token's hash.
    pub presented: TokenHash,
    /// The hashes of the presented token's successor under each key of the ring, current key
    /// first: the first is installed; any may match the live token in rule 5.
    pub successors: Vec<TokenHash>,
    /// The time of the refresh.
    pub now: OffsetDateTime,
    /// The idle ttl.
    pub idle: Duration,
    /// The grace window of rule 5.
    pub grace: Duration,
}

impl Rotation {
    /// A rotation with no idle ttl and no grace window until set.
    pub fn new(
        sid: impl Into<String>,
        presented: TokenHash,
        successors: Vec<TokenHash>,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            sid: sid.into(),
            presented,
            successors,
            now,
            idle: Duration::ZERO,
            grace: Duration::ZERO,
        }
    }

    /// Sets the idle ttl.
    #[must_use]
    pub fn with_idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Sets the grace window.
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }
}

/// What a store did with a [`Rotation`]; the rules are on [`Rotation`].
///
/// ```
/// use jwt_auth::store::RotationOutcome;
/// assert_ne!(RotationOutcome::Unknown, RotationOutcome::Revoked { sub: "42".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationOutcome {
    /// Rule 4: rotated. The family as it now is.
    Rotated(Family),
    /// Rule 5: the parent again; `successor` indexes [`Rotation::successors`].
    Repeated {
        /// The family.
        family: Family,
        /// Which successor is live.
        successor: usize,
    },
    /// Rule 6: an earlier token again; the store has revoked the family.
    Reused {
        /// The family's subject.
        sub: String,
    },
    /// Rule 2.
    Revoked {
        /// The family's subject.
        sub: String,
    },
    /// Rule 3.
    Expired {
        /// Which ttl ran out.
        ttl: Ttl,
        /// When.
        at: OffsetDateTime,
    },
    /// Rule 1.
    Unknown,
}

/// What a store did when asked to end a family by one of its refresh tokens.
///
/// ```
/// assert_ne!(jwt_auth::store::EndOutcome::Unknown, jwt_auth::store::EndOutcome::Ended { sub: "42".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndOutcome {
    /// The family is revoked now (or already was).
    Ended {
        /// Its subject.
        sub: String,
    },
    /// No such family, or the token is none of its tokens.
    Unknown,
}

/// One revocation entry: what the verifier refuses, and until when the entry is kept (the
/// longest any token it covers can live, so that memory stays bounded).
///
/// ```
/// use jwt_auth::store::Revocation;
/// use time::macros::datetime;
///
/// let cutoff = Revocation::subject("42", datetime!(2026-01-01 00:00:00.250 UTC), datetime!(2026-01-08 00:01 UTC));
/// assert_eq!(cutoff.kept_until(), datetime!(2026-01-08 00:01 UTC));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// One access token, by `jti`.
    Token {
        /// The token's `jti`.
        jti: String,
        /// When the entry may be dropped.
        until: OffsetDateTime,
    },
    /// Every access token of a session family, by `sid`.
    Session {
        /// The family's `sid`.
        sid: String,
        /// When the entry may be dropped.
        until: OffsetDateTime,
    },
    /// Every token of a subject issued before `before` (millisecond precision; see
    /// [`RevocationView::status`] for tokens without a session).
    Subject {
        /// The subject.
        sub: String,
        /// The cutoff.
        before: OffsetDateTime,
        /// When the entry may be dropped.
        until: OffsetDateTime,
    },
}

impl Revocation {
    /// Revokes the access token `jti` until `until`.
    pub fn token(jti: impl Into<String>, until: OffsetDateTime) -> Self {
        Self::Token {
            jti: jti.into(),
            until,
        }
    }

    /// Revokes the family `sid` until `until`.
    pub fn session(sid: impl Into<String>, until: OffsetDateTime) -> Self {
        Self::Session {
            sid: sid.into(),
            until,
        }
    }

    /// Revokes `sub`'s tokens issued before `before`, until `until`.
    pub fn subject(sub: impl Into<String>, before: OffsetDateTime, until: OffsetDateTime) -> Self {
        Self::Subject {
            sub: sub.into(),
            before,
            until,
        }
    }

    /// When the entry may be dropped.
    pub fn kept_until(&self) -> OffsetDateTime {
        match self {
            Self::Token { until, .. }
            | Self::Session { until, .. }
            | Self::Subject { until, .. } => *until,
        }
    }
}

/// Why a revocation view refused a token.
///
/// ```
/// assert_eq!(jwt_auth::store::RevokedBy::Subject.to_string(), "its subject was logged out everywhere");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevokedBy {
    /// Its `jti` was revoked.
    Token,
    /// Its session (`sid`) was ended.
    Session,
    /// Its subject was logged out everywhere after it was issued (or it has no `iat` and no
    /// session to tell).
    Subject,
}

impl fmt::Display for RevokedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Token => "the token was revoked",
            Self::Session => "its session was ended",
            Self::Subject => "its subject was logged out everywhere",
        })
    }
}

/// A revocation view's answer for one token.
///
/// ```
/// use jwt_auth::store::{RevocationStatus, RevokedBy};
/// assert_ne!(RevocationStatus::Active, RevocationStatus::Revoked(RevokedBy::Token));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Not revoked.
    Active,
    /// Revoked.
    Revoked(RevokedBy),
    /// The view cannot tell: it has not heard from its source for `stale_for`, over its bound.
    Unavailable {
        /// How long since it last confirmed it is up to date.
        stale_for: Duration,
    },
}

/// A synchronous, in-memory answer to "is this token revoked?", for
/// [`Verifier::with_revocation`](crate::Verifier::with_revocation). No network: a
/// [`MemoryStore`] answers from its own memory, `RedisStore` from a local `RevocationMirror`.
///
/// The rules, for a token of subject `sub`:
/// - `jti` revoked, or `sid` revoked: revoked;
/// - `sub` has a cutoff (logout everywhere) and the token has a `sid` issued by
///   [`Sessions`](crate::Sessions), whose start time (in milliseconds, part of the `sid`) is at or
///   before the cutoff: revoked, so a login right after the cutoff works;
/// - `sub` has a cutoff and the token has no such `sid`: revoked when its `iat` (whole seconds)
///   is at or before the cutoff's second, **or when it has no `iat`**: fail closed, since nothing
///   else tells when it was issued.
///
/// ```
/// use jwt_auth::MemoryStore;
/// use jwt_auth::store::{RevocationStatus, RevocationView, RevokedBy, SessionStore};
///
/// let store = MemoryStore::new();
/// let view = store.revocations();
/// assert_eq!(view.status("42", None, Some("jti-1"), Some(1_767_225_600)), RevocationStatus::Active);
/// ```
pub trait RevocationView: Send + Sync + fmt::Debug {
    /// The status of a token with these claims (`iat` in whole seconds).
    fn status(
        &self,
        sub: &str,
        sid: Option<&str>,
        jti: Option<&str>,
        iat: Option<i64>,
    ) -> RevocationStatus;

    /// The latest logout-everywhere cutoff of `sub` this view knows of, so that a login in the
    /// same millisecond can start after it.
    fn subject_cutoff(&self, sub: &str) -> Option<OffsetDateTime>;
}

/// Where [`Sessions`](crate::Sessions) keeps session families and revocation entries. Each method
/// is one atomic step; the rules are on [`Rotation`]. Implementations: [`MemoryStore`] and
/// (feature `redis`) `RedisStore`.
///
/// ```
/// use jwt_auth::MemoryStore;
/// use jwt_auth::store::SessionStore;
///
/// fn uses_any_store<S: SessionStore>(store: &S) -> S::View {
///     store.revocations()
/// }
/// let _view = uses_any_store(&MemoryStore::new());
/// ```
pub trait SessionStore: Send + Sync {
    /// The store's revocation view, for
    /// [`Verifier::with_revocation`](crate::Verifier::with_revocation).
    type View: RevocationView + Clone + 'static;

    /// A handle on the revocation view; cheap, and it stays current.
    fn revocations(&self) -> Self::View;

    /// Stores a new family.
    fn start(&self, family: Family) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Applies a refresh atomically.
    fn rotate(
        &self,
        rotation: Rotation,
    ) -> impl Future<Output = Result<RotationOutcome, StoreError>> + Send;

    /// Records that the live token `current` of family `sid` reached the client: from then on
    /// its parent is accepted again only within the grace window.
    fn acknowledge(
        &self,
        sid: &str,
        current: TokenHash,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Revokes family `sid` if `presented` is one of its tokens.
    fn end(
        &self,
        sid: &str,
        presented: TokenHash,
    ) -> impl Future<Output = Result<EndOutcome, StoreError>> + Send;

    /// Adds a revocation entry, and for [`Revocation::Session`] revokes the family.
    fn revoke(&self, revocation: Revocation)
    -> impl Future<Output = Result<(), StoreError>> + Send;
}
