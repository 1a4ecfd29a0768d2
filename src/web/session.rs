//! The session protocol over HTTP, framework-free: the RFC 6749 §5.1 token response of a
//! [`TokenPair`], the §5.2 error response of a [`SessionError`] (503 with `Retry-After` for an
//! outage), and the `{"refresh_token"}` body that `POST /refresh` and `POST /logout` take.

use std::fmt;

use ::http::{HeaderMap, HeaderValue, Response, StatusCode, header};

use super::AuthError;
use crate::session::{SessionError, TokenPair};

/// What the client is told about a body that carries no refresh token, whatever is wrong with it
/// (the precise reason goes to logs through the error).
const INVALID_REQUEST_BODY: &str = r#"{"error":"invalid_request","error_description":"Expected a JSON object with a string field refresh_token"}"#;

/// `Cache-Control: no-store` and `Pragma: no-cache`, which RFC 6749 §5.1 requires of a response
/// that carries tokens and §5.2's example gives its errors: no cache, shared or not, keeps them.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

fn json(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
}

impl TokenPair {
    /// The RFC 6749 §5.1 token response: 200, the JSON of its `Serialize` (refresh token
    /// included: that is what it is for), `Cache-Control: no-store` and `Pragma: no-cache`. With
    /// feature `axum` it is an `IntoResponse`, with `actix-web` a `Responder`, both this response.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Sessions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let pair = Sessions::new(&secret, MemoryStore::new()).login("42", None).await?;
    /// let response = pair.to_response();
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// assert_eq!(response.headers()["cache-control"], "no-store");
    /// assert_eq!(response.headers()["pragma"], "no-cache");
    /// assert_eq!(response.body(), &serde_json::to_string(&pair)?);
    /// # Ok(()) }
    /// ```
    pub fn to_response(&self) -> Response<String> {
        // Four plain fields, none a map with non-string keys: serializing cannot fail.
        let mut response = Response::new(serde_json::to_string(self).unwrap_or_default());
        json(response.headers_mut());
        no_store(response.headers_mut());
        response
    }
}

impl SessionError {
    /// 400 for a refused refresh token or a malformed request, 503 for an outage.
    ///
    /// ```
    /// use http::StatusCode;
    /// use jwt_auth::SessionError;
    ///
    /// assert_eq!(SessionError::Unknown.status_code(), StatusCode::BAD_REQUEST);
    /// assert_eq!(SessionError::Random { reason: String::new() }.status_code(), StatusCode::SERVICE_UNAVAILABLE);
    /// ```
    pub fn status_code(&self) -> StatusCode {
        if self.is_outage() {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    /// The RFC 6749 §5.2 error code the client gets: `invalid_grant`, `invalid_request`, or
    /// `temporarily_unavailable` for an outage.
    ///
    /// ```
    /// use jwt_auth::SessionError;
    ///
    /// assert_eq!(SessionError::Malformed.error_code(), "invalid_grant");
    /// assert_eq!(SessionError::InvalidRequest { reason: "no body" }.error_code(), "invalid_request");
    /// ```
    pub fn error_code(&self) -> &'static str {
        if self.is_invalid_grant() {
            "invalid_grant"
        } else if self.is_outage() {
            "temporarily_unavailable"
        } else {
            "invalid_request"
        }
    }

    /// The whole response: 400 `{"error":"invalid_grant"}` (RFC 6749 §5.2; nothing says why),
    /// 400 `invalid_request` with a description of the expected body, or 503
    /// `{"error":"temporarily_unavailable"}` with `Retry-After: 5`; all JSON, with
    /// `Cache-Control: no-store` and `Pragma: no-cache`. The precise cause (`Display`) is for
    /// logs only. With feature `axum` it is an `IntoResponse`, with `actix-web` a `ResponseError`,
    /// both this response with the error itself in the response's extensions.
    ///
    /// ```
    /// let response = jwt_auth::SessionError::Unknown.to_response();
    /// assert_eq!(response.status(), 400);
    /// assert_eq!(response.body(), r#"{"error":"invalid_grant"}"#);
    /// assert_eq!(response.headers()["pragma"], "no-cache");
    /// assert!(response.headers().get("retry-after").is_none());
    /// ```
    pub fn to_response(&self) -> Response<String> {
        let body = match self.error_code() {
            "invalid_grant" => r#"{"error":"invalid_grant"}"#,
            "invalid_request" => INVALID_REQUEST_BODY,
            _ => r#"{"error":"temporarily_unavailable"}"#,
        };
        let mut response = Response::new(body.to_owned());
        *response.status_mut() = self.status_code();
        let headers = response.headers_mut();
        json(headers);
        no_store(headers);
        if self.is_outage() {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(AuthError::RETRY_AFTER_SECS),
            );
        }
        response
    }
}

/// 204 with `Cache-Control: no-store`: a logout's answer.
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub(crate) fn no_content() -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The body of `POST /refresh` and `POST /logout`. Without a framework feature only the unit
/// tests read it.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) struct RefreshRequest {
    /// The refresh token: never logged, never printed.
    pub(crate) refresh_token: String,
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshRequest").finish_non_exhaustive()
    }
}

impl RefreshRequest {
    /// Reads the body, given the request's `Content-Type` values: JSON (`application/json` or
    /// `application/*+json`, as axum's `Json` takes it), an object with a string `refresh_token`.
    /// Unknown fields are ignored, as RFC 6749 §3.1 asks of unrecognised parameters. The error
    /// never quotes the body: serde's messages can hold the token.
    #[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
    pub(crate) fn parse<'a>(
        content_types: impl IntoIterator<Item = &'a [u8]>,
        body: &[u8],
    ) -> Result<Self, SessionError> {
        let mut content_types = content_types.into_iter();
        let is_json = match (content_types.next(), content_types.next()) {
            (Some(value), None) => is_json(value),
            _ => false,
        };
        if !is_json {
            return Err(SessionError::InvalidRequest {
                reason: "the content type is not application/json",
            });
        }
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| SessionError::InvalidRequest {
                reason: "the body is not JSON",
            })?;
        match value {
            serde_json::Value::Object(mut object) => match object.remove("refresh_token") {
                Some(serde_json::Value::String(refresh_token)) => Ok(Self { refresh_token }),
                Some(_) => Err(SessionError::InvalidRequest {
                    reason: "refresh_token is not a string",
                }),
                None => Err(SessionError::InvalidRequest {
                    reason: "the body has no refresh_token",
                }),
            },
            _ => Err(SessionError::InvalidRequest {
                reason: "the body is not a JSON object",
            }),
        }
    }
}

/// `application/json`, or `application/<anything>+json`, parameters allowed, case-insensitive.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
fn is_json(content_type: &[u8]) -> bool {
    let Ok(content_type) = std::str::from_utf8(content_type) else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence
        .strip_prefix("application/")
        .is_some_and(|subtype| subtype == "json" || subtype.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &[u8] = b"application/json";

    fn reason(content_types: &[&[u8]], body: &str) -> &'static str {
        match RefreshRequest::parse(content_types.iter().copied(), body.as_bytes()) {
            Err(SessionError::InvalidRequest { reason }) => reason,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_json_object_with_a_string_refresh_token_parses() {
        for content_type in [
            &b"application/json"[..],
            b"Application/JSON; charset=utf-8",
            b"application/vnd.api+json",
        ] {
            let parsed =
                RefreshRequest::parse([content_type], br#"{"refresh_token":"abc","x":1}"#).unwrap();
            assert_eq!(parsed.refresh_token, "abc");
        }
    }

    #[test]
    fn every_other_body_is_an_invalid_request_that_quotes_nothing() {
        assert_eq!(
            reason(&[], r#"{"refresh_token":"a"}"#),
            "the content type is not application/json"
        );
        assert_eq!(
            reason(&[b"text/plain"], r#"{"refresh_token":"a"}"#),
            "the content type is not application/json"
        );
        assert_eq!(
            reason(&[JSON, JSON], r#"{"refresh_token":"a"}"#),
            "the content type is not application/json"
        );
        assert_eq!(
            reason(&[b"application/jsonx"], "{}"),
            "the content type is not application/json"
        );
        assert_eq!(reason(&[JSON], ""), "the body is not JSON");
        assert_eq!(
            reason(&[JSON], r#"{"refresh_token":"secret"#),
            "the body is not JSON"
        );
        assert_eq!(reason(&[JSON], "[]"), "the body is not a JSON object");
        assert_eq!(reason(&[JSON], "{}"), "the body has no refresh_token");
        assert_eq!(
            reason(&[JSON], r#"{"refresh_token":1}"#),
            "refresh_token is not a string"
        );
        let debug = format!(
            "{:?}",
            RefreshRequest::parse([JSON], br#"{"refresh_token":"secret"}"#).unwrap()
        );
        assert!(!debug.contains("secret"), "{debug}");
    }
}
