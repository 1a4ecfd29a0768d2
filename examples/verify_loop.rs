//! Verifies the product's token (HS256, `{sub,email,iat,exp}`, no `kid`, as the Python service
//! signs it) N times, for `benches/callgrind.sh` to count the instructions of one verify:
//! callgrind collects inside `verify_n` only, so setting up (the secret's strength check, signing
//! the token) does not count.
//!
//! ```sh
//! cargo run --release --example verify_loop -- 100000
//! ```

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::{Secret, Verifier};

/// The bench's secret (`openssl rand -hex 32`).
const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";

/// The product's token as the Python service signs it, a week's lifetime from now.
fn product_token() -> String {
    let iat = time::OffsetDateTime::now_utc().unix_timestamp();
    let payload = format!(
        r#"{{"sub":"123456","email":"ada@example.com","iat":{iat},"exp":{}}}"#,
        iat + 604_800
    );
    let input = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}",
        URL_SAFE_NO_PAD.encode(payload)
    );
    // The crate's own issuer would add a `kid`: sign by hand with the same key.
    let tag = jwt_auth::__private::hmac_sha256(SECRET.as_bytes(), input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag))
}

#[inline(never)]
fn verify_n(verifier: &Verifier, token: &str, n: u64) {
    for _ in 0..n {
        black_box(verifier.verify(black_box(token)).unwrap());
    }
}

fn main() {
    let n = std::env::args()
        .nth(1)
        .map_or(100_000, |n| n.parse().expect("a count"));
    let secret = Secret::new(SECRET).unwrap();
    let token = product_token();
    assert_eq!(token.len(), 183, "the product's token shape");
    let verifier = Verifier::new(&secret);
    verify_n(&verifier, &token, n);
}
