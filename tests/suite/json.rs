//! JSON: one object in UTF-8, nothing after it, no repeated claim names.

use crate::common::*;
use jwt_auth::{TokenPart, VerifyError};

#[test]
fn a_payload_that_is_not_an_object_is_refused() {
    for payload in ["[]", "42", r#""sub""#, "null", ""] {
        let err = verifier().verify(&token_with_payload(payload)).unwrap_err();
        assert!(
            is_json_error(&err, TokenPart::Payload),
            "{payload:?}: {err:?}"
        );
    }
}

#[test]
fn trailing_garbage_after_the_json_is_refused() {
    for payload in [
        format!("{} x", product_payload()),
        format!("{}{{}}", product_payload()),
    ] {
        let err = verifier()
            .verify(&token_with_payload(&payload))
            .unwrap_err();
        assert!(is_json_error(&err, TokenPart::Payload), "{err:?}");
    }
    let err = verifier()
        .verify(&token_with_header(r#"{"alg":"HS256"},"#))
        .unwrap_err();
    assert!(is_json_error(&err, TokenPart::Header), "{err:?}");
}

#[test]
fn invalid_utf8_is_refused() {
    let payload = b"{\"sub\":\"\xff\xfe\",\"exp\":1767830400}";
    let token = sign_segments(&b64(r#"{"alg":"HS256"}"#), &b64(payload), SECRET.as_bytes());
    let err = verifier().verify(&token).unwrap_err();
    assert!(is_json_error(&err, TokenPart::Payload), "{err:?}");
}

#[test]
fn duplicate_claims_are_refused_whichever_claim_repeats() {
    let exp = T0_UNIX + 600;
    for (payload, name) in [
        (format!(r#"{{"sub":"42","sub":"1","exp":{exp}}}"#), "sub"),
        (
            format!(r#"{{"sub":"42","exp":{exp},"exp":9999999999}}"#),
            "exp",
        ),
        (
            format!(r#"{{"sub":"42","exp":{exp},"role":"user","role":"admin"}}"#),
            "role",
        ),
        (
            format!(r#"{{"sub":"42","exp":{exp},"email":"a@x","\u0065mail":"b@x"}}"#),
            "email",
        ),
    ] {
        assert_eq!(
            verifier().verify(&token_with_payload(&payload)),
            Err(VerifyError::DuplicateMember {
                part: TokenPart::Payload,
                name: name.into()
            }),
            "{payload}"
        );
    }
}
