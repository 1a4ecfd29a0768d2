//! `Verifier::verify` on arbitrary text, as sent, and re-signed with the key so that everything
//! after the signature check (the claims parser, the time and audience rules) sees it too.
//!
//! Invariants: a token that verifies verifies again to the same claims, and its claims re-issued
//! verify to the same claims; a rejection's message is bounded and has no raw control characters.

#![no_main]

mod common;

use jwt_auth::{Claims, IssueError, Issuer, Verifier};
use libfuzzer_sys::fuzz_target;

fn check(verifier: &Verifier, token: &str) {
    match verifier.verify(token) {
        Ok(claims) => {
            assert_eq!(verifier.verify(token), Ok(claims.clone()), "verified twice");
            reissue(verifier, &claims);
        }
        Err(error) => {
            assert_eq!(verifier.verify(token), Err(error.clone()), "rejected twice");
            common::check_message(&error);
        }
    }
}

/// The claims, signed again by this crate's issuer, verify to themselves. The issuer refuses a
/// token whose `exp` equals its `iat`, which a peer may sign and the verifier accepts.
fn reissue(verifier: &Verifier, claims: &Claims) {
    match Issuer::new(&*common::KEY).issue_claims(claims) {
        Ok(token) => assert_eq!(verifier.verify(&token), Ok(claims.clone()), "re-issued"),
        Err(IssueError::ExpiresBeforeIssued { iat, exp }) if iat == exp => {}
        Err(other) => panic!("verified claims cannot be re-issued: {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    for verifier in &*common::VERIFIERS {
        check(verifier, token);
        if let Some((signing_input, _)) = token.rsplit_once('.') {
            check(verifier, &common::sign(signing_input));
        }
    }
});
