//! Not part of the API, exempt from semantic versioning: hooks for the crate's own known-answer
//! tests (`tests/wycheproof.rs`), which need the backend's HMAC on arbitrary keys, messages and
//! tag lengths, and the public-key signature check on arbitrary messages and signatures, that no
//! token can carry.

/// HMAC-SHA256 of `message` under `key`, computed by the compiled-in backend.
///
/// ```
/// // RFC 4231, test case 2.
/// let tag = jwt_auth::__private::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(tag[..4], [0x5b, 0xdc, 0xc1, 0x46]);
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    crate::crypto::HmacKey::new(key).sign(message)
}

/// Whether `tag` is the whole HMAC-SHA256 of `message` under `key`, compared in constant time by
/// the backend, as the verifier compares signatures. A truncated tag never matches.
///
/// ```
/// let tag = jwt_auth::__private::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
/// assert!(jwt_auth::__private::hmac_sha256_verify(b"Jefe", b"what do ya want for nothing?", &tag));
/// assert!(!jwt_auth::__private::hmac_sha256_verify(b"Jefe", b"what do ya want for nothing?", &tag[..16]));
/// ```
pub fn hmac_sha256_verify(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    crate::crypto::HmacKey::new(key).verify(message, tag)
}

/// Whether `signature` is `key`'s signature of `message`: the very check the verifier makes on an
/// ES256 or EdDSA token's signing input (64 bytes exactly, then `jsonwebtoken`'s provider for the
/// compiled-in backend).
///
/// ```
/// let key = jwt_auth::jwks::PublicKey::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?;
/// assert!(!jwt_auth::__private::public_key_verify(&key, b"message", &[0; 64]));
/// # Ok::<(), jwt_auth::jwks::KeyError>(())
/// ```
pub fn public_key_verify(key: &crate::jwks::PublicKey, message: &[u8], signature: &[u8]) -> bool {
    key.verify_signature(message, signature)
}
