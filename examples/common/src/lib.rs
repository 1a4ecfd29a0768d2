//! What the axum and actix-web example services share, so that each example shows only its
//! framework's wiring and both behave identically:
//!
//! - [`Settings`]: the environment, read once at start-up (`JWT_SECRET` through
//!   `jwt_auth::AuthConfig`, or a generated secret when it is unset);
//! - [`AccountStore`]: the users, with Argon2id password hashes;
//! - [`LoginLimiter`]: the `POST /login` rate limit;
//! - [`sessions`]: where the sessions live, `MemoryStore` or (`REDIS_URL`, `REDIS_CLUSTER_URLS`) `RedisStore`; the
//!   session routes are `jwt-auth`'s own;
//! - [`api`]: payloads, the login flow, login error responses, and rejection logging;
//! - [`telemetry`]: the `tracing` subscriber;
//! - [`prometheus`]: with `METRICS=1`, the Prometheus recorder behind `GET /metrics`.
//!
//! Everything here runs in the services. The scenarios both are tested against are a crate of
//! their own, `example-conformance` (`examples/conformance`), which only their tests depend on.

use std::process::ExitCode;

pub mod accounts;
pub mod api;
pub mod config;
pub mod limiter;
pub mod prometheus;
pub mod sessions;
pub mod telemetry;

pub use accounts::{AccountStore, DEMO_EMAIL, DEMO_PASSWORD, DEMO_USER_ID};
pub use api::{Backend, LoginError, LoginRequest, log_rejection, log_session_error};
pub use config::{SecretSource, Settings, StartupError};
pub use limiter::{LoginLimiter, RetryAfter};
pub use prometheus::MetricsPage;
pub use sessions::{REDIS_URL_VAR, SessionBackend};

/// Everything before serving: installs the `tracing` subscriber ([`telemetry::init`]), reads and
/// logs the [`Settings`], builds the [`Backend`] with the demo account, and with `METRICS=1`
/// installs the Prometheus recorder ([`MetricsPage::install`]) for `GET /metrics`.
///
/// # Errors
/// After printing `error: <why>` to standard error, the exit code to return from `main`. A weak
/// `JWT_SECRET` gives the `jwt-auth` crate's own message.
pub fn start_up() -> Result<(Settings, Backend), ExitCode> {
    telemetry::init();
    let started = Settings::from_env().and_then(|settings| {
        settings.log_startup();
        let accounts = AccountStore::with_demo_account().map_err(StartupError::Accounts)?;
        let mut backend = Backend::new(&settings, accounts)?;
        if settings.metrics {
            backend.metrics = Some(MetricsPage::install().map_err(StartupError::Metrics)?);
        }
        Ok((settings, backend))
    });
    started.map_err(|err| {
        eprintln!("error: {err}");
        ExitCode::FAILURE
    })
}
