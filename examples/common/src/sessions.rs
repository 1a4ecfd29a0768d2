//! The session routes' logic, framework-free: `POST /refresh`, `POST /logout` and
//! `POST /logout-everywhere`, on `MemoryStore` or, when `REDIS_URL` is set, `RedisStore`.

use std::fmt;

use http::{HeaderValue, Response, StatusCode, header};
#[cfg(feature = "redis")]
use jwt_auth::RedisStore;
use jwt_auth::session::SessionEvent;
use jwt_auth::store::SessionStore;
use jwt_auth::store::{RedisConfig, StoreError};
use jwt_auth::{AuthConfig, MemoryStore, SessionError, Sessions, TokenPair, Verifier};
use serde::Deserialize;
use time::Duration;

/// The variable naming the Redis the sessions live in; unset, they live in this process.
pub const REDIS_URL_VAR: &str = "REDIS_URL";

/// `POST /refresh` and `POST /logout` body.
#[derive(Deserialize)]
pub struct RefreshRequest {
    /// The refresh token: never log it.
    pub refresh_token: String,
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshRequest").finish_non_exhaustive()
    }
}

/// Where the sessions live. `SessionStore` is not object-safe (its methods return futures), so
/// the choice made at start-up is an enum.
#[derive(Debug)]
pub enum SessionBackend {
    /// In this process only.
    Memory(Sessions<MemoryStore>),
    /// In Redis, shared by every instance.
    #[cfg(feature = "redis")]
    Redis(Sessions<RedisStore>),
}

impl SessionBackend {
    /// Sessions in memory, answering access tokens that live `access_ttl`, and `verifier`
    /// extended with their revocation view.
    pub fn memory(config: &AuthConfig, access_ttl: Duration) -> (Self, Verifier) {
        let sessions = configure(Sessions::from_config(config, MemoryStore::new()), access_ttl);
        let verifier = sessions.verifier().clone();
        (Self::Memory(sessions), verifier)
    }

    /// Sessions in the Redis at `url`, answering access tokens that live `access_ttl`, and
    /// `verifier` extended with the store's revocation mirror. Needs a Tokio runtime (the
    /// mirror's task); connects lazily.
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    #[cfg(feature = "redis")]
    pub fn redis(
        config: &AuthConfig,
        url: &str,
        access_ttl: Duration,
    ) -> Result<(Self, Verifier), StoreError> {
        let store = RedisStore::new(RedisConfig::new(url))?;
        let sessions = configure(Sessions::from_config(config, store), access_ttl);
        let verifier = sessions.verifier().clone();
        Ok((Self::Redis(sessions), verifier))
    }

    /// For Redis, waits up to `timeout` until the revocation mirror has loaded every entry: a
    /// mirror that never synced answers 503 to every authenticated request. Logs a warning when
    /// it has not (the service still starts, and answers 503 until Redis is reachable).
    // Async in both builds, so that the services call it the same way.
    #[cfg_attr(not(feature = "redis"), allow(clippy::unused_async))]
    pub async fn wait_ready(&self, timeout: std::time::Duration) {
        #[cfg(feature = "redis")]
        if let Self::Redis(sessions) = self {
            if sessions.store().mirror().wait_synced(timeout).await {
                tracing::info!("revocation mirror loaded from Redis");
            } else {
                tracing::warn!(
                    ?timeout,
                    "Redis not reachable yet: authenticated requests answer 503 until it is"
                );
            }
        }
        #[cfg(not(feature = "redis"))]
        let _ = timeout;
    }

    /// Starts a session for `sub`.
    ///
    /// # Errors
    /// [`SessionError`] when the store cannot answer.
    pub async fn login(&self, sub: &str, email: Option<&str>) -> Result<TokenPair, SessionError> {
        match self {
            Self::Memory(sessions) => sessions.login(sub, email).await,
            #[cfg(feature = "redis")]
            Self::Redis(sessions) => sessions.login(sub, email).await,
        }
    }

    /// `POST /refresh` with a body already read: 200 and a new pair, 400 `invalid_request` for a
    /// body that is not `{"refresh_token": "..."}`, 400 `invalid_grant` for a refused token, 503
    /// with `Retry-After` when the store cannot answer.
    pub async fn refresh_response(&self, body: &[u8]) -> Response<String> {
        let Some(request) = parse(body) else {
            return invalid_request();
        };
        let refreshed = match self {
            Self::Memory(sessions) => sessions.refresh(request.refresh_token.as_str()).await,
            #[cfg(feature = "redis")]
            Self::Redis(sessions) => sessions.refresh(request.refresh_token.as_str()).await,
        };
        match refreshed {
            Ok(pair) => token_response(&pair),
            Err(err) => session_error(&err, "refresh refused"),
        }
    }

    /// `POST /logout`: ends the session of the refresh token in `body`; 204, or as
    /// [`SessionBackend::refresh_response`] for a bad body, a refused token or an outage.
    pub async fn logout_response(&self, body: &[u8]) -> Response<String> {
        let Some(request) = parse(body) else {
            return invalid_request();
        };
        let ended = match self {
            Self::Memory(sessions) => sessions.logout(request.refresh_token.as_str()).await,
            #[cfg(feature = "redis")]
            Self::Redis(sessions) => sessions.logout(request.refresh_token.as_str()).await,
        };
        match ended {
            Ok(()) => no_content(),
            Err(err) => session_error(&err, "logout refused"),
        }
    }

    /// `POST /logout-everywhere` for the authenticated `sub`: 204, or 503 with `Retry-After`.
    pub async fn logout_everywhere_response(&self, sub: &str) -> Response<String> {
        let ended = match self {
            Self::Memory(sessions) => sessions.logout_everywhere(sub).await,
            #[cfg(feature = "redis")]
            Self::Redis(sessions) => sessions.logout_everywhere(sub).await,
        };
        match ended {
            Ok(()) => {
                tracing::info!(%sub, "logged out everywhere");
                no_content()
            }
            Err(err) => session_error(&err, "logout everywhere failed"),
        }
    }
}

/// Sets the access-token lifetime, and logs a reused refresh token (a stolen one, or a client
/// bug) as a warning, the signal to alert on, and a repeated one (two tabs, or a retry) as
/// information. Logouts are the routes' own.
/// Access tokens that live `access_ttl`, and revocation entries kept for `verifier`'s leeway past
/// them (`JWT_LEEWAY_SECS`): a shorter retention would let a revoked token back in until the
/// leeway ran out.
fn configure<S: SessionStore>(sessions: Sessions<S>, access_ttl: Duration) -> Sessions<S> {
    sessions
        .with_access_ttl(access_ttl)
        .with_event_handler(|event| match event {
            SessionEvent::Reused { sub, sid } => {
                tracing::warn!(%sub, %sid, "refresh token reused: session revoked");
            }
            SessionEvent::Repeated { sub, sid } => {
                tracing::info!(%sub, %sid, "refresh token presented again within its grace");
            }
            _ => {}
        })
}

fn parse(body: &[u8]) -> Option<RefreshRequest> {
    serde_json::from_slice(body).ok()
}

/// 200 with the RFC 6749 §5.1 body, `Cache-Control: no-store`.
pub fn token_response(pair: &TokenPair) -> Response<String> {
    // A `TokenPair` is four plain fields: serializing it cannot fail.
    let body = serde_json::to_string(pair).unwrap_or_default();
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn no_content() -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn invalid_request() -> Response<String> {
    let mut response = Response::new(
        r#"{"error":"invalid_request","error_description":"Expected a JSON object with a string field refresh_token"}"#
            .to_owned(),
    );
    *response.status_mut() = StatusCode::BAD_REQUEST;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The error's response; its precise cause (which never holds a token) goes to the log.
fn session_error(err: &SessionError, what: &str) -> Response<String> {
    if err.is_invalid_grant() {
        tracing::info!(cause = %err, "{what}");
    } else {
        tracing::warn!(cause = %err, "{what}");
    }
    err.to_response()
}

#[cfg(test)]
mod tests {
    use jwt_auth::Secret;

    use super::*;

    #[test]
    fn revocations_outlive_tokens_by_the_verifiers_leeway() {
        let (secret, _) = Secret::generate();
        let config = AuthConfig::new(&secret).with_leeway(Duration::minutes(5));
        let (backend, _) = SessionBackend::memory(&config, Duration::minutes(15));
        let SessionBackend::Memory(sessions) = &backend else {
            panic!("asked for memory");
        };
        assert_eq!(sessions.leeway(), Duration::minutes(5));
    }
}
