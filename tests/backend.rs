//! The crypto backend: the one compiled in is the one reported, and jsonwebtoken, used directly in
//! the same process, finds its provider installed instead of panicking.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use jwt_auth::{CRYPTO_BACKEND, Secret, secrecy::ExposeSecret};

#[test]
fn the_selected_backend_is_reported() {
    let expected = if cfg!(feature = "aws-lc-rs") {
        "aws-lc-rs"
    } else {
        "rust-crypto"
    };
    assert_eq!(CRYPTO_BACKEND, expected);
}

/// With both backend features on (`--all-features`), jsonwebtoken cannot pick a provider by itself
/// and panics at first use: this test fails if jwt-auth stops installing its own.
#[test]
fn jsonwebtoken_works_in_the_same_process_once_a_secret_exists() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Claims {
        sub: String,
        exp: u64,
    }
    // Creating any Secret installs the provider.
    let (_secret, shareable) = Secret::generate();
    let claims = Claims {
        sub: "42".into(),
        exp: 4_102_444_800,
    };
    let key = shareable.expose_secret().as_bytes();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(key).unwrap(),
    )
    .unwrap();
    let decoded = jsonwebtoken::decode::<Claims>(
        &token,
        &DecodingKey::from_secret(key).unwrap(),
        &Validation::new(Algorithm::HS256),
    )
    .unwrap();
    assert_eq!(decoded.claims.sub, "42");
}

/// Tokens from jsonwebtoken verify in jwt-auth and vice versa: two implementations agree.
#[test]
fn jwt_auth_and_jsonwebtoken_agree() {
    let (secret, shareable) = Secret::generate();
    let token = jwt_auth::Issuer::new(&secret)
        .issue("42", Some("ada@example.com"))
        .unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    let decoded = jsonwebtoken::decode::<serde_json::Value>(
        &token,
        &DecodingKey::from_secret(shareable.expose_secret().as_bytes()).unwrap(),
        &validation,
    )
    .unwrap();
    assert_eq!(decoded.claims["email"], "ada@example.com");
    assert_eq!(
        decoded.claims["exp"].as_i64().unwrap() - decoded.claims["iat"].as_i64().unwrap(),
        604_800
    );
}
