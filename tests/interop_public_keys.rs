//! Public-key interop fixtures: ES256 and EdDSA tokens signed by the real peers (PyJWT,
//! python-jose, Node `jsonwebtoken` 9 and `jose`) with the committed test keys
//! (`tests/fixtures/keys/`), and the JWK and RFC 7638 thumbprint the peers compute for each key,
//! committed in `tests/fixtures/peers_public_keys.json` by
//! `interop/public_keys.py --fixtures`. Verified here under a fixed clock, so `cargo test` needs
//! neither Python nor Node; `.ci/interop.sh` runs the live check both ways (jwt-auth's tokens
//! through PyJWT's `PyJWKClient`, `jsonwebtoken` and `jose` from its served JWKS) and this test on
//! a freshly made set too (`JWT_AUTH_INTEROP_PUBLIC_KEY_FIXTURES=<path>` replaces the committed
//! file).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;

use jwt_auth::jwks::{Algorithm, Jwks, SigningKey};
use jwt_auth::{AuthConfig, FixedClock, Verifier, VerifyError};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Fixtures {
    now: i64,
    keys: BTreeMap<String, FixtureKey>,
    tokens: Vec<PeerToken>,
}

#[derive(Debug, Deserialize)]
struct FixtureKey {
    /// The PKCS#8 file under `tests/fixtures/keys/`.
    file: String,
    /// The public JWK as PyJWT's `cryptography` gives its numbers, with the thumbprint computed
    /// in Python as `kid`.
    jwk: Value,
    /// The thumbprint as `jose.calculateJwkThumbprint` computes it.
    jose_thumbprint: String,
}

#[derive(Debug, Deserialize)]
struct PeerToken {
    peer: String,
    alg: String,
    token: String,
    claims: Claims,
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    email: Option<String>,
    iat: i64,
    exp: i64,
}

fn fixtures() -> Fixtures {
    let json = match std::env::var_os("JWT_AUTH_INTEROP_PUBLIC_KEY_FIXTURES") {
        Some(path) => std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.to_string_lossy())),
        None => include_str!("fixtures/peers_public_keys.json").to_owned(),
    };
    serde_json::from_str(&json)
        .expect("tests/fixtures/peers_public_keys.json has the expected shape")
}

fn key_path(file: &str) -> String {
    format!("{}/tests/fixtures/keys/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn signing_key(file: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(key_path(file)).unwrap()).unwrap()
}

fn at(fixtures: &Fixtures, offset: i64) -> FixedClock {
    FixedClock::at_unix(fixtures.now + offset).unwrap()
}

#[test]
fn every_peer_computes_the_kid_jwt_auth_writes_and_publishes() {
    let fixtures = fixtures();
    assert_eq!(
        fixtures.keys.keys().map(String::as_str).collect::<Vec<_>>(),
        ["ES256", "EdDSA"]
    );
    for (alg, key) in &fixtures.keys {
        let signing = signing_key(&key.file);
        assert_eq!(signing.algorithm().as_str(), alg);
        // What a service configured with this key file publishes is what the peers compute.
        let vars = [
            ("JWT_ALGORITHM", alg.clone()),
            ("JWT_PRIVATE_KEY_FILE", key_path(&key.file)),
        ];
        let config = AuthConfig::from_lookup(|name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| OsString::from(value))
        })
        .unwrap();
        assert_eq!(
            serde_json::to_value(config.jwks()).unwrap(),
            serde_json::json!({ "keys": [key.jwk] }),
            "{alg}"
        );
        assert_eq!(signing.kid(), key.jwk["kid"], "{alg}: Python's thumbprint");
        assert_eq!(
            signing.kid(),
            key.jose_thumbprint,
            "{alg}: jose's thumbprint"
        );
        assert_eq!(signing.public_key().thumbprint(), key.jose_thumbprint);
    }
}

#[test]
fn every_peer_token_verifies_with_the_same_claims() {
    let fixtures = fixtures();
    let peers: BTreeSet<(&str, &str)> = fixtures
        .tokens
        .iter()
        .map(|t| (t.peer.as_str(), t.alg.as_str()))
        .collect();
    // The set the issue names: PyJWT and python-jose sign ES256, PyJWT and jose EdDSA, and
    // Node jsonwebtoken ES256 besides; with and without kid.
    for expected in [
        ("PyJWT", "ES256"),
        ("PyJWT (no kid)", "ES256"),
        ("python-jose", "ES256"),
        ("jsonwebtoken", "ES256"),
        ("jose", "ES256"),
        ("jose (no kid)", "ES256"),
        ("PyJWT", "EdDSA"),
        ("PyJWT (no kid)", "EdDSA"),
        ("jose", "EdDSA"),
        ("jose (no kid)", "EdDSA"),
    ] {
        assert!(peers.contains(&expected), "no {expected:?} token");
    }
    for token in &fixtures.tokens {
        let key = &fixtures.keys[&token.alg];
        let label = format!("{} {}", token.peer, token.alg);
        // From the published document, as a fetching verifier holds it …
        let document = serde_json::json!({ "keys": [key.jwk] }).to_string();
        let keys = Jwks::parse(&document).unwrap().into_key_set().unwrap();
        let from_jwks = Verifier::new(keys).with_clock(at(&fixtures, 60));
        // … and from the public key file alone.
        let public = signing_key(&key.file).public_key().clone();
        let from_key = Verifier::new(public).with_clock(at(&fixtures, 60));
        for verifier in [&from_jwks, &from_key] {
            let claims = verifier
                .verify(&token.token)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(claims.sub, token.claims.sub, "{label}");
            assert_eq!(claims.email, token.claims.email, "{label}");
            assert_eq!(
                claims.iat.map(time::OffsetDateTime::unix_timestamp),
                Some(token.claims.iat),
                "{label}"
            );
            assert_eq!(claims.exp.unix_timestamp(), token.claims.exp, "{label}");
        }
        // An hour and a leeway later, it has expired.
        let late = from_key.clone().with_clock(at(&fixtures, 3600 + 60));
        assert!(
            matches!(late.verify(&token.token), Err(VerifyError::Expired { .. })),
            "{label}"
        );
    }
}

#[test]
fn a_peer_token_is_refused_by_a_key_of_the_other_algorithm_or_the_shared_secret() {
    let fixtures = fixtures();
    let es256 = signing_key("es256.pem");
    let ed25519 = signing_key("ed25519.pem");
    let (secret, _) = jwt_auth::Secret::generate();
    for token in &fixtures.tokens {
        let label = format!("{} {}", token.peer, token.alg);
        let other = match token.alg.as_str() {
            "ES256" => ed25519.public_key(),
            _ => es256.public_key(),
        };
        let err = Verifier::new(other)
            .with_clock(at(&fixtures, 60))
            .verify(&token.token)
            .unwrap_err();
        // A kid names a key this verifier lacks; without kid, no key has the token's alg.
        assert!(
            matches!(
                err,
                VerifyError::NoKeyForAlgorithm { .. } | VerifyError::UnknownPublicKeyId { .. }
            ),
            "{label}: {err:?}"
        );
        let err = Verifier::new(&secret)
            .with_clock(at(&fixtures, 60))
            .verify(&token.token)
            .unwrap_err();
        assert!(
            matches!(err, VerifyError::NoKeyForAlgorithm { .. }),
            "{label}: {err:?}"
        );
    }
    // The algorithms the fixtures name are the crate's.
    for alg in fixtures.keys.keys() {
        assert!(matches!(
            alg.parse::<Algorithm>(),
            Ok(Algorithm::ES256 | Algorithm::EdDSA)
        ));
    }
}
