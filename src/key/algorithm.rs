//! [`Algorithm`]: the JWS `alg` a key is bound to.

use std::fmt;
use std::str::FromStr;

/// A JWS signature algorithm this crate signs and verifies with. Every key is bound to exactly
/// one: a token's `alg` only ever picks among keys of that algorithm.
///
/// ```
/// use jwt_auth::jwks::Algorithm;
///
/// assert_eq!(Algorithm::ES256.as_str(), "ES256");
/// assert_eq!("EdDSA".parse::<Algorithm>(), Ok(Algorithm::EdDSA));
/// assert!("none".parse::<Algorithm>().is_err());
/// assert!("es256".parse::<Algorithm>().is_err()); // JOSE names are case-sensitive
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256 with a shared [`Secret`](crate::Secret).
    HS256,
    /// ECDSA on P-256 with SHA-256, the signature as the 64 bytes `r || s` (RFC 7518 §3.4).
    ES256,
    /// Ed25519 (RFC 8037): the `alg` JOSE gives EdDSA, with an `OKP` key on curve `Ed25519`.
    EdDSA,
}

impl Algorithm {
    /// The JOSE name, as written in a token's `alg` and a JWK's `alg`.
    ///
    /// ```
    /// assert_eq!(jwt_auth::jwks::Algorithm::EdDSA.as_str(), "EdDSA");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }

    /// The algorithm named `alg` exactly (JOSE names are case-sensitive), if the crate has it.
    pub(crate) fn from_jose(alg: &str) -> Option<Self> {
        match alg {
            "HS256" => Some(Self::HS256),
            "ES256" => Some(Self::ES256),
            "EdDSA" => Some(Self::EdDSA),
            _ => None,
        }
    }

    /// `jsonwebtoken`'s name for it, which the crypto backend's provider takes.
    pub(crate) const fn jose(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::HS256 => jsonwebtoken::Algorithm::HS256,
            Self::ES256 => jsonwebtoken::Algorithm::ES256,
            Self::EdDSA => jsonwebtoken::Algorithm::EdDSA,
        }
    }

    /// The length of a signature, in bytes.
    pub(crate) const fn signature_len(self) -> usize {
        match self {
            Self::HS256 => 32,
            Self::ES256 | Self::EdDSA => 64,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An algorithm name this crate does not sign or verify with.
///
/// ```
/// let err = "RS256".parse::<jwt_auth::jwks::Algorithm>().unwrap_err();
/// assert_eq!(err.to_string(), "algorithm \"RS256\" is not supported: use HS256, ES256 or EdDSA");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("algorithm {name:?} is not supported: use HS256, ES256 or EdDSA")]
pub struct UnknownAlgorithm {
    /// The name given.
    pub name: String,
}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_jose(s).ok_or_else(|| UnknownAlgorithm { name: s.to_owned() })
    }
}
