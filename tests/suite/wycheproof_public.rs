//! Known-answer vectors from Wycheproof (C2SP/wycheproof, Apache-2.0; the files, their licence
//! and their source are in `../shared/data/wycheproof/`), read in place, for the public-key
//! algorithms:
//! - every ECDSA P-256 / SHA-256 vector in the P1363 (`r || s`) form JWS uses
//!   (`ecdsa_secp256r1_sha256_p1363_test.json`, 262) and every Ed25519 vector
//!   (`ed25519_test.json`, 151), through [`public_key_verify`], the very signature check the
//!   verifier makes on a token's signing input (a JWS cannot carry their arbitrary messages); the
//!   key of each group read three ways (SPKI DER, SPKI PEM, JWK), which must agree;
//! - the ES256 groups of `json_web_signature_test.json` (`es256`, `SpecialCaseEs256`; 39 tokens)
//!   through [`Verifier`] with the group's public JWK. Their payloads are not JWT claims (`foo`):
//!   a valid token is refused only for that, with [`VerifyError::Json`] on the payload, which
//!   the verifier reaches only after the signature matched; every invalid one is refused before.
//!   Its embedded-`jwk` case (tcId 32) carries an RSA key whose header is over the header cap,
//!   so it is refused as [`VerifyError::HeaderTooLarge`]. The file has no EdDSA group; its other groups (RSA, HMAC, encryption keys) are algorithms
//!   or keys the crate refuses by policy (the HS256 ones are run in `wycheproof.rs`).
//!
//! Where the files are absent the tests say so and skip; with `CI` set they fail.
//!
//! [`public_key_verify`]: jwt_auth::__private::public_key_verify
//! [`Verifier`]: jwt_auth::Verifier
//! [`VerifyError::Json`]: jwt_auth::VerifyError::Json
//! [`VerifyError::HeaderTooLarge`]: jwt_auth::VerifyError::HeaderTooLarge

use jwt_auth::__private::public_key_verify;
use jwt_auth::{TokenPart, Verifier, VerifyError, jwks::PublicKey};
use serde_json::Value;

use crate::wycheproof::{hex, vectors};

/// The group's key, read from its SPKI DER, its PEM and its JWK, which must agree.
fn group_key(group: &Value) -> PublicKey {
    let key = PublicKey::from_spki_der(&hex(group["publicKeyDer"].as_str().unwrap()))
        .expect("every Wycheproof key of these files is valid");
    let pem = PublicKey::from_spki_pem(group["publicKeyPem"].as_str().unwrap()).unwrap();
    assert_eq!(pem, key);
    // Some ECDSA groups publish no JWK.
    if !group["publicKeyJwk"].is_null() {
        let jwk = PublicKey::from_jwk_value(&group["publicKeyJwk"]).unwrap();
        assert_eq!(jwk.kid(), "none");
        assert_eq!(jwk.thumbprint(), key.thumbprint());
    }
    key
}

/// Runs every vector of `file`; returns how many ran, and how many of them were valid.
fn run_signature_vectors(file: &str) -> Option<(usize, usize)> {
    let vectors = vectors(file)?;
    let (mut ran, mut valid) = (0, 0);
    for group in vectors["testGroups"].as_array().unwrap() {
        let key = group_key(group);
        for test in group["tests"].as_array().unwrap() {
            let expected = match test["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {}: unexpected result {other}", test["tcId"]),
            };
            let msg = hex(test["msg"].as_str().unwrap());
            let sig = hex(test["sig"].as_str().unwrap());
            assert_eq!(
                public_key_verify(&key, &msg, &sig),
                expected,
                "{file} tcId {} ({})",
                test["tcId"],
                test["comment"]
            );
            ran += 1;
            valid += usize::from(expected);
        }
    }
    assert_eq!(
        ran,
        usize::try_from(vectors["numberOfTests"].as_u64().unwrap()).unwrap()
    );
    Some((ran, valid))
}

#[test]
fn every_ecdsa_p256_sha256_p1363_vector_gets_its_verdict() {
    if let Some(counts) = run_signature_vectors("ecdsa_secp256r1_sha256_p1363_test.json") {
        assert_eq!(counts, (262, 173));
    }
}

#[test]
fn every_ed25519_vector_gets_its_verdict() {
    if let Some(counts) = run_signature_vectors("ed25519_test.json") {
        assert_eq!(counts, (151, 88));
    }
}

#[test]
fn the_jws_files_es256_groups_get_their_verdicts() {
    let Some(vectors) = vectors("json_web_signature_test.json") else {
        return;
    };
    let mut ran = 0;
    for group in vectors["testGroups"].as_array().unwrap() {
        if group["public"]["alg"] != "ES256" {
            continue;
        }
        let key = PublicKey::from_jwk_value(&group["public"]).unwrap();
        assert_eq!(key.kid(), "kid-ec-sign");
        let verifier = Verifier::new(&key);
        for test in group["tests"].as_array().unwrap() {
            let token = test["jws"].as_str().unwrap();
            let verdict = verifier.verify(token);
            let id = &test["tcId"];
            let signature_matched = matches!(
                &verdict,
                Err(VerifyError::Json {
                    part: TokenPart::Payload,
                    ..
                })
            );
            match test["result"].as_str().unwrap() {
                "valid" => assert!(signature_matched, "tcId {id}: {verdict:?}"),
                _ => assert!(
                    verdict.is_err() && !signature_matched,
                    "tcId {id}: {verdict:?}"
                ),
            }
            // The two confusion cases, each with its own error.
            match test["comment"].as_str().unwrap() {
                c if c.starts_with("rejectsSymmetryConfusion") => assert!(
                    matches!(
                        verdict,
                        Err(VerifyError::NoKeyForAlgorithm { alg: "HS256", .. })
                    ),
                    "tcId {id}: {verdict:?}"
                ),
                // Its header (an RSA key inline) is over the header cap, refused before it is
                // parsed; `public_keys.rs` has the embedded `jwk` rule on a header that fits.
                "rejectsAttackerProvidedEmbeddedJwk" => assert!(
                    matches!(verdict, Err(VerifyError::HeaderTooLarge { .. })),
                    "tcId {id}: {verdict:?}"
                ),
                _ => {}
            }
            ran += 1;
        }
    }
    assert_eq!(ran, 39);
}
