//! [`AuthConfig`]: the issuer and verifier a service needs, from the same environment variables
//! the product's Python service reads.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `JWT_SECRET` | the shared secret, as UTF-8 bytes | required |
//! | `JWT_EXPIRES_MIN` | token lifetime in minutes; also the longest lifetime accepted | `10080` (7 days) |
//! | `JWT_LEEWAY_SECS` | clock tolerance in seconds | `60` |
//!
//! ```
//! use std::ffi::OsString;
//! use jwt_auth::{AuthConfig, ConfigError};
//!
//! let (_, shareable) = jwt_auth::Secret::generate();
//! let env = |name: &str| match name {
//!     "JWT_SECRET" => Some(OsString::from(&shareable)),
//!     "JWT_EXPIRES_MIN" => Some(OsString::from("60")),
//!     _ => None,
//! };
//! let config = AuthConfig::from_lookup(env)?;
//! assert_eq!(config.issuer().ttl(), time::Duration::hours(1));
//!
//! let missing = AuthConfig::from_lookup(|_| None).unwrap_err();
//! assert!(matches!(missing, ConfigError::Missing { var } if var == "JWT_SECRET"));
//! # Ok::<(), ConfigError>(())
//! ```

use std::ffi::OsString;

use time::Duration;

use crate::error::ConfigError;
use crate::issuer::Issuer;
use crate::secret::{Fingerprint, Secret};
use crate::verifier::Verifier;

/// The variable holding the shared secret.
pub const SECRET_VAR: &str = "JWT_SECRET";
/// The variable holding the token lifetime in minutes.
pub const EXPIRES_MIN_VAR: &str = "JWT_EXPIRES_MIN";
/// The variable holding the clock tolerance in seconds.
pub const LEEWAY_SECS_VAR: &str = "JWT_LEEWAY_SECS";

/// The default of `JWT_EXPIRES_MIN`: 7 days.
const DEFAULT_EXPIRES_MIN: i64 = 60 * 24 * 7;
/// The default of `JWT_LEEWAY_SECS`.
const DEFAULT_LEEWAY_SECS: i64 = 60;
/// Ten years: a longer lifetime is a typo, not a policy.
const MAX_EXPIRES_MIN: i64 = 60 * 24 * 366 * 10;
/// One hour: clocks that differ by more need fixing, not tolerating.
const MAX_LEEWAY_SECS: i64 = 3600;

/// An [`Issuer`] and a [`Verifier`] built from one secret and one lifetime, so that what a service
/// issues it also accepts.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    issuer: Issuer,
    verifier: Verifier,
    fingerprint: Fingerprint,
}

impl AuthConfig {
    /// Reads `JWT_SECRET`, `JWT_EXPIRES_MIN` and `JWT_LEEWAY_SECS` from the process environment.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable and the fix: the secret missing, empty, not UTF-8
    /// or weak; a number that does not parse or is out of range.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// As [`AuthConfig::from_env`], reading variables through `lookup` (for tests, or secrets
    /// that live elsewhere).
    ///
    /// # Errors
    /// As [`AuthConfig::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let secret = Secret::from_env_value(SECRET_VAR, lookup(SECRET_VAR))?;
        let expires_min = number(
            EXPIRES_MIN_VAR,
            lookup(EXPIRES_MIN_VAR),
            DEFAULT_EXPIRES_MIN,
            1..=MAX_EXPIRES_MIN,
            "a whole number of minutes from 1 to 5270400 (10 years)",
        )?;
        let leeway_secs = number(
            LEEWAY_SECS_VAR,
            lookup(LEEWAY_SECS_VAR),
            DEFAULT_LEEWAY_SECS,
            0..=MAX_LEEWAY_SECS,
            "a whole number of seconds from 0 to 3600",
        )?;
        let ttl = Duration::minutes(expires_min);
        Ok(Self {
            issuer: Issuer::new(&secret).with_ttl(ttl),
            verifier: Verifier::new(&secret)
                .with_max_lifetime(ttl)
                .with_leeway(Duration::seconds(leeway_secs)),
            fingerprint: secret.fingerprint(),
        })
    }

    /// The issuer: the configured lifetime, no `iss` or `aud`.
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The verifier: the configured leeway, and the lifetime as the longest accepted.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The secret's fingerprint, to log at start-up and compare with the other services'.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }
}

fn number(
    var: &str,
    value: Option<OsString>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    expected: &'static str,
) -> Result<i64, ConfigError> {
    let Some(value) = value else {
        return Ok(default);
    };
    let invalid = |value: String| ConfigError::InvalidNumber {
        var: var.to_owned(),
        value,
        expected,
    };
    let value = value
        .into_string()
        .map_err(|v| invalid(v.to_string_lossy().into_owned()))?;
    match value.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(invalid(value)),
    }
}
