//! `Secret::new` on arbitrary bytes.
//!
//! Invariants: two runs give the same verdict with the same problems, every number included
//! (every rule is a pure function of the bytes, the pattern estimate too); an accepted secret
//! keeps its bytes, its fingerprint is stable (the same on a second construction, 16
//! characters) and shows nothing but it, and the two constructions verify each other's tokens;
//! a refusal names at least one problem and its message is bounded (so it cannot carry a long
//! secret).

#![no_main]

use jwt_auth::{Issuer, Secret, Verifier, WeakSecret, secrecy::ExposeSecret, strength::SecretProblem};
use libfuzzer_sys::fuzz_target;

fn problems(verdict: &Result<Secret, WeakSecret>) -> &[SecretProblem] {
    verdict
        .as_ref()
        .map_or_else(|weak| weak.problems.as_slice(), |_| &[])
}

fuzz_target!(|bytes: &[u8]| {
    let verdict = Secret::new(bytes);
    let again = Secret::new(bytes);
    assert_eq!(
        problems(&verdict),
        problems(&again),
        "judged differently twice"
    );
    match verdict {
        Ok(secret) => {
            assert_eq!(secret.expose_secret(), bytes);
            let fingerprint = secret.fingerprint().to_string();
            assert_eq!(fingerprint.len(), 16);
            assert!(fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(
                format!("{secret:?}"),
                format!("Secret {{ fingerprint: {fingerprint}, .. }}")
            );
            let token = Issuer::new(&secret).issue("42", None).unwrap();
            if let Ok(again) = again {
                assert_eq!(again.fingerprint(), secret.fingerprint());
                assert_eq!(Verifier::new(&again).verify(&token).unwrap().sub, "42");
            }
            assert_eq!(Verifier::new(&secret).verify(&token).unwrap().sub, "42");
        }
        Err(weak) => {
            assert!(!weak.problems.is_empty());
            let message = weak.to_string();
            assert!(message.len() <= 2048, "{} bytes", message.len());
        }
    }
});
