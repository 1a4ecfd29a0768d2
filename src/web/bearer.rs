use std::fmt;

use ::http::HeaderMap;
use ::http::header::AUTHORIZATION;

const SCHEME: &[u8] = b"Bearer";

/// Why an `Authorization` header yielded no bearer token.
///
/// ```
/// use jwt_auth::{Authorization, BearerError};
///
/// assert_eq!(Authorization::from_values([b"Basic dXNlcjpwYXNz".as_slice()]).token(), Err(BearerError::OtherScheme));
/// assert_eq!(Authorization::from_values([b"Bearer".as_slice()]).token(), Err(BearerError::MissingToken));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No `Authorization` header: the client has not tried to authenticate.
    #[error("no Authorization header")]
    Missing,
    /// An `Authorization` header with another scheme (`Basic …`).
    #[error("the Authorization header uses a scheme other than Bearer")]
    OtherScheme,
    /// `Bearer` with no token after it.
    #[error("the Authorization header names the Bearer scheme but carries no token")]
    MissingToken,
    /// More than one `Authorization` header: ambiguous, so refused.
    #[error("more than one Authorization header")]
    MultipleHeaders,
    /// The credentials are not a single RFC 7235 token68 (spaces, commas, non-ASCII…).
    #[error("the bearer token contains characters a token may not (RFC 6750 §2.1)")]
    InvalidCharacters,
}

/// What a request's `Authorization` headers say, read from their raw bytes: a bearer token, or
/// why there is none. [`Verifier::authenticate`](crate::Verifier::authenticate) and its siblings
/// take it, or anything that converts into it, such as an [`http::HeaderMap`](::http::HeaderMap).
///
/// Only the header is read: tokens in query strings leak into logs and browser history, and are
/// never looked for. The scheme is matched case-insensitively (RFC 7235 §2.1); the token must be
/// one token68: `A-Z a-z 0-9 - . _ ~ + /` followed by optional `=` padding.
///
/// ```
/// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
/// use jwt_auth::{Authorization, BearerError};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(Authorization::from(&headers).token(), Err(BearerError::Missing));
///
/// headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer eyJh.eyJz.c2ln"));
/// assert_eq!(Authorization::from(&headers).token(), Ok("eyJh.eyJz.c2ln"));
///
/// // A framework on another `http` version hands over the values' bytes, uncopied.
/// let values: [&[u8]; 2] = [b"Bearer a.b.c", b"Bearer d.e.f"];
/// assert_eq!(Authorization::from_values(values).token(), Err(BearerError::MultipleHeaders));
/// ```
///
/// Its `Debug` output never shows the token, which is a credential.
#[derive(Clone, Copy)]
pub struct Authorization<'a> {
    /// What follows `Bearer`, before the token68 rule, which [`Authorization::token`] applies.
    credentials: Result<&'a [u8], BearerError>,
}

impl<'a> Authorization<'a> {
    /// Reads the values of every `Authorization` header of a request, in order, as bytes.
    ///
    /// ```
    /// use jwt_auth::{Authorization, BearerError};
    ///
    /// assert_eq!(Authorization::from_values(std::iter::empty()).token(), Err(BearerError::Missing));
    /// assert_eq!(Authorization::from_values([b"BEARER  abc".as_slice()]).token(), Ok("abc"));
    /// ```
    pub fn from_values(values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut values = values.into_iter();
        let credentials = match (values.next(), values.next()) {
            (None, _) => Err(BearerError::Missing),
            (Some(_), Some(_)) => Err(BearerError::MultipleHeaders),
            (Some(value), None) => credentials(value),
        };
        Self { credentials }
    }

    /// The bearer token, or why there is none.
    ///
    /// ```
    /// use jwt_auth::{Authorization, BearerError};
    ///
    /// assert_eq!(Authorization::from_values([b"Bearer a b".as_slice()]).token(), Err(BearerError::InvalidCharacters));
    /// ```
    ///
    /// # Errors
    /// [`BearerError::Missing`] without an `Authorization` header, [`BearerError::OtherScheme`]
    /// for another scheme, [`BearerError::MultipleHeaders`] when there are several,
    /// [`BearerError::MissingToken`] for a bare `Bearer`, and [`BearerError::InvalidCharacters`]
    /// when what follows is not a token68.
    pub fn token(&self) -> Result<&'a str, BearerError> {
        self.credentials.and_then(token68)
    }

    /// What follows `Bearer`, before the token68 rule: for the verifier, whose rules only
    /// canonical base64url segments and their dots pass, all of them token68 characters. A token
    /// it accepts is therefore a token68, and [`token68`] need only name the error of one it
    /// refuses, which spares every accepted request a pass over its token.
    pub(crate) fn credentials(&self) -> Result<&'a [u8], BearerError> {
        self.credentials
    }
}

impl fmt::Debug for Authorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token().map(|_| "<redacted>");
        f.debug_struct("Authorization")
            .field("token", &token)
            .finish()
    }
}

/// Two are equal when their [`Authorization::token`]s are: the same token, or the same reason
/// for none.
impl PartialEq for Authorization<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.token() == other.token()
    }
}

impl Eq for Authorization<'_> {}

impl<'a> From<&'a HeaderMap> for Authorization<'a> {
    fn from(headers: &'a HeaderMap) -> Self {
        Self::from_values(
            headers
                .get_all(AUTHORIZATION)
                .iter()
                .map(::http::HeaderValue::as_bytes),
        )
    }
}

/// The bearer token in `headers`, or why there is none: [`Authorization`] for an
/// [`http::HeaderMap`](::http::HeaderMap).
///
/// ```
/// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
/// use jwt_auth::{BearerError, bearer_token};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(bearer_token(&headers), Err(BearerError::Missing));
/// headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer eyJh.eyJz.c2ln"));
/// assert_eq!(bearer_token(&headers), Ok("eyJh.eyJz.c2ln"));
/// ```
///
/// # Errors
/// As [`Authorization::token`].
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, BearerError> {
    Authorization::from(headers).token()
}

/// The credentials of one `Authorization` value, if it names the Bearer scheme. Bytes, not
/// `&str`: another scheme's credentials may be anything, and are not ours to judge.
fn credentials(value: &[u8]) -> Result<&[u8], BearerError> {
    let value = value.trim_ascii();
    let scheme_end = value
        .iter()
        .position(|b| matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    if scheme.is_empty() {
        return Err(BearerError::MissingToken);
    }
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return Err(BearerError::OtherScheme);
    }
    // RFC 7235: the scheme and the credentials are separated by spaces (a tab fails below).
    let token = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
    if token.is_empty() {
        return Err(BearerError::MissingToken);
    }
    Ok(token)
}

/// `credentials` as a token, if they are one token68.
pub(crate) fn token68(credentials: &[u8]) -> Result<&str, BearerError> {
    if !is_token68(credentials) {
        return Err(BearerError::InvalidCharacters);
    }
    // A token68 is ASCII.
    std::str::from_utf8(credentials).map_err(|_| BearerError::InvalidCharacters)
}

/// RFC 7235 token68: `A-Z a-z 0-9 - . _ ~ + /` followed by optional `=` padding.
fn is_token68(token: &[u8]) -> bool {
    let padding = token.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &token[..token.len() - padding];
    // Every byte is checked, without stopping at the first bad one: a loop without an early exit
    // is one the compiler checks many bytes at a time in (SIMD), some five times fewer
    // instructions than `all` for a token of 200 bytes, on the path of every request; a bad
    // token is rare and as short.
    !body.is_empty()
        && body
            .iter()
            .fold(true, |valid, &b| valid & is_token68_byte(b))
}

/// One byte of a token68 before its padding.
fn is_token68_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}
