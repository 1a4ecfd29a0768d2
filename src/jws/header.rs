//! The JOSE header rules: `alg` exactly `HS256`, no `crit`, `typ` absent or `JWT`; `kid` read to
//! pick a key from the ring, and `jku`, `x5u`, `jwk` never followed.

use std::borrow::Cow;

use super::object::{Object, string};
use super::{ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};

/// `{"alg":"HS256","typ":"JWT"}` in base64url: the header every peer writes.
pub(crate) const ENCODED_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// What the verifier needs from a header that passed the rules.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    /// The key id, when there is one.
    pub(crate) kid: Option<Cow<'a, str>>,
}

/// Applies the header rules to the decoded header `json`.
pub(crate) fn check(json: &[u8]) -> Result<Header<'_>, VerifyError> {
    let header = Object::parse(json, TokenPart::Header)?;
    match header.get("alg").map(string) {
        Some(Some(alg)) if alg == "HS256" => {}
        Some(Some(alg)) => {
            return Err(VerifyError::UnsupportedAlgorithm {
                alg: echo(&alg, ECHOED_VALUE_CHARS),
            });
        }
        Some(None) => {
            return Err(VerifyError::UnsupportedAlgorithm {
                alg: "(not a string)".into(),
            });
        }
        None => return Err(VerifyError::UnsupportedAlgorithm { alg: String::new() }),
    }
    if header.get("crit").is_some() {
        return Err(VerifyError::CriticalHeader);
    }
    match header.get("typ").map(string) {
        None => {}
        Some(Some(typ)) if typ.eq_ignore_ascii_case("JWT") => {}
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
    let kid = match header.get("kid").map(string) {
        None => None,
        Some(Some(kid)) => Some(kid),
        Some(None) => Some(Cow::Borrowed("(not a string)")),
    };
    Ok(Header { kid })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::segments::decode;

    /// The verifier skips the rules for these bytes: they must pass every one.
    #[test]
    fn the_standard_header_passes_the_header_rules() {
        let header = decode(ENCODED_HEADER, TokenPart::Header).unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(check(&header), Ok(Header { kid: None }));
    }
}
