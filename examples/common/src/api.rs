//! The HTTP API both services expose, minus the framework: payloads, the login flow, and every
//! error response as an `http::Response<String>` that each framework returns unchanged.

use std::fmt;
use std::net::IpAddr;

use http::{HeaderValue, Response, StatusCode, header};
use jwt_auth::{AuthError, Claims, SessionError, TokenPair, Verifier, VerifyError};
use serde::{Deserialize, Serialize};

use crate::accounts::AccountStore;
use crate::config::{Settings, StartupError};
use crate::limiter::{LoginLimiter, RetryAfter};
use crate::prometheus::MetricsPage;
use crate::sessions::SessionBackend;

/// The most a request body may hold, in bytes. A login is well under 1 KiB.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Where both services publish their key set (RFC 8615's well-known prefix, the path identity
/// providers use and `JWT_JWKS_URL` points at).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// How long a verifier or a cache may keep the key set before fetching it again: 5 minutes. A
/// new signing key is listed there before it signs (see `jwt_auth::guide::public_keys`), and an
/// unknown `kid` makes a fetching verifier look again anyway, so a longer time would only delay
/// the removal of a retired key.
pub const JWKS_CACHE_CONTROL: &str = "public, max-age=300";

/// `GET /.well-known/jwks.json`: the key set of `settings.auth` (`jwt_auth::AuthConfig::jwks`),
/// as JSON with [`JWKS_CACHE_CONTROL`]. A service signing HS256 answers `{"keys":[]}` (200,
/// not 404): a JWKS client then sees "no public keys" rather than a broken URL, and a shared
/// secret is never published.
#[derive(Debug, Clone)]
pub struct JwksDocument(String);

impl JwksDocument {
    /// The document for `settings`, serialized once.
    pub fn new(settings: &Settings) -> Self {
        Self(
            serde_json::to_string(&settings.auth.jwks()).unwrap_or_else(|_| {
                // A key set of public keys always serializes; fail closed with an empty one.
                r#"{"keys":[]}"#.to_owned()
            }),
        )
    }

    /// The response: 200, `application/json`, [`JWKS_CACHE_CONTROL`].
    pub fn to_response(&self) -> Response<String> {
        let mut response = Response::new(self.0.clone());
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(JWKS_CACHE_CONTROL),
        );
        response
    }
}

/// `POST /login` body.
#[derive(Clone, Deserialize)]
pub struct LoginRequest {
    /// The account's email address.
    pub email: String,
    /// The password, in clear: never log it.
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// `GET /me` body: who the token says the caller is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeResponse {
    /// The user id.
    pub sub: String,
    /// The email address, when the token carries one.
    pub email: Option<String>,
    /// When the token expires, in seconds since 1970 (a JWT NumericDate).
    pub exp: i64,
}

impl From<Claims> for MeResponse {
    fn from(claims: Claims) -> Self {
        Self {
            sub: claims.sub,
            email: claims.email,
            exp: claims.exp.unix_timestamp(),
        }
    }
}

/// `GET /hello` body: the optional-authentication route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Greeting {
    /// `hello, <email or user id>`, or `hello, stranger` without a token.
    pub message: String,
}

impl Greeting {
    /// The greeting for a caller who may have authenticated.
    pub fn for_caller(claims: Option<&Claims>) -> Self {
        let name = claims.map_or("stranger", |c| c.email.as_deref().unwrap_or(&c.sub));
        Self {
            message: format!("hello, {name}"),
        }
    }
}

/// `GET /health` body.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Health {
    /// Always `"ok"` when the service answers.
    pub status: &'static str,
}

/// `GET /health`: the service is up.
pub const HEALTHY: Health = Health { status: "ok" };

/// Why `POST /login` did not issue a token. The client learns the category, never which part of
/// the credentials was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginError {
    /// Unknown email or wrong password: 401.
    InvalidCredentials,
    /// Not a JSON object with string `email` and `password`, or over [`BODY_LIMIT`]: 400.
    InvalidRequest,
    /// Too many attempts from this client: 429 with `Retry-After`.
    RateLimited(RetryAfter),
    /// The token could not be issued, or the password check could not run: 500.
    Internal,
}

impl LoginError {
    /// The status code.
    pub fn status_code(self) -> StatusCode {
        match self {
            Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The whole response: status, JSON body `{"error", "error_description"}` in the style of
    /// RFC 6749 §5.2, `Cache-Control: no-store`, and `Retry-After` when rate limited.
    pub fn to_response(self) -> Response<String> {
        let (error, description) = match self {
            Self::InvalidCredentials => {
                ("invalid_credentials", "The email or password is incorrect")
            }
            Self::InvalidRequest => (
                "invalid_request",
                "Expected a JSON object with string fields email and password",
            ),
            Self::RateLimited(_) => ("too_many_requests", "Too many login attempts; retry later"),
            Self::Internal => ("server_error", "The server could not complete the login"),
        };
        let mut response = Response::new(format!(
            r#"{{"error":"{error}","error_description":"{description}"}}"#
        ));
        *response.status_mut() = self.status_code();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Self::RateLimited(retry) = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry.seconds));
        }
        response
    }
}

/// What the handlers need, built once at start-up and shared (behind an `Arc`) by every worker.
#[derive(Debug)]
pub struct Backend {
    /// Checks bearer tokens, revocations included.
    pub verifier: Verifier,
    /// Starts, refreshes and ends sessions.
    pub sessions: SessionBackend,
    /// The users.
    pub accounts: AccountStore,
    /// The `POST /login` rate limit.
    pub login_limiter: LoginLimiter,
    /// `GET /metrics`, when the process records metrics (`METRICS=1`; see [`crate::start_up`]).
    pub metrics: Option<MetricsPage>,
    /// What `GET /.well-known/jwks.json` answers.
    pub jwks: JwksDocument,
}

impl Backend {
    /// The backend for `settings`, with `accounts`: sessions in Redis when
    /// [`Settings::redis_url`] is set, in a Redis Cluster when [`Settings::redis_cluster_urls`]
    /// is not empty (call it inside a Tokio runtime then), else in memory.
    ///
    /// # Errors
    /// [`StartupError::Redis`] when a URL is not a Redis URL, both are set, or this build has no
    /// Redis support.
    pub fn new(settings: &Settings, accounts: AccountStore) -> Result<Self, StartupError> {
        let redis_var = match (&settings.redis_url, settings.redis_cluster_urls.is_empty()) {
            (None, true) => None,
            (Some(_), true) => Some(crate::sessions::REDIS_URL_VAR),
            (None, false) => Some(crate::sessions::REDIS_CLUSTER_URLS_VAR),
            (Some(_), false) => return Err(StartupError::Redis(crate::config::both_redis_vars())),
        };
        let (sessions, verifier) = match redis_var {
            None => SessionBackend::memory(&settings.auth, settings.access_ttl),
            #[cfg(feature = "redis")]
            Some(var) => {
                let config = match &settings.redis_url {
                    Some(url) => jwt_auth::store::RedisConfig::new(url.as_str()),
                    None => jwt_auth::store::RedisConfig::cluster(&settings.redis_cluster_urls),
                };
                SessionBackend::redis(&settings.auth, config, settings.access_ttl)
                    .map_err(|err| StartupError::Redis(format!("{var}: {err}")))?
            }
            #[cfg(not(feature = "redis"))]
            Some(var) => {
                return Err(StartupError::Redis(format!(
                    "{var}: this build has no Redis support (feature `redis`)"
                )));
            }
        };
        Ok(Self {
            verifier,
            sessions,
            accounts,
            login_limiter: LoginLimiter::per_minute(settings.login_attempts_per_minute),
            metrics: None,
            jwks: JwksDocument::new(settings),
        })
    }

    /// Counts a login attempt from `client`; call it before looking at the body.
    ///
    /// # Errors
    /// [`LoginError::RateLimited`] when `client` is over its quota.
    pub fn check_login_rate(&self, client: IpAddr) -> Result<(), LoginError> {
        self.login_limiter.check(client).map_err(|retry| {
            tracing::warn!(%client, retry_after = retry.seconds, "login rate limit exceeded");
            LoginError::RateLimited(retry)
        })
    }

    /// Checks the credentials and answers the account's `(id, email)`. Blocks for tens of
    /// milliseconds (Argon2): run it on the framework's blocking pool, then
    /// [`Backend::start_session`].
    ///
    /// # Errors
    /// [`LoginError::InvalidCredentials`].
    pub fn authenticate(&self, request: &LoginRequest) -> Result<(String, String), LoginError> {
        let Some(account) = self
            .accounts
            .authenticate(&request.email, &request.password)
        else {
            // The attempted email is not logged: people type passwords into the email field.
            tracing::info!("login refused: invalid credentials");
            return Err(LoginError::InvalidCredentials);
        };
        Ok((account.id.clone(), account.email.clone()))
    }

    /// `POST /login`'s answer once [`Backend::authenticate`] passed: the pair, which each
    /// framework answers as the RFC 6749 §5.1 token response, or the [`SessionError`] (503 with
    /// `Retry-After`) when the store cannot answer, logged by [`log_session_error`].
    ///
    /// # Errors
    /// [`SessionError::Store`] when the store cannot take the session.
    pub async fn start_session(&self, sub: &str, email: &str) -> Result<TokenPair, SessionError> {
        let pair = self.sessions.login(sub, Some(email)).await?;
        tracing::info!(%sub, sid = %pair.sid, "login succeeded");
        Ok(pair)
    }
}

/// Logs why a session request was refused, from the [`SessionError`] the response carries in its
/// extensions: a refused token or a malformed body as information (a reuse is also warned about
/// by the sessions' event handler), an outage as a warning. The error never holds a token.
pub fn log_session_error(err: &SessionError) {
    if err.is_outage() {
        tracing::warn!(cause = %err, "session request failed");
    } else {
        tracing::info!(cause = %err, "session request refused");
    }
}

/// Logs why a request was not authenticated. The `AuthError` message is the precise cause and
/// never contains the token; the client only gets the generic RFC 6750 description.
pub fn log_rejection(err: &AuthError) {
    // A bad signature usually means a secret that differs between services, or a forgery.
    if matches!(err, AuthError::Token(VerifyError::InvalidSignature)) {
        tracing::warn!(cause = %err, "request rejected");
    } else {
        tracing::info!(cause = %err, "request rejected");
    }
}
