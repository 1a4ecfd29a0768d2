//! [`RemoteKeySet`]: the public keys of a JWKS fetched over HTTPS, or of an OpenID Connect
//! issuer through its discovery document, cached, refreshed in the background, and read by
//! verifiers without a lock. Feature `remote-jwks`.

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use reqwest::header::{CACHE_CONTROL, HeaderMap, LOCATION};
use reqwest::{Client, Url, redirect};
use tokio::sync::{Mutex as AsyncMutex, Notify};

use super::{Jwks, JwksError, SkippedKey};
use crate::echo::{ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, echo};
use crate::key::remote::{RemoteSnapshot, RemoteSource};
use crate::key::{KeySet, PublicKey};
use crate::observe;

/// The public keys an identity provider or an issuing service publishes as a JWKS, fetched from
/// its URL (`JWT_JWKS_URL`) or found through an OpenID Connect issuer's discovery document
/// (`JWT_OIDC_ISSUER`), for a [`Verifier`](crate::Verifier). Feature `remote-jwks`.
///
/// Build one with [`RemoteKeySet::jwks_url`] or [`RemoteKeySet::oidc_issuer`], hand it to a
/// verifier (alone, or beside an HS256 ring: [`KeySet::with_remote`]), and verify with
/// [`Verifier::verify_fresh`](crate::Verifier::verify_fresh) (or through the tower layer and the
/// axum and actix-web extractors, which do).
///
/// - **Fetching**: `https://` only; plain `http://` for a loopback address (`127.0.0.0/8`,
///   `::1`, `localhost`) or a host the application names
///   ([`RemoteKeySetBuilder::allow_insecure_http_host`]). Each request has a timeout
///   ([`RemoteKeySet::DEFAULT_TIMEOUT`]); a body past [`Jwks::MAX_DOCUMENT_LEN`] is not read
///   further; a redirect to another host is refused. For an OpenID Connect issuer, the discovery
///   document's `issuer` must equal the configured one, and its `jwks_uri` obeys the same rules.
/// - **When**: lazily: the first verification that needs the set (or [`RemoteKeySet::refresh`])
///   starts a Tokio task that fetches at once and then again after the response's
///   `Cache-Control: max-age`, bounded by [`RemoteKeySet::MIN_REFRESH`] and
///   [`RemoteKeySet::MAX_REFRESH`] ([`RemoteKeySet::DEFAULT_REFRESH`] without one), or after
///   the cooldown when a fetch failed. The task ends when the last clone of the set is dropped.
/// - **An unknown `kid`** asks for one refresh, however many requests carry it (single flight),
///   and none other for the cooldown ([`RemoteKeySet::DEFAULT_COOLDOWN`]) after any attempt:
///   within it, a `kid` that a fresh answer did not list is
///   [`UnknownPublicKeyId`](crate::VerifyError::UnknownPublicKeyId) (401).
/// - **Reading** the keys takes no lock: verifiers load an `arc_swap` snapshot, replaced whole
///   after each fetch. Only the refresh itself is serialised.
/// - **When the source fails** (unreachable, an error status, a document that is not JSON, too
///   large, with too many keys, a redirect to another host): the keys fetched before keep
///   verifying up to the staleness bound ([`RemoteKeySet::DEFAULT_MAX_STALENESS`]), then tokens
///   are refused with [`KeySetStale`](crate::VerifyError::KeySetStale); an unknown `kid` while
///   the source is failing is [`KeySetUnreachable`](crate::VerifyError::KeySetUnreachable): 503
///   with `Retry-After`, never 401. [`RemoteKeySet::status`] says why.
/// - **Entries it cannot use** (an RSA key, a private member, an `alg` its key cannot have) are
///   skipped with their reason ([`RemoteStatus::skipped`]); the others are used.
///
/// ```
/// use jwt_auth::jwks::{Jwks, RemoteKeySet, SigningKey};
/// use jwt_auth::{Issuer, Verifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// // An issuer's key, and a JWKS of its public half served on loopback.
/// let key = SigningKey::from_pkcs8_pem(
///     "-----BEGIN PRIVATE KEY-----\n\
///      MC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n\
///      -----END PRIVATE KEY-----\n",
/// )?;
/// let document = serde_json::to_string(&Jwks::from_keys([key.public_key()]))?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let url = format!("http://{}/.well-known/jwks.json", listener.local_addr()?);
/// let app = axum::Router::new().route(
///     "/.well-known/jwks.json",
///     axum::routing::get(move || std::future::ready(document.clone())),
/// );
/// tokio::spawn(async move { axum::serve(listener, app).await });
///
/// let remote = RemoteKeySet::jwks_url(&url).build()?;
/// let verifier = Verifier::new(remote.clone());
/// let token = Issuer::new(&key).issue("42", None)?;
/// // The first token waits for the first fetch; the next ones find the keys cached.
/// assert_eq!(verifier.verify_fresh(&token).await?.sub, "42");
/// assert_eq!(verifier.verify(&token)?.sub, "42");
/// assert_eq!(remote.status().fetches, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
///
/// Cheap to clone: clones share the cache, the task and the client.
#[derive(Clone)]
pub struct RemoteKeySet {
    inner: Arc<Inner>,
}

/// Options for a [`RemoteKeySet`], from [`RemoteKeySet::jwks_url`] or
/// [`RemoteKeySet::oidc_issuer`]; [`RemoteKeySetBuilder::build`] checks them.
///
/// ```
/// use std::time::Duration;
/// use jwt_auth::jwks::RemoteKeySet;
///
/// let remote = RemoteKeySet::jwks_url("http://sidecar:8080/jwks.json")
///     .allow_insecure_http_host("sidecar")
///     .with_timeout(Duration::from_secs(2))
///     .with_cooldown(Duration::from_secs(60))
///     .build()?;
/// # Ok::<(), jwt_auth::jwks::RemoteError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RemoteKeySetBuilder {
    source: String,
    oidc: bool,
    client: Option<Client>,
    timeout: Duration,
    cooldown: Duration,
    max_staleness: Duration,
    refresh_bounds: (Duration, Duration),
    insecure_hosts: Vec<String>,
}

/// Why a remote key set could not be built, or its last fetch failed. A failed fetch keeps the
/// keys fetched before (up to the staleness bound) and is reported by [`RemoteKeySet::status`].
///
/// ```
/// use jwt_auth::jwks::{RemoteError, RemoteKeySet};
///
/// let refused = RemoteKeySet::jwks_url("http://keys.example.com/jwks.json").build().unwrap_err();
/// assert!(matches!(refused, RemoteError::InsecureUrl { .. }));
/// assert!(RemoteKeySet::jwks_url("http://127.0.0.1:8080/jwks.json").build().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The URL does not parse.
    #[error("{url:?} is not a URL: {reason}")]
    InvalidUrl {
        /// The URL given (truncated).
        url: String,
        /// The parser's message.
        reason: String,
    },
    /// Plain `http://` to a host that is neither loopback nor allowed by name, or a scheme other
    /// than `https` and `http`: keys fetched that way could be anyone's.
    #[error(
        "{url} is not https: plain http is allowed for loopback addresses only, or for a host \
         allowed by name (RemoteKeySetBuilder::allow_insecure_http_host)"
    )]
    InsecureUrl {
        /// The URL (truncated).
        url: String,
    },
    /// The request timed out.
    #[error("fetching {url} timed out after {after:?}")]
    Timeout {
        /// The URL fetched.
        url: String,
        /// The timeout.
        after: Duration,
    },
    /// The request failed: no connection, a TLS error, a broken response.
    #[error("fetching {url} failed: {reason}")]
    Unreachable {
        /// The URL fetched.
        url: String,
        /// The client's explanation.
        reason: String,
    },
    /// The server answered with a status other than 2xx (or a redirect within the host that the
    /// client did not follow).
    #[error("fetching {url} answered HTTP {status}")]
    Status {
        /// The URL fetched.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The server redirected to another host: keys are taken from the configured host only.
    #[error("fetching {url} redirected to another host ({location}); refused")]
    RedirectToOtherHost {
        /// The URL fetched.
        url: String,
        /// Where it redirected (truncated).
        location: String,
    },
    /// The JWKS document was refused whole (not UTF-8 JSON, over the size cap, without `keys`,
    /// with too many).
    #[error("the JWKS document at {url} was refused: {reason}")]
    Document {
        /// The URL fetched.
        url: String,
        /// Why.
        reason: JwksError,
    },
    /// The OpenID Connect discovery document is not usable (not JSON, no `jwks_uri`).
    #[error("the discovery document at {url} is not usable: {reason}")]
    Discovery {
        /// The discovery URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The discovery document's `issuer` is not the configured issuer (OpenID Connect
    /// Discovery 1.0 §4.3: it must be identical).
    #[error("the discovery document names issuer {found:?}, not the configured {expected:?}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// What the document says (truncated), `None` when it has none.
        found: Option<String>,
    },
    /// No Tokio runtime to fetch in: the set was first used outside one.
    #[error("no Tokio runtime to fetch the key set in: verify inside a Tokio runtime")]
    NoRuntime,
}

impl RemoteError {
    /// The failure's cause as a stable name in snake case (the variant's name: `timeout`,
    /// `unreachable`, `status`, `document`…): the `outcome` label of the
    /// `jwt_auth_jwks_fetches_total` counter and the `cause` field of the crate's `tracing`
    /// events (see [`observability`](crate::observability)).
    ///
    /// ```
    /// let err = jwt_auth::jwks::RemoteKeySet::jwks_url("http://keys.example.com/jwks.json").build().unwrap_err();
    /// assert_eq!(err.cause_name(), "insecure_url");
    /// ```
    pub fn cause_name(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "invalid_url",
            Self::InsecureUrl { .. } => "insecure_url",
            Self::Timeout { .. } => "timeout",
            Self::Unreachable { .. } => "unreachable",
            Self::Status { .. } => "status",
            Self::RedirectToOtherHost { .. } => "redirect_to_other_host",
            Self::Document { .. } => "document",
            Self::Discovery { .. } => "discovery",
            Self::IssuerMismatch { .. } => "issuer_mismatch",
            Self::NoRuntime => "no_runtime",
        }
    }
}

/// What a remote key set last did, for a health check or a log line:
/// [`RemoteKeySet::status`].
///
/// ```
/// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json").build()?;
/// let status = remote.status();
/// assert_eq!((status.fetches, status.fetched_at, status.keys.len()), (0, None, 0));
/// # Ok::<(), jwt_auth::jwks::RemoteError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteStatus {
    /// The keys in use.
    pub keys: Vec<PublicKey>,
    /// The entries of the last document read that were skipped, with their reasons.
    pub skipped: Vec<SkippedKey>,
    /// When the keys in use were fetched.
    pub fetched_at: Option<SystemTime>,
    /// Why the last attempt failed; `None` when it succeeded or none was made.
    pub last_error: Option<RemoteError>,
    /// How many fetches of the JWKS document were attempted (discovery requests not counted).
    pub fetches: u64,
    /// The JWKS URL: the configured one, or the issuer's `jwks_uri` once discovered.
    pub jwks_uri: Option<String>,
}

/// Where the keys come from.
#[derive(Debug)]
enum Source {
    Jwks(Url),
    Oidc { issuer: String, discovery: Url },
}

/// The state a refresh needs, behind the single-flight lock.
#[derive(Debug, Default)]
struct FetchState {
    /// The issuer's `jwks_uri`, once discovered; forgotten when fetching it fails.
    jwks_uri: Option<Url>,
    /// When the background task fetches next.
    next_due: Option<Instant>,
}

struct Inner {
    source: Source,
    client: Client,
    timeout: Duration,
    cooldown: Duration,
    max_staleness: Duration,
    refresh_bounds: (Duration, Duration),
    insecure_hosts: Vec<String>,
    /// What verifiers read, without a lock.
    snapshot: ArcSwap<RemoteSnapshot>,
    /// Single flight: one refresh at a time; never taken on the request path.
    fetch: AsyncMutex<FetchState>,
    /// What [`RemoteKeySet::status`] reports; written after each attempt, never read by a
    /// verifier.
    status: Mutex<RemoteStatus>,
    /// Wakes the background task: a refresh is asked for, or the set is dropped.
    wake: Arc<Notify>,
    started: AtomicBool,
    this: Weak<Inner>,
}

impl RemoteKeySet {
    /// The default timeout of each request: 5 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default cooldown: 30 seconds (`JWT_JWKS_COOLDOWN_SECS`). After any attempt, an
    /// unknown `kid` causes no other fetch for this long.
    pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);
    /// The shortest cooldown accepted: 1 second (a shorter one is raised to it), so that a
    /// stream of forged `kid`s cannot turn into a stream of fetches.
    pub const MIN_COOLDOWN: Duration = Duration::from_secs(1);
    /// The default staleness bound: 1 hour. Keys fetched longer ago than this, with every fetch
    /// since failing, stop verifying (503), so that a key the provider withdrew during an outage
    /// is not trusted for ever.
    pub const DEFAULT_MAX_STALENESS: Duration = Duration::from_secs(3600);
    /// How long fetched keys are used before the background refresh without a
    /// `Cache-Control: max-age`: 5 minutes.
    pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);
    /// The default lower bound on `max-age`: 1 minute (`no-cache`, `no-store` and `max-age=0`
    /// count as this).
    pub const MIN_REFRESH: Duration = Duration::from_secs(60);
    /// The default upper bound on `max-age`: 15 minutes, well within the staleness bound, so
    /// that several refreshes can fail before keys go stale.
    pub const MAX_REFRESH: Duration = Duration::from_secs(900);

    /// A key set fetched from the JWKS document at `url`.
    ///
    /// ```
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json").build()?;
    /// # Ok::<(), jwt_auth::jwks::RemoteError>(())
    /// ```
    pub fn jwks_url(url: impl Into<String>) -> RemoteKeySetBuilder {
        RemoteKeySetBuilder::new(url.into(), false)
    }

    /// The key set of the OpenID Connect issuer `issuer` (`https://login.example.com/realms/x`):
    /// its `jwks_uri`, read from `{issuer}/.well-known/openid-configuration`, whose `issuer` must
    /// equal `issuer` exactly.
    ///
    /// ```
    /// let remote = jwt_auth::jwks::RemoteKeySet::oidc_issuer("https://login.example.com/realms/x").build()?;
    /// assert_eq!(remote.status().jwks_uri, None); // discovered at the first fetch
    /// # Ok::<(), jwt_auth::jwks::RemoteError>(())
    /// ```
    pub fn oidc_issuer(issuer: impl Into<String>) -> RemoteKeySetBuilder {
        RemoteKeySetBuilder::new(issuer.into(), true)
    }

    /// Fetches the key set now (waiting for a fetch under way rather than starting a second),
    /// whatever the cooldown, and starts the background refresh if it has not started. For a
    /// service that wants to know at start-up that its keys can be fetched.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// // Nothing listens on this port (a test's free port, closed again).
    /// let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url(format!("http://127.0.0.1:{port}/jwks.json")).build()?;
    /// let error = remote.refresh().await.unwrap_err();
    /// assert!(matches!(error, jwt_auth::jwks::RemoteError::Unreachable { .. }));
    /// assert_eq!(remote.status().last_error, Some(error));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    ///
    /// # Errors
    /// Why the fetch failed; the keys fetched before are kept.
    pub async fn refresh(&self) -> Result<(), RemoteError> {
        // Before the background task can start: an attempt it finishes after this instant
        // answers this call too.
        let asked = Instant::now();
        let _started = self.inner.start();
        self.inner.refresh(Some(asked)).await;
        match self.status().last_error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// What the set last did: its keys, the entries it skipped and why, when it last fetched,
    /// the last error. Safe to log (public keys only).
    ///
    /// ```
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json").build()?;
    /// assert!(remote.status().last_error.is_none());
    /// # Ok::<(), jwt_auth::jwks::RemoteError>(())
    /// ```
    pub fn status(&self) -> RemoteStatus {
        self.inner
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl fmt::Debug for RemoteKeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteKeySet")
            .field("source", &self.source)
            .field("keys", &self.snapshot.load().keys.len())
            .field("cooldown", &self.cooldown)
            .field("max_staleness", &self.max_staleness)
            .finish_non_exhaustive()
    }
}

impl RemoteKeySetBuilder {
    fn new(source: String, oidc: bool) -> Self {
        Self {
            source,
            oidc,
            client: None,
            timeout: RemoteKeySet::DEFAULT_TIMEOUT,
            cooldown: RemoteKeySet::DEFAULT_COOLDOWN,
            max_staleness: RemoteKeySet::DEFAULT_MAX_STALENESS,
            refresh_bounds: (RemoteKeySet::MIN_REFRESH, RemoteKeySet::MAX_REFRESH),
            insecure_hosts: Vec::new(),
        }
    }

    /// Fetches with `client` instead of the default one (reqwest with rustls and the operating
    /// system's trust store, redirects followed within the same host only): for a private CA
    /// (`ClientBuilder::add_root_certificate`) or a proxy (`ClientBuilder::proxy`). Whatever
    /// the client does, a response that ends on another host is refused and the timeout applies.
    ///
    /// ```
    /// let client = reqwest::Client::builder().build()?;
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json")
    ///     .with_client(client)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_client(mut self, client: Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Sets the timeout of each request (default [`RemoteKeySet::DEFAULT_TIMEOUT`]).
    ///
    /// ```
    /// let builder = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json")
    ///     .with_timeout(std::time::Duration::from_secs(2));
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the cooldown (default [`RemoteKeySet::DEFAULT_COOLDOWN`], at least
    /// [`RemoteKeySet::MIN_COOLDOWN`]).
    ///
    /// ```
    /// let builder = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json")
    ///     .with_cooldown(std::time::Duration::from_secs(60));
    /// ```
    pub fn with_cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown.max(RemoteKeySet::MIN_COOLDOWN);
        self
    }

    /// Sets the staleness bound (default [`RemoteKeySet::DEFAULT_MAX_STALENESS`]).
    ///
    /// ```
    /// let builder = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json")
    ///     .with_max_staleness(std::time::Duration::from_secs(6 * 3600));
    /// ```
    pub fn with_max_staleness(mut self, max_staleness: Duration) -> Self {
        self.max_staleness = max_staleness;
        self
    }

    /// Sets the bounds within which `Cache-Control: max-age` is honoured (default
    /// [`RemoteKeySet::MIN_REFRESH`] to [`RemoteKeySet::MAX_REFRESH`]); the upper one is lowered
    /// to half the staleness bound when above it, and no refresh comes sooner than the cooldown.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json")
    ///     .with_refresh_bounds(Duration::from_secs(30), Duration::from_secs(600));
    /// ```
    pub fn with_refresh_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.refresh_bounds = (min, max.max(min));
        self
    }

    /// Allows plain `http://` to `host` (a sidecar on a private network, `"jwks-sidecar"`):
    /// the application names each such host. Loopback addresses need no allowance.
    ///
    /// ```
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("http://sidecar/jwks.json")
    ///     .allow_insecure_http_host("sidecar")
    ///     .build()?;
    /// # Ok::<(), jwt_auth::jwks::RemoteError>(())
    /// ```
    pub fn allow_insecure_http_host(mut self, host: impl Into<String>) -> Self {
        self.insecure_hosts.push(host.into().to_ascii_lowercase());
        self
    }

    /// The key set. Nothing is fetched yet: the first verification that needs it, or
    /// [`RemoteKeySet::refresh`], starts the fetching.
    ///
    /// ```
    /// use jwt_auth::jwks::{RemoteError, RemoteKeySet};
    /// assert!(matches!(RemoteKeySet::jwks_url("not a url").build(), Err(RemoteError::InvalidUrl { .. })));
    /// ```
    ///
    /// # Errors
    /// [`RemoteError::InvalidUrl`] for a URL that does not parse, [`RemoteError::InsecureUrl`]
    /// for one that is not `https` nor allowed plain `http`; [`RemoteError::Unreachable`] when
    /// the default HTTP client cannot be built (no TLS provider).
    pub fn build(self) -> Result<RemoteKeySet, RemoteError> {
        let source = if self.oidc {
            let issuer = self.source.clone();
            let discovery = format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            );
            let discovery = parse_url(&discovery, &self.insecure_hosts)?;
            Source::Oidc { issuer, discovery }
        } else {
            Source::Jwks(parse_url(&self.source, &self.insecure_hosts)?)
        };
        let client = match self.client {
            Some(client) => client,
            None => default_client(self.timeout)?,
        };
        let (min, max) = self.refresh_bounds;
        let max = max.min(self.max_staleness / 2).max(min);
        let inner = Arc::new_cyclic(|this| Inner {
            status: Mutex::new(RemoteStatus {
                jwks_uri: match &source {
                    Source::Jwks(url) => Some(url.to_string()),
                    Source::Oidc { .. } => None,
                },
                ..RemoteStatus::default()
            }),
            source,
            client,
            timeout: self.timeout,
            cooldown: self.cooldown,
            max_staleness: self.max_staleness,
            refresh_bounds: (min, max),
            insecure_hosts: self.insecure_hosts,
            snapshot: ArcSwap::from_pointee(RemoteSnapshot::default()),
            fetch: AsyncMutex::new(FetchState::default()),
            wake: Arc::new(Notify::new()),
            started: AtomicBool::new(false),
            this: this.clone(),
        });
        Ok(RemoteKeySet { inner })
    }
}

impl KeySet {
    /// Adds a remote key set (replacing any), consulted for the public-key tokens the keys held
    /// here do not verify: dual stack is `KeySet::from(&secret).with_remote(remote)`.
    /// Feature `remote-jwks`.
    ///
    /// ```
    /// use jwt_auth::jwks::{KeySet, RemoteKeySet};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let remote = RemoteKeySet::jwks_url("https://login.example.com/jwks.json").build()?;
    /// let verifier = jwt_auth::Verifier::new(KeySet::from(&secret).with_remote(remote));
    /// // HS256 tokens verify as before, without the remote set.
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", None)?;
    /// assert_eq!(verifier.verify(&token)?.sub, "42");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_remote(mut self, remote: RemoteKeySet) -> Self {
        self.set_remote_source(remote.inner);
        self
    }
}

/// The remote key set alone.
impl From<RemoteKeySet> for KeySet {
    fn from(remote: RemoteKeySet) -> Self {
        Self::new().with_remote(remote)
    }
}

/// The remote key set alone (a clone, sharing its cache).
impl From<&RemoteKeySet> for KeySet {
    fn from(remote: &RemoteKeySet) -> Self {
        Self::from(remote.clone())
    }
}

impl RemoteSource for Inner {
    fn snapshot(&self) -> arc_swap::Guard<Arc<RemoteSnapshot>> {
        self.snapshot.load()
    }

    fn cooldown(&self) -> Duration {
        self.cooldown
    }

    fn max_staleness(&self) -> Duration {
        self.max_staleness
    }

    fn request_refresh(&self) -> Result<(), Arc<str>> {
        self.start()
            .map_err(|error| Arc::from(error.to_string().as_str()))?;
        self.wake.notify_one();
        Ok(())
    }

    fn refreshed(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            let _started = self.start();
            self.refresh(None).await;
        })
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The background task holds a weak reference: waking it lets it see that and end.
        self.wake.notify_one();
    }
}

impl Inner {
    /// Starts the background task on first use, on the current Tokio runtime.
    fn start(&self) -> Result<(), RemoteError> {
        if self.started.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.started.store(false, Ordering::Release);
            return Err(RemoteError::NoRuntime);
        };
        runtime.spawn(run(self.this.clone(), Arc::clone(&self.wake)));
        Ok(())
    }

    /// One refresh, single flight: waits for one under way, then fetches unless an attempt
    /// finished within the cooldown (or, when `asked` at an instant, whatever the cooldown,
    /// unless one finished since).
    async fn refresh(&self, asked: Option<Instant>) {
        let mut state = self.fetch.lock().await;
        if let Some(attempted) = self.snapshot.load().attempted_at {
            let recent = match asked {
                Some(asked) => attempted >= asked,
                None => attempted.elapsed() < self.cooldown,
            };
            if recent {
                return;
            }
        }
        let result = self.fetch_keys(&mut state).await;
        observe::jwks_fetch(&result, RemoteError::cause_name);
        if let Ok((jwks, _)) = &result {
            for skipped in jwks.skipped() {
                observe::jwks_skipped(skipped.index, skipped.kid.as_deref(), &skipped.reason);
            }
        }
        let now = Instant::now();
        let previous = self.snapshot.load_full();
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        status.fetches += 1;
        let snapshot = match result {
            Ok((jwks, max_age)) => {
                let (min, max) = self.refresh_bounds;
                let interval = max_age
                    .unwrap_or(RemoteKeySet::DEFAULT_REFRESH)
                    .clamp(min, max);
                state.next_due = Some(now + interval.max(self.cooldown));
                status.keys = jwks.keys().to_vec();
                status.skipped = jwks.skipped().to_vec();
                status.fetched_at = Some(SystemTime::now());
                status.last_error = None;
                RemoteSnapshot {
                    keys: jwks.keys().to_vec(),
                    fetched_at: Some(now),
                    attempted_at: Some(now),
                    failure: None,
                }
            }
            Err(error) => {
                state.next_due = Some(now + self.cooldown);
                let failure = Arc::from(error.to_string().as_str());
                status.last_error = Some(error);
                RemoteSnapshot {
                    keys: previous.keys.clone(),
                    fetched_at: previous.fetched_at,
                    attempted_at: Some(now),
                    failure: Some(failure),
                }
            }
        };
        if let Some(url) = &state.jwks_uri {
            status.jwks_uri = Some(url.to_string());
        }
        drop(status);
        observe::jwks_age(snapshot.fetched_at.map(|fetched| now - fetched));
        self.snapshot.store(Arc::new(snapshot));
    }

    /// Fetches and reads the JWKS document (discovering it first for an issuer), with the
    /// response's `max-age`.
    async fn fetch_keys(
        &self,
        state: &mut FetchState,
    ) -> Result<(Jwks, Option<Duration>), RemoteError> {
        let url = match &self.source {
            Source::Jwks(url) => url.clone(),
            Source::Oidc { issuer, discovery } => {
                if let Some(url) = &state.jwks_uri {
                    url.clone()
                } else {
                    let url = self.discover(issuer, discovery).await?;
                    state.jwks_uri = Some(url.clone());
                    url
                }
            }
        };
        let fetched = self.get(&url).await;
        if fetched.is_err() {
            // The issuer may have moved its keys: discover again next time.
            state.jwks_uri = None;
        }
        let (body, headers) = fetched?;
        let document = |reason| RemoteError::Document {
            url: url.to_string(),
            reason,
        };
        let text = std::str::from_utf8(&body).map_err(|e| {
            document(JwksError::NotJson {
                reason: e.to_string(),
            })
        })?;
        let jwks = Jwks::parse(text).map_err(document)?;
        Ok((jwks, max_age(&headers)))
    }

    /// The issuer's `jwks_uri`, from its discovery document.
    async fn discover(&self, issuer: &str, discovery: &Url) -> Result<Url, RemoteError> {
        let unusable = |reason: String| RemoteError::Discovery {
            url: discovery.to_string(),
            reason,
        };
        let (body, _) = self.get(discovery).await.map_err(|error| match error {
            RemoteError::Document { reason, .. } => unusable(reason.to_string()),
            other => other,
        })?;
        let document: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| unusable(echo(&e.to_string(), ECHOED_MESSAGE_CHARS)))?;
        let found = document.get("issuer").and_then(serde_json::Value::as_str);
        if found != Some(issuer) {
            return Err(RemoteError::IssuerMismatch {
                expected: issuer.to_owned(),
                found: found.map(|found| echo(found, ECHOED_VALUE_CHARS)),
            });
        }
        let jwks_uri = document
            .get("jwks_uri")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| unusable("it has no `jwks_uri`".to_owned()))?;
        parse_url(jwks_uri, &self.insecure_hosts)
    }

    /// GETs `url`: a 2xx response on the same host, its body read up to
    /// [`Jwks::MAX_DOCUMENT_LEN`] bytes.
    async fn get(&self, url: &Url) -> Result<(Vec<u8>, HeaderMap), RemoteError> {
        let failed = |error: reqwest::Error| {
            if error.is_timeout() {
                RemoteError::Timeout {
                    url: url.to_string(),
                    after: self.timeout,
                }
            } else {
                RemoteError::Unreachable {
                    url: url.to_string(),
                    reason: error_chain(&error),
                }
            }
        };
        let mut response = self
            .client
            .get(url.clone())
            .timeout(self.timeout)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status();
        let other_host = |location: &str| RemoteError::RedirectToOtherHost {
            url: url.to_string(),
            location: echo(location, ECHOED_VALUE_CHARS),
        };
        if !same_origin(url, response.url()) {
            return Err(other_host(response.url().as_str()));
        }
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| url.join(location).ok());
            if let Some(location) = location.filter(|location| !same_origin(url, location)) {
                return Err(other_host(location.as_str()));
            }
        }
        if !status.is_success() {
            return Err(RemoteError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let too_large = |len: usize| RemoteError::Document {
            url: url.to_string(),
            reason: JwksError::TooLarge {
                len,
                max: Jwks::MAX_DOCUMENT_LEN,
            },
        };
        if let Some(len) = response.content_length()
            && len > Jwks::MAX_DOCUMENT_LEN as u64
        {
            return Err(too_large(usize::try_from(len).unwrap_or(usize::MAX)));
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        // Read as it arrives, and stop as soon as it is over the cap: a hostile or broken
        // server without a Content-Length costs no more than the cap.
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > Jwks::MAX_DOCUMENT_LEN {
                return Err(too_large(body.len() + chunk.len()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, headers))
    }
}

/// Marks the background task as gone when it ends, the set dropped or its runtime shut down, so
/// that the next use on a runtime starts another.
struct Running(Weak<Inner>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(inner) = self.0.upgrade() {
            inner.started.store(false, Ordering::Release);
        }
    }
}

/// The background task: fetches when due or asked, until the set is dropped.
async fn run(set: Weak<Inner>, wake: Arc<Notify>) {
    let _running = Running(set.clone());
    loop {
        let due = {
            let Some(inner) = set.upgrade() else {
                return;
            };
            let due = inner.fetch.lock().await.next_due;
            if due.is_none_or(|due| due <= Instant::now()) {
                inner.refresh(None).await;
            }
            let next = inner.fetch.lock().await.next_due;
            next.unwrap_or_else(|| Instant::now() + inner.cooldown)
        };
        tokio::select! {
            () = tokio::time::sleep_until(due.into()) => {}
            () = wake.notified() => {
                if let Some(inner) = set.upgrade() {
                    inner.refresh(None).await;
                }
            }
        }
    }
}

/// The default client: rustls with the operating system's trust store, redirects followed
/// within the same origin only (at most 5), the timeout on each request.
fn default_client(timeout: Duration) -> Result<Client, RemoteError> {
    let policy = redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if same && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    Client::builder()
        .redirect(policy)
        .timeout(timeout)
        .build()
        .map_err(|error| RemoteError::Unreachable {
            url: String::new(),
            reason: error_chain(&error),
        })
}

/// Scheme, host and port equal: a redirect that keeps them stays with the configured source.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Parses `url` and applies the scheme rule: `https`, or `http` to loopback or an allowed host.
fn parse_url(url: &str, insecure_hosts: &[String]) -> Result<Url, RemoteError> {
    let parsed = Url::parse(url).map_err(|e| RemoteError::InvalidUrl {
        url: echo(url, ECHOED_VALUE_CHARS),
        reason: e.to_string(),
    })?;
    let host = parsed.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.parse::<IpAddr>().map_or_else(
        |_| bare.eq_ignore_ascii_case("localhost"),
        |ip| ip.is_loopback(),
    );
    let allowed = insecure_hosts
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(bare));
    match parsed.scheme() {
        "https" if !host.is_empty() => Ok(parsed),
        "http" if !host.is_empty() && (loopback || allowed) => Ok(parsed),
        _ => Err(RemoteError::InsecureUrl {
            url: echo(url, ECHOED_VALUE_CHARS),
        }),
    }
}

/// `Cache-Control: max-age` (zero for `no-cache` and `no-store`), if the response has one.
fn max_age(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(CACHE_CONTROL)?.to_str().ok()?;
    let mut max_age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(secs) = lower.strip_prefix("max-age=") {
            max_age = secs.trim_matches('"').parse().ok().map(Duration::from_secs);
        }
    }
    max_age
}

/// An error and its sources, `: `-separated: reqwest's own message says little ("error sending
/// request") without the cause under it.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    echo(&text, ECHOED_MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_loopback_and_named_hosts() {
        for url in [
            "http://127.0.0.1:1/jwks.json",
            "http://127.8.9.10/jwks.json",
            "http://[::1]:8080/jwks.json",
            "http://localhost/jwks.json",
            "http://LocalHost:80/x",
            "https://login.example.com/jwks.json",
        ] {
            assert!(parse_url(url, &[]).is_ok(), "{url}");
        }
        for url in [
            "http://login.example.com/jwks.json",
            "http://10.0.0.1/jwks.json",
            "http://localhost.example.com/jwks.json",
            "ftp://127.0.0.1/jwks.json",
            "file:///etc/passwd",
            "http://sidecar/jwks.json",
        ] {
            assert!(
                matches!(parse_url(url, &[]), Err(RemoteError::InsecureUrl { .. })),
                "{url}"
            );
        }
        assert!(parse_url("http://sidecar/jwks.json", &["sidecar".to_owned()]).is_ok());
    }

    #[test]
    fn max_age_is_read_from_cache_control() {
        let headers = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CACHE_CONTROL, value.parse().unwrap());
            headers
        };
        assert_eq!(
            max_age(&headers("public, max-age=600")),
            Some(Duration::from_secs(600))
        );
        assert_eq!(max_age(&headers("no-store")), Some(Duration::ZERO));
        assert_eq!(max_age(&headers("public")), None);
        assert_eq!(max_age(&HeaderMap::new()), None);
    }
}
