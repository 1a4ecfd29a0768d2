use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::KeyRingError;
use super::{Fingerprint, Secret};

/// The keys a service signs and verifies with: one current key, which signs, and up to
/// [`KeyRing::MAX_FALLBACKS`] fallbacks, which only verify. Rotating a secret this way logs no
/// one out (see the README's rotation runbook):
///
/// 1. every service adds the new secret as a fallback;
/// 2. the issuers make it their current key (the old one becomes a fallback);
/// 3. once the longest token ttl has passed, every service drops the old key.
///
/// The [`Issuer`](crate::Issuer) writes the current key's [`Fingerprint`] as each token's `kid`.
/// The [`Verifier`](crate::Verifier) checks a token with a known `kid` against that key only,
/// and tries a token without `kid` (the Python and Node services write none), or with a `kid` the
/// ring does not know (a peer's own label), against each key, current first; when none verifies
/// the latter, it is refused with
/// [`VerifyError::UnknownKeyId`](crate::VerifyError::UnknownKeyId).
///
/// ```
/// use jwt_auth::{Issuer, KeyRing, Secret, Verifier};
///
/// let old = Secret::new("ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4")?;
/// let new = Secret::new("5b1f0c9e7d3a6428e1f4b7c0a9d2e5f8c3b6a1d4e7f0a3c6b9d2e5f8a1c4b7d0")?;
/// let old_token = Issuer::new(&old).issue("42", None)?;
///
/// // Step 2 of a rotation: sign with the new key, still accept the old one's tokens.
/// let ring = KeyRing::new(new.clone()).with_fallback(old)?;
/// let verifier = Verifier::new(&ring);
/// assert_eq!(verifier.verify(&old_token)?.sub, "42");
/// let new_token = Issuer::new(&ring).issue("42", None)?;
/// assert_eq!(Verifier::new(&new).verify(&new_token)?.sub, "42");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Cheap to clone: the keys are shared.
#[derive(Debug, Clone)]
pub struct KeyRing {
    /// The current key first, then the fallbacks in the order they were added.
    keys: Arc<[RingKey]>,
}

/// A key with the token header the issuer writes for it, encoded once.
#[derive(Debug, Clone)]
pub(crate) struct RingKey {
    pub(crate) secret: Secret,
    /// `{"alg":"HS256","typ":"JWT","kid":"<fingerprint>"}` in base64url.
    pub(crate) encoded_header: Box<str>,
}

/// `{"alg":"HS256","typ":"JWT","kid":<kid>}` in base64url, the header the issuer writes for the
/// key `kid`. The verifier's tests hold it to the header rules, which it skips for these bytes.
fn encoded_header(kid: &str) -> String {
    let kid = serde_json::Value::from(kid);
    URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"HS256","typ":"JWT","kid":{kid}}}"#))
}

impl RingKey {
    fn new(secret: Secret) -> Self {
        let encoded_header = encoded_header(secret.fingerprint().as_str()).into();
        Self {
            secret,
            encoded_header,
        }
    }
}

impl KeyRing {
    /// The most fallbacks a ring holds. A token without `kid` costs one HMAC per key tried, so the
    /// bound keeps a forged token's cost fixed; a rotation needs one fallback, two when a second
    /// rotation starts before the first ends.
    pub const MAX_FALLBACKS: usize = 3;

    /// A ring that signs with `current` and has no fallbacks.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let ring = jwt_auth::KeyRing::new(secret.clone());
    /// assert_eq!(ring.current().fingerprint(), secret.fingerprint());
    /// assert_eq!(ring.fallbacks().count(), 0);
    /// ```
    pub fn new(current: Secret) -> Self {
        Self {
            keys: Arc::from([RingKey::new(current)]),
        }
    }

    /// Adds `fallback`, a key that verifies but never signs. A key already in the ring (the
    /// current one listed again as a fallback, say) is not added twice.
    ///
    /// ```
    /// use jwt_auth::{KeyRing, KeyRingError, Secret};
    ///
    /// let key = || Secret::generate().0;
    /// let ring = KeyRing::new(key()).with_fallback(key())?.with_fallback(key())?.with_fallback(key())?;
    /// assert_eq!(ring.fallbacks().count(), KeyRing::MAX_FALLBACKS);
    /// assert!(matches!(ring.with_fallback(key()), Err(KeyRingError::TooManyFallbacks { max: 3 })));
    /// # Ok::<(), KeyRingError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyRingError::TooManyFallbacks`] when the ring already has [`KeyRing::MAX_FALLBACKS`].
    pub fn with_fallback(self, fallback: Secret) -> Result<Self, KeyRingError> {
        if self.get(fallback.fingerprint().as_str()).is_some() {
            return Ok(self);
        }
        if self.keys.len() > Self::MAX_FALLBACKS {
            return Err(KeyRingError::TooManyFallbacks {
                max: Self::MAX_FALLBACKS,
            });
        }
        let mut keys = self.keys.to_vec();
        keys.push(RingKey::new(fallback));
        Ok(Self { keys: keys.into() })
    }

    /// The key that signs.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::KeyRing::from(&secret).current().fingerprint(), secret.fingerprint());
    /// ```
    pub fn current(&self) -> &Secret {
        &self.keys[0].secret
    }

    /// The keys that only verify, in the order they were added.
    ///
    /// ```
    /// let (current, _) = jwt_auth::Secret::generate();
    /// let (old, _) = jwt_auth::Secret::generate();
    /// let ring = jwt_auth::KeyRing::new(current).with_fallback(old.clone())?;
    /// assert_eq!(ring.fallbacks().map(|key| key.fingerprint()).collect::<Vec<_>>(), [old.fingerprint()]);
    /// # Ok::<(), jwt_auth::KeyRingError>(())
    /// ```
    pub fn fallbacks(&self) -> impl ExactSizeIterator<Item = &Secret> {
        self.keys[1..].iter().map(|key| &key.secret)
    }

    /// Every key's fingerprint, the current key's first: what to log at start-up.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::KeyRing::new(secret.clone()).fingerprints(), [secret.fingerprint()]);
    /// ```
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        self.keys
            .iter()
            .map(|key| key.secret.fingerprint())
            .collect()
    }

    /// The key whose fingerprint is `kid`.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let ring = jwt_auth::KeyRing::new(secret.clone());
    /// assert!(ring.get(secret.fingerprint().as_str()).is_some());
    /// assert!(ring.get("0000000000000000").is_none());
    /// ```
    pub fn get(&self, kid: &str) -> Option<&Secret> {
        self.keys
            .iter()
            .find(|key| key.secret.fingerprint().as_str() == kid)
            .map(|key| &key.secret)
    }

    /// The current key, which signs.
    pub(crate) fn signing_key(&self) -> &RingKey {
        &self.keys[0]
    }

    /// The keys, the current one first.
    pub(crate) fn keys(&self) -> &[RingKey] {
        &self.keys
    }
}

impl From<Secret> for KeyRing {
    fn from(current: Secret) -> Self {
        Self::new(current)
    }
}

impl From<&Secret> for KeyRing {
    fn from(current: &Secret) -> Self {
        Self::new(current.clone())
    }
}

impl From<&KeyRing> for KeyRing {
    fn from(ring: &KeyRing) -> Self {
        ring.clone()
    }
}
