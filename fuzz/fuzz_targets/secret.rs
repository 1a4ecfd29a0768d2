//! `Secret::new` on arbitrary bytes.
//!
//! Invariants: the verdict is deterministic; an accepted secret keeps its bytes, its fingerprint
//! is stable (the same on a second construction, 16 characters) and shows nothing but it, and
//! the two constructions verify each other's tokens; a refusal names at least one problem and its
//! message is bounded (so it cannot carry a long secret).

#![no_main]

use jwt_auth::{ExposeSecret, Issuer, Secret, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match Secret::new(bytes) {
        Ok(secret) => {
            assert_eq!(secret.expose_secret(), bytes);
            let again = Secret::new(bytes).expect("accepted once, refused the second time");
            assert_eq!(again.fingerprint(), secret.fingerprint());
            let fingerprint = secret.fingerprint().to_string();
            assert_eq!(fingerprint.len(), 16);
            assert!(fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(
                format!("{secret:?}"),
                format!("Secret {{ fingerprint: {fingerprint}, .. }}")
            );
            let token = Issuer::new(&secret).issue("42", None).unwrap();
            assert_eq!(Verifier::new(&again).verify(&token).unwrap().sub, "42");
        }
        Err(weak) => {
            assert!(!weak.problems.is_empty());
            assert_eq!(
                Secret::new(bytes).unwrap_err(),
                weak,
                "refused differently twice"
            );
            let message = weak.to_string();
            assert!(message.len() <= 2048, "{} bytes", message.len());
        }
    }
});
