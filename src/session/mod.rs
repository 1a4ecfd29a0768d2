//! Sessions that outlive one access token: login, refresh-token rotation with reuse detection,
//! logout, and revocation (RFC 9700 §4.14.2).

mod error;
pub(crate) mod token;

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::ser::SerializeStruct as _;
use time::{Duration, OffsetDateTime};

pub use error::SessionError;

use crate::clock::{Clock, SystemClock};
use crate::config::AuthConfig;
use crate::issuer::{Issuer, IssuerKey};
use crate::key::KeyRing;
use crate::observe;
use crate::store::StoreError;
use crate::store::revocations::unix_ms;
use crate::store::sid::{new_sid, sid_string};
use crate::store::{
    EndOutcome, Family, Revocation, RevocationStatus, RevocationView, RevokedBy, Rotation,
    RotationOutcome, SessionStore,
};
use crate::verifier::Verifier;
use token::RawToken;

/// The access-token ttl with sessions: 15 minutes.
pub const DEFAULT_ACCESS_TTL: Duration = Duration::minutes(15);
/// A session's absolute ttl from login, which rotation never extends: 30 days.
pub const DEFAULT_ABSOLUTE_TTL: Duration = Duration::days(30);
/// A session's idle ttl: it ends after this long without a refresh: 7 days.
pub const DEFAULT_IDLE_TTL: Duration = Duration::days(7);
/// How long after a refresh its parent token may be presented again and get the same successor
/// (two tabs refreshing at once): 10 seconds.
pub const DEFAULT_GRACE: Duration = Duration::seconds(10);

/// A login's or a refresh's answer: a short access token and an opaque refresh token.
///
/// It serializes to the RFC 6749 §5.1 token response, refresh token included (that is what it
/// is for); its `Debug` shows neither token.
///
/// ```
/// use jwt_auth::{MemoryStore, Sessions, secrecy::ExposeSecret};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (secret, _) = jwt_auth::Secret::generate();
/// let pair = Sessions::new(&secret, MemoryStore::new()).login("42", None).await?;
/// let json: serde_json::Value = serde_json::to_value(&pair)?;
/// assert_eq!(json["token_type"], "bearer");
/// assert_eq!(json["expires_in"], 900);
/// assert_eq!(json["refresh_token"], pair.refresh_token.expose_secret());
/// assert_eq!(format!("{pair:?}"), format!("TokenPair {{ sid: {:?}, expires_in: 900, .. }}", pair.sid));
/// # Ok(()) }
/// ```
#[non_exhaustive]
pub struct TokenPair {
    /// The access token: the product's format plus `jti` and `sid`.
    pub access_token: String,
    /// The refresh token: 64 base64url characters, never a JWT.
    pub refresh_token: SecretString,
    /// The access token's ttl in seconds.
    pub expires_in: i64,
    /// The session (`sid`).
    pub sid: String,
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("sid", &self.sid)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl Serialize for TokenPair {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut response = serializer.serialize_struct("TokenPair", 4)?;
        response.serialize_field("access_token", &self.access_token)?;
        response.serialize_field("token_type", "bearer")?;
        response.serialize_field("expires_in", &self.expires_in)?;
        response.serialize_field("refresh_token", self.refresh_token.expose_secret())?;
        response.end()
    }
}

/// Something that happened to a session that an application may want to log or alert on. The
/// library prints nothing; see [`Sessions::with_event_handler`].
///
/// ```
/// let event = jwt_auth::session::SessionEvent::Reused { sub: "42".into(), sid: "s".into() };
/// assert!(matches!(event, jwt_auth::session::SessionEvent::Reused { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// A used refresh token came back: the family is revoked. Alert-worthy.
    Reused {
        /// The subject.
        sub: String,
        /// The revoked session.
        sid: String,
    },
    /// The parent of the live token came back and got the same successor (grace window, or a
    /// retry of a refresh whose answer was lost).
    Repeated {
        /// The subject.
        sub: String,
        /// The session.
        sid: String,
    },
    /// A session was ended by [`Sessions::logout`].
    LoggedOut {
        /// The subject.
        sub: String,
        /// The session.
        sid: String,
    },
    /// Every token of a subject issued so far was revoked.
    LoggedOutEverywhere {
        /// The subject.
        sub: String,
    },
}

type EventHandler = Arc<dyn Fn(SessionEvent) + Send + Sync>;

/// Logins, refresh-token rotation and revocation over a [`SessionStore`].
///
/// - [`login`](Sessions::login) starts a session family: a `sid`, an access token (15 minutes by
///   default) and a refresh token.
/// - [`refresh`](Sessions::refresh) consumes the refresh token atomically and returns a new pair
///   of the same family. A family ends at its absolute ttl (30 days by default), which
///   rotation never extends, or after its idle ttl (7 days) without a refresh.
/// - Presenting a refresh token that was already used revokes the whole family, its access
///   tokens included, and answers [`SessionError::Reused`] (and [`SessionEvent::Reused`]),
///   except for the **parent of the live token**, which gets the same successor token (and a
///   new access token) without revoking anything, when either
///   - it comes within the grace window ([`DEFAULT_GRACE`], 10 s) of its first use: two tabs
///     refreshing at once both succeed, with the same refresh token; or
///   - the successor never reached the client: the refresh failed with a store error after the
///     store had rotated, so retrying it once the store is back is safe.
/// - [`logout`](Sessions::logout) ends a family; [`logout_everywhere`](Sessions::logout_everywhere)
///   refuses every token of a subject issued until now (and a login right after works);
///   [`revoke_token`](Sessions::revoke_token) and [`revoke_session`](Sessions::revoke_session)
///   revoke by `jti` and `sid`.
///
/// Verify access tokens with [`Sessions::verifier`]: it checks the store's revocations, and its
/// leeway is the one revocation entries outlive their tokens by. Build the sessions with
/// [`Sessions::from_config`] to verify with the service's [`AuthConfig`] (its leeway, `iss`,
/// `aud` and clock), or give another verifier the store's view with
/// `Verifier::with_revocation(store.revocations())`.
///
/// ```
/// use jwt_auth::{MemoryStore, SessionError, Sessions, Verifier};
/// use jwt_auth::store::SessionStore;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (secret, _) = jwt_auth::Secret::generate();
/// let store = MemoryStore::new();
/// let verifier = Verifier::new(&secret).with_revocation(store.revocations());
/// let sessions = Sessions::new(&secret, store);
///
/// let first = sessions.login("42", Some("ada@example.com")).await?;
/// let second = sessions.refresh(&first.refresh_token).await?;
/// assert_eq!(verifier.verify(&second.access_token)?.sub, "42");
///
/// // The first refresh token again, after its successor was used: a stolen token.
/// let third = sessions.refresh(&second.refresh_token).await?;
/// let err = sessions.refresh(&first.refresh_token).await.unwrap_err();
/// assert!(matches!(err, SessionError::Reused { .. }));
/// assert_eq!(err.to_response().body(), r#"{"error":"invalid_grant"}"#);
/// assert!(verifier.verify(&third.access_token).is_err(), "the family is revoked");
/// # Ok(()) }
/// ```
pub struct Sessions<S: SessionStore> {
    issuer: Issuer,
    keys: KeyRing,
    store: S,
    view: S::View,
    access_ttl: Duration,
    absolute: Duration,
    idle: Duration,
    grace: Duration,
    /// The verifier of these sessions' access tokens, with the store's revocation view; its
    /// leeway is how long revocation entries outlive their tokens, so the two cannot differ.
    verifier: Verifier,
    subject_retention: Duration,
    clock: Arc<dyn Clock>,
    events: Option<EventHandler>,
}

impl<S: SessionStore + fmt::Debug> fmt::Debug for Sessions<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("keys", &self.keys)
            .field("store", &self.store)
            .field("access_ttl", &self.access_ttl)
            .field("absolute", &self.absolute)
            .field("idle", &self.idle)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

/// A refresh token as presented: a `&str` from a request body, a `String`, or the
/// [`SecretString`] of a [`TokenPair`].
///
/// ```
/// use jwt_auth::session::PresentedToken;
/// assert_eq!("abc".presented(), "abc");
/// ```
pub trait PresentedToken {
    /// The token's text.
    fn presented(&self) -> &str;
}

impl PresentedToken for str {
    fn presented(&self) -> &str {
        self
    }
}

impl PresentedToken for String {
    fn presented(&self) -> &str {
        self
    }
}

impl PresentedToken for SecretString {
    fn presented(&self) -> &str {
        self.expose_secret()
    }
}

impl<T: PresentedToken + ?Sized> PresentedToken for &T {
    fn presented(&self) -> &str {
        (**self).presented()
    }
}

fn random(len: usize) -> Result<Vec<u8>, SessionError> {
    let mut bytes = vec![0; len];
    crate::crypto::fill_random(&mut bytes).map_err(|reason| SessionError::Random { reason })?;
    Ok(bytes)
}

fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl<S: SessionStore> Sessions<S> {
    /// Sessions signing access tokens with `keys`' current key (a [`Secret`](crate::Secret) or a
    /// [`KeyRing`]), kept in `store`, verified by `Verifier::new(keys)` with the store's
    /// revocations. Defaults: [`DEFAULT_ACCESS_TTL`], [`DEFAULT_ABSOLUTE_TTL`],
    /// [`DEFAULT_IDLE_TTL`], [`DEFAULT_GRACE`], the verifier's default leeway, the
    /// [`SystemClock`]. A service with an [`AuthConfig`] uses [`Sessions::from_config`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = jwt_auth::Sessions::new(&secret, jwt_auth::MemoryStore::new());
    /// assert_eq!(sessions.access_ttl(), jwt_auth::session::DEFAULT_ACCESS_TTL);
    /// assert_eq!(sessions.leeway(), jwt_auth::Verifier::DEFAULT_LEEWAY);
    /// ```
    pub fn new(keys: impl Into<KeyRing>, store: S) -> Self {
        let keys = keys.into();
        let verifier = Verifier::new(&keys);
        Self::build(
            Issuer::new(&keys),
            verifier,
            Issuer::DEFAULT_TTL,
            Arc::new(SystemClock),
            store,
        )
    }

    /// Sessions for the service's `config`, kept in `store`: access tokens signed by its issuer
    /// (its `iss`, `aud` and clock) for [`DEFAULT_ACCESS_TTL`] (or the config's lifetime when it
    /// is shorter), verified by its verifier with the store's revocations, so that the leeway
    /// revocation entries outlive their tokens by is the verifiers' own (`JWT_LEEWAY_SECS`). A
    /// logout-everywhere cutoff is kept for the longest lifetime the config's verifier accepts.
    ///
    /// ```
    /// use jwt_auth::{AuthConfig, MemoryStore, Sessions};
    /// use time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = AuthConfig::new(&secret).with_leeway(Duration::minutes(2)).with_issuer("https://auth.example.com");
    /// let sessions = Sessions::from_config(&config, MemoryStore::new());
    /// assert_eq!(sessions.leeway(), Duration::minutes(2));
    ///
    /// let pair = sessions.login("42", None).await?;
    /// let claims = config.verifier().verify(&pair.access_token)?;
    /// assert_eq!(claims.iss.as_deref(), Some("https://auth.example.com"));
    /// # Ok(()) }
    /// ```
    pub fn from_config(config: &AuthConfig, store: S) -> Self {
        let verifier = config.verifier().clone();
        let retention = verifier.max_ttl();
        let issuer = config.issuer().clone();
        let clock = Arc::clone(issuer.clock());
        let access_ttl = DEFAULT_ACCESS_TTL.min(retention);
        Self::build(issuer, verifier, retention, clock, store).with_access_ttl(access_ttl)
    }

    fn build(
        issuer: Issuer,
        verifier: Verifier,
        subject_retention: Duration,
        clock: Arc<dyn Clock>,
        store: S,
    ) -> Self {
        let view = store.revocations();
        Self {
            keys: match issuer.keys() {
                IssuerKey::Ring(ring) => ring.clone(),
                IssuerKey::Key(key) => KeyRing::new(key.session_secret().clone()),
            },
            issuer: issuer.with_ttl(DEFAULT_ACCESS_TTL),
            verifier: verifier.with_revocation(view.clone()),
            store,
            view,
            access_ttl: DEFAULT_ACCESS_TTL,
            absolute: DEFAULT_ABSOLUTE_TTL,
            idle: DEFAULT_IDLE_TTL,
            grace: DEFAULT_GRACE,
            subject_retention,
            clock,
            events: None,
        }
    }

    /// Sets the access-token ttl (default 15 minutes).
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = jwt_auth::Sessions::new(&secret, jwt_auth::MemoryStore::new())
    ///     .with_access_ttl(time::Duration::minutes(5));
    /// assert_eq!(sessions.access_ttl(), time::Duration::minutes(5));
    /// ```
    #[must_use]
    pub fn with_access_ttl(mut self, ttl: Duration) -> Self {
        self.access_ttl = ttl;
        self.issuer = self.issuer.with_ttl(ttl);
        self
    }

    /// Sets the absolute ttl of a session from its login (default 30 days).
    #[must_use]
    pub fn with_absolute_ttl(mut self, ttl: Duration) -> Self {
        self.absolute = ttl;
        self
    }

    /// Sets the idle ttl: a session ends after this long without a refresh (default 7 days).
    #[must_use]
    pub fn with_idle_ttl(mut self, ttl: Duration) -> Self {
        self.idle = ttl;
        self
    }

    /// Sets the grace window in which the parent of the live refresh token gets the same
    /// successor instead of revoking the session (default 10 seconds).
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Sets how long a logout-everywhere cutoff is kept (default 7 days, the longest ttl
    /// of the tokens the product's other issuers sign): it must cover every token of the subject
    /// that any service accepts, not only these sessions' access tokens.
    #[must_use]
    pub fn with_subject_retention(mut self, retention: Duration) -> Self {
        self.subject_retention = retention;
        self
    }

    /// Replaces the clock (default [`SystemClock`], or the config's) of the sessions, their
    /// issuer and their verifier.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + Clone + 'static) -> Self {
        self.issuer = self.issuer.with_clock(clock.clone());
        self.verifier = self.verifier.with_clock(clock.clone());
        self.clock = Arc::new(clock);
        self
    }

    /// Calls `handler` for each [`SessionEvent`] (reuse, logout…), on the task that caused it.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = jwt_auth::Sessions::new(&secret, jwt_auth::MemoryStore::new())
    ///     .with_event_handler({ let seen = Arc::clone(&seen); move |event| seen.lock().unwrap().push(event) });
    /// ```
    #[must_use]
    pub fn with_event_handler(
        mut self,
        handler: impl Fn(SessionEvent) + Send + Sync + 'static,
    ) -> Self {
        self.events = Some(Arc::new(handler));
        self
    }

    /// The access-token ttl.
    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// The leeway revocation entries outlive their tokens by: [`Sessions::verifier`]'s, so that
    /// a revoked token cannot become valid again once its entry expires and before the
    /// verifier's leeway runs out. Another verifier checking these sessions' revocations must not
    /// have a longer one: build both from one [`AuthConfig`] ([`Sessions::from_config`]).
    ///
    /// ```
    /// use jwt_auth::{AuthConfig, MemoryStore, Secret, Sessions};
    /// use time::Duration;
    ///
    /// let (secret, _) = Secret::generate();
    /// let config = AuthConfig::new(&secret).with_leeway(Duration::minutes(2));
    /// let sessions = Sessions::from_config(&config, MemoryStore::new());
    /// assert_eq!(sessions.leeway(), config.verifier().leeway());
    /// ```
    pub fn leeway(&self) -> Duration {
        self.verifier.leeway()
    }

    /// The verifier of these sessions' access tokens: the config's ([`Sessions::from_config`])
    /// or `Verifier::new(keys)` ([`Sessions::new`]), refusing what the store has revoked. The
    /// framework integrations' ready routes verify `POST /logout-everywhere` with the
    /// application's verifier; give them this one.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Secret, Sessions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = Secret::generate();
    /// let sessions = Sessions::new(&secret, MemoryStore::new());
    /// let pair = sessions.login("42", None).await?;
    /// assert_eq!(sessions.verifier().verify(&pair.access_token)?.sub, "42");
    /// sessions.logout(&pair.refresh_token).await?;
    /// assert!(sessions.verifier().verify(&pair.access_token).is_err());
    /// # Ok(()) }
    /// ```
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Writes `revocation` to the store; reports a failure.
    async fn revoke(&self, revocation: Revocation) -> Result<(), StoreError> {
        self.store
            .revoke(revocation)
            .await
            .map_err(|err| observe::store_error("revoke", err))
    }

    fn emit(&self, event: SessionEvent) {
        if let Some(handler) = &self.events {
            handler(event);
        }
    }

    /// How long a `jti` or `sid` entry must be kept: until the last access token it covers, minted
    /// now at the latest, has expired everywhere.
    fn access_retention(&self, now: OffsetDateTime) -> OffsetDateTime {
        now + self.access_ttl + self.leeway()
    }

    fn access_token(
        &self,
        sub: &str,
        email: Option<&str>,
        sid: &str,
    ) -> Result<String, SessionError> {
        let mut claims = self.issuer.claims_for(sub)?;
        claims.email = email.map(str::to_owned);
        claims.jti = Some(URL_SAFE_NO_PAD.encode(random(16)?));
        claims.sid = Some(sid.to_owned());
        Ok(self.issuer.issue_claims(&claims)?)
    }

    fn pair(&self, family: &Family, refresh: &RawToken) -> Result<TokenPair, SessionError> {
        Ok(TokenPair {
            access_token: self.access_token(&family.sub, family.email.as_deref(), &family.sid)?,
            refresh_token: refresh.encode(),
            expires_in: self.access_ttl.whole_seconds(),
            sid: family.sid.clone(),
        })
    }

    /// Starts a session for `sub`: a new family, an access token and a refresh token.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Sessions, Verifier, secrecy::ExposeSecret};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let pair = Sessions::new(&secret, MemoryStore::new()).login("42", Some("ada@example.com")).await?;
    /// let claims = Verifier::new(&secret).verify(&pair.access_token)?;
    /// assert_eq!(claims.sid.as_deref(), Some(pair.sid.as_str()));
    /// assert_eq!(pair.refresh_token.expose_secret().len(), 64);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Issue`] for an empty subject; [`SessionError::Store`] when the store
    /// cannot take the family.
    pub async fn login(&self, sub: &str, email: Option<&str>) -> Result<TokenPair, SessionError> {
        if sub.is_empty() {
            return Err(crate::issuer::IssueError::EmptySubject.into());
        }
        let now = self.clock.now();
        // A login in the very millisecond of a logout everywhere would fall under the cutoff:
        // start it just after.
        let mut started_ms = unix_ms(now);
        if let Some(cutoff) = self.view.subject_cutoff(sub) {
            started_ms = started_ms.max(unix_ms(cutoff) + 1);
        }
        let sid_raw = new_sid(started_ms).map_err(|reason| SessionError::Random { reason })?;
        let refresh =
            RawToken::login(&sid_raw).map_err(|reason| SessionError::Random { reason })?;
        let started = from_ms(started_ms);
        let mut family = Family::new(sid_string(&sid_raw), sub, started, refresh.hash())
            .with_expiry(started + self.absolute, started + self.idle);
        family.email = email.map(str::to_owned);
        let pair = self.pair(&family, &refresh)?;
        self.store
            .start(family)
            .await
            .map_err(|err| observe::store_error("start", err))?;
        Ok(pair)
    }

    /// Exchanges a refresh token for a new pair of the same session; see [`Sessions`] for the
    /// rotation, reuse and grace rules.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, SessionError, Sessions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = Sessions::new(&secret, MemoryStore::new());
    /// let pair = sessions.login("42", None).await?;
    /// let next = sessions.refresh(&pair.refresh_token).await?;
    /// assert_eq!(next.sid, pair.sid);
    /// assert!(matches!(sessions.refresh("not a refresh token").await, Err(SessionError::Malformed)));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Malformed`], [`Unknown`](SessionError::Unknown),
    /// [`Expired`](SessionError::Expired), [`Reused`](SessionError::Reused) or
    /// [`Revoked`](SessionError::Revoked) for a refused token (400 `invalid_grant`);
    /// [`SessionError::Store`] when the store cannot answer (503, safe to retry).
    pub async fn refresh(
        &self,
        refresh_token: impl PresentedToken,
    ) -> Result<TokenPair, SessionError> {
        let result = self.rotate(refresh_token.presented()).await;
        observe::refresh(&result, SessionError::cause_name);
        result
    }

    /// [`Sessions::refresh`] without the report to `tracing` and `metrics`.
    async fn rotate(&self, refresh_token: &str) -> Result<TokenPair, SessionError> {
        let presented = RawToken::parse(refresh_token).ok_or(SessionError::Malformed)?;
        let sid = sid_string(&presented.sid());
        let now = self.clock.now();
        let keys = self.keys.keys();
        let successors: Vec<RawToken> = keys.iter().map(|key| presented.successor(key)).collect();
        let rotation = Rotation::new(
            sid.clone(),
            presented.hash(),
            successors.iter().map(RawToken::hash).collect(),
            now,
        )
        .with_idle(self.idle)
        .with_grace(self.grace);
        let (family, successor) = match self
            .store
            .rotate(rotation)
            .await
            .map_err(|err| observe::store_error("rotate", err))?
        {
            RotationOutcome::Rotated(family) => (family, &successors[0]),
            RotationOutcome::Repeated { family, successor } => {
                self.emit(SessionEvent::Repeated {
                    sub: family.sub.clone(),
                    sid: sid.clone(),
                });
                let successor =
                    successors
                        .get(successor)
                        .ok_or_else(|| StoreError::Unexpected {
                            reason: format!("successor index {successor} out of range"),
                        })?;
                (family, successor)
            }
            RotationOutcome::Reused { sub } => {
                observe::refresh_reuse(&sub, &sid);
                self.emit(SessionEvent::Reused {
                    sub: sub.clone(),
                    sid: sid.clone(),
                });
                self.revoke(Revocation::session(&sid, self.access_retention(now)))
                    .await?;
                return Err(SessionError::Reused { sub, sid });
            }
            RotationOutcome::Revoked { .. } => {
                // The family may have been revoked by a step whose revocation entry was never
                // written (the store failed in between): write it again, it is idempotent.
                self.revoke(Revocation::session(&sid, self.access_retention(now)))
                    .await?;
                return Err(SessionError::Revoked { sid });
            }
            RotationOutcome::Expired { ttl, at } => {
                return Err(SessionError::Expired { ttl, at });
            }
            RotationOutcome::Unknown => return Err(SessionError::Unknown),
        };
        if let RevocationStatus::Revoked(RevokedBy::Subject | RevokedBy::Session) =
            self.view.status(&family.sub, Some(&sid), None, None)
        {
            return Err(SessionError::Revoked { sid });
        }
        let pair = self.pair(&family, successor)?;
        self.store
            .acknowledge(&sid, successor.hash())
            .await
            .map_err(|err| observe::store_error("acknowledge", err))?;
        Ok(pair)
    }

    /// Ends the session of `refresh_token` (any of its refresh tokens): refresh is refused from
    /// now on, and so are its access tokens by verifiers with the store's view.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, SessionError, Sessions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = Sessions::new(&secret, MemoryStore::new());
    /// let pair = sessions.login("42", None).await?;
    /// sessions.logout(&pair.refresh_token).await?;
    /// assert!(matches!(sessions.refresh(&pair.refresh_token).await, Err(SessionError::Revoked { .. })));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Malformed`] or [`SessionError::Unknown`] for a token of no session;
    /// [`SessionError::Store`].
    pub async fn logout(&self, refresh_token: impl PresentedToken) -> Result<(), SessionError> {
        let presented =
            RawToken::parse(refresh_token.presented()).ok_or(SessionError::Malformed)?;
        let sid = sid_string(&presented.sid());
        match self
            .store
            .end(&sid, presented.hash())
            .await
            .map_err(|err| observe::store_error("end", err))?
        {
            EndOutcome::Ended { sub } => {
                let now = self.clock.now();
                self.revoke(Revocation::session(&sid, self.access_retention(now)))
                    .await?;
                self.emit(SessionEvent::LoggedOut { sub, sid });
                Ok(())
            }
            EndOutcome::Unknown => Err(SessionError::Unknown),
        }
    }

    /// Refuses every token of `sub` issued until now (password change, "log out everywhere"):
    /// its sessions' access and refresh tokens, and tokens of other issuers by their `iat`
    /// (tokens without `iat` included: fail closed). A login right after works.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Sessions, Verifier};
    /// use jwt_auth::store::SessionStore;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let store = MemoryStore::new();
    /// let verifier = Verifier::new(&secret).with_revocation(store.revocations());
    /// let sessions = Sessions::new(&secret, store);
    /// let before = sessions.login("42", None).await?;
    /// sessions.logout_everywhere("42").await?;
    /// let after = sessions.login("42", None).await?;
    /// assert!(verifier.verify(&before.access_token).is_err());
    /// assert!(verifier.verify(&after.access_token).is_ok());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Store`].
    pub async fn logout_everywhere(&self, sub: &str) -> Result<(), SessionError> {
        let now = self.clock.now();
        let until = now + self.subject_retention.max(self.access_ttl) + self.leeway();
        self.revoke(Revocation::subject(sub, now, until)).await?;
        self.emit(SessionEvent::LoggedOutEverywhere {
            sub: sub.to_owned(),
        });
        Ok(())
    }

    /// Revokes one access token by its `jti`, for as long as these sessions' access tokens live.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Sessions, Verifier};
    /// use jwt_auth::store::SessionStore;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let store = MemoryStore::new();
    /// let verifier = Verifier::new(&secret).with_revocation(store.revocations());
    /// let sessions = Sessions::new(&secret, store);
    /// let pair = sessions.login("42", None).await?;
    /// let jti = verifier.verify(&pair.access_token)?.jti.unwrap();
    /// sessions.revoke_token(&jti).await?;
    /// assert!(verifier.verify(&pair.access_token).is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Store`].
    pub async fn revoke_token(&self, jti: &str) -> Result<(), SessionError> {
        let until = self.access_retention(self.clock.now());
        Ok(self.revoke(Revocation::token(jti, until)).await?)
    }

    /// Ends a session by its `sid`, as [`Sessions::logout`] does by a refresh token.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, SessionError, Sessions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let sessions = Sessions::new(&secret, MemoryStore::new());
    /// let pair = sessions.login("42", None).await?;
    /// sessions.revoke_session(&pair.sid).await?;
    /// assert!(matches!(sessions.refresh(&pair.refresh_token).await, Err(SessionError::Revoked { .. })));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Store`].
    pub async fn revoke_session(&self, sid: &str) -> Result<(), SessionError> {
        let until = self.access_retention(self.clock.now());
        Ok(self.revoke(Revocation::session(sid, until)).await?)
    }
}
