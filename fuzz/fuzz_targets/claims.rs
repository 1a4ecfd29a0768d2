//! The claims parser on arbitrary bytes: the input is the payload's JSON, signed with the key
//! under the standard header, read with `verify_as::<serde_json::Map<..>>` so that every custom
//! claim is parsed too.
//!
//! Invariants: as for `verify`: verified claims verify again identically and, re-issued, verify
//! to the same claims; a rejection's message is bounded and has no raw control characters.

#![no_main]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::{Claims, IssueError, Issuer, Verifier};
use libfuzzer_sys::fuzz_target;

type Custom = serde_json::Map<String, serde_json::Value>;

const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

fn check(verifier: &Verifier, token: &str) {
    match verifier.verify_as::<Custom>(token) {
        Ok(claims) => {
            assert_eq!(verifier.verify_as::<Custom>(token), Ok(claims.clone()));
            reissue(verifier, &claims);
        }
        Err(error) => {
            assert_eq!(verifier.verify_as::<Custom>(token), Err(error.clone()));
            common::check_message(&error);
        }
    }
}

fn reissue(verifier: &Verifier, claims: &Claims<Custom>) {
    match Issuer::new(&*common::KEY).issue_claims(claims) {
        Ok(token) => assert_eq!(
            verifier.verify_as::<Custom>(&token),
            Ok(claims.clone()),
            "re-issued"
        ),
        Err(IssueError::ExpiresBeforeIssued { iat, exp }) if iat == exp => {}
        Err(other) => panic!("verified claims cannot be re-issued: {other}"),
    }
}

fuzz_target!(|payload: &[u8]| {
    let token = common::sign(&format!("{HEADER}.{}", URL_SAFE_NO_PAD.encode(payload)));
    for verifier in &*common::VERIFIERS {
        check(verifier, &token);
    }
});
