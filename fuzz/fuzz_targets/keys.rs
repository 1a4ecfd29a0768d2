//! The key readers on arbitrary input: PKCS#8 and SubjectPublicKeyInfo as PEM and as DER, a JWK,
//! a JWKS document. What a service reads from a file or fetches from an identity provider.
//!
//! Invariants: no panic; a key read is read again to the same key, and its public JWK reads back
//! to the same key; a refusal's message is bounded and has no raw control characters.

#![no_main]

mod common;

use jwt_auth::jwks::{Jwks, PublicKey, SigningKey};
use libfuzzer_sys::fuzz_target;

fn public_round_trip(key: &PublicKey) {
    let jwk = serde_json::to_string(&key.to_jwk()).expect("a JWK serializes");
    assert_eq!(
        PublicKey::from_jwk(&jwk).as_ref(),
        Ok(key),
        "JWK round trip"
    );
}

fn public(result: Result<PublicKey, jwt_auth::jwks::KeyError>) {
    match result {
        Ok(key) => public_round_trip(&key),
        Err(error) => common::check_message(&error),
    }
}

fn signing(result: Result<SigningKey, jwt_auth::jwks::KeyError>) {
    match result {
        Ok(key) => public_round_trip(key.public_key()),
        Err(error) => common::check_message(&error),
    }
}

fuzz_target!(|data: &[u8]| {
    public(PublicKey::from_spki_der(data));
    signing(SigningKey::from_pkcs8_der(data));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    public(PublicKey::from_spki_pem(text));
    signing(SigningKey::from_pkcs8_pem(text));
    public(PublicKey::from_jwk(text));
    match Jwks::parse(text) {
        Ok(jwks) => {
            for key in jwks.keys() {
                public_round_trip(key);
            }
            for skipped in jwks.skipped() {
                common::check_message(&skipped.reason);
            }
        }
        Err(error) => common::check_message(&error),
    }
});
