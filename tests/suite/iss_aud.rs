//! Expected issuer and audience, matched exactly.

use crate::common::*;
use jwt_auth::{Audience, VerifyError};

#[test]
fn a_configured_issuer_must_match_exactly() {
    let verifier = verifier().with_expected_issuer("user-service");
    assert!(verifier.verify(&with(r#","iss":"user-service""#)).is_ok());
    for (extra, found) in [
        (r#","iss":"User-Service""#, Some("User-Service")),
        (r#","iss":"user-service ""#, Some("user-service ")),
        ("", None),
    ] {
        assert_eq!(
            verifier.verify(&with(extra)),
            Err(VerifyError::IssuerMismatch {
                expected: "user-service".into(),
                found: found.map(str::to_owned)
            })
        );
    }
    // Without a configured issuer, any iss is accepted.
    assert_eq!(
        crate::common::verifier()
            .verify(&with(r#","iss":"x""#))
            .unwrap()
            .iss
            .as_deref(),
        Some("x")
    );
}

#[test]
fn a_configured_audience_must_match_exactly() {
    let verifier = verifier().with_expected_audience(["catalog", "orders"]);
    let claims = verifier.verify(&with(r#","aud":"catalog""#)).unwrap();
    assert_eq!(claims.aud, Some(Audience::One("catalog".into())));
    let claims = verifier.verify(&with(r#","aud":["x","orders"]"#)).unwrap();
    assert_eq!(
        claims.aud,
        Some(Audience::Many(vec!["x".into(), "orders".into()]))
    );
    let expected = vec!["catalog".to_owned(), "orders".to_owned()];
    assert_eq!(
        verifier.verify(&with(r#","aud":"Catalog""#)),
        Err(VerifyError::AudienceMismatch {
            expected: expected.clone(),
            found: vec!["Catalog".into()]
        })
    );
    assert_eq!(
        verifier.verify(&with("")),
        Err(VerifyError::AudienceMismatch {
            expected,
            found: vec![]
        })
    );
}

#[test]
fn a_single_expected_audience_is_given_as_is() {
    let verifier = verifier().with_expected_audience("catalog");
    assert!(
        verifier
            .verify(&with(r#","aud":["orders","catalog"]"#))
            .is_ok()
    );
    assert_eq!(
        verifier.verify(&with(r#","aud":"orders""#)),
        Err(VerifyError::AudienceMismatch {
            expected: vec!["catalog".into()],
            found: vec!["orders".into()]
        })
    );
}

#[test]
fn a_token_with_an_audience_is_refused_when_none_is_expected() {
    assert_eq!(
        verifier().verify(&with(r#","aud":"catalog""#)),
        Err(VerifyError::UnexpectedAudience {
            found: vec!["catalog".into()]
        })
    );
}
