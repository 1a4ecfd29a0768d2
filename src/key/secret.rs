use std::ffi::OsString;
use std::fmt;

use secrecy::{ExposeSecret, SecretSlice, SecretString};

use super::Fingerprint;
use super::strength;
use super::{ConfigError, WeakSecret};
use crate::crypto::{self, HmacKey};

/// An HS256 secret: the raw bytes of the shared `JWT_SECRET` string (never hex- or
/// base64-decoded, exactly as PyJWT, python-jose and Node `jsonwebtoken` use it).
///
/// It can only be built through the strength check ([`Secret::new`], [`Secret::from_env`],
/// [`Secret::generate`]) or, for a laptop, through the loudly named
/// [`dangerous::insecure_secret`](crate::dangerous::insecure_secret). `Debug` and `Display` show
/// only the [fingerprint](Secret::fingerprint); the bytes are reachable only through
/// [`ExposeSecret::expose_secret`]. It has no `Serialize`.
///
/// ```
/// use jwt_auth::{Secret, secrecy::ExposeSecret, strength::SecretProblem};
///
/// // 64 random hex characters, what `openssl rand -hex 32` prints, are strong.
/// let (generated, shareable) = Secret::generate();
/// let secret = Secret::new(shareable.expose_secret())?;
/// assert_eq!(secret.fingerprint(), generated.fingerprint());
/// assert_eq!(format!("{secret:?}"), format!("Secret {{ fingerprint: {}, .. }}", secret.fingerprint()));
///
/// // The product's old default is refused, with every reason.
/// let weak = Secret::new("dev-secret-change-me").unwrap_err();
/// assert!(matches!(weak.problems[0], SecretProblem::TooShort { len: 20, min: 32 }));
/// assert!(weak.problems.iter().any(|p| matches!(p, SecretProblem::Published { .. })));
/// # Ok::<(), jwt_auth::WeakSecret>(())
/// ```
///
/// The HMAC state derived from the key (kept by the secret and shared by every [`Issuer`] and
/// [`Verifier`] built from it, so that no call derives it again) signs as well as the key does.
/// Unlike the key bytes it is not guaranteed to be zeroized on drop: neither backend's HMAC type
/// offers it.
///
/// [`Issuer`]: crate::Issuer
/// [`Verifier`]: crate::Verifier
#[derive(Clone)]
pub struct Secret {
    bytes: SecretSlice<u8>,
    key: HmacKey,
    fingerprint: Fingerprint,
    insecure: bool,
}

impl Secret {
    /// Checks `secret` against every strength rule and keeps it when it passes.
    ///
    /// ```
    /// use jwt_auth::Secret;
    ///
    /// assert!(Secret::new("ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4").is_ok());
    /// assert!(Secret::new("your-256-bit-secret").is_err());
    /// ```
    ///
    /// Every rule, the pattern estimate ([`SecretProblem::Pattern`]) included, is a pure function
    /// of the bytes: the same secret gets the same verdict and the same problems on every call,
    /// thread and process.
    ///
    /// The pattern estimate looks words up in the `passwords` crate's list, which that crate
    /// searches with a linear scan when it is built with debug assertions: judging a long secret
    /// made of words then takes seconds in a debug build. This workspace builds it with
    /// `[profile.dev.package.passwords] opt-level = 3, debug-assertions = false`; a service's own
    /// `Cargo.toml` can do the same.
    ///
    /// # Errors
    /// [`WeakSecret`] listing every rule it fails.
    ///
    /// [`SecretProblem::Pattern`]: crate::strength::SecretProblem::Pattern
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, WeakSecret> {
        let secret = secret.as_ref();
        let problems = strength::problems(secret);
        if problems.is_empty() {
            Ok(Self::from_bytes(secret, false))
        } else {
            Err(WeakSecret { problems })
        }
    }

    /// Reads the secret from the environment variable `var` and checks it.
    ///
    /// ```
    /// use jwt_auth::{ConfigError, Secret};
    ///
    /// let err = Secret::from_env("JWT_AUTH_DOC_EXAMPLE_UNSET").unwrap_err();
    /// assert!(matches!(err, ConfigError::Missing { var } if var == "JWT_AUTH_DOC_EXAMPLE_UNSET"));
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Missing`], [`ConfigError::Empty`], [`ConfigError::NotUnicode`] or
    /// [`ConfigError::Weak`], each naming `var`.
    pub fn from_env(var: &str) -> Result<Self, ConfigError> {
        Self::from_env_value(var, std::env::var_os(var))
    }

    pub(crate) fn from_env_value(var: &str, value: Option<OsString>) -> Result<Self, ConfigError> {
        let value = value.ok_or_else(|| ConfigError::Missing {
            var: var.to_owned(),
        })?;
        let value =
            SecretString::from(value.into_string().map_err(|_| ConfigError::NotUnicode {
                var: var.to_owned(),
            })?);
        Self::from_setting(var, value.expose_secret())
    }

    /// Checks one configured secret, naming where it came from in the error.
    pub(crate) fn from_setting(name: &str, value: &str) -> Result<Self, ConfigError> {
        if value.is_empty() {
            return Err(ConfigError::Empty {
                var: name.to_owned(),
            });
        }
        Self::new(value).map_err(|source| ConfigError::Weak {
            var: name.to_owned(),
            source,
        })
    }

    /// A new random secret: 32 bytes from the operating system, as the 64 lowercase hex
    /// characters `openssl rand -hex 32` would print. The string is what to put in `JWT_SECRET`
    /// on every service; it is zeroized when dropped.
    ///
    /// ```
    /// use jwt_auth::{Secret, secrecy::ExposeSecret};
    ///
    /// let (secret, shareable) = Secret::generate();
    /// assert_eq!(shareable.expose_secret().len(), 64);
    /// assert_eq!(secret.expose_secret(), shareable.expose_secret().as_bytes());
    /// ```
    ///
    /// # Panics
    /// When the operating system cannot provide randomness, as `rand` and `ring` do: there is no
    /// safe fallback.
    pub fn generate() -> (Self, SecretString) {
        loop {
            let mut random = [0_u8; 32];
            if let Err(reason) = crypto::fill_random(&mut random) {
                panic!("jwt-auth: {reason}");
            }
            let hex = SecretString::from(crypto::hex(&random));
            // 64 random hex digits fail the strength rules with a probability near 1e-13 (all
            // decimal digits, say); drawing again keeps the promise that the result is strong.
            if let Ok(secret) = Self::new(hex.expose_secret()) {
                return (secret, hex);
            }
        }
    }

    /// Builds a secret without the strength check; `insecure` marks it in `Debug` and `Display`.
    pub(crate) fn from_bytes(secret: &[u8], insecure: bool) -> Self {
        crypto::install_jsonwebtoken_provider();
        let key = HmacKey::new(secret);
        let fingerprint = Fingerprint::from_tag(&key.sign(Fingerprint::LABEL));
        Self {
            bytes: SecretSlice::from(secret.to_vec()),
            key,
            fingerprint,
            insecure,
        }
    }

    /// This secret's [`Fingerprint`]: safe to log, the same on every service that shares it.
    ///
    /// ```
    /// use jwt_auth::Secret;
    ///
    /// let a = Secret::new("ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4")?;
    /// let b = Secret::new("ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4")?;
    /// assert_eq!(a.fingerprint(), b.fingerprint());
    /// # Ok::<(), jwt_auth::WeakSecret>(())
    /// ```
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Whether this secret was accepted through
    /// [`dangerous::insecure_secret`](crate::dangerous::insecure_secret).
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert!(!secret.is_insecure());
    /// ```
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    pub(crate) fn hmac_key(&self) -> &HmacKey {
        &self.key
    }
}

impl ExposeSecret<[u8]> for Secret {
    fn expose_secret(&self) -> &[u8] {
        self.bytes.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Secret");
        debug.field("fingerprint", &format_args!("{}", self.fingerprint));
        if self.insecure {
            debug.field("insecure", &true);
        }
        debug.finish_non_exhaustive()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = if self.insecure {
            "INSECURE development secret"
        } else {
            "secret"
        };
        write!(f, "HS256 {label} (fingerprint {})", self.fingerprint)
    }
}
