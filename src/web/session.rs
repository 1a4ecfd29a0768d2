//! The HTTP answer to a [`SessionError`]: the RFC 6749 §5.2 error response for a refused refresh
//! token, 503 with `Retry-After` for an outage.

use ::http::{HeaderValue, Response, StatusCode, header};

use super::AuthError;
use crate::session::SessionError;

impl SessionError {
    /// 400 for a refused refresh token, 503 otherwise.
    ///
    /// ```
    /// use jwt_auth::SessionError;
    /// assert_eq!(SessionError::Random { reason: String::new() }.status_code(), http::StatusCode::SERVICE_UNAVAILABLE);
    /// ```
    pub fn status_code(&self) -> StatusCode {
        if self.is_invalid_grant() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        }
    }

    /// The whole response: 400 `{"error":"invalid_grant"}` (RFC 6749 §5.2), or 503
    /// `{"error":"temporarily_unavailable"}` with `Retry-After: 5`; both `Cache-Control: no-store`
    /// and JSON. The precise cause (`Display`) is for logs only.
    ///
    /// ```
    /// let response = jwt_auth::SessionError::Unknown.to_response();
    /// assert_eq!(response.status(), 400);
    /// assert_eq!(response.body(), r#"{"error":"invalid_grant"}"#);
    /// assert!(response.headers().get("retry-after").is_none());
    /// ```
    pub fn to_response(&self) -> Response<String> {
        let invalid_grant = self.is_invalid_grant();
        let body = if invalid_grant {
            r#"{"error":"invalid_grant"}"#
        } else {
            r#"{"error":"temporarily_unavailable"}"#
        };
        let mut response = Response::new(body.to_owned());
        *response.status_mut() = self.status_code();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if !invalid_grant {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(AuthError::RETRY_AFTER_SECS),
            );
        }
        response
    }
}
