use std::ffi::OsString;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::Duration;

use crate::clock::Clock;
use crate::clock::DEFAULT_LEEWAY;
use crate::issuer::Issuer;
#[cfg(feature = "remote-jwks")]
use crate::jwks::RemoteKeySet;
use crate::key::{ConfigError, Fingerprint, KeyRing, Secret};
use crate::verifier::Verifier;

/// Ten years: a longer ttl is a typo, not a policy.
const MAX_EXPIRES_MIN: i64 = 60 * 24 * 366 * 10;
/// One hour: clocks that differ by more need fixing, not tolerating.
const MAX_LEEWAY_SECS: i64 = 3600;
/// One hour: a longer cooldown leaves a rotated key refused for longer than any outage.
#[cfg(feature = "remote-jwks")]
const MAX_JWKS_COOLDOWN_SECS: i64 = 3600;

/// An [`Issuer`] and a [`Verifier`] built from one [`KeyRing`] and one ttl, so that what a
/// service issues it also accepts, and no token lives longer than the ttl.
///
/// From values a service already holds:
///
/// ```
/// use jwt_auth::{AuthConfig, Secret};
/// use time::Duration;
///
/// let (secret, _) = Secret::generate();
/// let config = AuthConfig::new(&secret).with_ttl(Duration::hours(1));
/// let token = config.issuer().issue("42", None)?;
/// assert_eq!(config.verifier().verify(&token)?.sub, "42");
/// assert_eq!(config.verifier().max_ttl(), Duration::hours(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// From the environment, with the variables the product's Python service reads:
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `JWT_SECRET` | the shared secret, as UTF-8 bytes; it signs | required |
/// | `JWT_SECRET_FALLBACKS` | comma-separated older (or next) secrets that verify but never sign,
/// each strength-checked; spaces around entries are ignored, and a secret containing a comma cannot
/// be listed | none |
/// | `JWT_EXPIRES_MIN` | token ttl in minutes (1 to 5,270,400); also the longest ttl accepted |
/// `10080` (7 days) |
/// | `JWT_LEEWAY_SECS` | clock tolerance in seconds (0 to 3600) | `60` |
/// | `JWT_JWKS_URL` | feature `remote-jwks`: a JWKS whose ES256 and EdDSA keys also verify (with
/// `JWT_SECRET`: dual stack); `https://`, or `http://` on a loopback address | none |
/// | `JWT_OIDC_ISSUER` | feature `remote-jwks`: instead of `JWT_JWKS_URL`, an OpenID Connect
/// issuer whose `jwks_uri` is read from its discovery document | none |
/// | `JWT_JWKS_COOLDOWN_SECS` | feature `remote-jwks`: after a fetch of the key set, how long an
/// unknown `kid` causes no other (1 to 3600) | `30` |
///
/// ```
/// use std::ffi::OsString;
/// use jwt_auth::{AuthConfig, ConfigError};
///
/// // `AuthConfig::from_env()` reads the process environment; `from_lookup` reads anything.
/// let vars = [
///     ("JWT_SECRET", "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4"),
///     ("JWT_SECRET_FALLBACKS", "5b1f0c9e7d3a6428e1f4b7c0a9d2e5f8c3b6a1d4e7f0a3c6b9d2e5f8a1c4b7d0"),
///     ("JWT_EXPIRES_MIN", "60"),
/// ];
/// let lookup = |name: &str| vars.iter().find(|(var, _)| *var == name).map(|(_, v)| OsString::from(v));
/// let config = AuthConfig::from_lookup(lookup)?;
/// assert_eq!(config.issuer().ttl(), time::Duration::hours(1));
/// assert_eq!(config.keys().fallbacks().count(), 1);
/// // What to log at start-up: fingerprints only, never a secret.
/// assert_eq!(config.to_string(), "HS256, signing key c610b726621f2885, fallback keys [0f8f9266a383740f], tokens live 1h, leeway 1m");
///
/// let missing = AuthConfig::from_lookup(|_| None).unwrap_err();
/// assert!(matches!(missing, ConfigError::Missing { var } if var == "JWT_SECRET"));
/// # Ok::<(), ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthConfig {
    keys: KeyRing,
    issuer: Issuer,
    verifier: Verifier,
}

impl AuthConfig {
    /// The variable holding the shared secret, the key that signs.
    pub const SECRET_VAR: &str = "JWT_SECRET";
    /// The variable holding the fallback keys, comma-separated: they verify, never sign.
    pub const SECRET_FALLBACKS_VAR: &str = "JWT_SECRET_FALLBACKS";
    /// The variable holding the token ttl in minutes.
    pub const EXPIRES_MIN_VAR: &str = "JWT_EXPIRES_MIN";
    /// The variable holding the clock tolerance in seconds.
    pub const LEEWAY_SECS_VAR: &str = "JWT_LEEWAY_SECS";
    /// The variable holding the URL of a JWKS whose keys verify tokens (feature `remote-jwks`).
    pub const JWKS_URL_VAR: &str = "JWT_JWKS_URL";
    /// The variable holding an OpenID Connect issuer whose keys verify tokens, found through
    /// its discovery document (feature `remote-jwks`).
    pub const OIDC_ISSUER_VAR: &str = "JWT_OIDC_ISSUER";
    /// The variable holding the remote key set's cooldown in seconds (feature `remote-jwks`).
    pub const JWKS_COOLDOWN_SECS_VAR: &str = "JWT_JWKS_COOLDOWN_SECS";

    /// A configuration for `keys` (a [`Secret`] or a [`KeyRing`]) with a ttl of
    /// [`Issuer::DEFAULT_TTL`] and a leeway of [`Verifier::DEFAULT_LEEWAY`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret);
    /// assert_eq!(config.issuer().ttl(), jwt_auth::Issuer::DEFAULT_TTL);
    /// ```
    pub fn new(keys: impl Into<KeyRing>) -> Self {
        let keys = keys.into();
        Self {
            keys: keys.clone(),
            issuer: Issuer::new(&keys).with_ttl(Issuer::DEFAULT_TTL),
            verifier: Verifier::new(keys)
                .with_max_ttl(Issuer::DEFAULT_TTL)
                .with_leeway(DEFAULT_LEEWAY),
        }
    }

    /// Sets the ttl of issued tokens, which is also the longest the verifier accepts.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret).with_ttl(time::Duration::minutes(15));
    /// assert_eq!(config.verifier().max_ttl(), time::Duration::minutes(15));
    /// ```
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.issuer = self.issuer.with_ttl(ttl);
        self.verifier = self.verifier.with_max_ttl(ttl);
        self
    }

    /// Sets the verifier's clock tolerance.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret).with_leeway(time::Duration::seconds(5));
    /// assert_eq!(config.verifier().leeway(), time::Duration::seconds(5));
    /// ```
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.verifier = self.verifier.with_leeway(leeway);
        self
    }

    /// Sets `iss` on issued tokens and requires it on verified ones.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret).with_issuer("users");
    /// let token = config.issuer().issue("42", None)?;
    /// assert_eq!(config.verifier().verify(&token)?.iss.as_deref(), Some("users"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        let issuer = issuer.into();
        self.issuer = self.issuer.with_issuer(issuer.clone());
        self.verifier = self.verifier.with_expected_issuer(issuer);
        self
    }

    /// Sets `aud` on issued tokens and requires it on verified ones.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret).with_audience("catalog");
    /// let token = config.issuer().issue("42", None)?;
    /// assert!(config.verifier().verify(&token).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<crate::Audience>) -> Self {
        let audience = audience.into();
        self.issuer = self.issuer.with_audience(audience.clone());
        self.verifier = self.verifier.with_expected_audience(audience);
        self
    }

    /// Replaces the clock of both the issuer and the verifier.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let clock = jwt_auth::FixedClock::at_unix(1_767_225_600)?;
    /// let config = jwt_auth::AuthConfig::new(&secret).with_clock(clock);
    /// # Ok::<(), time::error::ComponentRange>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + Clone + 'static) -> Self {
        self.issuer = self.issuer.with_clock(clock.clone());
        self.verifier = self.verifier.with_clock(clock);
        self
    }

    /// Reads the variables in the table above from the process environment.
    ///
    /// ```
    /// // Without JWT_SECRET in the environment, it says which variable is missing.
    /// if std::env::var_os("JWT_SECRET").is_none() {
    ///     assert!(jwt_auth::AuthConfig::from_env().is_err());
    /// }
    /// ```
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable and the fix: a secret missing, empty, not UTF-8 or
    /// weak; too many fallbacks; a number that does not parse or is out of range.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// As [`AuthConfig::from_env`], reading variables through `lookup` (secrets that live in a
    /// vault, a file, or a test's table).
    ///
    /// ```
    /// let err = jwt_auth::AuthConfig::from_lookup(|name| {
    ///     (name == "JWT_SECRET").then(|| "dev-secret-change-me".into())
    /// })
    /// .unwrap_err();
    /// assert!(err.to_string().starts_with("JWT_SECRET: weak secret"));
    /// ```
    ///
    /// # Errors
    /// As [`AuthConfig::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let current = Secret::from_env_value(Self::SECRET_VAR, lookup(Self::SECRET_VAR))?;
        let mut keys = KeyRing::new(current);
        for fallback in fallbacks(lookup(Self::SECRET_FALLBACKS_VAR))? {
            keys = keys
                .with_fallback(fallback)
                .map_err(|source| ConfigError::KeyRing {
                    var: Self::SECRET_FALLBACKS_VAR.to_owned(),
                    source,
                })?;
        }
        let expires_min = number(
            Self::EXPIRES_MIN_VAR,
            lookup(Self::EXPIRES_MIN_VAR),
            Issuer::DEFAULT_TTL.whole_minutes(),
            1..=MAX_EXPIRES_MIN,
            "a whole number of minutes from 1 to 5270400 (10 years)",
        )?;
        let leeway_secs = number(
            Self::LEEWAY_SECS_VAR,
            lookup(Self::LEEWAY_SECS_VAR),
            DEFAULT_LEEWAY.whole_seconds(),
            0..=MAX_LEEWAY_SECS,
            "a whole number of seconds from 0 to 3600",
        )?;
        let config = Self::new(keys)
            .with_ttl(Duration::minutes(expires_min))
            .with_leeway(Duration::seconds(leeway_secs));
        #[cfg(feature = "remote-jwks")]
        let config = match remote_key_set(&lookup)? {
            Some(remote) => config.with_remote(remote),
            None => config,
        };
        Ok(config)
    }

    /// Adds a remote key set to the verifier (feature `remote-jwks`): public-key tokens whose
    /// keys it publishes verify beside the ring's HS256 tokens (dual stack). What
    /// `JWT_JWKS_URL` or `JWT_OIDC_ISSUER` does in [`AuthConfig::from_env`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let remote = jwt_auth::jwks::RemoteKeySet::jwks_url("https://login.example.com/jwks.json").build()?;
    /// let config = jwt_auth::AuthConfig::new(&secret).with_remote(remote);
    /// let token = config.issuer().issue("42", None)?;
    /// assert_eq!(config.verifier().verify(&token)?.sub, "42");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "remote-jwks")]
    #[must_use]
    pub fn with_remote(mut self, remote: RemoteKeySet) -> Self {
        self.verifier = self.verifier.map_keys(|keys| keys.with_remote(remote));
        self
    }

    /// The issuer: the ring's current key and the configured ttl.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert!(jwt_auth::AuthConfig::new(&secret).issuer().issue("42", None).is_ok());
    /// ```
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The verifier: every key of the ring, the configured leeway, and the ttl as the
    /// longest accepted.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).verifier().max_ttl(), jwt_auth::Issuer::DEFAULT_TTL);
    /// ```
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The keys.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).keys().current().fingerprint(), secret.fingerprint());
    /// ```
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The signing key's fingerprint, to log at start-up and compare with the other services'.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).fingerprint(), secret.fingerprint());
    /// ```
    pub fn fingerprint(&self) -> Fingerprint {
        self.keys().current().fingerprint()
    }
}

/// A start-up summary that is safe to log: fingerprints, ttl and leeway, never a secret.
impl fmt::Display for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HS256, signing key {}", self.fingerprint())?;
        let fallbacks: Vec<String> = self
            .keys()
            .fallbacks()
            .map(|key| key.fingerprint().to_string())
            .collect();
        if !fallbacks.is_empty() {
            write!(f, ", fallback keys [{}]", fallbacks.join(", "))?;
        }
        write!(
            f,
            ", tokens live {}, leeway {}",
            self.issuer.ttl(),
            self.verifier.leeway()
        )
    }
}

/// Each entry of `JWT_SECRET_FALLBACKS`, strength-checked; an unset or blank variable lists none.
fn fallbacks(value: Option<OsString>) -> Result<Vec<Secret>, ConfigError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let value = SecretString::from(value.into_string().map_err(|_| ConfigError::NotUnicode {
        var: AuthConfig::SECRET_FALLBACKS_VAR.to_owned(),
    })?);
    if value.expose_secret().trim().is_empty() {
        return Ok(Vec::new());
    }
    value
        .expose_secret()
        .split(',')
        .enumerate()
        .map(|(i, entry)| {
            Secret::from_setting(
                &format!("{} (entry {})", AuthConfig::SECRET_FALLBACKS_VAR, i + 1),
                entry.trim(),
            )
        })
        .collect()
}

/// The remote key set `JWT_JWKS_URL` or `JWT_OIDC_ISSUER` names, with the cooldown of
/// `JWT_JWKS_COOLDOWN_SECS`; none when neither is set.
#[cfg(feature = "remote-jwks")]
fn remote_key_set(
    lookup: &impl Fn(&str) -> Option<OsString>,
) -> Result<Option<RemoteKeySet>, ConfigError> {
    let text = |var: &str| -> Result<Option<String>, ConfigError> {
        match lookup(var).map(OsString::into_string) {
            None => Ok(None),
            Some(Ok(value)) if value.trim().is_empty() => Ok(None),
            Some(Ok(value)) => Ok(Some(value.trim().to_owned())),
            Some(Err(_)) => Err(ConfigError::NotUnicode {
                var: var.to_owned(),
            }),
        }
    };
    let url = text(AuthConfig::JWKS_URL_VAR)?;
    let issuer = text(AuthConfig::OIDC_ISSUER_VAR)?;
    let (var, builder) = match (url, issuer) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(ConfigError::Conflicting {
                var: AuthConfig::JWKS_URL_VAR.to_owned(),
                other: AuthConfig::OIDC_ISSUER_VAR.to_owned(),
                fix: "set JWT_OIDC_ISSUER for an OpenID Connect provider (its jwks_uri is \
                      discovered) or JWT_JWKS_URL for a plain JWKS, not both",
            });
        }
        (Some(url), None) => (
            (AuthConfig::JWKS_URL_VAR, url.clone()),
            RemoteKeySet::jwks_url(url),
        ),
        (None, Some(issuer)) => (
            (AuthConfig::OIDC_ISSUER_VAR, issuer.clone()),
            RemoteKeySet::oidc_issuer(issuer),
        ),
    };
    let cooldown = number(
        AuthConfig::JWKS_COOLDOWN_SECS_VAR,
        lookup(AuthConfig::JWKS_COOLDOWN_SECS_VAR),
        i64::try_from(RemoteKeySet::DEFAULT_COOLDOWN.as_secs()).unwrap_or(30),
        1..=MAX_JWKS_COOLDOWN_SECS,
        "a whole number of seconds from 1 to 3600",
    )?;
    builder
        .with_cooldown(std::time::Duration::from_secs(cooldown.unsigned_abs()))
        .build()
        .map(Some)
        .map_err(|error| ConfigError::InvalidUrl {
            var: var.0.to_owned(),
            value: crate::echo::echo(&var.1, crate::echo::ECHOED_VALUE_CHARS),
            reason: error.to_string(),
        })
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
