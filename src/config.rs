use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use time::Duration;

use crate::claims::Audience;
use crate::clock::Clock;
use crate::clock::DEFAULT_LEEWAY;
use crate::echo::{ECHOED_VALUE_CHARS, echo};
use crate::issuer::{Issuer, IssuerKey};
use crate::jwks::Jwks;
#[cfg(feature = "remote-jwks")]
use crate::jwks::RemoteKeySet;
use crate::key::{
    Algorithm, ConfigError, Fingerprint, KeyError, KeyRing, KeySet, PublicKey, Secret, SigningKey,
};
use crate::verifier::Verifier;

/// Ten years: a longer ttl is a typo, not a policy.
const MAX_EXPIRES_MIN: i64 = 60 * 24 * 366 * 10;
/// One hour: clocks that differ by more need fixing, not tolerating.
const MAX_LEEWAY_SECS: i64 = 3600;
/// One hour: a longer cooldown leaves a rotated key refused for longer than any outage.
#[cfg(feature = "remote-jwks")]
const MAX_JWKS_COOLDOWN_SECS: i64 = 3600;

/// The longest key file read, in bytes: a PEM key is under 300; anything larger is not a key.
const MAX_KEY_FILE_LEN: u64 = 64 * 1024;

/// An [`Issuer`] and a [`Verifier`] built from one set of keys and one ttl, so that what a
/// service issues it also accepts, and no token lives longer than the ttl; and the key set it
/// publishes ([`AuthConfig::jwks`]) when it signs with a private key.
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
/// From the environment, with the variables the product's Python service reads, and those that
/// move it to public keys:
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `JWT_ALGORITHM` | what the issuer signs with: `HS256` (the shared secret), `ES256` (a P-256 key) or `EdDSA` (an Ed25519 key); exact spelling | `HS256` |
/// | `JWT_SECRET` | the shared secret, as UTF-8 bytes: with `HS256` it signs and is required; with `ES256` or `EdDSA` it is optional, and when set its tokens (and its fallbacks') still verify (the dual stack while services move) but it never signs | required with `HS256` |
/// | `JWT_SECRET_FALLBACKS` | comma-separated older (or next) secrets that verify but never sign, each strength-checked; spaces around entries are ignored, and a secret containing a comma cannot be listed; needs `JWT_SECRET` | none |
/// | `JWT_PRIVATE_KEY_FILE` | with `ES256` or `EdDSA`: the path of the signing key, an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) of that algorithm; its public half verifies and is published. Refused with `HS256`, so a key is never silently ignored | required with `ES256`, `EdDSA` |
/// | `JWT_RETIRING_PUBLIC_KEY_FILES` | comma-separated paths of SubjectPublicKeyInfo PEMs (`-----BEGIN PUBLIC KEY-----`): keys that signed before the current one, still verified and still published until the last token they signed has expired (then drop them); with the signing key, at most `KeySet::MAX_PUBLIC_KEYS` (8) public keys | none |
/// | `JWT_ISSUER` | the `iss` the issuer writes and every token must carry, exactly | `JWT_OIDC_ISSUER` when that is set (feature `remote-jwks`), otherwise none: `iss` not checked |
/// | `JWT_AUDIENCE` | comma-separated audiences: a token's `aud` must contain one of them; the issuer writes them all | none: a token with `aud` is refused |
/// | `JWT_EXPIRES_MIN` | token ttl in minutes (1 to 5,270,400); also the longest ttl accepted | `10080` (7 days) |
/// | `JWT_LEEWAY_SECS` | clock tolerance in seconds (0 to 3600) | `60` |
/// | `JWT_JWKS_URL` | feature `remote-jwks`: a JWKS whose ES256 and EdDSA keys also verify (with
/// `JWT_SECRET`: dual stack); `https://`, or `http://` on a loopback address | none |
/// | `JWT_OIDC_ISSUER` | feature `remote-jwks`: instead of `JWT_JWKS_URL`, an OpenID Connect
/// issuer whose `jwks_uri` is read from its discovery document | none |
/// | `JWT_JWKS_COOLDOWN_SECS` | feature `remote-jwks`: after a fetch of the key set, how long an
/// unknown `kid` causes no other (1 to 3600) | `30` |
///
/// A variable that is set but unusable stops start-up with a [`ConfigError`] naming it and the
/// fix: a weak secret; an unknown algorithm; a key file that is missing, unreadable, encrypted,
/// SEC1 or PKCS#1 rather than PKCS#8, on another curve, a public key, or of another algorithm
/// than `JWT_ALGORITHM`.
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
/// assert_eq!(config.keys().ring().map(|ring| ring.fallbacks().count()), Some(1));
/// // What to log at start-up: fingerprints only, never a secret.
/// assert_eq!(config.to_string(), "HS256, signing key c610b726621f2885, fallback keys [0f8f9266a383740f], tokens live 1h, leeway 1m");
///
/// let missing = AuthConfig::from_lookup(|_| None).unwrap_err();
/// assert!(matches!(missing, ConfigError::Missing { var } if var == "JWT_SECRET"));
/// # Ok::<(), ConfigError>(())
/// ```
///
/// Signing ES256 with a key file, while tokens of the shared secret still verify:
///
/// ```
/// use std::ffi::OsString;
/// use jwt_auth::{AuthConfig, Issuer, Secret, jwks::Algorithm};
///
/// # let dir = std::env::temp_dir().join(format!("jwt-auth-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let key_file = dir.join("es256.pem"); // `jwt-auth key generate --alg ES256` (a test key here)
/// std::fs::write(&key_file, "-----BEGIN PRIVATE KEY-----\n\
///     MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxhFOhCn6TtS0PSax\n\
///     9aZZHXL/wiAsIGT+FEhOBD3OWMahRANCAAR2DoMPDNdz6tdAb3Rvf1/bmi0P5M1b\n\
///     8AQ7po/SjSBCIh5/WtvcZKiFNQI+xmAn+uAPOBGnTs1eyl4kdZW9CC1z\n\
///     -----END PRIVATE KEY-----\n")?;
/// let secret = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
/// let vars = [
///     ("JWT_ALGORITHM", OsString::from("ES256")),
///     ("JWT_PRIVATE_KEY_FILE", key_file.into_os_string()),
///     ("JWT_SECRET", OsString::from(secret)),
///     ("JWT_ISSUER", OsString::from("https://users.example.com")),
///     ("JWT_AUDIENCE", OsString::from("catalog, orders")),
/// ];
/// let config = AuthConfig::from_lookup(|name| vars.iter().find(|(var, _)| *var == name).map(|(_, v)| v.clone()))?;
/// assert_eq!(config.algorithm(), Algorithm::ES256);
///
/// // Its own tokens are ES256, with the key's thumbprint as `kid`, `iss` and `aud`.
/// let claims = config.verifier().verify(&config.issuer().issue("42", None)?)?;
/// assert_eq!(claims.iss.as_deref(), Some("https://users.example.com"));
///
/// // An HS256 token of the secret, from a service not moved yet, still verifies.
/// let legacy = Issuer::new(&Secret::new(secret)?)
///     .with_issuer("https://users.example.com")
///     .with_audience("catalog")
///     .issue("7", None)?;
/// assert_eq!(config.verifier().verify(&legacy)?.sub, "7");
///
/// // What it publishes at `/.well-known/jwks.json`: the public half, never the secret.
/// let jwks = serde_json::to_value(config.jwks())?;
/// assert_eq!(jwks["keys"][0]["kid"], config.signing_kid());
/// assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// What the issuer signs with.
    signing: IssuerKey,
    /// What the verifier accepts: the signing key's public half (or ring), the retiring keys,
    /// and, beside a private key, the HS256 ring (dual stack).
    keys: KeySet,
    /// What [`AuthConfig::jwks`] publishes: the signing key's public half, then the retiring keys.
    published: Vec<PublicKey>,
    issuer: Issuer,
    verifier: Verifier,
}

impl AuthConfig {
    /// The variable holding the shared secret, the key that signs HS256.
    pub const SECRET_VAR: &str = "JWT_SECRET";
    /// The variable holding the fallback keys, comma-separated: they verify, never sign.
    pub const SECRET_FALLBACKS_VAR: &str = "JWT_SECRET_FALLBACKS";
    /// The variable holding the token ttl in minutes.
    pub const EXPIRES_MIN_VAR: &str = "JWT_EXPIRES_MIN";
    /// The variable holding the clock tolerance in seconds.
    pub const LEEWAY_SECS_VAR: &str = "JWT_LEEWAY_SECS";
    /// The variable naming the algorithm the issuer signs with: `HS256`, `ES256` or `EdDSA`.
    pub const ALGORITHM_VAR: &str = "JWT_ALGORITHM";
    /// The variable holding the path of the PKCS#8 PEM private key that signs ES256 or EdDSA.
    pub const PRIVATE_KEY_FILE_VAR: &str = "JWT_PRIVATE_KEY_FILE";
    /// The variable holding the paths of retiring public keys (SPKI PEM), comma-separated.
    pub const RETIRING_PUBLIC_KEY_FILES_VAR: &str = "JWT_RETIRING_PUBLIC_KEY_FILES";
    /// The variable holding the `iss` written and required.
    pub const ISSUER_VAR: &str = "JWT_ISSUER";
    /// The variable holding the accepted audiences, comma-separated.
    pub const AUDIENCE_VAR: &str = "JWT_AUDIENCE";
    /// The variable holding the URL of a JWKS whose keys verify tokens (feature `remote-jwks`).
    pub const JWKS_URL_VAR: &str = "JWT_JWKS_URL";
    /// The variable holding an OpenID Connect issuer whose keys verify tokens, found through
    /// its discovery document (feature `remote-jwks`).
    pub const OIDC_ISSUER_VAR: &str = "JWT_OIDC_ISSUER";
    /// The variable holding the remote key set's cooldown in seconds (feature `remote-jwks`).
    pub const JWKS_COOLDOWN_SECS_VAR: &str = "JWT_JWKS_COOLDOWN_SECS";

    /// A configuration signing with `keys` (a [`Secret`] or a [`KeyRing`] for HS256, a
    /// [`SigningKey`] for ES256 or EdDSA) and verifying what it signs, with a ttl of
    /// [`Issuer::DEFAULT_TTL`] and a leeway of [`Verifier::DEFAULT_LEEWAY`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret);
    /// assert_eq!(config.issuer().ttl(), jwt_auth::Issuer::DEFAULT_TTL);
    /// ```
    pub fn new(keys: impl Into<IssuerKey>) -> Self {
        let signing = keys.into();
        let (keys, published) = match &signing {
            IssuerKey::Ring(ring) => (KeySet::from(ring.clone()), Vec::new()),
            IssuerKey::Key(key) => (KeySet::from(key), vec![key.public_key().clone()]),
        };
        Self {
            issuer: Issuer::new(signing.clone()).with_ttl(Issuer::DEFAULT_TTL),
            verifier: Verifier::new(keys.clone())
                .with_max_ttl(Issuer::DEFAULT_TTL)
                .with_leeway(DEFAULT_LEEWAY),
            signing,
            keys,
            published,
        }
    }

    /// Also verifies the HS256 tokens of `ring` (a [`Secret`] or a [`KeyRing`]) beside a
    /// [`SigningKey`]'s: the dual stack, while the services that still sign with the shared
    /// secret move to public keys. The ring never signs here, and is never published. On a
    /// configuration that signs HS256, `ring` replaces its ring, for signing and verifying.
    ///
    /// ```
    /// use jwt_auth::{AuthConfig, Issuer, Secret, jwks::SigningKey};
    ///
    /// let key = SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n-----END PRIVATE KEY-----\n")?;
    /// let (secret, _) = Secret::generate();
    /// let config = AuthConfig::new(&key).with_ring(&secret);
    /// assert!(config.verifier().verify(&Issuer::new(&secret).issue("42", None)?).is_ok());
    /// assert_eq!(config.issuer().keys().kid(), key.kid());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_ring(mut self, ring: impl Into<KeyRing>) -> Self {
        let ring = ring.into();
        if let IssuerKey::Ring(_) = self.signing {
            self.signing = IssuerKey::Ring(ring.clone());
            self.issuer = self.issuer.with_keys(self.signing.clone());
        }
        self.keys = self.keys.with_ring(ring);
        self.verifier = self.verifier.with_keys(self.keys.clone());
        self
    }

    /// Keeps verifying and publishing `key`, a public key that signed before the current one,
    /// until the last token it signed has expired (the ttl plus the leeway after the switch);
    /// then drop it. Rotation: sign with the new key and list the old one here, so verifiers
    /// that fetch [`AuthConfig::jwks`] hold both while the old key's tokens live.
    ///
    /// ```
    /// use jwt_auth::{AuthConfig, Issuer, jwks::SigningKey};
    ///
    /// let old = SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n-----END PRIVATE KEY-----\n")?;
    /// let token = Issuer::new(&old).issue("42", None)?;
    /// let new = SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxhFOhCn6TtS0PSax\n9aZZHXL/wiAsIGT+FEhOBD3OWMahRANCAAR2DoMPDNdz6tdAb3Rvf1/bmi0P5M1b\n8AQ7po/SjSBCIh5/WtvcZKiFNQI+xmAn+uAPOBGnTs1eyl4kdZW9CC1z\n-----END PRIVATE KEY-----\n")?;
    /// let config = AuthConfig::new(&new).with_retiring_key(old.public_key().clone())?;
    /// assert!(config.verifier().verify(&token).is_ok());
    /// assert_eq!(config.jwks().keys().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyError::TooManyKeys`] past [`KeySet::MAX_PUBLIC_KEYS`] (the signing key counts);
    /// [`KeyError::DuplicateKeyId`] for another key with its `kid`.
    pub fn with_retiring_key(mut self, key: PublicKey) -> Result<Self, KeyError> {
        self.keys = self.keys.with_public_key(key.clone())?;
        self.verifier = self.verifier.with_keys(self.keys.clone());
        if !self.published.contains(&key) {
            self.published.push(key);
        }
        Ok(self)
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
    /// if std::env::var_os("JWT_SECRET").is_none() && std::env::var_os("JWT_ALGORITHM").is_none() {
    ///     assert!(jwt_auth::AuthConfig::from_env().is_err());
    /// }
    /// ```
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable and the fix: a secret missing, empty, not UTF-8 or
    /// weak; too many fallbacks; a number that does not parse or is out of range; an unknown
    /// algorithm; a key file missing, unreadable or holding an unusable key; an empty issuer or
    /// audience.
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
    ///
    /// let err = jwt_auth::AuthConfig::from_lookup(|name| {
    ///     (name == "JWT_ALGORITHM").then(|| "ES256".into())
    /// })
    /// .unwrap_err();
    /// assert!(err.to_string().starts_with("JWT_PRIVATE_KEY_FILE is not set"));
    /// ```
    ///
    /// # Errors
    /// As [`AuthConfig::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let algorithm = algorithm_setting(lookup(Self::ALGORITHM_VAR))?;
        let mut config = signing_setting(&lookup, algorithm)?;
        for key in retiring_keys_setting(lookup(Self::RETIRING_PUBLIC_KEY_FILES_VAR))? {
            let kid = key.kid().to_owned();
            config = config
                .with_retiring_key(key)
                .map_err(|source| ConfigError::Key {
                    var: Self::RETIRING_PUBLIC_KEY_FILES_VAR.to_owned(),
                    path: format!("the key with kid {kid}"),
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
        config = config
            .with_ttl(Duration::minutes(expires_min))
            .with_leeway(Duration::seconds(leeway_secs));
        // An identity provider's tokens carry its issuer: JWT_OIDC_ISSUER is the default.
        #[cfg(feature = "remote-jwks")]
        let issuer = lookup(Self::ISSUER_VAR).or_else(|| lookup(Self::OIDC_ISSUER_VAR));
        #[cfg(not(feature = "remote-jwks"))]
        let issuer = lookup(Self::ISSUER_VAR);
        if let Some(issuer) = issuer_setting(issuer)? {
            config = config.with_issuer(issuer);
        }
        if let Some(audience) = audience_setting(lookup(Self::AUDIENCE_VAR))? {
            config = config.with_audience(audience);
        }
        #[cfg(feature = "remote-jwks")]
        if let Some(remote) = remote_key_set(&lookup)? {
            config = config.with_remote(remote);
        }
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
        self.keys = self.keys.with_remote(remote);
        self.verifier = self.verifier.with_keys(self.keys.clone());
        self
    }

    /// The issuer: the ring's current key or the private key, and the configured ttl.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert!(jwt_auth::AuthConfig::new(&secret).issuer().issue("42", None).is_ok());
    /// ```
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The verifier: every key of [`AuthConfig::keys`], the configured leeway, and the ttl as
    /// the longest accepted.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).verifier().max_ttl(), jwt_auth::Issuer::DEFAULT_TTL);
    /// ```
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The keys the verifier accepts: the HS256 ring (when there is one) and the public keys,
    /// the signing key's first, then the retiring ones.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let config = jwt_auth::AuthConfig::new(&secret);
    /// assert_eq!(config.keys().ring().map(|ring| ring.current().fingerprint()), Some(secret.fingerprint()));
    /// ```
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The algorithm the issuer signs with.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).algorithm(), jwt_auth::jwks::Algorithm::HS256);
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.signing.algorithm()
    }

    /// The `kid` the issuer writes: the HS256 signing key's fingerprint, or the private key's
    /// RFC 7638 thumbprint. Safe to log.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).signing_kid(), secret.fingerprint().as_str());
    /// ```
    pub fn signing_kid(&self) -> String {
        self.signing.kid()
    }

    /// The HS256 signing key's fingerprint, to log at start-up and compare with the other
    /// services'; `None` when the configuration signs with a private key (see
    /// [`AuthConfig::signing_kid`]).
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::AuthConfig::new(&secret).fingerprint(), Some(secret.fingerprint()));
    /// ```
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.signing.ring().map(|ring| ring.current().fingerprint())
    }

    /// The key set to publish at `/.well-known/jwks.json`: the signing key's public half and
    /// the retiring keys, each with `kid`, `alg` and `use: "sig"`, nothing private. Empty
    /// (`{"keys":[]}`) for a configuration that signs HS256 without retiring keys: a shared
    /// secret is never published.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let jwks = jwt_auth::AuthConfig::new(&secret).jwks();
    /// assert_eq!(serde_json::to_string(&jwks)?, r#"{"keys":[]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn jwks(&self) -> Jwks {
        Jwks::from_keys(&self.published)
    }
}

/// A start-up summary that is safe to log: fingerprints and key ids, ttl and leeway, never a
/// secret.
impl fmt::Display for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, signing key {}",
            self.algorithm(),
            self.signing_kid()
        )?;
        let retiring: Vec<&str> = self
            .published
            .iter()
            .map(PublicKey::kid)
            .filter(|kid| *kid != self.signing_kid())
            .collect();
        if !retiring.is_empty() {
            write!(f, ", retiring keys [{}]", retiring.join(", "))?;
        }
        if let Some(ring) = self.keys.ring() {
            let fallbacks: Vec<String> = ring
                .fallbacks()
                .map(|key| key.fingerprint().to_string())
                .collect();
            if self.signing.ring().is_none() {
                write!(
                    f,
                    ", HS256 keys verifying only [{}]",
                    ring.fingerprints()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            } else if !fallbacks.is_empty() {
                write!(f, ", fallback keys [{}]", fallbacks.join(", "))?;
            }
        }
        write!(
            f,
            ", tokens live {}, leeway {}",
            self.issuer.ttl(),
            self.verifier.leeway()
        )
    }
}

/// `JWT_ALGORITHM`: unset is HS256.
fn algorithm_setting(value: Option<OsString>) -> Result<Algorithm, ConfigError> {
    const EXPECTED: &str = "HS256, ES256 or EdDSA, spelled exactly so";
    let Some(value) = value else {
        return Ok(Algorithm::HS256);
    };
    let invalid = |value: &str| ConfigError::InvalidValue {
        var: AuthConfig::ALGORITHM_VAR.to_owned(),
        value: echo(value, ECHOED_VALUE_CHARS),
        expected: EXPECTED,
    };
    let value = value.into_string().map_err(|_| ConfigError::NotUnicode {
        var: AuthConfig::ALGORITHM_VAR.to_owned(),
    })?;
    value
        .trim()
        .parse::<Algorithm>()
        .map_err(|_| invalid(&value))
}

/// The keys the algorithm asks for: `JWT_SECRET` (and its fallbacks), required with HS256,
/// optional beside a private key; `JWT_PRIVATE_KEY_FILE`, required with ES256 and EdDSA,
/// refused with HS256.
fn signing_setting(
    lookup: &impl Fn(&str) -> Option<OsString>,
    algorithm: Algorithm,
) -> Result<AuthConfig, ConfigError> {
    let key_file = lookup(AuthConfig::PRIVATE_KEY_FILE_VAR);
    if algorithm == Algorithm::HS256 {
        if let Some(path) = key_file {
            // A key file with HS256 is a half-done move: say what it holds rather than ignore it.
            let key = signing_key_file(&path)?;
            return Err(ConfigError::AlgorithmMismatch {
                var: AuthConfig::PRIVATE_KEY_FILE_VAR.to_owned(),
                path: display_path(&path),
                alg_var: AuthConfig::ALGORITHM_VAR.to_owned(),
                configured: Algorithm::HS256,
                found: key.algorithm(),
                fix: format!(
                    "set {}={} to sign with it, or unset {} to keep signing with {}",
                    AuthConfig::ALGORITHM_VAR,
                    key.algorithm(),
                    AuthConfig::PRIVATE_KEY_FILE_VAR,
                    AuthConfig::SECRET_VAR
                ),
            });
        }
        return Ok(AuthConfig::new(ring_setting(lookup)?));
    }
    let Some(path) = key_file else {
        return Err(ConfigError::MissingKeyFile {
            var: AuthConfig::PRIVATE_KEY_FILE_VAR.to_owned(),
            alg_var: AuthConfig::ALGORITHM_VAR.to_owned(),
            alg: algorithm,
            openssl: match algorithm {
                Algorithm::EdDSA => "openssl genpkey -algorithm ED25519 -out key.pem",
                _ => "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
            },
        });
    };
    let key = signing_key_file(&path)?;
    if key.algorithm() != algorithm {
        return Err(ConfigError::AlgorithmMismatch {
            var: AuthConfig::PRIVATE_KEY_FILE_VAR.to_owned(),
            path: display_path(&path),
            alg_var: AuthConfig::ALGORITHM_VAR.to_owned(),
            configured: algorithm,
            found: key.algorithm(),
            fix: format!(
                "set {}={} to sign with it, or point {} at an {algorithm} key \
                 (`jwt-auth key generate --alg {algorithm}`)",
                AuthConfig::ALGORITHM_VAR,
                key.algorithm(),
                AuthConfig::PRIVATE_KEY_FILE_VAR
            ),
        });
    }
    let config = AuthConfig::new(&key);
    let secret_set = lookup(AuthConfig::SECRET_VAR).is_some();
    if secret_set || lookup(AuthConfig::SECRET_FALLBACKS_VAR).is_some() {
        // The dual stack: the shared secret's tokens keep verifying while services move.
        Ok(config.with_ring(ring_setting(lookup)?))
    } else {
        Ok(config)
    }
}

/// `JWT_SECRET` and `JWT_SECRET_FALLBACKS`, each strength-checked.
fn ring_setting(lookup: &impl Fn(&str) -> Option<OsString>) -> Result<KeyRing, ConfigError> {
    let current = Secret::from_env_value(AuthConfig::SECRET_VAR, lookup(AuthConfig::SECRET_VAR))?;
    let mut keys = KeyRing::new(current);
    for fallback in fallbacks(lookup(AuthConfig::SECRET_FALLBACKS_VAR))? {
        keys = keys
            .with_fallback(fallback)
            .map_err(|source| ConfigError::KeyRing {
                var: AuthConfig::SECRET_FALLBACKS_VAR.to_owned(),
                source,
            })?;
    }
    Ok(keys)
}

/// The private key in the file `JWT_PRIVATE_KEY_FILE` names.
fn signing_key_file(path: &OsStr) -> Result<SigningKey, ConfigError> {
    let var = AuthConfig::PRIVATE_KEY_FILE_VAR;
    let pem = key_file(var, path)?;
    SigningKey::from_pkcs8_pem(&pem).map_err(|source| ConfigError::Key {
        var: var.to_owned(),
        path: display_path(path),
        source,
    })
}

/// Each public key `JWT_RETIRING_PUBLIC_KEY_FILES` names; an unset or blank variable names none.
fn retiring_keys_setting(value: Option<OsString>) -> Result<Vec<PublicKey>, ConfigError> {
    let var = AuthConfig::RETIRING_PUBLIC_KEY_FILES_VAR;
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let value = value.into_string().map_err(|_| ConfigError::NotUnicode {
        var: var.to_owned(),
    })?;
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .enumerate()
        .map(|(i, path)| {
            let entry = format!("{var} (entry {})", i + 1);
            let pem = key_file(&entry, OsStr::new(path))?;
            PublicKey::from_spki_pem(&pem).map_err(|source| ConfigError::Key {
                var: entry,
                path: display_path(OsStr::new(path)),
                source,
            })
        })
        .collect()
}

/// A key file's text: a distinct error for a path that does not exist, and for one that cannot
/// be read as a small text file.
fn key_file(var: &str, path: &OsStr) -> Result<String, ConfigError> {
    let unreadable = |reason: String| ConfigError::KeyFileUnreadable {
        var: var.to_owned(),
        path: display_path(path),
        reason,
    };
    if path.is_empty() {
        return Err(ConfigError::InvalidValue {
            var: var.to_owned(),
            value: String::new(),
            expected: "the path of a PEM key file",
        });
    }
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ConfigError::KeyFileNotFound {
            var: var.to_owned(),
            path: display_path(path),
        },
        _ => unreadable(e.to_string()),
    })?;
    if !metadata.is_file() {
        return Err(unreadable("not a regular file".to_owned()));
    }
    if metadata.len() > MAX_KEY_FILE_LEN {
        return Err(unreadable(format!(
            "{} bytes, too large for a PEM key",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| {
        unreadable(
            "not text (a DER key? convert it with `openssl pkey -inform DER -in key.der -out key.pem`)"
                .to_owned(),
        )
    })
}

fn display_path(path: &OsStr) -> String {
    echo(&Path::new(path).display().to_string(), 256)
}

/// `JWT_ISSUER`: unset is none; set, it must not be blank.
fn issuer_setting(value: Option<OsString>) -> Result<Option<String>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let invalid = |value: &str| ConfigError::InvalidValue {
        var: AuthConfig::ISSUER_VAR.to_owned(),
        value: echo(value, ECHOED_VALUE_CHARS),
        expected: "the issuer's identifier, such as https://users.example.com (or unset it)",
    };
    let value = value.into_string().map_err(|_| ConfigError::NotUnicode {
        var: AuthConfig::ISSUER_VAR.to_owned(),
    })?;
    let issuer = value.trim();
    if issuer.is_empty() {
        return Err(invalid(&value));
    }
    Ok(Some(issuer.to_owned()))
}

/// `JWT_AUDIENCE`: unset is none; set, comma-separated non-blank audiences.
fn audience_setting(value: Option<OsString>) -> Result<Option<Audience>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let invalid = |value: &str| ConfigError::InvalidValue {
        var: AuthConfig::AUDIENCE_VAR.to_owned(),
        value: echo(value, ECHOED_VALUE_CHARS),
        expected: "comma-separated audiences such as `catalog,orders`, none blank (or unset it)",
    };
    let value = value.into_string().map_err(|_| ConfigError::NotUnicode {
        var: AuthConfig::AUDIENCE_VAR.to_owned(),
    })?;
    let audiences: Vec<String> = value.split(',').map(|a| a.trim().to_owned()).collect();
    if audiences.iter().any(String::is_empty) {
        return Err(invalid(&value));
    }
    Ok(Some(match <[String; 1]>::try_from(audiences) {
        Ok([one]) => Audience::One(one),
        Err(many) => Audience::Many(many),
    }))
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
