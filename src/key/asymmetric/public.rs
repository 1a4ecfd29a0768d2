//! [`PublicKey`]: an ES256 or EdDSA verifying key, its RFC 7638 thumbprint, and its JWK.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use serde::Serialize;

use super::KeyError;
use super::der::{self, Kind};
use crate::crypto;
use crate::echo::{ECHOED_VALUE_CHARS, echo};
use crate::key::Algorithm;

/// A public key that verifies ES256 (P-256) or EdDSA (Ed25519) tokens, bound to exactly one
/// algorithm. Its [`kid`](PublicKey::kid) is its RFC 7638 JWK thumbprint, unless it came from a
/// JWK that names its own `kid` (an identity provider's key set).
///
/// ```
/// use jwt_auth::jwks::PublicKey;
/// use jwt_auth::jwks::Algorithm;
///
/// let key = PublicKey::from_spki_pem(
///     "-----BEGIN PUBLIC KEY-----\n\
///      MCowBQYDK2VwAyEAHNzV9QTCYSqBpZPLCj9zFxoBSQ+fJ9vuuJO5k2tntt8=\n\
///      -----END PUBLIC KEY-----\n",
/// )?;
/// assert_eq!(key.algorithm(), Algorithm::EdDSA);
/// assert_eq!(key.kid(), key.thumbprint());
///
/// // The same key as a JWK, as a key set publishes it.
/// let jwk = serde_json::to_string(&key.to_jwk())?;
/// assert_eq!(PublicKey::from_jwk(&jwk)?, key);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Cheap to clone. Two keys are equal when they have the same algorithm, key and `kid`.
#[derive(Clone)]
pub struct PublicKey {
    inner: Arc<Inner>,
}

struct Inner {
    alg: Algorithm,
    /// The key: a P-256 point `04 || x || y`, or the 32 bytes of an Ed25519 key.
    raw: Vec<u8>,
    kid: Box<str>,
    thumbprint: Box<str>,
    decoding: DecodingKey,
}

impl PublicKey {
    /// The longest `kid` accepted, in characters.
    pub const MAX_KID_LEN: usize = 128;

    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`, what
    /// `openssl pkey -pubout` writes) of a P-256 key (ES256) or an Ed25519 key (EdDSA).
    ///
    /// ```
    /// let key = jwt_auth::jwks::PublicKey::from_spki_pem(
    ///     "-----BEGIN PUBLIC KEY-----\n\
    ///      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdg6DDwzXc+rXQG90b39f25otD+TN\n\
    ///      W/AEO6aP0o0gQiIef1rb3GSohTUCPsZgJ/rgDzgRp07NXspeJHWVvQgtcw==\n\
    ///      -----END PUBLIC KEY-----\n",
    /// )?;
    /// assert_eq!(key.algorithm(), jwt_auth::jwks::Algorithm::ES256);
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyError::PrivateKeyGiven`] for a private key, [`KeyError::UnexpectedPem`] for another
    /// PEM block, and the errors of [`PublicKey::from_spki_der`].
    pub fn from_spki_pem(pem: &str) -> Result<Self, KeyError> {
        let block = der::pem(pem)?;
        match block.label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&block.der),
            "PRIVATE KEY"
            | "ENCRYPTED PRIVATE KEY"
            | "EC PRIVATE KEY"
            | "RSA PRIVATE KEY"
            | "OPENSSH PRIVATE KEY" => Err(KeyError::PrivateKeyGiven),
            _ => Err(KeyError::UnexpectedPem {
                label: echo(&block.label, ECHOED_VALUE_CHARS),
                expected: "a `PUBLIC KEY` (SubjectPublicKeyInfo) block",
            }),
        }
    }

    /// Reads a DER SubjectPublicKeyInfo of a P-256 or an Ed25519 key.
    ///
    /// ```
    /// use jwt_auth::jwks::{KeyError, PublicKey};
    ///
    /// // RFC 8410's Ed25519 example, whose SPKI is these 44 bytes.
    /// let der = [
    ///     0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x19, 0xbf, 0x44,
    ///     0x09, 0x69, 0x84, 0xcd, 0xfe, 0x85, 0x41, 0xba, 0xc1, 0x67, 0xdc, 0x3b, 0x96, 0xc8, 0x50,
    ///     0x86, 0xaa, 0x30, 0xb6, 0xb6, 0xcb, 0x0c, 0x5c, 0x38, 0xad, 0x70, 0x31, 0x66, 0xe1,
    /// ];
    /// assert!(PublicKey::from_spki_der(&der).is_ok());
    /// assert!(matches!(PublicKey::from_spki_der(&der[..40]), Err(KeyError::MalformedDer { .. })));
    /// ```
    ///
    /// # Errors
    /// [`KeyError::PrivateKeyGiven`] for a PKCS#8 private key; [`KeyError::WrongCurve`],
    /// [`KeyError::UnsupportedKeyType`], [`KeyError::MalformedDer`] or [`KeyError::InvalidKey`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        if der::is_pkcs8(der) {
            return Err(KeyError::PrivateKeyGiven);
        }
        let (kind, raw) = der::spki(der)?;
        match kind {
            Kind::P256 => Self::p256_point(raw, None),
            Kind::Ed25519 => Self::ed25519(raw, None),
        }
    }

    /// Reads a public JWK (RFC 7517): `{"kty":"EC","crv":"P-256","x":…,"y":…}` or
    /// `{"kty":"OKP","crv":"Ed25519","x":…}`. Its `alg`, when present, must be its key's
    /// (`ES256`, `EdDSA`); its `use`, when present, `sig`; its `key_ops`, when present, must
    /// include `verify`. Its `kid`, when present, becomes the key's; otherwise the key's is its
    /// thumbprint.
    ///
    /// ```
    /// use jwt_auth::jwks::{KeyError, PublicKey};
    ///
    /// // RFC 8037 appendix A.2 and A.3: the key, and its thumbprint.
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// let key = PublicKey::from_jwk(jwk)?;
    /// assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    ///
    /// let confused = r#"{"kty":"OKP","crv":"Ed25519","alg":"HS256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// assert!(matches!(PublicKey::from_jwk(confused), Err(KeyError::AlgorithmMismatch { .. })));
    /// # Ok::<(), KeyError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyError::MalformedJwk`], [`KeyError::PrivateMember`], [`KeyError::AlgorithmMismatch`],
    /// [`KeyError::NotForSignatures`], [`KeyError::WrongCurve`],
    /// [`KeyError::UnsupportedKeyType`], [`KeyError::InvalidKeyId`] or [`KeyError::InvalidKey`].
    pub fn from_jwk(jwk: &str) -> Result<Self, KeyError> {
        let value: serde_json::Value =
            serde_json::from_str(jwk).map_err(|e| KeyError::MalformedJwk {
                reason: echo(&e.to_string(), ECHOED_VALUE_CHARS),
            })?;
        Self::from_jwk_value(&value)
    }

    /// [`PublicKey::from_jwk`] on a JWK already parsed.
    ///
    /// ```
    /// let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "2026-11"});
    /// assert_eq!(jwt_auth::jwks::PublicKey::from_jwk_value(&jwk)?.kid(), "2026-11");
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    ///
    /// # Errors
    /// As [`PublicKey::from_jwk`].
    pub fn from_jwk_value(jwk: &serde_json::Value) -> Result<Self, KeyError> {
        let Some(members) = jwk.as_object() else {
            return Err(KeyError::MalformedJwk {
                reason: "not a JSON object".into(),
            });
        };
        let text = |name: &str| -> Result<Option<&str>, KeyError> {
            match members.get(name) {
                None => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(KeyError::MalformedJwk {
                    reason: format!("`{name}` is not a string"),
                }),
            }
        };
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            if members.contains_key(private) {
                return Err(KeyError::PrivateMember {
                    member: private.into(),
                });
            }
        }
        let kty = text("kty")?.ok_or_else(|| KeyError::MalformedJwk {
            reason: "`kty` is missing".into(),
        })?;
        let crv = text("crv")?;
        let alg = match (kty, crv) {
            ("EC", Some("P-256")) => Algorithm::ES256,
            ("EC", Some("P-384")) => return Err(KeyError::WrongCurve { curve: "P-384" }),
            ("EC", Some("P-521")) => return Err(KeyError::WrongCurve { curve: "P-521" }),
            ("EC", Some("secp256k1")) => return Err(KeyError::WrongCurve { curve: "secp256k1" }),
            ("OKP", Some("Ed25519")) => Algorithm::EdDSA,
            ("OKP", Some("Ed448")) => return Err(KeyError::WrongCurve { curve: "Ed448" }),
            ("OKP", Some("X25519")) => return Err(KeyError::WrongCurve { curve: "X25519" }),
            ("OKP", Some("X448")) => return Err(KeyError::WrongCurve { curve: "X448" }),
            (kty, crv) => {
                return Err(KeyError::UnsupportedKeyType {
                    kind: echo(
                        &format!("{kty}{}", crv.map(|c| format!(" {c}")).unwrap_or_default()),
                        ECHOED_VALUE_CHARS,
                    ),
                });
            }
        };
        if let Some(jwk_alg) = text("alg")?
            && jwk_alg != alg.as_str()
        {
            return Err(KeyError::AlgorithmMismatch {
                alg: echo(jwk_alg, ECHOED_VALUE_CHARS),
                key: format!("{kty} {}", crv.unwrap_or_default()),
            });
        }
        if let Some(use_) = text("use")?
            && use_ != "sig"
        {
            return Err(KeyError::NotForSignatures {
                reason: format!("`use` is {:?}", echo(use_, ECHOED_VALUE_CHARS)),
            });
        }
        if let Some(ops) = members.get("key_ops")
            && !ops
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| op == "verify"))
        {
            return Err(KeyError::NotForSignatures {
                reason: "`key_ops` does not include \"verify\"".into(),
            });
        }
        let kid = text("kid")?;
        if let Some(kid) = kid {
            check_kid(kid)?;
        }
        let coordinate = |name: &str| -> Result<Vec<u8>, KeyError> {
            let value = text(name)?.ok_or_else(|| KeyError::MalformedJwk {
                reason: format!("`{name}` is missing"),
            })?;
            URL_SAFE_NO_PAD
                .decode(value)
                .map_err(|_| KeyError::MalformedJwk {
                    reason: format!("`{name}` is not canonical unpadded base64url"),
                })
        };
        match alg {
            Algorithm::ES256 => {
                let (x, y) = (coordinate("x")?, coordinate("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(KeyError::InvalidKey {
                        reason: "a P-256 coordinate is 32 bytes",
                    });
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                Self::p256_point(&point, kid)
            }
            _ => Self::ed25519(&coordinate("x")?, kid),
        }
    }

    /// A P-256 key from its uncompressed SEC1 point.
    fn p256_point(point: &[u8], kid: Option<&str>) -> Result<Self, KeyError> {
        let [4, coordinates @ ..] = point else {
            return Err(KeyError::InvalidKey {
                reason: "only uncompressed P-256 points (0x04 || x || y) are accepted",
            });
        };
        if coordinates.len() != 64 {
            return Err(KeyError::InvalidKey {
                reason: "a P-256 point is 65 bytes",
            });
        }
        let (x, y) = coordinates.split_at(32);
        let thumbprint = thumbprint(&[
            ("crv", "P-256"),
            ("kty", "EC"),
            ("x", &URL_SAFE_NO_PAD.encode(x)),
            ("y", &URL_SAFE_NO_PAD.encode(y)),
        ]);
        Self::new(
            Algorithm::ES256,
            point.to_vec(),
            DecodingKey::from_ec_der(point),
            kid,
            thumbprint,
        )
    }

    /// An Ed25519 key from its 32 bytes.
    fn ed25519(raw: &[u8], kid: Option<&str>) -> Result<Self, KeyError> {
        if raw.len() != 32 {
            return Err(KeyError::InvalidKey {
                reason: "an Ed25519 public key is 32 bytes",
            });
        }
        let thumbprint = thumbprint(&[
            ("crv", "Ed25519"),
            ("kty", "OKP"),
            ("x", &URL_SAFE_NO_PAD.encode(raw)),
        ]);
        Self::new(
            Algorithm::EdDSA,
            raw.to_vec(),
            DecodingKey::from_ed_der(raw),
            kid,
            thumbprint,
        )
    }

    fn new(
        alg: Algorithm,
        raw: Vec<u8>,
        decoding: DecodingKey,
        kid: Option<&str>,
        thumbprint: String,
    ) -> Result<Self, KeyError> {
        crypto::install_jsonwebtoken_provider();
        if !crypto::asymmetric::accepts_public(alg.jose(), &decoding) {
            return Err(KeyError::InvalidKey {
                reason: "the crypto backend refuses it (a point not on the curve?)",
            });
        }
        Ok(Self {
            inner: Arc::new(Inner {
                alg,
                raw,
                kid: kid.map_or_else(|| thumbprint.clone().into(), Into::into),
                thumbprint: thumbprint.into(),
                decoding,
            }),
        })
    }

    /// The one algorithm this key verifies.
    ///
    /// ```
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// assert_eq!(jwt_auth::jwks::PublicKey::from_jwk(jwk)?.algorithm(), jwt_auth::jwks::Algorithm::EdDSA);
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.inner.alg
    }

    /// The key id tokens name it by: its thumbprint, or the `kid` of the JWK it came from.
    ///
    /// ```
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"a1"}"#;
    /// assert_eq!(jwt_auth::jwks::PublicKey::from_jwk(jwk)?.kid(), "a1");
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// The RFC 7638 JWK thumbprint: base64url of the SHA-256 of the key's required members
    /// (`crv`, `kty`, `x`, and `y` for EC) in lexicographic order, without whitespace.
    ///
    /// ```
    /// // RFC 8037 appendix A.3.
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"a1"}"#;
    /// let key = jwt_auth::jwks::PublicKey::from_jwk(jwk)?;
    /// assert_eq!(key.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    /// # Ok::<(), jwt_auth::jwks::KeyError>(())
    /// ```
    pub fn thumbprint(&self) -> &str {
        &self.inner.thumbprint
    }

    /// The key as a public JWK, with `kid`, `alg` and `use: "sig"`: what a key set publishes.
    ///
    /// ```
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// let published = serde_json::to_value(jwt_auth::jwks::PublicKey::from_jwk(jwk)?.to_jwk())?;
    /// assert_eq!(published["use"], "sig");
    /// assert_eq!(published["alg"], "EdDSA");
    /// assert_eq!(published["kid"], "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_jwk(&self) -> Jwk {
        let inner = &*self.inner;
        let (kty, crv, x, y) = match inner.alg {
            Algorithm::ES256 => (
                "EC",
                "P-256",
                URL_SAFE_NO_PAD.encode(&inner.raw[1..33]),
                Some(URL_SAFE_NO_PAD.encode(&inner.raw[33..])),
            ),
            _ => ("OKP", "Ed25519", URL_SAFE_NO_PAD.encode(&inner.raw), None),
        };
        Jwk {
            kty,
            crv,
            x,
            y,
            kid: inner.kid.to_string(),
            alg: inner.alg.as_str(),
            use_: "sig",
        }
    }

    /// Whether `signature` is this key's signature of `message`: exactly 64 bytes, checked by
    /// the backend through `jsonwebtoken`. The verifier's one signature check for these keys.
    pub(crate) fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        signature.len() == self.inner.alg.signature_len()
            && crypto::asymmetric::verify(
                self.inner.alg.jose(),
                &self.inner.decoding,
                message,
                signature,
            )
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner.alg == other.inner.alg
            && self.inner.raw == other.inner.raw
            && self.inner.kid == other.inner.kid
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("alg", &self.inner.alg)
            .field("kid", &self.inner.kid)
            .finish_non_exhaustive()
    }
}

/// A public key as a JSON Web Key (RFC 7517), with `kid`, `alg` and `use: "sig"` and nothing
/// private: what [`Jwks`](crate::jwks::Jwks) lists. Serialize it with `serde`.
///
/// ```
/// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// let published = jwt_auth::jwks::PublicKey::from_jwk(jwk)?.to_jwk();
/// assert_eq!(
///     serde_json::to_string(&published)?,
///     r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k","alg":"EdDSA","use":"sig"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwk {
    /// `EC` or `OKP`.
    pub kty: &'static str,
    /// `P-256` or `Ed25519`.
    pub crv: &'static str,
    /// The x coordinate (EC) or the key (OKP), base64url.
    pub x: String,
    /// The y coordinate, base64url (EC only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// The key id.
    pub kid: String,
    /// `ES256` or `EdDSA`.
    pub alg: &'static str,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub use_: &'static str,
}

/// RFC 7638: base64url(SHA-256) of the required members, given in lexicographic order, as JSON
/// without whitespace. The values are base64url or fixed names: nothing to escape.
pub(crate) fn thumbprint(members: &[(&str, &str)]) -> String {
    let json = members
        .iter()
        .map(|(name, value)| format!(r#""{name}":"{value}""#))
        .collect::<Vec<_>>()
        .join(",");
    URL_SAFE_NO_PAD.encode(crypto::sha256(format!("{{{json}}}").as_bytes()))
}

/// A `kid` this crate accepts, from a JWK or a token's header: at most
/// [`PublicKey::MAX_KID_LEN`] characters of ASCII letters, digits and `-_.:=+`, and no `..`. So
/// no path separator, quote, semicolon, space or control character ever reaches a log, a file
/// name or a query built from it.
pub(crate) fn kid_is_safe(kid: &str) -> bool {
    !kid.is_empty()
        && kid.len() <= PublicKey::MAX_KID_LEN
        && !kid.contains("..")
        && kid.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'=' | b'+')
        })
}

fn check_kid(kid: &str) -> Result<(), KeyError> {
    if kid_is_safe(kid) {
        Ok(())
    } else {
        Err(KeyError::InvalidKeyId {
            kid: echo(kid, ECHOED_VALUE_CHARS),
            max: PublicKey::MAX_KID_LEN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7638 §3.1's own example (an RSA key: the function is the same for every key type).
    #[test]
    fn thumbprint_matches_rfc_7638_example() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(&[("e", "AQAB"), ("kty", "RSA"), ("n", n)]),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn kids_with_path_or_sql_characters_are_unsafe() {
        for ok in [
            "2026-11",
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
            "a.b:c=+",
        ] {
            assert!(kid_is_safe(ok), "{ok}");
        }
        for bad in [
            "",
            "../../dev/null",
            "..",
            "/etc/passwd",
            r"a\b",
            "x' OR '1'='1",
            "1; DROP TABLE keys",
            "a\"b",
            "a b",
            "é",
            "a\nb",
            &"k".repeat(PublicKey::MAX_KID_LEN + 1),
        ] {
            assert!(!kid_is_safe(bad), "{bad:?}");
        }
    }
}
