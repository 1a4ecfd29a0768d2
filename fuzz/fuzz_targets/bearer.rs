//! `Authorization::from_values` on an arbitrary header value.
//!
//! Invariants: a token it yields is a token68 at the end of the value, and `Bearer <token>` yields
//! it again; the `HeaderMap` route agrees with the bytes route; two values are always refused; any
//! token68 made from the input round-trips.

#![no_main]

use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
use jwt_auth::{Authorization, BearerError};
use libfuzzer_sys::fuzz_target;

fn token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

fn is_token68(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty() && body.bytes().all(token68_char)
}

fuzz_target!(|value: &[u8]| {
    let parsed = Authorization::from_values([value]).token();
    match parsed {
        Ok(token) => {
            assert!(is_token68(token), "{token:?}");
            assert!(value.trim_ascii().ends_with(token.as_bytes()));
            let canonical = format!("Bearer {token}");
            assert_eq!(
                Authorization::from_values([canonical.as_bytes()]).token(),
                Ok(token)
            );
        }
        Err(error) => assert!(error.to_string().len() < 100),
    }
    if let Ok(header) = HeaderValue::from_bytes(value) {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, header);
        assert_eq!(Authorization::from(&headers).token(), parsed);
    }
    assert_eq!(
        Authorization::from_values([value, value]).token(),
        Err(BearerError::MultipleHeaders)
    );

    let body: String = value
        .iter()
        .filter(|&&b| token68_char(b))
        .map(|&b| char::from(b))
        .collect();
    if !body.is_empty() {
        let padding = "=".repeat(value.len() % 3);
        let token = format!("{body}{padding}");
        let header = format!("bEaReR  {token}");
        assert_eq!(
            Authorization::from_values([header.as_bytes()]).token(),
            Ok(token.as_str())
        );
    }
});
