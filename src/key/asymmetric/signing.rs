//! [`SigningKey`]: an ES256 or EdDSA private key, from PKCS#8.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;

use super::der::{self, Kind};
use super::{KeyError, PublicKey};
use crate::crypto;
use crate::echo::{ECHOED_VALUE_CHARS, echo};
use crate::key::{Algorithm, Secret};

/// A private key that signs ES256 (P-256) or EdDSA (Ed25519) tokens, read from PKCS#8, bound to
/// exactly one algorithm. Tokens carry its public key's [`kid`](PublicKey::kid), the RFC 7638
/// thumbprint; verifiers hold only [`SigningKey::public_key`].
///
/// ```
/// use jwt_auth::{Issuer, Verifier, jwks::SigningKey};
///
/// // `openssl genpkey -algorithm ED25519` (a test key: never use a key from documentation).
/// let key = SigningKey::from_pkcs8_pem(
///     "-----BEGIN PRIVATE KEY-----\n\
///      MC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n\
///      -----END PRIVATE KEY-----\n",
/// )?;
/// let token = Issuer::new(&key).issue("42", None)?;
/// let claims = Verifier::new(key.public_key()).verify(&token)?;
/// assert_eq!(claims.sub, "42");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// `Debug` shows the algorithm and the `kid`, never the key. Cheap to clone.
#[derive(Clone)]
pub struct SigningKey {
    inner: Arc<Inner>,
}

struct Inner {
    alg: Algorithm,
    encoding: EncodingKey,
    public: PublicKey,
    /// `{"alg":…,"typ":"JWT","kid":…}` in base64url, the header the issuer writes.
    encoded_header: Box<str>,
    /// A secret only this key's holders can derive: sessions key refresh-token successors with
    /// it, so that every instance holding the private key derives the same ones.
    session_secret: Secret,
}

impl SigningKey {
    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, what
    /// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` and
    /// `openssl genpkey -algorithm ED25519` write), unencrypted.
    ///
    /// ```
    /// use jwt_auth::jwks::{Algorithm, KeyError, SigningKey};
    ///
    /// let key = SigningKey::from_pkcs8_pem(
    ///     "-----BEGIN PRIVATE KEY-----\n\
    ///      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxhFOhCn6TtS0PSax\n\
    ///      9aZZHXL/wiAsIGT+FEhOBD3OWMahRANCAAR2DoMPDNdz6tdAb3Rvf1/bmi0P5M1b\n\
    ///      8AQ7po/SjSBCIh5/WtvcZKiFNQI+xmAn+uAPOBGnTs1eyl4kdZW9CC1z\n\
    ///      -----END PRIVATE KEY-----\n",
    /// )?;
    /// assert_eq!(key.algorithm(), Algorithm::ES256);
    ///
    /// let sec1 = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
    /// assert!(matches!(SigningKey::from_pkcs8_pem(sec1), Err(KeyError::NotPkcs8 { .. })));
    /// # Ok::<(), KeyError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyError::NotPem`], [`KeyError::MalformedPem`], [`KeyError::Encrypted`],
    /// [`KeyError::NotPkcs8`] (SEC1, PKCS#1, OpenSSH), [`KeyError::PublicKeyGiven`],
    /// [`KeyError::UnexpectedPem`], and the errors of [`SigningKey::from_pkcs8_der`].
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let block = der::pem(pem)?;
        match block.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&block.der),
            "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted),
            "PUBLIC KEY" => Err(KeyError::PublicKeyGiven),
            label if label.ends_with("PRIVATE KEY") => Err(KeyError::NotPkcs8 {
                label: echo(label, ECHOED_VALUE_CHARS),
            }),
            label => Err(KeyError::UnexpectedPem {
                label: echo(label, ECHOED_VALUE_CHARS),
                expected: "a `PRIVATE KEY` (PKCS#8) block",
            }),
        }
    }

    /// Reads a DER PKCS#8 private key of P-256 (ES256) or Ed25519 (EdDSA).
    ///
    /// ```
    /// use jwt_auth::jwks::{KeyError, SigningKey};
    ///
    /// assert!(matches!(SigningKey::from_pkcs8_der(b"\x30\x03\x02\x01"), Err(KeyError::MalformedDer { .. })));
    /// ```
    ///
    /// # Errors
    /// [`KeyError::PublicKeyGiven`] for a SubjectPublicKeyInfo; [`KeyError::WrongCurve`],
    /// [`KeyError::UnsupportedKeyType`], [`KeyError::MalformedDer`] or [`KeyError::InvalidKey`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        if der::is_spki(der) {
            return Err(KeyError::PublicKeyGiven);
        }
        crypto::install_jsonwebtoken_provider();
        let invalid = KeyError::InvalidKey {
            reason: "the crypto backend refuses the private key",
        };
        let (alg, encoding, public) = match der::pkcs8_kind(der)? {
            Kind::P256 => {
                let (x, y) =
                    crypto::asymmetric::p256_public_from_private(der).ok_or(invalid.clone())?;
                let jwk = serde_json::json!({
                    "kty": "EC", "crv": "P-256",
                    "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
                });
                (
                    Algorithm::ES256,
                    EncodingKey::from_ec_der(der),
                    PublicKey::from_jwk_value(&jwk)?,
                )
            }
            Kind::Ed25519 => {
                let x =
                    crypto::asymmetric::ed25519_public_from_private(der).ok_or(invalid.clone())?;
                let jwk = serde_json::json!({
                    "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(x),
                });
                (
                    Algorithm::EdDSA,
                    EncodingKey::from_ed_der(der),
                    PublicKey::from_jwk_value(&jwk)?,
                )
            }
        };
        // The key must sign, and its signature verify under the public half it derived.
        let probe = b"jwt-auth key check";
        let signature =
            crypto::asymmetric::sign(alg.jose(), &encoding, probe).ok_or(invalid.clone())?;
        if !public.verify_signature(probe, &signature) {
            return Err(invalid);
        }
        let kid = serde_json::Value::from(public.kid());
        let encoded_header = URL_SAFE_NO_PAD
            .encode(format!(r#"{{"alg":"{alg}","typ":"JWT","kid":{kid}}}"#))
            .into();
        let session_secret = Secret::from_bytes(
            &crypto::HmacKey::new(der).sign(b"jwt-auth refresh-token successors"),
            false,
        );
        Ok(Self {
            inner: Arc::new(Inner {
                alg,
                encoding,
                public,
                encoded_header,
                session_secret,
            }),
        })
    }

    /// The one algorithm this key signs with.
    ///
    /// ```
    /// # let key = jwt_auth::jwks::SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n-----END PRIVATE KEY-----\n")?;
    /// assert_eq!(key.algorithm(), jwt_auth::jwks::Algorithm::EdDSA);
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.inner.alg
    }

    /// The secret sessions key refresh-token successors with, derived from the private key.
    pub(crate) fn session_secret(&self) -> &Secret {
        &self.inner.session_secret
    }

    /// The public half, for verifiers and the published key set.
    ///
    /// ```
    /// # let key = jwt_auth::jwks::SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n-----END PRIVATE KEY-----\n")?;
    /// assert_eq!(key.public_key().kid(), key.kid());
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn public_key(&self) -> &PublicKey {
        &self.inner.public
    }

    /// The `kid` tokens signed with it carry: the public key's RFC 7638 thumbprint.
    ///
    /// ```
    /// # let key = jwt_auth::jwks::SigningKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAO/mOXYJ6vYCf2LJhbx41QQKKVSna6uKUc7ZUJWa+Ta\n-----END PRIVATE KEY-----\n")?;
    /// assert_eq!(key.kid(), key.public_key().thumbprint());
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn kid(&self) -> &str {
        self.inner.public.kid()
    }

    /// The base64url header the issuer writes.
    pub(crate) fn encoded_header(&self) -> &str {
        &self.inner.encoded_header
    }

    /// The signature of `message`; `None` only if the backend fails on a key it accepted.
    pub(crate) fn sign(&self, message: &[u8]) -> Option<Vec<u8>> {
        crypto::asymmetric::sign(self.inner.alg.jose(), &self.inner.encoding, message)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.inner.alg)
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}
