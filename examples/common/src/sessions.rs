//! Where the sessions live: `MemoryStore`, or `RedisStore` when `REDIS_URL` (one Redis) or
//! `REDIS_CLUSTER_URLS` (a Redis Cluster) is set. The session routes themselves (`POST /refresh`,
//! `POST /logout`, `POST /logout-everywhere`) are `jwt-auth`'s own, mounted by each service on
//! the sessions chosen here.

use std::sync::Arc;

#[cfg(feature = "redis")]
use jwt_auth::RedisStore;
use jwt_auth::session::SessionEvent;
use jwt_auth::store::SessionStore;
use jwt_auth::store::{RedisConfig, StoreError};
use jwt_auth::{AuthConfig, MemoryStore, SessionError, Sessions, TokenPair, Verifier};
use time::Duration;

/// The variable naming the Redis the sessions live in; unset, they live in this process.
pub const REDIS_URL_VAR: &str = "REDIS_URL";
/// The variable listing the seed nodes of the Redis Cluster the sessions live in,
/// comma-separated, instead of [`REDIS_URL_VAR`].
pub const REDIS_CLUSTER_URLS_VAR: &str = "REDIS_CLUSTER_URLS";

/// Where the sessions live. `SessionStore` is not object-safe (its methods return futures), so
/// the choice made at start-up is an enum.
#[derive(Debug)]
pub enum SessionBackend {
    /// In this process only.
    Memory(Arc<Sessions<MemoryStore>>),
    /// In Redis, shared by every instance.
    #[cfg(feature = "redis")]
    Redis(Arc<Sessions<RedisStore>>),
}

impl SessionBackend {
    /// Sessions in memory, answering access tokens that live `access_ttl`, and `verifier`
    /// extended with their revocation view.
    pub fn memory(config: &AuthConfig, access_ttl: Duration) -> (Self, Verifier) {
        let sessions = configure(
            Sessions::from_config(config, MemoryStore::new()),
            access_ttl,
        );
        let verifier = sessions.verifier().clone();
        (Self::Memory(Arc::new(sessions)), verifier)
    }

    /// Sessions in the Redis (or Redis Cluster) of `config`, answering access tokens that live
    /// `access_ttl`, and `verifier` extended with the store's revocation mirror. Needs a Tokio
    /// runtime (the mirror's task); connects lazily.
    ///
    /// # Errors
    /// When a URL is not a Redis URL, or a cluster has no seed.
    #[cfg(feature = "redis")]
    pub fn redis(
        config: &AuthConfig,
        redis: RedisConfig,
        access_ttl: Duration,
    ) -> Result<(Self, Verifier), StoreError> {
        let store = RedisStore::new(redis)?;
        let sessions = configure(Sessions::from_config(config, store), access_ttl);
        let verifier = sessions.verifier().clone();
        Ok((Self::Redis(Arc::new(sessions)), verifier))
    }

    /// For Redis, waits up to `timeout` until the revocation mirror has loaded every entry: a
    /// mirror that never synced answers 503 to every authenticated request. Logs a warning when
    /// it has not (the service still starts, and answers 503 until Redis is reachable).
    // Async in both builds, so that the services call it the same way.
    #[cfg_attr(not(feature = "redis"), allow(clippy::unused_async))]
    pub async fn wait_ready(&self, timeout: Duration) {
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
}

/// Sets the access-token lifetime, and logs a reused refresh token (a stolen one, or a client
/// bug) as a warning, the signal to alert on, a repeated one (two tabs, or a retry) and a logout
/// everywhere as information. Refused requests are logged from the responses' extensions
/// (`api::log_session_error`).
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
            SessionEvent::LoggedOutEverywhere { sub } => {
                tracing::info!(%sub, "logged out everywhere");
            }
            _ => {}
        })
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
