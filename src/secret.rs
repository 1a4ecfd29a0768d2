//! [`Secret`]: HMAC key material that has passed the strength check.
//!
//! ```
//! use jwt_auth::{Secret, SecretProblem};
//!
//! // 64 random hex characters, what `openssl rand -hex 32` prints, are strong.
//! let (generated, shareable) = Secret::generate();
//! let secret = Secret::new(&shareable)?;
//! assert_eq!(secret.fingerprint(), generated.fingerprint());
//! println!("JWT_SECRET fingerprint: {}", secret.fingerprint()); // safe to log
//!
//! // The product's old default is refused, with every reason.
//! let weak = Secret::new("dev-secret-change-me").unwrap_err();
//! assert!(matches!(weak.problems[0], SecretProblem::TooShort { len: 20, min: 32 }));
//! assert!(weak.problems.iter().any(|p| matches!(p, SecretProblem::Published { .. })));
//! # Ok::<(), jwt_auth::WeakSecret>(())
//! ```

use std::ffi::OsString;
use std::fmt;

use secrecy::{ExposeSecret, SecretSlice};

use crate::backend::{self, HmacKey};
use crate::error::{ConfigError, WeakSecret};
use crate::strength;

/// The message the fingerprint authenticates. Changing it changes every fingerprint.
const FINGERPRINT_LABEL: &[u8] = b"jwt-auth fingerprint v1";

/// An HS256 secret: the raw bytes of the shared `JWT_SECRET` string (never hex- or
/// base64-decoded, exactly as PyJWT, python-jose and Node `jsonwebtoken` use it).
///
/// It can only be built through the strength check ([`Secret::new`], [`Secret::from_env`],
/// [`Secret::generate`]) or, for a laptop, through the loudly named
/// [`Secret::insecure_for_development`]. `Debug` and `Display` show only the
/// [fingerprint](Secret::fingerprint); the bytes are reachable only through
/// [`ExposeSecret::expose_secret`]. It has no `Serialize`.
///
/// The HMAC state derived from the key (kept by the secret and copied into every [`Issuer`] and
/// [`Verifier`], so that no call derives it again) signs as well as the key does. Unlike the
/// key bytes it is not guaranteed to be zeroized on drop: neither backend's HMAC type offers it.
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
    /// # Errors
    /// [`WeakSecret`] listing every rule it fails: empty or under 32 bytes, published, repetitive,
    /// too little entropy for its alphabet, or a PEM/OpenSSH key.
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
    /// # Errors
    /// [`ConfigError::Missing`], [`ConfigError::Empty`], [`ConfigError::NotUnicode`] or
    /// [`ConfigError::Weak`], each naming `var`.
    pub fn from_env(var: &str) -> Result<Self, ConfigError> {
        Self::from_env_value(var, std::env::var_os(var))
    }

    pub(crate) fn from_env_value(var: &str, value: Option<OsString>) -> Result<Self, ConfigError> {
        let var = var.to_owned();
        let value = value.ok_or_else(|| ConfigError::Missing { var: var.clone() })?;
        let value = value
            .into_string()
            .map_err(|_| ConfigError::NotUnicode { var: var.clone() })?;
        let value = SecretSlice::from(value.into_bytes());
        if value.expose_secret().is_empty() {
            return Err(ConfigError::Empty { var });
        }
        Self::new(value.expose_secret()).map_err(|source| ConfigError::Weak { var, source })
    }

    /// A new random secret: 32 bytes from the operating system, as the 64 lowercase hex
    /// characters `openssl rand -hex 32` would print. The string is what to put in `JWT_SECRET`
    /// on every service; it is returned once and never kept apart from the secret itself.
    ///
    /// # Panics
    /// When the operating system cannot provide randomness, as `rand` and `ring` do: there is no
    /// safe fallback.
    pub fn generate() -> (Self, String) {
        loop {
            let mut random = [0_u8; 32];
            if let Err(reason) = backend::fill_random(&mut random) {
                panic!("jwt-auth: {reason}");
            }
            let hex = backend::hex(&random);
            // 64 random hex digits fail the strength rules with a probability near 1e-13 (all
            // decimal digits, say); drawing again keeps the promise that the result is strong.
            if let Ok(secret) = Self::new(&hex) {
                return (secret, hex);
            }
        }
    }

    /// Accepts any non-empty secret, weak or not, for local development only. Prints a warning
    /// to standard error listing what is wrong with it, and marks the secret insecure in its
    /// `Debug` and `Display` output.
    ///
    /// # Errors
    /// Only when `secret` is empty: HMAC with no key authenticates nothing.
    pub fn insecure_for_development(secret: impl AsRef<[u8]>) -> Result<Self, WeakSecret> {
        let secret = secret.as_ref();
        let problems = strength::problems(secret);
        if secret.is_empty() {
            return Err(WeakSecret { problems });
        }
        let secret = Self::from_bytes(secret, true);
        if !problems.is_empty() {
            eprintln!(
                "jwt-auth WARNING: using an INSECURE development secret (fingerprint {}): {}",
                secret.fingerprint,
                WeakSecret { problems }
            );
        }
        Ok(secret)
    }

    fn from_bytes(secret: &[u8], insecure: bool) -> Self {
        backend::install_jsonwebtoken_provider();
        let key = HmacKey::new(secret);
        let tag = key.sign(FINGERPRINT_LABEL);
        let mut fingerprint = [0; 8];
        fingerprint.copy_from_slice(&tag[..8]);
        Self {
            bytes: SecretSlice::from(secret.to_vec()),
            key,
            fingerprint: Fingerprint(fingerprint),
            insecure,
        }
    }

    /// A short identifier of this secret, safe to log and compare across services: the first
    /// 8 bytes of `HMAC-SHA256(key = secret, "jwt-auth fingerprint v1")`, in hex. It reveals
    /// nothing usable about a strong secret, and is the same wherever the secret is the same.
    ///
    /// A Python service can print the same value with
    /// `hmac.new(secret.encode(), b"jwt-auth fingerprint v1", "sha256").hexdigest()[:16]`, and a
    /// Node one with `crypto.createHmac("sha256", secret).update("jwt-auth fingerprint v1")
    /// .digest("hex").slice(0, 16)`.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Whether this secret was accepted through [`Secret::insecure_for_development`].
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
        f.debug_struct("Secret")
            .field("fingerprint", &self.fingerprint)
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
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

/// See [`Secret::fingerprint`]. Displays as 16 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 8]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}
