//! Public keys and the JSON Web Key Sets (RFC 7517) that publish them: [`Jwks`], the document an
//! issuer serves at `/.well-known/jwks.json`; [`KeySet`], the keys a verifier holds; the
//! [`Algorithm`] each key is bound to; and [`KeyError`], why a key was refused.
//!
//! ```
//! use jwt_auth::{Issuer, Verifier, jwks::SigningKey};
//! use jwt_auth::jwks::Jwks;
//!
//! // The issuer's key (`openssl genpkey -algorithm ED25519`; a test key).
//! let key = SigningKey::from_pkcs8_pem(
//!     "-----BEGIN PRIVATE KEY-----\n\
//!      MC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n\
//!      -----END PRIVATE KEY-----\n",
//! )?;
//! let token = Issuer::new(&key).issue("42", None)?;
//!
//! // What it publishes: public keys only.
//! let document = serde_json::to_string(&Jwks::from_keys([key.public_key()]))?;
//! assert!(!document.contains("\"d\""));
//!
//! // A verifier elsewhere reads the document and verifies the token.
//! let keys = Jwks::parse(&document)?.into_key_set()?;
//! assert_eq!(Verifier::new(keys).verify(&token)?.sub, "42");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::Serialize;

pub use crate::issuer::IssuerKey;
pub use crate::key::{Algorithm, Jwk, KeyError, KeySet, PublicKey, SigningKey, UnknownAlgorithm};

/// A JSON Web Key Set (RFC 7517 §5) of public keys: `{"keys":[…]}`, each with `kid`, `alg` and
/// `use: "sig"`, nothing private. Serialize it to publish it.
///
/// ```
/// use jwt_auth::jwks::{Jwks, PublicKey};
///
/// let key = PublicKey::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?;
/// let jwks = Jwks::from_keys([&key]);
/// assert_eq!(
///     serde_json::to_value(&jwks)?,
///     serde_json::json!({"keys": [{
///         "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
///         "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", "alg": "EdDSA", "use": "sig",
///     }]})
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwks {
    /// The keys, in the order given.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// The most keys a parsed document may hold.
    pub const MAX_KEYS: usize = 32;

    /// The document listing `keys`: the signing key's public half and the retiring ones, whose
    /// tokens are still live.
    ///
    /// ```
    /// let jwks = jwt_auth::jwks::Jwks::from_keys(std::iter::empty::<&jwt_auth::jwks::PublicKey>());
    /// assert_eq!(serde_json::to_string(&jwks)?, r#"{"keys":[]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_keys<'k>(keys: impl IntoIterator<Item = &'k PublicKey>) -> Self {
        Self {
            keys: keys.into_iter().map(PublicKey::to_jwk).collect(),
        }
    }

    /// Reads a JWKS document: every entry must be a public ES256 or EdDSA key this crate accepts
    /// (see [`PublicKey::from_jwk`]).
    ///
    /// ```
    /// use jwt_auth::jwks::{Jwks, KeyError};
    ///
    /// let private = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}"#;
    /// assert!(matches!(Jwks::parse(private), Err(KeyError::PrivateMember { .. })));
    /// ```
    ///
    /// # Errors
    /// [`KeyError::MalformedJwk`] when the document is not `{"keys":[…]}` of at most
    /// [`Jwks::MAX_KEYS`]; the first entry's error otherwise.
    pub fn parse(document: &str) -> Result<Self, KeyError> {
        Ok(Self::from_keys(&Self::parse_keys(document)?))
    }

    /// Reads a JWKS document into the [`KeySet`] a verifier holds.
    fn parse_keys(document: &str) -> Result<Vec<PublicKey>, KeyError> {
        let value: serde_json::Value =
            serde_json::from_str(document).map_err(|e| KeyError::MalformedJwk {
                reason: format!("the document is not JSON: {e}"),
            })?;
        let Some(keys) = value.get("keys").and_then(serde_json::Value::as_array) else {
            return Err(KeyError::MalformedJwk {
                reason: "the document has no `keys` array".into(),
            });
        };
        if keys.len() > Self::MAX_KEYS {
            return Err(KeyError::MalformedJwk {
                reason: format!("the document lists more than {} keys", Self::MAX_KEYS),
            });
        }
        keys.iter().map(PublicKey::from_jwk_value).collect()
    }

    /// The keys as a [`KeySet`] for a [`Verifier`](crate::Verifier).
    ///
    /// ```
    /// let jwks = jwt_auth::jwks::Jwks::parse(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
    /// assert_eq!(jwks.into_key_set()?.public_keys().len(), 1);
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    ///
    /// # Errors
    /// As [`KeySet::with_public_key`], and as [`PublicKey::from_jwk`] for an entry changed since
    /// it was parsed.
    pub fn into_key_set(self) -> Result<KeySet, KeyError> {
        self.keys.iter().try_fold(KeySet::new(), |set, jwk| {
            let value = serde_json::to_value(jwk).map_err(|e| KeyError::MalformedJwk {
                reason: e.to_string(),
            })?;
            set.with_public_key(PublicKey::from_jwk_value(&value)?)
        })
    }
}
