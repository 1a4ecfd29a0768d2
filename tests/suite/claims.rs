//! The registered claims: `exp` required, `sub` required unless allowed, integer `NumericDate`s, types.

use crate::common::*;
use jwt_auth::VerifyError;
use time::Duration;

#[test]
fn a_product_token_verifies_with_exact_claims() {
    let claims = verifier()
        .verify(&token_with_payload(&product_payload()))
        .unwrap();
    assert_eq!(claims.sub, "42");
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.iat, Some(T0));
    assert_eq!(claims.exp, T0 + Duration::days(7));
    assert_eq!(
        (claims.nbf, claims.iss, claims.aud, claims.jti),
        (None, None, None, None)
    );
}

#[test]
fn exp_is_required() {
    let token = token_with_payload(r#"{"sub":"42","email":"ada@example.com"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::MissingClaim { claim: "exp" })
    );
}

#[test]
fn sub_is_required_unless_allowed() {
    let payload = format!(r#"{{"exp":{}}}"#, T0_UNIX + 600);
    assert_eq!(
        verifier().verify(&token_with_payload(&payload)),
        Err(VerifyError::MissingClaim { claim: "sub" })
    );
    let payload = format!(r#"{{"sub":"","exp":{}}}"#, T0_UNIX + 600);
    assert_eq!(
        verifier().verify(&token_with_payload(&payload)),
        Err(VerifyError::MissingClaim { claim: "sub" })
    );
    let claims = verifier()
        .allow_missing_subject()
        .verify(&token_with_payload(&payload))
        .unwrap();
    assert_eq!(claims.sub, "");
}

#[test]
fn time_claims_must_be_integer_numeric_dates() {
    for (claim, value) in [
        ("exp", "1767830400.5"),
        ("exp", "1.7678304e9"),
        ("exp", r#""1767830400""#),
        ("exp", "null"),
        ("exp", "99999999999999"),
        ("exp", "18446744073709551615"),
        ("iat", "1767225600.0"),
        ("iat", "true"),
        ("nbf", "[1767225600]"),
    ] {
        let mut payload = format!(r#"{{"sub":"42","exp":{}}}"#, T0_UNIX + 600);
        if claim == "exp" {
            payload = format!(r#"{{"sub":"42","exp":{value}}}"#);
        } else {
            payload.insert_str(payload.len() - 1, &format!(r#","{claim}":{value}"#));
        }
        assert_eq!(
            verifier().verify(&token_with_payload(&payload)),
            Err(VerifyError::InvalidNumericDate {
                claim: if claim == "exp" { "exp" } else { claim }
            }),
            "{payload}"
        );
    }
}

#[test]
fn wrongly_typed_claims_are_refused_with_the_parser_reason() {
    let payload = format!(r#"{{"sub":42,"exp":{}}}"#, T0_UNIX + 600);
    let err = verifier()
        .verify(&token_with_payload(&payload))
        .unwrap_err();
    let VerifyError::InvalidClaims { reason } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        reason,
        "`sub`: invalid type: integer `42`, expected a string"
    );
}
