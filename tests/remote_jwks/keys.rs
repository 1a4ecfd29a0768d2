//! Test keys (tests/fixtures/keys), tokens signed with them, and tokens naming keys nobody has.

use jwt_auth::jwks::{Jwks, PublicKey, SigningKey};
use jwt_auth::{Issuer, Verifier};

fn key(file: &str) -> SigningKey {
    let path = format!("{}/tests/fixtures/keys/{file}", env!("CARGO_MANIFEST_DIR"));
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn es256() -> SigningKey {
    key("es256.pem")
}

pub fn es256_next() -> SigningKey {
    key("es256.2.pem")
}

pub fn ed25519() -> SigningKey {
    key("ed25519.pem")
}

pub fn ed25519_next() -> SigningKey {
    key("ed25519.2.pem")
}

/// The JWKS document listing `keys`.
pub fn jwks<'k>(keys: impl IntoIterator<Item = &'k SigningKey>) -> String {
    let public: Vec<&PublicKey> = keys.into_iter().map(SigningKey::public_key).collect();
    serde_json::to_string(&Jwks::from_keys(public)).unwrap()
}

/// A token for sub 42 signed with `key`.
pub fn token(key: &SigningKey) -> String {
    Issuer::new(key).issue("42", None).unwrap()
}

/// An ES256 token naming `kid`, with a signature nobody made: refused before any signature check
/// when no key has `kid`.
pub fn unknown_kid_token(kid: &str) -> String {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let exp = time::OffsetDateTime::now_utc().unix_timestamp() + 600;
    format!(
        "{}.{}.{}",
        b64(format!(r#"{{"alg":"ES256","typ":"JWT","kid":"{kid}"}}"#).as_bytes()),
        b64(format!(r#"{{"sub":"42","exp":{exp}}}"#).as_bytes()),
        b64(&[7; 64])
    )
}

/// A verifier that holds nothing but `keys`.
pub fn verifier(keys: impl Into<jwt_auth::jwks::KeySet>) -> Verifier {
    Verifier::new(keys)
}
