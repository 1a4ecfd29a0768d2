use http::{HeaderValue, Response, StatusCode, header};
use time::OffsetDateTime;

use crate::error::IssueError;
use crate::store::Lifetime;

/// How long a client is asked to wait (`Retry-After`, in seconds) when a store or a revocation
/// mirror cannot answer: 5 seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

/// Why a store could not answer. Every variant is an outage, never a verdict on a token: it maps
/// to 503 with `Retry-After`, and a refresh that failed with it is safe to retry with the same
/// refresh token. No variant carries a token.
///
/// ```
/// use jwt_auth::StoreError;
///
/// let err = StoreError::Full { max: 10 };
/// assert_eq!(err.to_string(), "the store is full (10 entries) and none has expired");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store is unreachable (connection refused, closed, or lost).
    #[error("the session store is unavailable: {reason}")]
    Unavailable {
        /// The client's explanation.
        reason: String,
    },
    /// The store did not answer within the command timeout (a hung or overloaded server).
    #[error("the session store did not answer within {timeout_ms} ms")]
    Timeout {
        /// The timeout.
        timeout_ms: u64,
    },
    /// The store answered something this crate does not understand.
    #[error("the session store answered unexpectedly: {reason}")]
    Unexpected {
        /// What was wrong with the answer.
        reason: String,
    },
    /// A bounded store is full and none of its entries has expired.
    #[error("the store is full ({max} entries) and none has expired")]
    Full {
        /// The cap.
        max: usize,
    },
}

/// Why a login, refresh or logout failed. Refusals of the refresh token map to 400
/// `{"error":"invalid_grant"}` (RFC 6749 §5.2); everything else is an outage and maps to 503 with
/// `Retry-After`, so that a front end never logs a user out because of the infrastructure. No
/// variant carries a token or a secret.
///
/// ```
/// use http::StatusCode;
/// use jwt_auth::{SessionError, StoreError};
///
/// assert_eq!(SessionError::Unknown.status_code(), StatusCode::BAD_REQUEST);
/// let outage = SessionError::from(StoreError::Timeout { timeout_ms: 250 });
/// let response = outage.to_response();
/// assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
/// assert_eq!(response.headers()["retry-after"], "5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Not a refresh token of this crate's format (64 base64url characters).
    #[error("the refresh token is malformed")]
    Malformed,
    /// Well formed, but no session has it: forged, from another deployment, forgotten after its
    /// session expired, or older than the tokens a store remembers.
    #[error("the refresh token is unknown")]
    Unknown,
    /// The session's absolute or idle lifetime ran out.
    #[error("the session's {lifetime} lifetime ended at {at}")]
    Expired {
        /// Which lifetime.
        lifetime: Lifetime,
        /// When it ended.
        at: OffsetDateTime,
    },
    /// An already-used refresh token was presented again, outside the grace rules: the whole
    /// session has been revoked, its access tokens included. Worth an alert: either the client
    /// misbehaves or the token was stolen.
    #[error("refresh token reuse: session {sid} of subject {sub:?} is revoked")]
    Reused {
        /// The subject.
        sub: String,
        /// The revoked session.
        sid: String,
    },
    /// The session was ended (logout, reuse, revocation, logout everywhere).
    #[error("session {sid} was revoked")]
    Revoked {
        /// The session.
        sid: String,
    },
    /// The subject is empty, or an access token could not be issued.
    #[error("could not issue the access token: {0}")]
    Issue(#[from] IssueError),
    /// The operating system's random generator failed.
    #[error("randomness unavailable: {reason}")]
    Random {
        /// The backend's explanation.
        reason: String,
    },
    /// The store could not answer.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SessionError {
    /// Whether the refresh token was refused (400 `invalid_grant`), as opposed to an outage (503).
    ///
    /// ```
    /// assert!(jwt_auth::SessionError::Malformed.is_invalid_grant());
    /// ```
    pub fn is_invalid_grant(&self) -> bool {
        matches!(
            self,
            Self::Malformed
                | Self::Unknown
                | Self::Expired { .. }
                | Self::Reused { .. }
                | Self::Revoked { .. }
        )
    }

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
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        response
    }
}
