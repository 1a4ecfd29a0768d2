use time::OffsetDateTime;

use crate::issuer::IssueError;
use crate::store::{StoreError, Ttl};

/// Why a login, refresh or logout failed. Refusals of the refresh token map to 400
/// `{"error":"invalid_grant"}` (RFC 6749 §5.2), a request body that carries no refresh token to
/// 400 `invalid_request`; everything else is an outage and maps to 503 with `Retry-After`, so that
/// a front end never logs a user out because of the infrastructure. No variant carries a token or
/// a secret.
///
/// ```
/// use http::StatusCode;
/// use jwt_auth::SessionError;
/// use jwt_auth::store::StoreError;
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
    /// The session's absolute or idle ttl ran out.
    #[error("the session's {ttl} ttl ended at {at}")]
    Expired {
        /// Which ttl.
        ttl: Ttl,
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
    /// The request to a session route did not carry a refresh token as the routes take it (a
    /// JSON object with a string `refresh_token`, sent as `application/json`): 400
    /// `invalid_request`. `reason` never quotes the body, which may hold a token.
    #[error("the request body is malformed: {reason}")]
    InvalidRequest {
        /// What was wrong, for logs.
        reason: &'static str,
    },
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

    /// The failure's cause as a stable name in snake case (the variant's name, `malformed`,
    /// `unknown`, `expired`, `reused`, `revoked`, `store`…). It is the `outcome` label of the
    /// `jwt_auth_refreshes_total` counter and the `cause` field of the crate's `tracing` events
    /// (see [`observability`](crate::observability)), and safe to log.
    ///
    /// ```
    /// use jwt_auth::SessionError;
    /// use jwt_auth::store::StoreError;
    ///
    /// assert_eq!(SessionError::Malformed.cause_name(), "malformed");
    /// assert_eq!(SessionError::from(StoreError::Timeout { timeout_ms: 250 }).cause_name(), "store");
    /// ```
    pub fn cause_name(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Unknown => "unknown",
            Self::Expired { .. } => "expired",
            Self::Reused { .. } => "reused",
            Self::Revoked { .. } => "revoked",
            Self::Issue(_) => "issue",
            Self::Random { .. } => "random",
            Self::Store(_) => "store",
            Self::InvalidRequest { .. } => "invalid_request",
        }
    }

    /// Whether the store or the system could not answer (503 with `Retry-After`): neither the
    /// token nor the request was at fault, and the same request may be retried.
    ///
    /// ```
    /// use jwt_auth::SessionError;
    /// use jwt_auth::store::StoreError;
    ///
    /// assert!(SessionError::from(StoreError::Timeout { timeout_ms: 250 }).is_outage());
    /// assert!(!SessionError::Unknown.is_outage());
    /// assert!(!SessionError::InvalidRequest { reason: "the body is not JSON" }.is_outage());
    /// ```
    pub fn is_outage(&self) -> bool {
        !self.is_invalid_grant() && !matches!(self, Self::InvalidRequest { .. })
    }
}
