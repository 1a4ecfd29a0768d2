//! [`Settings`]: everything the service reads from its environment, read once at start-up.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `PORT` | the port to listen on, on 127.0.0.1 | `3000` |
//! | `JWT_SECRET` | the shared HS256 secret (see `jwt_auth::AuthConfig`) | a random one, announced, when `JWT_ALGORITHM` and `JWT_PRIVATE_KEY_FILE` are unset too |
//! | `JWT_ALGORITHM`, `JWT_PRIVATE_KEY_FILE` | `ES256` or `EdDSA` and the PKCS#8 PEM key that signs; its public half is served at `GET /.well-known/jwks.json` (with `JWT_SECRET` also set, HS256 tokens still verify) | `HS256` |
//! | `JWT_RETIRING_PUBLIC_KEY_FILES`, `JWT_ISSUER`, `JWT_AUDIENCE` | retiring public keys (verified and published), the `iss` and `aud` written and required | none |
//! | `JWT_EXPIRES_MIN`, `JWT_LEEWAY_SECS` | token lifetime and clock tolerance | `10080`, `60` |
//! | `SESSION_ACCESS_TTL_SECS` | lifetime of the access tokens `POST /login` and `POST /refresh` answer, 1 to 86400 seconds, at most `JWT_EXPIRES_MIN` plus `JWT_LEEWAY_SECS` | `900` |
//! | `CORS_ALLOWED_ORIGINS` | comma-separated origins, e.g. `https://app.example.com` | none |
//! | `LOGIN_ATTEMPTS_PER_MINUTE` | `POST /login` requests allowed per client address | `5` |
//! | `REDIS_URL` | where the sessions live (`redis://host:port/db`), shared by every instance | unset: in this process |
//! | `REDIS_CLUSTER_URLS` | instead of `REDIS_URL`, a Redis Cluster: comma-separated seed nodes (`redis://host:port/`), one reachable is enough | unset |
//! | `METRICS` | `1`: jwt-auth's metrics at `GET /metrics`, in the Prometheus text format; `0`: no such route | `0` |
//! | `REQUEST_TIMEOUT_SECS` | how long a client may take to send a request's headers, and then to have it answered (body included), before it gets a 408 or the connection is closed | `10` |

use std::ffi::OsString;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use jwt_auth::session::DEFAULT_ACCESS_TTL;
use jwt_auth::{AuthConfig, ConfigError, Secret};

const SECRET_VAR: &str = AuthConfig::SECRET_VAR;
const SECRET_FALLBACKS_VAR: &str = AuthConfig::SECRET_FALLBACKS_VAR;
const EXPIRES_MIN_VAR: &str = AuthConfig::EXPIRES_MIN_VAR;
const LEEWAY_SECS_VAR: &str = AuthConfig::LEEWAY_SECS_VAR;
const ALGORITHM_VAR: &str = AuthConfig::ALGORITHM_VAR;
const PRIVATE_KEY_FILE_VAR: &str = AuthConfig::PRIVATE_KEY_FILE_VAR;

/// The variable holding the port.
pub const PORT_VAR: &str = "PORT";
/// The variable holding the allowed CORS origins.
pub const CORS_VAR: &str = "CORS_ALLOWED_ORIGINS";
/// The variable holding the login rate limit.
pub const LOGIN_RATE_VAR: &str = "LOGIN_ATTEMPTS_PER_MINUTE";
/// The variable holding the request timeout, in seconds.
pub const REQUEST_TIMEOUT_VAR: &str = "REQUEST_TIMEOUT_SECS";
/// The variable holding the sessions' access-token lifetime, in seconds.
pub const ACCESS_TTL_VAR: &str = "SESSION_ACCESS_TTL_SECS";
/// The variable that turns `GET /metrics` on.
pub const METRICS_VAR: &str = "METRICS";

const DEFAULT_PORT: u16 = 3000;
const DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(5).unwrap();
/// Long enough for any client on a working network, short enough that a client which declares a
/// body and never sends it cannot pin a connection.
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_TIMEOUT_SECS: u64 = 300;
/// A day: an access token is meant to be short-lived, the refresh token carries the session.
const MAX_ACCESS_TTL_SECS: i64 = 86_400;

/// The variables that configure a shared secret, meaningless with a generated one.
const SECRET_SETTINGS: [&str; 3] = [SECRET_FALLBACKS_VAR, EXPIRES_MIN_VAR, LEEWAY_SECS_VAR];

/// Where the signing secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// `JWT_SECRET`, after the crate's strength check.
    Environment,
    /// Generated at start-up because `JWT_SECRET` was unset: tokens die with the process and no
    /// other service can verify them.
    Generated,
    /// Given in code, through [`Settings::new`] (tests, or a service embedding the app).
    Provided,
}

/// The service's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The port to listen on (on 127.0.0.1).
    pub port: u16,
    /// The issuer and verifier, built by `jwt_auth::AuthConfig`.
    pub auth: AuthConfig,
    /// Where the secret came from.
    pub secret_source: SecretSource,
    /// The origins browsers may call the API from. Never a wildcard.
    pub cors_allowed_origins: Vec<String>,
    /// `POST /login` requests allowed per client address per minute.
    pub login_attempts_per_minute: NonZeroU32,
    /// How long a client may take to send a request's headers, and then to have the request
    /// answered, body included.
    pub request_timeout: Duration,
    /// `REDIS_URL`: the Redis the sessions live in, or `None` for this process's memory.
    pub redis_url: Option<String>,
    /// `REDIS_CLUSTER_URLS`: the seed nodes of the Redis Cluster the sessions live in, instead
    /// of `REDIS_URL`; empty for none.
    pub redis_cluster_urls: Vec<String>,
    /// The lifetime of the access tokens a session's login and refreshes answer (default
    /// `jwt_auth::session::DEFAULT_ACCESS_TTL`, 15 minutes).
    pub access_ttl: time::Duration,
    /// `METRICS=1`: record jwt-auth's metrics and serve them at `GET /metrics`.
    pub metrics: bool,
}

/// Why the service refuses to start. Each message names the variable and what it should hold.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartupError {
    /// `JWT_SECRET` (or another `JWT_*` variable) is unusable: the crate's own message.
    Auth(ConfigError),
    /// The account store could not be built (the OS refused randomness for a salt).
    Accounts(argon2::password_hash::Error),
    /// A variable other than the `JWT_*` ones is malformed.
    Invalid {
        /// The variable.
        var: &'static str,
        /// What it holds.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// A `JWT_*` variable that only means something with a shared secret is set while
    /// `JWT_SECRET` is not.
    NeedsSecret {
        /// The variable.
        var: &'static str,
    },
    /// `REDIS_URL` or `REDIS_CLUSTER_URLS` is not a Redis URL, both are set, or this build has
    /// no Redis support (the message names the variable, and never quotes a URL, which may
    /// carry a password).
    Redis(String),
    /// The sessions' access tokens would live longer than the verifier accepts
    /// (`JWT_EXPIRES_MIN` plus `JWT_LEEWAY_SECS`), so every one of them would be refused.
    AccessTtlTooLong {
        /// `SESSION_ACCESS_TTL_SECS`, or its default.
        ttl: time::Duration,
        /// The longest lifetime the verifier accepts: its maximum plus its leeway.
        max: time::Duration,
    },
    /// `METRICS=1`, but the Prometheus recorder could not be installed (another is already).
    Metrics(String),
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auth(err) => err.fmt(f),
            Self::Accounts(err) => write!(f, "cannot build the account store: {err}"),
            Self::Invalid {
                var,
                value,
                expected,
            } => {
                write!(f, "{var}={value:?} is invalid: expected {expected}")
            }
            Self::NeedsSecret { var } => write!(
                f,
                "{var} is set but {SECRET_VAR} is not: set {SECRET_VAR} to the secret the other \
                 services share (generate one with `openssl rand -hex 32`), or unset {var}"
            ),
            Self::Redis(reason) => f.write_str(reason),
            Self::Metrics(reason) => write!(f, "{METRICS_VAR}=1: {reason}"),
            Self::AccessTtlTooLong { ttl, max } => write!(
                f,
                "{ACCESS_TTL_VAR} is {} seconds ({} when unset), longer than {EXPIRES_MIN_VAR} and \
                 {LEEWAY_SECS_VAR} allow ({} seconds): the service would refuse every access \
                 token it issues; lower {ACCESS_TTL_VAR} or raise {EXPIRES_MIN_VAR}",
                ttl.whole_seconds(),
                DEFAULT_ACCESS_TTL.whole_seconds(),
                max.whole_seconds()
            ),
        }
    }
}

impl std::error::Error for StartupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Auth(err) => Some(err),
            Self::Accounts(_)
            | Self::Invalid { .. }
            | Self::NeedsSecret { .. }
            | Self::Redis(_)
            | Self::Metrics(_)
            | Self::AccessTtlTooLong { .. } => None,
        }
    }
}

impl From<ConfigError> for StartupError {
    fn from(err: ConfigError) -> Self {
        Self::Auth(err)
    }
}

impl Settings {
    /// Settings for `auth`, built in code: port 3000, no CORS origins, 5 login attempts a
    /// minute, a 10-second request timeout, 15-minute session access tokens. The fields are
    /// public, to change any of them.
    pub fn new(auth: AuthConfig) -> Self {
        Self {
            port: DEFAULT_PORT,
            auth,
            secret_source: SecretSource::Provided,
            cors_allowed_origins: Vec::new(),
            login_attempts_per_minute: DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            redis_url: None,
            redis_cluster_urls: Vec::new(),
            access_ttl: DEFAULT_ACCESS_TTL,
            metrics: false,
        }
    }

    /// Reads the process environment.
    ///
    /// # Errors
    /// A [`StartupError`]: a weak, empty or non-UTF-8 `JWT_SECRET`, or a malformed variable.
    pub fn from_env() -> Result<Self, StartupError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// As [`Settings::from_env`], reading variables through `lookup`.
    ///
    /// # Errors
    /// As [`Settings::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, StartupError> {
        // Unset means "run out of the box": generate a strong secret for this process only.
        // Set but empty or weak is a mistake, and `AuthConfig` refuses it with its own message.
        // A signing key (`JWT_ALGORITHM`, `JWT_PRIVATE_KEY_FILE`) is configuration too: only
        // with none of the three does the service make up a secret.
        let keys_unset = [SECRET_VAR, ALGORITHM_VAR, PRIVATE_KEY_FILE_VAR]
            .into_iter()
            .all(|var| lookup(var).is_none());
        let (auth, secret_source) = if keys_unset {
            // Lifetime, leeway and fallbacks describe a secret shared with other services;
            // with a generated one they are a sign that JWT_SECRET was forgotten.
            if let Some(var) = SECRET_SETTINGS
                .into_iter()
                .find(|var| lookup(var).is_some())
            {
                return Err(StartupError::NeedsSecret { var });
            }
            let (secret, _) = Secret::generate();
            (AuthConfig::new(&secret), SecretSource::Generated)
        } else {
            (AuthConfig::from_lookup(&lookup)?, SecretSource::Environment)
        };
        let port = number(
            &lookup,
            PORT_VAR,
            DEFAULT_PORT,
            "a port number from 0 to 65535",
        )?;
        let cors_allowed_origins = match text(&lookup, CORS_VAR)? {
            None => Vec::new(),
            Some(value) => parse_origins(&value)?,
        };
        let login_attempts_per_minute = number(
            &lookup,
            LOGIN_RATE_VAR,
            DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE,
            "a whole number of requests, at least 1",
        )?;
        let timeout_expected = "a whole number of seconds from 1 to 300";
        let request_timeout = number(
            &lookup,
            REQUEST_TIMEOUT_VAR,
            DEFAULT_REQUEST_TIMEOUT.as_secs(),
            timeout_expected,
        )?;
        if !(1..=MAX_REQUEST_TIMEOUT_SECS).contains(&request_timeout) {
            return Err(StartupError::Invalid {
                var: REQUEST_TIMEOUT_VAR,
                value: request_timeout.to_string(),
                expected: timeout_expected,
            });
        }
        let ttl_expected = "a whole number of seconds from 1 to 86400";
        let access_ttl_secs = number(
            &lookup,
            ACCESS_TTL_VAR,
            DEFAULT_ACCESS_TTL.whole_seconds(),
            ttl_expected,
        )?;
        if !(1..=MAX_ACCESS_TTL_SECS).contains(&access_ttl_secs) {
            return Err(StartupError::Invalid {
                var: ACCESS_TTL_VAR,
                value: access_ttl_secs.to_string(),
                expected: ttl_expected,
            });
        }
        let access_ttl = time::Duration::seconds(access_ttl_secs);
        // The verifier refuses a token that lives longer than its maximum plus its leeway: every
        // access token a login answered would be refused.
        let longest = auth.verifier().max_ttl() + auth.verifier().leeway();
        if access_ttl > longest {
            return Err(StartupError::AccessTtlTooLong {
                ttl: access_ttl,
                max: longest,
            });
        }
        // Empty counts as unset, as a blank line in an env file gives.
        let redis_url =
            text(&lookup, crate::sessions::REDIS_URL_VAR)?.filter(|url| !url.trim().is_empty());
        let redis_cluster_urls: Vec<String> =
            text(&lookup, crate::sessions::REDIS_CLUSTER_URLS_VAR)?
                .map(|urls| {
                    urls.split(',')
                        .map(str::trim)
                        .filter(|url| !url.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
        if redis_url.is_some() && !redis_cluster_urls.is_empty() {
            return Err(StartupError::Redis(both_redis_vars()));
        }
        let metrics = metrics_on(&lookup)?;
        Ok(Self {
            port,
            auth,
            secret_source,
            cors_allowed_origins,
            login_attempts_per_minute,
            request_timeout: Duration::from_secs(request_timeout),
            redis_url,
            redis_cluster_urls,
            access_ttl,
            metrics,
        })
    }

    /// Logs what an operator needs to know at start-up: the fingerprint of every key (never a
    /// secret), the signing key's and each fallback's, and loudly, whether the secret was
    /// generated.
    pub fn log_startup(&self) {
        let signs_hs256 = self.auth.algorithm() == jwt_auth::jwks::Algorithm::HS256;
        if signs_hs256 {
            let fingerprint = self.auth.signing_kid();
            match self.secret_source {
                SecretSource::Environment => {
                    tracing::info!(%fingerprint, "JWT secret read from {SECRET_VAR}");
                }
                SecretSource::Provided => {
                    tracing::info!(%fingerprint, "JWT secret provided in code");
                }
                SecretSource::Generated => tracing::warn!(
                    %fingerprint,
                    "{SECRET_VAR} is not set: generated a random secret for this process. Tokens \
                     will not survive a restart and no other service can verify them; set \
                     {SECRET_VAR} (e.g. to the output of `openssl rand -hex 32`) to share one"
                ),
            }
        } else {
            // The kid is the public key's thumbprint: what verifiers find in the JWKS.
            tracing::info!(
                alg = %self.auth.algorithm(),
                kid = %self.auth.signing_kid(),
                "JWT signing key read from {PRIVATE_KEY_FILE_VAR}; its public key is served at \
                 /.well-known/jwks.json"
            );
            if let Some(ring) = self.auth.keys().ring() {
                tracing::info!(
                    fingerprint = %ring.current().fingerprint(),
                    "JWT secret read from {SECRET_VAR}: its HS256 tokens verify, it never signs"
                );
            }
        }
        for key in self.auth.jwks().keys() {
            if key.kid() != self.auth.signing_kid() {
                tracing::info!(
                    alg = %key.algorithm(),
                    kid = %key.kid(),
                    "JWT retiring public key: verifies and is published, never signs"
                );
            }
        }
        // Each fallback verifies tokens (a rotation in progress): an operator comparing
        // fingerprints across services needs them all, not only the signing key's.
        let fallbacks = self
            .auth
            .keys()
            .ring()
            .into_iter()
            .flat_map(jwt_auth::KeyRing::fallbacks);
        for (index, fallback) in fallbacks.enumerate() {
            tracing::info!(
                fingerprint = %fallback.fingerprint(),
                "JWT secret fallback: {SECRET_FALLBACKS_VAR} entry {} (verifies, never signs)",
                index + 1
            );
        }
        // The URL itself is not logged: it may carry a password.
        if self.redis_url.is_some() {
            tracing::info!("sessions: in Redis ({})", crate::sessions::REDIS_URL_VAR);
        } else if !self.redis_cluster_urls.is_empty() {
            tracing::info!(
                seeds = self.redis_cluster_urls.len(),
                "sessions: in a Redis Cluster ({})",
                crate::sessions::REDIS_CLUSTER_URLS_VAR
            );
        } else {
            tracing::info!(
                "sessions: in this process's memory ({} is not set)",
                crate::sessions::REDIS_URL_VAR
            );
        }
        if self.cors_allowed_origins.is_empty() {
            tracing::info!("CORS: no origins allowed ({CORS_VAR} is empty)");
        } else {
            tracing::info!(origins = ?self.cors_allowed_origins, "CORS: allowed origins");
        }
    }
}

/// Why both Redis variables at once is refused.
pub(crate) fn both_redis_vars() -> String {
    format!(
        "{} and {} are both set: set {} for one Redis, or {} for a Redis Cluster",
        crate::sessions::REDIS_URL_VAR,
        crate::sessions::REDIS_CLUSTER_URLS_VAR,
        crate::sessions::REDIS_URL_VAR,
        crate::sessions::REDIS_CLUSTER_URLS_VAR
    )
}

/// `METRICS`: `1` on; `0`, empty or unset off.
fn metrics_on(lookup: &impl Fn(&str) -> Option<OsString>) -> Result<bool, StartupError> {
    match text(lookup, METRICS_VAR)?.as_deref().map(str::trim) {
        None | Some("" | "0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => Err(StartupError::Invalid {
            var: METRICS_VAR,
            value: other.to_owned(),
            expected: "1 (serve GET /metrics) or 0",
        }),
    }
}

fn text(
    lookup: &impl Fn(&str) -> Option<OsString>,
    var: &'static str,
) -> Result<Option<String>, StartupError> {
    lookup(var)
        .map(|value| {
            value.into_string().map_err(|value| StartupError::Invalid {
                var,
                value: value.to_string_lossy().into_owned(),
                expected: "valid UTF-8",
            })
        })
        .transpose()
}

fn number<T: FromStr>(
    lookup: &impl Fn(&str) -> Option<OsString>,
    var: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, StartupError> {
    match text(lookup, var)? {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| StartupError::Invalid {
            var,
            value,
            expected,
        }),
    }
}

/// Splits `CORS_ALLOWED_ORIGINS` and checks each entry is a serialized origin: a scheme, a host
/// and an optional port, with no path and no wildcard (`*` would let any site call the API).
fn parse_origins(value: &str) -> Result<Vec<String>, StartupError> {
    let invalid = |origin: &str| StartupError::Invalid {
        var: CORS_VAR,
        value: origin.to_owned(),
        expected: "comma-separated origins such as `https://app.example.com`, without paths \
                   or wildcards",
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let (scheme, host) = origin.split_once("://").ok_or_else(|| invalid(origin))?;
            let valid = matches!(scheme, "http" | "https")
                && !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(invalid(origin))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, StartupError> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        Settings::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_generate_a_secret() {
        let settings = settings(&[]).unwrap();
        assert_eq!(settings.port, 3000);
        assert_eq!(settings.secret_source, SecretSource::Generated);
        assert!(settings.cors_allowed_origins.is_empty());
        assert_eq!(settings.login_attempts_per_minute.get(), 5);
        assert_eq!(settings.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(settings.access_ttl, time::Duration::minutes(15));
    }

    #[test]
    fn redis_cluster_urls_are_comma_separated_seeds() {
        let read = settings(&[(
            "REDIS_CLUSTER_URLS",
            "redis://10.0.0.1:7000/, redis://10.0.0.2:7000/,,",
        )])
        .unwrap();
        assert_eq!(
            read.redis_cluster_urls,
            ["redis://10.0.0.1:7000/", "redis://10.0.0.2:7000/"]
        );
        assert_eq!(read.redis_url, None);
        assert!(
            settings(&[("REDIS_CLUSTER_URLS", " ")])
                .unwrap()
                .redis_cluster_urls
                .is_empty()
        );
        let err = settings(&[
            ("REDIS_URL", "redis://:hunter2hunter2@10.0.0.1:6379/"),
            ("REDIS_CLUSTER_URLS", "redis://10.0.0.1:7000/"),
        ])
        .unwrap_err();
        assert!(matches!(err, StartupError::Redis(_)));
        let message = err.to_string();
        assert!(
            message.contains("REDIS_URL and REDIS_CLUSTER_URLS are both set"),
            "{message}"
        );
        assert!(!message.contains("hunter2"));
    }

    #[test]
    fn weak_secret_is_the_crates_error() {
        let err = settings(&[("JWT_SECRET", "dev-secret-change-me")]).unwrap_err();
        assert!(
            matches!(&err, StartupError::Auth(ConfigError::Weak { var, .. }) if var == "JWT_SECRET")
        );
        assert!(
            err.to_string()
                .starts_with("JWT_SECRET: weak secret: it is 20 bytes")
        );
        let empty = settings(&[("JWT_SECRET", "")]).unwrap_err();
        assert!(matches!(
            empty,
            StartupError::Auth(ConfigError::Empty { .. })
        ));
    }

    #[test]
    fn a_set_secret_is_read_from_the_environment() {
        let shared = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
        let settings = settings(&[("JWT_SECRET", shared), ("JWT_EXPIRES_MIN", "60")]).unwrap();
        assert_eq!(settings.secret_source, SecretSource::Environment);
        assert_eq!(
            settings.auth.fingerprint(),
            Some(Secret::new(shared).unwrap().fingerprint())
        );
        assert_eq!(settings.auth.issuer().ttl(), time::Duration::hours(1));
    }

    #[test]
    fn secret_settings_without_a_secret_are_refused() {
        for var in ["JWT_EXPIRES_MIN", "JWT_LEEWAY_SECS", "JWT_SECRET_FALLBACKS"] {
            let err = settings(&[(var, "60")]).unwrap_err();
            assert!(
                matches!(err, StartupError::NeedsSecret { var: found } if found == var),
                "{var}: {err}"
            );
            assert!(err.to_string().starts_with(&format!(
                "{var} is set but JWT_SECRET is not: set JWT_SECRET"
            )));
        }
    }

    #[test]
    fn request_timeout_is_bounded() {
        assert_eq!(
            settings(&[("REQUEST_TIMEOUT_SECS", "3")])
                .unwrap()
                .request_timeout,
            Duration::from_secs(3)
        );
        for bad in ["0", "301", "-1", "soon"] {
            assert!(
                matches!(
                    settings(&[("REQUEST_TIMEOUT_SECS", bad)]),
                    Err(StartupError::Invalid {
                        var: REQUEST_TIMEOUT_VAR,
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn session_access_ttl_is_bounded() {
        assert_eq!(
            settings(&[("SESSION_ACCESS_TTL_SECS", "2")])
                .unwrap()
                .access_ttl,
            time::Duration::seconds(2)
        );
        for bad in ["0", "86401", "-1", "soon"] {
            assert!(
                matches!(
                    settings(&[("SESSION_ACCESS_TTL_SECS", bad)]),
                    Err(StartupError::Invalid {
                        var: ACCESS_TTL_VAR,
                        ..
                    })
                ),
                "{bad}"
            );
        }
        // Longer than JWT_EXPIRES_MIN plus JWT_LEEWAY_SECS, the verifier would refuse every
        // access token: 15 minutes (the default) against 10 minutes and 60 seconds, 61 seconds
        // against 1 minute and no leeway.
        let shared = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
        for (expires_min, leeway, ttl, seconds, max) in
            [("10", "60", None, 900, 660), ("1", "0", Some("61"), 61, 60)]
        {
            let mut vars = vec![
                ("JWT_SECRET", shared),
                ("JWT_EXPIRES_MIN", expires_min),
                ("JWT_LEEWAY_SECS", leeway),
            ];
            vars.extend(ttl.map(|ttl| ("SESSION_ACCESS_TTL_SECS", ttl)));
            let err = settings(&vars).unwrap_err();
            assert!(
                matches!(&err, StartupError::AccessTtlTooLong { ttl, max: found }
                    if ttl.whole_seconds() == seconds && found.whole_seconds() == max),
                "{err}"
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "SESSION_ACCESS_TTL_SECS is {seconds} seconds (900 when unset), longer than \
                     JWT_EXPIRES_MIN and JWT_LEEWAY_SECS allow ({max} seconds): the service \
                     would refuse every access token it issues; lower SESSION_ACCESS_TTL_SECS \
                     or raise JWT_EXPIRES_MIN"
                )
            );
        }
        // At the limit, the verifier accepts the tokens.
        for (leeway, ttl) in [("0", "60"), ("60", "120")] {
            let at_the_limit = settings(&[
                ("JWT_SECRET", shared),
                ("JWT_EXPIRES_MIN", "1"),
                ("JWT_LEEWAY_SECS", leeway),
                ("SESSION_ACCESS_TTL_SECS", ttl),
            ]);
            assert_eq!(
                at_the_limit.unwrap().access_ttl,
                time::Duration::seconds(ttl.parse().unwrap())
            );
        }
    }

    #[test]
    fn origins_are_explicit() {
        let ok = settings(&[(
            "CORS_ALLOWED_ORIGINS",
            " https://app.example.com, http://localhost:5173 ,",
        )])
        .unwrap();
        assert_eq!(
            ok.cors_allowed_origins,
            ["https://app.example.com", "http://localhost:5173"]
        );
        for bad in [
            "*",
            "https://*.example.com",
            "app.example.com",
            "https://a.com/path",
            "null",
        ] {
            let err = settings(&[("CORS_ALLOWED_ORIGINS", bad)]);
            assert!(
                matches!(err, Err(StartupError::Invalid { var: CORS_VAR, .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn numbers_are_checked() {
        assert!(settings(&[("PORT", "http")]).is_err());
        assert!(settings(&[("LOGIN_ATTEMPTS_PER_MINUTE", "0")]).is_err());
        assert_eq!(settings(&[("PORT", "8080")]).unwrap().port, 8080);
    }
}
