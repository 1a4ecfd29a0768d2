//! Shared fixtures: a strong secret, a fixed instant, and a signer for hand-made tokens.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use jwt_auth::{FixedClock, Issuer, Secret, TokenPart, Verifier, VerifyError};
use time::OffsetDateTime;
use time::macros::datetime;

/// A test-only secret (`openssl rand -hex 32`).
pub const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
/// Another strong secret, for mismatches.
pub const OTHER_SECRET: &str = "5b1f0c9e7d3a6428e1f4b7c0a9d2e5f8c3b6a1d4e7f0a3c6b9d2e5f8a1c4b7d0";

/// 2026-01-01T00:00:00Z.
pub const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);
pub const T0_UNIX: i64 = 1_767_225_600;

pub fn secret() -> Secret {
    Secret::new(SECRET).expect("the test secret is strong")
}

pub fn clock() -> FixedClock {
    FixedClock::new(T0)
}

pub fn issuer() -> Issuer {
    Issuer::new(secret()).with_clock(clock())
}

pub fn verifier() -> Verifier {
    Verifier::new(secret()).with_clock(clock())
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `header.payload` (given as JSON text) with HMAC-SHA256 through jsonwebtoken's own
/// provider, an implementation independent of ours.
pub fn sign_raw(header: &str, payload: &str, key: &[u8]) -> String {
    sign_segments(&b64(header), &b64(payload), key)
}

/// Signs already-encoded segments, however malformed, as [`sign_raw`] does.
pub fn sign_segments(header: &str, payload: &str, key: &[u8]) -> String {
    let _provider_installed = secret();
    let signing_input = format!("{header}.{payload}");
    let sig = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &EncodingKey::from_secret(key).expect("a non-empty key"),
        Algorithm::HS256,
    )
    .expect("HMAC signing cannot fail");
    format!("{signing_input}.{sig}")
}

/// A token with the standard header and the given payload, signed with [`SECRET`].
pub fn token_with_payload(payload: &str) -> String {
    sign_raw(r#"{"alg":"HS256","typ":"JWT"}"#, payload, SECRET.as_bytes())
}

/// A token with the given header and a valid product payload, signed with [`SECRET`].
pub fn token_with_header(header: &str) -> String {
    sign_raw(header, &product_payload(), SECRET.as_bytes())
}

/// What the product's Python service signs: sub, email, iat = T0, exp = T0 + 7 days.
pub fn product_payload() -> String {
    format!(
        r#"{{"sub":"42","email":"ada@example.com","iat":{T0_UNIX},"exp":{}}}"#,
        T0_UNIX + 604_800
    )
}

/// A token for sub 42 that expires in 10 minutes, with `extra` (`,"name":value…`) appended to its
/// claims.
pub fn with(extra: &str) -> String {
    token_with_payload(&format!(r#"{{"sub":"42","exp":{}{extra}}}"#, T0_UNIX + 600))
}

/// Whether `err` says the JSON of `in_part` is malformed.
pub fn is_json_error(err: &VerifyError, in_part: TokenPart) -> bool {
    matches!(err, VerifyError::Json { part, .. } if *part == in_part)
}

/// A file under `../shared/` (the data beside the repository, never copied into it), read in
/// place. Absent, it fails the test when the `CI` variable is set (CI runs with `../shared`
/// beside its clone, so a missing file there is a broken set-up, not a reason to pass), and
/// otherwise the test skips with a note on standard error naming the missing path.
pub fn shared_file(relative: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            let ci = std::env::var_os("CI");
            assert!(
                ci.is_none(),
                "{} is required when CI is set (CI={}): {e}",
                path.display(),
                ci.unwrap_or_default().to_string_lossy()
            );
            eprintln!(
                "SKIPPED: {} is missing ({e}); this test checks nothing without it (under CI it \
                 fails)",
                path.display()
            );
            None
        }
    }
}
