//! The JOSE header rules: `alg` one the crate has (`HS256`, `ES256`, `EdDSA`), no `crit`, `typ`
//! absent or `JWT` (or `at+jwt` for public-key tokens); `kid` read to pick a key, and `jwk`,
//! `jku`, `x5u`, `x5c` refused, never followed.

use std::borrow::Cow;

use super::object::{Object, string};
use super::{ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};
use crate::key::{Algorithm, kid_is_safe};

/// `{"alg":"HS256","typ":"JWT"}` in base64url: the header every peer writes.
pub(crate) const ENCODED_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Headers that carry or locate a key: each would name the key the signature should be checked
/// with (CVE-2018-0114, CVE-2022-23540 class). No issuer the product runs writes them, so a token
/// carrying one is refused rather than the header ignored, whatever its `alg`.
const EMBEDDED_KEY_HEADERS: [&str; 4] = ["jwk", "jku", "x5u", "x5c"];

/// What the verifier needs from a header that passed the rules.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    /// The algorithm.
    pub(crate) alg: Algorithm,
    /// The key id, when there is one.
    pub(crate) kid: Option<Cow<'a, str>>,
}

/// Applies the header rules to the decoded header `json`.
pub(crate) fn check(json: &[u8]) -> Result<Header<'_>, VerifyError> {
    let header = Object::parse(json, TokenPart::Header)?;
    let alg = match header.get("alg").map(string) {
        Some(Some(alg)) => {
            Algorithm::from_jose(&alg).ok_or_else(|| VerifyError::UnsupportedAlgorithm {
                alg: echo(&alg, ECHOED_VALUE_CHARS),
            })?
        }
        Some(None) => {
            return Err(VerifyError::UnsupportedAlgorithm {
                alg: "(not a string)".into(),
            });
        }
        None => return Err(VerifyError::UnsupportedAlgorithm { alg: String::new() }),
    };
    if header.get("crit").is_some() {
        return Err(VerifyError::CriticalHeader);
    }
    let public = alg != Algorithm::HS256;
    match header.get("typ").map(string) {
        None => {}
        Some(Some(typ)) if typ.eq_ignore_ascii_case("JWT") => {}
        // RFC 9068 access tokens, which identity providers sign with public keys.
        Some(Some(typ))
            if public
                && (typ.eq_ignore_ascii_case("at+jwt")
                    || typ.eq_ignore_ascii_case("application/at+jwt")) => {}
        Some(Some(typ)) => {
            return Err(VerifyError::UnexpectedType {
                typ: echo(&typ, ECHOED_VALUE_CHARS),
            });
        }
        Some(None) => {
            return Err(VerifyError::UnexpectedType {
                typ: "(not a string)".into(),
            });
        }
    }
    if let Some(name) = EMBEDDED_KEY_HEADERS
        .into_iter()
        .find(|name| header.get(name).is_some())
    {
        return Err(VerifyError::EmbeddedKey { header: name });
    }
    let kid = match header.get("kid").map(string) {
        None => None,
        Some(Some(kid)) if public && !kid_is_safe(&kid) => {
            return Err(VerifyError::InvalidKeyId {
                kid: echo(&kid, ECHOED_VALUE_CHARS),
            });
        }
        Some(Some(kid)) => Some(kid),
        Some(None) if public => {
            return Err(VerifyError::InvalidKeyId {
                kid: "(not a string)".into(),
            });
        }
        Some(None) => Some(Cow::Borrowed("(not a string)")),
    };
    Ok(Header { alg, kid })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::segments::decode;

    /// The verifier skips the rules for these bytes: they must pass every one.
    #[test]
    fn the_standard_header_passes_the_header_rules() {
        let header = decode(ENCODED_HEADER.as_bytes(), TokenPart::Header).unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(
            check(&header),
            Ok(Header {
                alg: Algorithm::HS256,
                kid: None
            })
        );
    }

    #[test]
    fn public_key_tokens_may_be_access_tokens_and_hs256_ones_may_not() {
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt"] {
            let json = format!(r#"{{"alg":"ES256","typ":"{typ}"}}"#);
            assert!(check(json.as_bytes()).is_ok(), "{typ}");
            let json = format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#);
            assert!(
                matches!(
                    check(json.as_bytes()),
                    Err(VerifyError::UnexpectedType { .. })
                ),
                "{typ}"
            );
        }
    }
}
