//! Just enough PEM and DER to tell a PKCS#8 private key or a SubjectPublicKeyInfo of P-256 or
//! Ed25519 from everything else, each with its own [`KeyError`]. The backend parses the key
//! itself; this only reads the envelope.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

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

/// Reads the first PEM block of `text`, skipping `EC PARAMETERS` blocks (which
/// `openssl ecparam -genkey` writes before the key).
pub(crate) fn pem(text: &str) -> Result<Pem, KeyError> {
    let mut rest = text;
    loop {
        let Some(begin) = rest.find("-----BEGIN ") else {
            return Err(KeyError::NotPem);
        };
        let after = &rest[begin + "-----BEGIN ".len()..];
        let label_end = after.find("-----").ok_or(KeyError::MalformedPem {
            reason: "the BEGIN line does not end with `-----`",
        })?;
        let label = &after[..label_end];
        let body_and_rest = &after[label_end + 5..];
        let end_line = format!("-----END {label}-----");
        let end = body_and_rest
            .find(&end_line)
            .ok_or(KeyError::MalformedPem {
                reason: "no END line matching the BEGIN line",
            })?;
        let body = &body_and_rest[..end];
        rest = &body_and_rest[end + end_line.len()..];
        if label == "EC PARAMETERS" {
            continue;
        }
        if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
            return Err(KeyError::Encrypted);
        }
        let base64: String = body.split_ascii_whitespace().collect();
        let der = STANDARD
            .decode(base64.as_bytes())
            .map_err(|_| KeyError::MalformedPem {
                reason: "the body is not base64",
            })?;
        return Ok(Pem {
            label: label.to_owned(),
            der,
        });
    }
}

// DER-encoded object identifiers (contents only).
const ID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
const PRIME256V1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const ED25519: &[u8] = &[0x2B, 0x65, 0x70];

/// The named curves and key types a refusal names.
fn other_curve(oid: &[u8]) -> Option<&'static str> {
    Some(match oid {
        [0x2B, 0x81, 0x04, 0x00, 0x22] => "P-384",
        [0x2B, 0x81, 0x04, 0x00, 0x23] => "P-521",
        [0x2B, 0x81, 0x04, 0x00, 0x0A] => "secp256k1",
        [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, ..] => "brainpool",
        [0x2B, 0x65, 0x6E] => "X25519",
        [0x2B, 0x65, 0x6F] => "X448",
        [0x2B, 0x65, 0x71] => "Ed448",
        _ => return None,
    })
}

fn other_key_type(oid: &[u8]) -> String {
    match oid {
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01] => "RSA".into(),
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A] => "RSASSA-PSS".into(),
        [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01] => "DSA".into(),
        _ => format!("unknown (OID {})", crate::crypto::hex(oid)),
    }
}

/// A cursor over DER: definite lengths only.
struct Der<'a>(&'a [u8]);

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OID: u8 = 0x06;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;

fn malformed(reason: &'static str) -> KeyError {
    KeyError::MalformedDer { reason }
}

impl<'a> Der<'a> {
    fn read(&mut self, tag: u8) -> Result<&'a [u8], KeyError> {
        let (&found, rest) = self.0.split_first().ok_or(malformed("truncated"))?;
        if found != tag {
            return Err(malformed("unexpected element"));
        }
        let (&first, mut rest) = rest.split_first().ok_or(malformed("truncated"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7F);
            if count == 0 || count > 2 || rest.len() < count {
                return Err(malformed("unsupported length"));
            }
            let len = rest[..count]
                .iter()
                .fold(0, |len, &b| (len << 8) | usize::from(b));
            rest = &rest[count..];
            len
        };
        if rest.len() < len {
            return Err(malformed("truncated"));
        }
        let (contents, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(contents)
    }

    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }
}

/// The key kind an `AlgorithmIdentifier`'s contents name.
fn algorithm(identifier: &[u8]) -> Result<Kind, KeyError> {
    let mut identifier = Der(identifier);
    let oid = identifier.read(OID)?;
    match oid {
        ID_EC_PUBLIC_KEY => {
            if identifier.peek() != Some(OID) {
                return Err(KeyError::WrongCurve {
                    curve: "explicit parameters",
                });
            }
            let curve = identifier.read(OID)?;
            if curve == PRIME256V1 {
                Ok(Kind::P256)
            } else {
                Err(KeyError::WrongCurve {
                    curve: other_curve(curve).unwrap_or("an unknown curve"),
                })
            }
        }
        ED25519 => Ok(Kind::Ed25519),
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
    let mut outer = Der(der);
    let mut info = Der(outer.read(SEQUENCE)?);
    if !outer.0.is_empty() {
        return Err(malformed("trailing bytes"));
    }
    let version = info.read(INTEGER)?;
    if version != [0] && version != [1] {
        return Err(malformed("unknown PKCS#8 version"));
    }
    let kind = algorithm(info.read(SEQUENCE)?)?;
    info.read(OCTET_STRING)?;
    Ok(kind)
}

/// The kind and the raw public key (a SEC1 point, or 32 bytes of Ed25519) of a
/// `SubjectPublicKeyInfo`.
pub(crate) fn spki(der: &[u8]) -> Result<(Kind, &[u8]), KeyError> {
    let mut outer = Der(der);
    let mut info = Der(outer.read(SEQUENCE)?);
    if !outer.0.is_empty() {
        return Err(malformed("trailing bytes"));
    }
    let kind = algorithm(info.read(SEQUENCE)?)?;
    let bits = info.read(BIT_STRING)?;
    if !info.0.is_empty() {
        return Err(malformed("trailing bytes"));
    }
    match bits.split_first() {
        Some((0, key)) => Ok((kind, key)),
        _ => Err(malformed("the key's bit string has unused bits")),
    }
}

/// Whether `der` looks like a `SubjectPublicKeyInfo` rather than a private key.
pub(crate) fn is_spki(der: &[u8]) -> bool {
    let mut outer = Der(der);
    outer
        .read(SEQUENCE)
        .is_ok_and(|info| Der(info).peek() == Some(SEQUENCE))
}

/// Whether `der` looks like a PKCS#8 private key rather than a public one.
pub(crate) fn is_pkcs8(der: &[u8]) -> bool {
    let mut outer = Der(der);
    outer
        .read(SEQUENCE)
        .is_ok_and(|info| Der(info).peek() == Some(INTEGER))
}
