//! [`KeySet`]: every key a verifier checks tokens against, HMAC and public.

use std::sync::Arc;

use super::asymmetric::{KeyError, PublicKey, SigningKey};
use super::ring::RingKey;
use super::{Algorithm, Fingerprint, KeyRing};

/// The keys a [`Verifier`](crate::Verifier) checks tokens against: an HS256 [`KeyRing`], public
/// keys (ES256, EdDSA), or both while services move from one to the other. Each key verifies only
/// tokens of its own algorithm.
///
/// ```
/// use jwt_auth::{KeyRing, Secret, Verifier, jwks::SigningKey};
/// use jwt_auth::jwks::KeySet;
///
/// let (secret, _) = Secret::generate();
/// let signing = SigningKey::from_pkcs8_pem(
///     "-----BEGIN PRIVATE KEY-----\n\
///      MC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n\
///      -----END PRIVATE KEY-----\n",
/// )?;
/// // Dual stack: the shared secret's tokens and the new key's both verify.
/// let keys = KeySet::from(KeyRing::new(secret.clone())).with_public_key(signing.public_key().clone())?;
/// let verifier = Verifier::new(keys);
/// assert!(verifier.verify(&jwt_auth::Issuer::new(&secret).issue("42", None)?).is_ok());
/// assert!(verifier.verify(&jwt_auth::Issuer::new(&signing).issue("42", None)?).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Cheap to clone: the keys are shared.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    ring: Option<KeyRing>,
    public: Arc<[PublicKey]>,
}

impl KeySet {
    /// The most public keys a set holds. A token without `kid` costs one signature check per key
    /// of its algorithm, so the bound keeps a forged token's cost fixed; a rotation needs two.
    pub const MAX_PUBLIC_KEYS: usize = 8;

    /// A set with no key at all: it refuses every token until keys are added.
    ///
    /// ```
    /// assert!(jwt_auth::jwks::KeySet::new().public_keys().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a public key. The first added is tried first by tokens without `kid`. A key whose
    /// `kid` is already in the set replaces nothing and is not added twice.
    ///
    /// ```
    /// use jwt_auth::jwks::{KeyError, KeySet, PublicKey};
    ///
    /// let key = PublicKey::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?;
    /// let set = KeySet::new().with_public_key(key.clone())?.with_public_key(key)?;
    /// assert_eq!(set.public_keys().len(), 1);
    /// # Ok::<(), KeyError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyError::TooManyKeys`] past [`KeySet::MAX_PUBLIC_KEYS`]; [`KeyError::DuplicateKeyId`]
    /// when another key already has its `kid`.
    pub fn with_public_key(self, key: PublicKey) -> Result<Self, KeyError> {
        if let Some(existing) = self.public.iter().find(|k| k.kid() == key.kid()) {
            return if *existing == key {
                Ok(self)
            } else {
                Err(KeyError::DuplicateKeyId {
                    kid: key.kid().to_owned(),
                })
            };
        }
        if self.public.len() >= Self::MAX_PUBLIC_KEYS {
            return Err(KeyError::TooManyKeys {
                max: Self::MAX_PUBLIC_KEYS,
            });
        }
        let mut public = self.public.to_vec();
        public.push(key);
        Ok(Self {
            ring: self.ring,
            public: public.into(),
        })
    }

    /// Sets the HS256 ring (replacing any): a [`Secret`](crate::Secret) or a [`KeyRing`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let set = jwt_auth::jwks::KeySet::new().with_ring(&secret);
    /// assert!(set.ring().is_some());
    /// ```
    #[must_use]
    pub fn with_ring(mut self, ring: impl Into<KeyRing>) -> Self {
        self.ring = Some(ring.into());
        self
    }

    /// The HS256 keys, if any.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// assert_eq!(verifier.keys().ring().map(|ring| ring.current().fingerprint()), Some(secret.fingerprint()));
    /// ```
    pub fn ring(&self) -> Option<&KeyRing> {
        self.ring.as_ref()
    }

    /// The public keys, in the order they were added.
    ///
    /// ```
    /// assert!(jwt_auth::jwks::KeySet::new().public_keys().is_empty());
    /// ```
    pub fn public_keys(&self) -> &[PublicKey] {
        &self.public
    }

    /// The algorithms the set has keys for.
    ///
    /// ```
    /// use jwt_auth::jwks::Algorithm;
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::jwks::KeySet::from(&secret).algorithms(), [Algorithm::HS256]);
    /// ```
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut algs: Vec<Algorithm> = self.ring.iter().map(|_| Algorithm::HS256).collect();
        for key in self.public.iter() {
            if !algs.contains(&key.algorithm()) {
                algs.push(key.algorithm());
            }
        }
        algs
    }

    /// The HMAC keys, the current one first; none without a ring.
    pub(crate) fn hmac_keys(&self) -> &[RingKey] {
        self.ring.as_ref().map_or(&[], KeyRing::keys)
    }

    /// The HMAC keys' fingerprints, the current one first.
    pub(crate) fn fingerprints(&self) -> Vec<Fingerprint> {
        self.ring
            .as_ref()
            .map_or_else(Vec::new, KeyRing::fingerprints)
    }
}

/// A [`Secret`](crate::Secret), a [`KeyRing`], or anything else that makes a ring: the HS256 keys alone.
impl<T: Into<KeyRing>> From<T> for KeySet {
    fn from(ring: T) -> Self {
        Self::new().with_ring(ring)
    }
}

impl From<PublicKey> for KeySet {
    fn from(key: PublicKey) -> Self {
        Self {
            ring: None,
            public: Arc::from([key]),
        }
    }
}

impl From<&PublicKey> for KeySet {
    fn from(key: &PublicKey) -> Self {
        Self::from(key.clone())
    }
}

/// The signing key's public half.
impl From<&SigningKey> for KeySet {
    fn from(key: &SigningKey) -> Self {
        Self::from(key.public_key().clone())
    }
}

impl From<&KeySet> for KeySet {
    fn from(keys: &KeySet) -> Self {
        keys.clone()
    }
}
