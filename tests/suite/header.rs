//! The header rules: only HS256, no `crit`, `typ` absent or JWT, key-locating headers never followed, no repeated names.

use crate::common::*;
use jwt_auth::{TokenPart, Verifier, VerifyError};

#[test]
fn only_hs256_is_accepted() {
    for alg in [
        "none", "None", "NONE", "nOnE", "HS512", "HS384", "RS256", "ES384", "es256", "eddsa",
        "Ed25519", "hs256", "PS256",
    ] {
        let token = token_with_header(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        assert_eq!(
            verifier().verify(&token),
            Err(VerifyError::UnsupportedAlgorithm {
                alg: alg.to_owned()
            }),
            "alg {alg}"
        );
    }
    // The crate's public-key algorithms: refused by a verifier without keys of them.
    for alg in ["ES256", "EdDSA"] {
        let token = token_with_header(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        assert_eq!(
            verifier().verify(&token),
            Err(VerifyError::NoKeyForAlgorithm {
                alg,
                held: vec!["HS256"]
            }),
            "alg {alg}"
        );
    }
}

#[test]
fn alg_none_with_an_empty_signature_is_refused_for_its_algorithm() {
    let token = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(product_payload()));
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::UnsupportedAlgorithm { alg: "none".into() })
    );
}

#[test]
fn a_missing_or_non_string_alg_is_refused() {
    assert_eq!(
        verifier().verify(&token_with_header(r#"{"typ":"JWT"}"#)),
        Err(VerifyError::UnsupportedAlgorithm { alg: String::new() })
    );
    assert_eq!(
        verifier().verify(&token_with_header(r#"{"alg":256}"#)),
        Err(VerifyError::UnsupportedAlgorithm {
            alg: "(not a string)".into()
        })
    );
}

#[test]
fn an_escaped_hs256_is_still_hs256() {
    let token = token_with_header(r#"{"alg":"HS\u0032\u0035\u0036"}"#);
    assert_eq!(verifier().verify(&token).unwrap().sub, "42");
}

#[test]
fn a_long_alg_is_echoed_truncated() {
    let alg = "X".repeat(150);
    let token = token_with_header(&format!(r#"{{"alg":"{alg}"}}"#));
    let Err(VerifyError::UnsupportedAlgorithm { alg: echoed }) = verifier().verify(&token) else {
        panic!("expected UnsupportedAlgorithm");
    };
    assert_eq!(echoed, format!("{}…", "X".repeat(64)));
}

#[test]
fn crit_is_refused() {
    let token = token_with_header(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#);
    assert_eq!(verifier().verify(&token), Err(VerifyError::CriticalHeader));
}

#[test]
fn typ_must_be_jwt_when_present() {
    for typ in ["JWT", "jwt"] {
        let token = token_with_header(&format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#));
        assert!(verifier().verify(&token).is_ok(), "typ {typ}");
    }
    assert!(
        verifier()
            .verify(&token_with_header(r#"{"alg":"HS256"}"#))
            .is_ok()
    );
    let token = token_with_header(r#"{"alg":"HS256","typ":"at+jwt"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::UnexpectedType {
            typ: "at+jwt".into()
        })
    );
}

#[test]
fn key_locating_headers_are_never_followed() {
    // Each names a key the attacker controls; the token is signed with that key, not ours.
    let attacker_key = b"attacker-controlled-key-material-0123456789";
    let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(attacker_key));
    let kid = r#"{"alg":"HS256","kid":"../../dev/null"}"#;
    assert_eq!(
        verifier().verify(&sign_raw(kid, &product_payload(), attacker_key)),
        Err(VerifyError::UnknownKeyId {
            kid: "../../dev/null".into(),
            known: vec![secret().fingerprint()],
        })
    );
    // A `kid` only ever names a key of the ring: one it does not know is a peer's own label,
    // and the token is checked against the ring's keys as if it had none.
    assert!(verifier().verify(&token_with_header(kid)).is_ok());
    for (name, extra) in [
        (
            "jku",
            r#""jku":"https://attacker.example/jwks.json""#.to_owned(),
        ),
        (
            "x5u",
            r#""x5u":"https://attacker.example/cert.pem""#.to_owned(),
        ),
        ("jwk", format!(r#""jwk":{jwk}"#)),
        ("x5c", r#""x5c":["MIIB"]"#.to_owned()),
    ] {
        let header = format!(r#"{{"alg":"HS256",{extra}}}"#);
        let forged = sign_raw(&header, &product_payload(), attacker_key);
        assert_eq!(
            verifier().verify(&forged),
            Err(VerifyError::EmbeddedKey { header: name }),
            "{extra}"
        );
        // ...and refused with our key too: no issuer of the product writes them.
        assert_eq!(
            verifier().verify(&token_with_header(&header)),
            Err(VerifyError::EmbeddedKey { header: name }),
            "{extra}"
        );
    }
}

#[test]
fn a_duplicate_header_name_is_refused() {
    let token = token_with_header(r#"{"alg":"HS256","alg":"none"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::DuplicateMember {
            part: TokenPart::Header,
            name: "alg".into()
        })
    );
}

#[test]
fn a_header_over_the_cap_is_refused_before_it_is_decoded() {
    // Padded with spaces inside the object, it would pass every other rule.
    let fits = |len: usize| {
        let json = format!(r#"{{"alg":"HS256"{}}}"#, " ".repeat(len * 3 / 4 - 15));
        assert_eq!(b64(&json).len(), len);
        token_with_header(&json)
    };
    assert_eq!(
        verifier()
            .verify(&fits(Verifier::MAX_HEADER_LEN))
            .unwrap()
            .sub,
        "42"
    );
    let over = fits(Verifier::MAX_HEADER_LEN + 4);
    assert_eq!(
        verifier().verify(&over),
        Err(VerifyError::HeaderTooLarge {
            len: Verifier::MAX_HEADER_LEN + 4,
            max: Verifier::MAX_HEADER_LEN
        })
    );
    // Not base64 at all: the length is what is judged first.
    let garbage = format!(
        "{}.e30.{}",
        "!".repeat(Verifier::MAX_HEADER_LEN + 1),
        "A".repeat(43)
    );
    assert!(matches!(
        verifier().verify(&garbage),
        Err(VerifyError::HeaderTooLarge { .. })
    ));
}
