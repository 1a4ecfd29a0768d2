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
    // Non-visible-ASCII bytes can never form a token68, whatever the scheme.
    let value = value.to_str().map_err(|_| BearerError::InvalidCharacters)?;
    let value = value.trim_matches([' ', '\t']);
    let (scheme, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return Err(if scheme.is_empty() {
            BearerError::MissingToken
        } else {
            BearerError::OtherScheme
        });
    }
    let token = rest.trim_start_matches([' ', '\t']);
    if token.is_empty() {
        return Err(BearerError::MissingToken);
    }
    if is_token68(token) {
        Ok(token)
    } else {
        Err(BearerError::InvalidCharacters)
    }
}

fn is_token68(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}
