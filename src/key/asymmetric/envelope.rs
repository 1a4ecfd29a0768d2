//! The envelopes a key arrives in: PEM (RFC 7468), PKCS#8 `PrivateKeyInfo` and X.509
//! `SubjectPublicKeyInfo`, read by RustCrypto's `pem-rfc7468`, `pkcs8` and `spki`. This module
//! only tells a P-256 or Ed25519 key from everything else, each refusal with its own
//! [`KeyError`]; the crypto backend parses the key itself.

use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5912, rfc8410};
use pkcs8::PrivateKeyInfoRef;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use super::KeyError;

/// The kind of key an envelope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    P256,
    Ed25519,
}

/// A PEM block: its label and its decoded body.
pub(crate) struct Pem {
    pub(crate) label: String,
    pub(crate) der: Vec<u8>,
}

const BEGIN: &str = "-----BEGIN ";

/// Reads the first PEM block of `text`, skipping `EC PARAMETERS` blocks (which
/// `openssl ecparam -genkey` writes before the key). Text around the blocks is ignored, as
/// OpenSSL ignores it.
pub(crate) fn pem(text: &str) -> Result<Pem, KeyError> {
    let mut rest = text;
    loop {
        let begin = rest.find(BEGIN).ok_or(KeyError::NotPem)?;
        let block = &rest[begin..];
        let label = block[BEGIN.len()..]
            .split_once("-----")
            .map(|(label, _)| label)
            .ok_or_else(|| malformed_pem("the BEGIN line does not end with `-----`"))?;
        let end_line = format!("-----END {label}-----");
        let end = block
            .find(&end_line)
            .ok_or_else(|| malformed_pem("no END line matching the BEGIN line"))?
            + end_line.len();
        let (block, after) = block.split_at(end);
        rest = after;
        if label == "EC PARAMETERS" {
            continue;
        }
        // RFC 1421 headers: OpenSSL's legacy encryption, which RFC 7468 has no place for.
        if block.contains("Proc-Type:") || block.contains("DEK-Info:") {
            return Err(KeyError::Encrypted);
        }
        let (label, der) =
            pem_rfc7468::decode_vec(block.as_bytes()).map_err(|e| KeyError::MalformedPem {
                reason: e.to_string(),
            })?;
        return Ok(Pem {
            label: label.to_owned(),
            der,
        });
    }
}

fn malformed_pem(reason: &str) -> KeyError {
    KeyError::MalformedPem {
        reason: reason.to_owned(),
    }
}

fn malformed_der(e: &spki::der::Error) -> KeyError {
    KeyError::MalformedDer {
        reason: e.to_string(),
    }
}

/// secp256k1 (SEC 2), which the OID database does not name.
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
/// The arc under which RFC 5639 numbers the brainpool curves.
const BRAINPOOL: &str = "1.3.36.3.3.2.8.1.1.";

/// The named curves a refusal names.
fn other_curve(oid: ObjectIdentifier) -> Option<&'static str> {
    Some(match oid {
        rfc5912::SECP_384_R_1 => "P-384",
        rfc5912::SECP_521_R_1 => "P-521",
        SECP256K1 => "secp256k1",
        rfc8410::ID_X_25519 => "X25519",
        rfc8410::ID_X_448 => "X448",
        rfc8410::ID_ED_448 => "Ed448",
        oid if oid.to_string().starts_with(BRAINPOOL) => "brainpool",
        _ => return None,
    })
}

fn other_key_type(oid: ObjectIdentifier) -> String {
    match oid {
        rfc5912::RSA_ENCRYPTION => "RSA".into(),
        rfc5912::ID_RSASSA_PSS => "RSASSA-PSS".into(),
        rfc5912::ID_DSA => "DSA".into(),
        oid => format!("unknown (OID {oid})"),
    }
}

/// The key kind an `AlgorithmIdentifier` names.
fn kind(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<Kind, KeyError> {
    match algorithm.oid {
        rfc5912::ID_EC_PUBLIC_KEY => match algorithm.parameters_oid() {
            Ok(rfc5912::SECP_256_R_1) => Ok(Kind::P256),
            Ok(curve) => Err(KeyError::WrongCurve {
                curve: other_curve(curve).unwrap_or("an unknown curve"),
            }),
            // RFC 5480 allows only a named curve in a key's parameters.
            Err(_) => Err(KeyError::WrongCurve {
                curve: "explicit parameters",
            }),
        },
        rfc8410::ID_ED_25519 => Ok(Kind::Ed25519),
        other => match other_curve(other) {
            Some(curve) => Err(KeyError::WrongCurve { curve }),
            None => Err(KeyError::UnsupportedKeyType {
                kind: other_key_type(other),
            }),
        },
    }
}

/// The kind of key a PKCS#8 `PrivateKeyInfo` (or `OneAsymmetricKey`) holds.
pub(crate) fn pkcs8_kind(der: &[u8]) -> Result<Kind, KeyError> {
    let info = PrivateKeyInfoRef::try_from(der).map_err(|e| match e {
        pkcs8::Error::Asn1(e) => malformed_der(&e),
        other => KeyError::MalformedDer {
            reason: other.to_string(),
        },
    })?;
    kind(&info.algorithm)
}

/// The kind and the raw public key (a SEC1 point, or 32 bytes of Ed25519) of a
/// `SubjectPublicKeyInfo`.
pub(crate) fn spki(der: &[u8]) -> Result<(Kind, &[u8]), KeyError> {
    let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|e| match e {
        spki::Error::Asn1(e) => malformed_der(&e),
        other => KeyError::MalformedDer {
            reason: other.to_string(),
        },
    })?;
    let kind = kind(&info.algorithm)?;
    let key = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::MalformedDer {
            reason: "the key's bit string has unused bits".into(),
        })?;
    Ok((kind, key))
}

/// Whether `der` is a `SubjectPublicKeyInfo` rather than a private key.
pub(crate) fn is_spki(der: &[u8]) -> bool {
    SubjectPublicKeyInfoRef::try_from(der).is_ok()
}

/// Whether `der` is a PKCS#8 private key rather than a public one.
pub(crate) fn is_pkcs8(der: &[u8]) -> bool {
    PrivateKeyInfoRef::try_from(der).is_ok()
}
