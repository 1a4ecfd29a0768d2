//! `Authorization: Bearer <token>` parsing (RFC 6750 §2.1), on its own.
//!
//! ```
//! use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
//! use jwt_auth::{BearerError, bearer_token};
//!
//! let mut headers = HeaderMap::new();
//! assert_eq!(bearer_token(&headers), Err(BearerError::Missing));
//!
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer eyJh.eyJz.c2ln"));
//! assert_eq!(bearer_token(&headers), Ok("eyJh.eyJz.c2ln"));
//!
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer"));
//! assert_eq!(bearer_token(&headers), Err(BearerError::MissingToken));
//! ```
//!
//! Only the header is read: tokens in query strings leak into logs and browser history, and are
//! never looked for.

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::error::BearerError;

const SCHEME: &str = "Bearer";

/// The bearer token in `headers`, or why there is none.
///
/// The scheme is matched case-insensitively (RFC 7235 §2.1); the token must be a single token68:
/// `A-Z a-z 0-9 - . _ ~ + /` followed by optional `=` padding.
///
/// # Errors
/// [`BearerError::Missing`] without an `Authorization` header, [`BearerError::OtherScheme`] for
/// another scheme, [`BearerError::MultipleHeaders`] when there are several,
/// [`BearerError::MissingToken`] for a bare `Bearer`, and [`BearerError::InvalidCharacters`] when
/// what follows is not a token68.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, BearerError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next().ok_or(BearerError::Missing)?;
    if values.next().is_some() {
        return Err(BearerError::MultipleHeaders);
    }
    // Bytes, not `&str`: another scheme's credentials may be anything, and are not ours to judge.
    let value = value.as_bytes().trim_ascii();
    let scheme_end = value
        .iter()
        .position(|b| matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    if scheme.is_empty() {
        return Err(BearerError::MissingToken);
    }
    if !scheme.eq_ignore_ascii_case(SCHEME.as_bytes()) {
        return Err(BearerError::OtherScheme);
    }
    // RFC 7235: the scheme and the credentials are separated by spaces (a tab fails below).
    let token = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
    if token.is_empty() {
        return Err(BearerError::MissingToken);
    }
    if !is_token68(token) {
        return Err(BearerError::InvalidCharacters);
    }
    // A token68 is ASCII.
    std::str::from_utf8(token).map_err(|_| BearerError::InvalidCharacters)
}

/// RFC 7235 token68: `A-Z a-z 0-9 - . _ ~ + /` followed by optional `=` padding.
fn is_token68(token: &[u8]) -> bool {
    let padding = token.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &token[..token.len() - padding];
    !body.is_empty()
        && body.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}
