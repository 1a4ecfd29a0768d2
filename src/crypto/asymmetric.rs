//! ES256 and EdDSA through `jsonwebtoken`'s provider for the compiled-in backend: the signature
//! maths is jsonwebtoken's, the policy around it the crate's. The provider is called directly
//! (not the process default, which an application may have replaced) so that both backends are
//! what the crate's features say.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

/// Whether `signature` is a valid `alg` signature of `message` under `key`. The signature's
/// length is the caller's to check: a JWS signature of these algorithms is exactly 64 bytes.
pub(crate) fn verify(alg: Algorithm, key: &DecodingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(verifier) = (super::provider().verifier_factory)(&alg, key) else {
        return false;
    };
    verifier.verify(message, &signature.to_vec()).is_ok()
}

/// Whether the backend accepts `key` as an `alg` public key (for a P-256 point: on the curve,
/// where the backend checks at load).
pub(crate) fn accepts_public(alg: Algorithm, key: &DecodingKey) -> bool {
    (super::provider().verifier_factory)(&alg, key).is_ok()
}

/// The `alg` signature of `message` under the PKCS#8 key `key`.
pub(crate) fn sign(alg: Algorithm, key: &EncodingKey, message: &[u8]) -> Option<Vec<u8>> {
    let signer = (super::provider().signer_factory)(&alg, key).ok()?;
    signer.try_sign(message).ok()
}

/// The public half of a PKCS#8 private key: a P-256 key's `(x, y)`, an Ed25519 key's 32 bytes.
pub(crate) fn p256_public_from_private(pkcs8: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, x, y) =
        (super::provider()
            .key_utils
            .ec_pub_components_from_private_key)(pkcs8, jsonwebtoken::Algorithm::ES256)
        .ok()?;
    Some((x, y))
}

/// The public key of a PKCS#8 Ed25519 private key.
pub(crate) fn ed25519_public_from_private(pkcs8: &[u8]) -> Option<Vec<u8>> {
    (super::provider()
        .key_utils
        .ed_pub_components_from_private_key)(pkcs8, &jsonwebtoken::jwk::EllipticCurve::Ed25519)
    .ok()
}
