//! Public keys and the JSON Web Key Sets (RFC 7517) that publish them: [`SigningKey`] and
//! [`PublicKey`]; [`Jwks`], the document an issuer serves at `/.well-known/jwks.json`;
//! [`KeySet`], the keys a verifier holds; the [`Algorithm`] each key is bound to; and
//! [`KeyError`], why a key was refused. With feature `remote-jwks`, `RemoteKeySet`: a JWKS
//! fetched from a URL or an OpenID Connect issuer, cached and refreshed.
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

#[cfg(feature = "remote-jwks")]
mod remote;

use serde::Serialize;
use serde::ser::SerializeStruct as _;

use crate::echo::{ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, echo};
pub use crate::issuer::IssuerKey;
pub use crate::key::{Algorithm, Jwk, KeyError, KeySet, PublicKey, SigningKey, UnknownAlgorithm};
#[cfg(feature = "remote-jwks")]
pub use remote::{RemoteError, RemoteKeySet, RemoteKeySetBuilder, RemoteStatus};

/// A JSON Web Key Set (RFC 7517 §5) of public keys: `{"keys":[…]}`. Built from keys to publish
/// (each entry with `kid`, `alg` and `use: "sig"`, nothing private), or parsed from a document
/// an issuer serves, keeping the entries this crate can use and saying why it skipped the others.
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<PublicKey>,
    skipped: Vec<SkippedKey>,
}

/// An entry of a parsed JWKS document that [`Jwks::parse`] left out, and why: an identity
/// provider's set often lists keys of other kinds (RSA, encryption keys) beside the ones this
/// crate verifies with, and one entry it cannot use never costs the others.
///
/// ```
/// let document = r#"{"keys":[{"kty":"RSA","kid":"r1","n":"AQAB","e":"AQAB"}]}"#;
/// let jwks = jwt_auth::jwks::Jwks::parse(document)?;
/// let skipped = &jwks.skipped()[0];
/// assert_eq!((skipped.index, skipped.kid.as_deref()), (0, Some("r1")));
/// assert!(matches!(skipped.reason, jwt_auth::jwks::KeyError::UnsupportedKeyType { .. }));
/// # Ok::<(), jwt_auth::jwks::JwksError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedKey {
    /// The entry's position in the document's `keys`, from 0.
    pub index: usize,
    /// The entry's `kid` when it has a string one (truncated, escaped).
    pub kid: Option<String>,
    /// Why it was left out.
    pub reason: KeyError,
}

/// Why a whole JWKS document was refused: a fetcher keeps the keys it had and reports this.
///
/// ```
/// use jwt_auth::jwks::{Jwks, JwksError};
///
/// assert!(matches!(Jwks::parse("<html>"), Err(JwksError::NotJson { .. })));
/// assert!(matches!(Jwks::parse(r#"{"keys":{}}"#), Err(JwksError::NoKeys)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// Longer than [`Jwks::MAX_DOCUMENT_LEN`].
    #[error("the JWKS document is {len} bytes, over the {max}-byte limit")]
    TooLarge {
        /// The document's length, in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not a JSON document.
    #[error("the JWKS document is not JSON: {reason}")]
    NotJson {
        /// The parser's message (truncated).
        reason: String,
    },
    /// A JSON document without a `keys` array.
    #[error("the JWKS document has no `keys` array")]
    NoKeys,
    /// More entries than [`Jwks::MAX_KEYS`].
    #[error("the JWKS document lists {count} keys, over the limit of {max}")]
    TooManyKeys {
        /// How many it lists.
        count: usize,
        /// The limit.
        max: usize,
    },
}

impl Jwks {
    /// The most entries a parsed document may list: 32. Identity providers publish a handful;
    /// the cap bounds what a hostile or broken document costs to read.
    pub const MAX_KEYS: usize = 32;

    /// The longest document parsed, in bytes: 64 KiB, room for [`Jwks::MAX_KEYS`] RSA keys with
    /// certificate chains.
    pub const MAX_DOCUMENT_LEN: usize = 64 * 1024;

    /// The document listing `keys`: the signing key's public half and the retiring ones, whose
    /// tokens are still live. A key given twice is listed once.
    ///
    /// ```
    /// let jwks = jwt_auth::jwks::Jwks::from_keys(std::iter::empty::<&jwt_auth::jwks::PublicKey>());
    /// assert_eq!(serde_json::to_string(&jwks)?, r#"{"keys":[]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_keys<'k>(keys: impl IntoIterator<Item = &'k PublicKey>) -> Self {
        let mut listed: Vec<PublicKey> = Vec::new();
        for key in keys {
            if !listed.contains(key) {
                listed.push(key.clone());
            }
        }
        Self {
            keys: listed,
            skipped: Vec::new(),
        }
    }

    /// Reads a JWKS document. The entries that are public ES256 or EdDSA signature keys this
    /// crate accepts (see [`PublicKey::from_jwk`]) become [`Jwks::keys`]; every other entry (an
    /// RSA key, a private member, an `alg` its key cannot have, a second key with a `kid` already
    /// seen, a key past [`KeySet::MAX_PUBLIC_KEYS`]) is in [`Jwks::skipped`] with its reason.
    ///
    /// ```
    /// use jwt_auth::jwks::{Jwks, KeyError};
    ///
    /// let private = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}"#;
    /// let jwks = Jwks::parse(private)?;
    /// assert!(jwks.keys().is_empty());
    /// assert!(matches!(jwks.skipped()[0].reason, KeyError::PrivateMember { .. }));
    /// # Ok::<(), jwt_auth::jwks::JwksError>(())
    /// ```
    ///
    /// # Errors
    /// A [`JwksError`] when the document as a whole cannot be read.
    pub fn parse(document: &str) -> Result<Self, JwksError> {
        if document.len() > Self::MAX_DOCUMENT_LEN {
            return Err(JwksError::TooLarge {
                len: document.len(),
                max: Self::MAX_DOCUMENT_LEN,
            });
        }
        let value: serde_json::Value =
            serde_json::from_str(document).map_err(|e| JwksError::NotJson {
                reason: echo(&e.to_string(), ECHOED_MESSAGE_CHARS),
            })?;
        let Some(entries) = value.get("keys").and_then(serde_json::Value::as_array) else {
            return Err(JwksError::NoKeys);
        };
        if entries.len() > Self::MAX_KEYS {
            return Err(JwksError::TooManyKeys {
                count: entries.len(),
                max: Self::MAX_KEYS,
            });
        }
        let mut jwks = Self::default();
        for (index, entry) in entries.iter().enumerate() {
            let reason = match PublicKey::from_jwk_value(entry) {
                Ok(key) => match jwks.keys.iter().find(|known| known.kid() == key.kid()) {
                    Some(known) if *known == key => continue,
                    Some(_) => KeyError::DuplicateKeyId {
                        kid: key.kid().to_owned(),
                    },
                    None if jwks.keys.len() >= KeySet::MAX_PUBLIC_KEYS => KeyError::TooManyKeys {
                        max: KeySet::MAX_PUBLIC_KEYS,
                    },
                    None => {
                        jwks.keys.push(key);
                        continue;
                    }
                },
                Err(reason) => reason,
            };
            jwks.skipped.push(SkippedKey {
                index,
                kid: entry
                    .get("kid")
                    .and_then(serde_json::Value::as_str)
                    .map(|kid| echo(kid, ECHOED_VALUE_CHARS)),
                reason,
            });
        }
        Ok(jwks)
    }

    /// The keys, in the document's order.
    ///
    /// ```
    /// let jwks = jwt_auth::jwks::Jwks::parse(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
    /// assert_eq!(jwks.keys()[0].kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    /// # Ok::<(), jwt_auth::jwks::JwksError>(())
    /// ```
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The entries [`Jwks::parse`] left out, each with its reason; none for a set built with
    /// [`Jwks::from_keys`].
    ///
    /// ```
    /// assert!(jwt_auth::jwks::Jwks::default().skipped().is_empty());
    /// ```
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// The keys as a [`KeySet`] for a [`Verifier`](crate::Verifier).
    ///
    /// ```
    /// let jwks = jwt_auth::jwks::Jwks::parse(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
    /// assert_eq!(jwks.into_key_set()?.public_keys().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`KeySet::with_public_key`], for a set of [`Jwks::from_keys`] over
    /// [`KeySet::MAX_PUBLIC_KEYS`] (a parsed set never is).
    pub fn into_key_set(self) -> Result<KeySet, KeyError> {
        self.keys
            .into_iter()
            .try_fold(KeySet::new(), KeySet::with_public_key)
    }
}

/// `{"keys":[…]}`, each key as its public [`Jwk`]; skipped entries are not published.
impl Serialize for Jwks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let jwks: Vec<Jwk> = self.keys.iter().map(PublicKey::to_jwk).collect();
        let mut document = serializer.serialize_struct("Jwks", 1)?;
        document.serialize_field("keys", &jwks)?;
        document.end()
    }
}
