//! Payload decoding: small payloads and large ones verify alike.

use crate::common::*;
use jwt_auth::{TokenPart, VerifyError};

#[test]
fn small_and_large_payloads_verify_alike() {
    for size in [10, 400, 600, 4_000] {
        let payload = format!(
            r#"{{"sub":"42","exp":{},"pad":"{}"}}"#,
            T0_UNIX + 600,
            "x".repeat(size)
        );
        let claims = verifier()
            .verify_as::<serde_json::Value>(&token_with_payload(&payload))
            .unwrap();
        assert_eq!(
            claims.custom["pad"].as_str().map(str::len),
            Some(size),
            "{size}"
        );
    }
}

#[test]
fn a_signed_but_non_canonical_payload_is_refused() {
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // One payload decoded on the stack, one on the heap.
    for size in [10, 4_000] {
        // Pad so that the last character carries two spare bits, which must be zero.
        let canonical = (size..size + 3)
            .map(|n| {
                b64(format!(
                    r#"{{"sub":"42","exp":{},"p":"{}"}}"#,
                    T0_UNIX + 600,
                    "x".repeat(n)
                ))
            })
            .find(|encoded| encoded.len() % 4 == 3)
            .unwrap();
        assert!(
            verifier()
                .verify(&sign_segments(&header, &canonical, SECRET.as_bytes()))
                .is_ok()
        );
        let last = alphabet.find(canonical.chars().last().unwrap()).unwrap();
        let sloppy = alphabet.chars().nth(last | 1).unwrap();
        let stray_bits = format!("{}{sloppy}", &canonical[..canonical.len() - 1]);
        for bad in [stray_bits, format!("{canonical}="), format!("{canonical} ")] {
            assert_eq!(
                verifier().verify(&sign_segments(&header, &bad, SECRET.as_bytes())),
                Err(VerifyError::Base64 {
                    part: TokenPart::Payload
                }),
                "{size}"
            );
        }
    }
}
