//! Custom claims: typed, flattened, never shadowing registered ones.

use crate::common::*;
use jwt_auth::{Secret, Verifier, VerifyError};

#[test]
fn custom_claims_are_read_through_the_generic_form() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Extra {
        roles: Vec<String>,
        tenant: u32,
    }
    let token = with(r#","roles":["admin"],"tenant":7"#);
    let claims = verifier().verify_as::<Extra>(&token).unwrap();
    assert_eq!(
        claims.custom,
        Extra {
            roles: vec!["admin".into()],
            tenant: 7
        }
    );
    assert_eq!(claims.sub, "42");
    // The default form ignores them.
    assert!(verifier().verify(&token).is_ok());
    // A payload that does not fit the custom type is refused.
    let err = verifier().verify_as::<Extra>(&with("")).unwrap_err();
    assert!(matches!(err, VerifyError::CustomClaims { .. }), "{err:?}");
}

#[test]
fn a_verifier_is_bound_to_its_secret_at_construction() {
    let other = Secret::new(OTHER_SECRET).unwrap();
    let token = token_with_payload(&product_payload());
    let verifier = Verifier::new(&other).with_clock(clock());
    assert_eq!(verifier.verify(&token), Err(VerifyError::InvalidSignature));
}

/// Found by the `claims` fuzz target: a number in a custom claim must parse to the f64 nearest it,
/// or re-issuing the verified claims signs a different value than the token held.
#[test]
fn custom_numbers_survive_verify_and_reissue() {
    type Custom = serde_json::Map<String, serde_json::Value>;
    let digits = format!("1{}", "0".repeat(60));
    let token = with(&format!(
        r#","n":{digits},"f":0.1,"g":2.2250738585072011e-308"#
    ));
    let claims = verifier().verify_as::<Custom>(&token).unwrap();
    assert_eq!(claims.custom["n"].as_f64(), Some(1e60));
    assert_eq!(
        claims.custom["g"].as_f64(),
        Some(2.225_073_858_507_201e-308)
    );
    let reissued = issuer().issue_claims(&claims).unwrap();
    assert_eq!(verifier().verify_as::<Custom>(&reissued), Ok(claims));
}
