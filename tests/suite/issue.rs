//! The issuer: a known-answer token, the product's defaults, and every refusal.

use crate::common::*;
use jwt_auth::{Audience, Claims, IssueError, Issuer, Verifier};
use serde::Serialize;
use time::Duration;

/// Computed independently with Python's `hmac` and `base64` from SECRET, its fingerprint as
/// `kid`, T0, sub 42 and the email.
const KNOWN_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImM2MTBiNzI2NjIxZjI4ODUifQ.\
    eyJzdWIiOiI0MiIsImVtYWlsIjoiYWRhQGV4YW1wbGUuY29tIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3Njc4MzA0MDB9.\
    sE6oTnOsNaT6Ow_m--ma7KAFYrAmrv9eQdGjPNuymks";

#[test]
fn the_issued_token_matches_the_known_answer_byte_for_byte() {
    assert_eq!(
        issuer().issue("42", Some("ada@example.com")).unwrap(),
        KNOWN_TOKEN
    );
}

#[test]
fn the_header_is_exactly_hs256_jwt_with_the_signing_keys_fingerprint_as_kid() {
    let token = issuer().issue("42", None).unwrap();
    let header = token.split('.').next().unwrap();
    assert_eq!(
        header,
        b64(r#"{"alg":"HS256","typ":"JWT","kid":"c610b726621f2885"}"#)
    );
}

#[test]
fn the_default_lifetime_is_seven_days_in_seconds() {
    assert_eq!(Issuer::DEFAULT_TTL, Duration::seconds(604_800));
    let claims = verifier()
        .verify(&issuer().issue("42", None).unwrap())
        .unwrap();
    assert_eq!(claims.iat, Some(T0));
    assert_eq!(claims.exp - T0, Duration::seconds(604_800));
    assert_eq!(claims.email, None);
}

#[test]
fn the_payload_has_exactly_the_product_claims() {
    let token = issuer().issue("42", Some("ada@example.com")).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    assert_eq!(payload, b64(product_payload()));
}

#[test]
fn the_lifetime_is_configurable_and_at_least_one_second() {
    let hour = issuer().with_ttl(Duration::hours(1));
    let claims = verifier().verify(&hour.issue("42", None).unwrap()).unwrap();
    assert_eq!(claims.exp, T0 + Duration::hours(1));
    for ttl in [
        Duration::ZERO,
        Duration::seconds(-1),
        Duration::milliseconds(999),
    ] {
        assert_eq!(
            issuer().with_ttl(ttl).issue("42", None),
            Err(IssueError::TtlTooShort { ttl })
        );
    }
    // One second is the shortest lifetime, and its `exp` is after its `iat`.
    let second = issuer().with_ttl(Duration::milliseconds(1500));
    let claims = verifier()
        .verify(&second.issue("42", None).unwrap())
        .unwrap();
    assert_eq!(claims.exp - claims.iat.unwrap(), Duration::seconds(1));
}

#[test]
fn sub_seconds_are_dropped_so_claims_round_trip() {
    let issuer = issuer().with_clock(jwt_auth::FixedClock::new(T0 + Duration::milliseconds(999)));
    let claims = issuer.claims_for("42").unwrap();
    assert_eq!(claims.iat, Some(T0));
    assert_eq!(
        verifier()
            .verify(&issuer.issue_claims(&claims).unwrap())
            .unwrap(),
        claims
    );
}

#[test]
fn an_empty_subject_is_refused() {
    assert_eq!(issuer().issue("", None), Err(IssueError::EmptySubject));
    let claims = Claims::new("", T0 + Duration::hours(1));
    assert_eq!(
        issuer().issue_claims(&claims),
        Err(IssueError::EmptySubject)
    );
}

#[test]
fn issuer_and_audience_are_stamped_and_checked() {
    let issuer = issuer()
        .with_issuer("user-service")
        .with_audience("catalog");
    let token = issuer.issue("42", None).unwrap();
    let verifier = verifier()
        .with_expected_issuer("user-service")
        .with_expected_audience(["catalog"]);
    let claims = verifier.verify(&token).unwrap();
    assert_eq!(claims.iss.as_deref(), Some("user-service"));
    assert_eq!(claims.aud, Some(Audience::One("catalog".into())));
}

#[test]
fn custom_claims_round_trip() {
    #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
    struct Roles {
        roles: Vec<String>,
    }
    let claims = issuer()
        .claims_for("42")
        .unwrap()
        .with_jti("abc")
        .with_not_before(T0)
        .with_custom(Roles {
            roles: vec!["admin".into()],
        });
    let token = issuer().issue_claims(&claims).unwrap();
    assert_eq!(verifier().verify_as::<Roles>(&token).unwrap(), claims);
}

#[test]
fn a_custom_claim_may_not_shadow_a_registered_one() {
    #[derive(Serialize)]
    struct Sneaky {
        exp: i64,
    }
    let claims = issuer()
        .claims_for("42")
        .unwrap()
        .with_custom(Sneaky { exp: i64::MAX });
    assert_eq!(
        issuer().issue_claims(&claims),
        Err(IssueError::DuplicateClaim { name: "exp".into() })
    );
    // Also when the registered claim it shadows is unset: a custom `nbf` or `jti` would be signed
    // unchecked, and a verifier would then read it as the registered claim.
    for name in ["nbf", "jti", "iss", "aud", "email"] {
        let mut custom = serde_json::Map::new();
        custom.insert(name.to_owned(), "soon".into());
        let claims = issuer().claims_for("42").unwrap().with_custom(custom);
        assert_eq!(
            issuer().issue_claims(&claims),
            Err(IssueError::DuplicateClaim { name: name.into() }),
            "{name}"
        );
    }
}

#[test]
fn custom_claims_must_be_object_members() {
    let claims = issuer().claims_for("42").unwrap().with_custom(7_u32);
    assert!(matches!(
        issuer().issue_claims(&claims),
        Err(IssueError::Serialize { .. })
    ));
}

#[test]
fn claims_that_expire_before_they_are_issued_are_refused() {
    let claims = Claims::new("42", T0).with_issued_at(T0);
    assert_eq!(
        issuer().issue_claims(&claims),
        Err(IssueError::ExpiresBeforeIssued { iat: T0, exp: T0 })
    );
}

#[test]
fn a_token_from_one_secret_is_refused_by_a_verifier_of_another() {
    let other = jwt_auth::Secret::new(OTHER_SECRET).unwrap();
    let token = Issuer::new(&other)
        .with_clock(clock())
        .issue("42", None)
        .unwrap();
    assert_eq!(
        verifier().verify(&token),
        Err(jwt_auth::VerifyError::UnknownKeyId {
            kid: other.fingerprint().to_string(),
            known: vec![secret().fingerprint()],
        })
    );
}

static_assertions::assert_impl_all!(Issuer: Send, Sync, Clone);
static_assertions::assert_impl_all!(Verifier: Send, Sync, Clone);
