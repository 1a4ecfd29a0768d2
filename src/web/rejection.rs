use ::http::{HeaderValue, Response, StatusCode, header};

use super::BearerError;
use crate::jws::VerifyError;

/// Why a request was not authenticated: the header, or the token in it. Every rejection knows
/// its RFC 6750 §3.1 status and `WWW-Authenticate` challenge, and builds the whole response, so
/// any framework can return it unchanged. The precise cause (its `Display`) is for logs; the
/// client gets a generic description.
///
/// ```
/// use http::{HeaderMap, HeaderValue, StatusCode, header};
/// use jwt_auth::{Secret, Verifier};
///
/// let (secret, _) = Secret::generate();
/// let verifier = Verifier::new(&secret);
///
/// // No credentials: a bare challenge.
/// let rejection = verifier.authenticate(&HeaderMap::new()).unwrap_err();
/// let response = rejection.to_response();
/// assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
///
/// // A bad token: 401 invalid_token, whatever the cause.
/// let mut headers = HeaderMap::new();
/// headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer not.a.token"));
/// let rejection = verifier.authenticate(&headers).unwrap_err();
/// assert_eq!(rejection.status_code(), StatusCode::UNAUTHORIZED);
/// assert_eq!(rejection.error_code(), Some("invalid_token"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The `Authorization` header did not carry a usable bearer token.
    #[error(transparent)]
    Bearer(#[from] BearerError),
    /// The token was rejected.
    #[error("token rejected: {0}")]
    Token(#[from] VerifyError),
    /// The token is valid but does not grant what the resource requires (a role it lacks, or
    /// custom claims of another shape): 403 `insufficient_scope`, so a front end that signs the
    /// user out on 401 does not. Built with [`AuthError::insufficient_scope`].
    #[error("the token does not grant access: {reason}")]
    InsufficientScope {
        /// Why, for logs (the client is told only `insufficient_scope`).
        reason: String,
    },
}

/// The RFC 6750 §3.1 answer a rejection gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Challenge {
    /// No bearer credentials at all: a bare `Bearer` challenge, no error code.
    NoCredentials,
    /// A malformed `Authorization` header.
    InvalidRequest,
    /// A token that did not verify, whatever the precise cause.
    InvalidToken,
    /// A valid token that does not grant access to the resource (RFC 6750 §3.1).
    InsufficientScope,
    /// Revocation could not be checked, or a remote key set cannot answer: an outage, so 503
    /// with `Retry-After`, never a 401 (the front end logs the user out on any 401).
    Unavailable,
}

impl Challenge {
    fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::NoCredentials | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_code(self) -> Option<&'static str> {
        match self {
            Self::NoCredentials => None,
            Self::InvalidRequest => Some("invalid_request"),
            Self::InvalidToken => Some("invalid_token"),
            Self::InsufficientScope => Some("insufficient_scope"),
            Self::Unavailable => Some("temporarily_unavailable"),
        }
    }

    /// What the client is told: never the precise cause (that goes to logs).
    fn description(self) -> Option<&'static str> {
        match self {
            Self::NoCredentials => None,
            Self::InvalidRequest => Some("The Authorization header is malformed"),
            Self::InvalidToken => Some("The access token is invalid or has expired"),
            Self::InsufficientScope => {
                Some("The access token does not grant access to this resource")
            }
            Self::Unavailable => Some("The token cannot be checked right now; retry later"),
        }
    }

    fn www_authenticate(self) -> HeaderValue {
        if self == Self::Unavailable {
            return HeaderValue::from_static("Bearer");
        }
        match (self.error_code(), self.description()) {
            (Some(code), Some(description)) => HeaderValue::try_from(format!(
                r#"Bearer error="{code}", error_description="{description}""#
            ))
            // Both parts are fixed ASCII above, so the value is always valid.
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer")),
            _ => HeaderValue::from_static("Bearer"),
        }
    }
}

impl AuthError {
    /// How long a client is asked to wait (`Retry-After`, in seconds) when a store, a revocation
    /// mirror or a key set cannot answer: 5 seconds. A [`SessionError`](crate::SessionError)
    /// outage answers with the same value.
    ///
    /// ```
    /// assert_eq!(jwt_auth::AuthError::RETRY_AFTER_SECS, 5);
    /// ```
    pub const RETRY_AFTER_SECS: u64 = 5;
    fn challenge(&self) -> Challenge {
        match self {
            Self::Bearer(BearerError::Missing | BearerError::OtherScheme) => {
                Challenge::NoCredentials
            }
            Self::Bearer(_) => Challenge::InvalidRequest,
            Self::Token(
                VerifyError::RevocationUnavailable { .. }
                | VerifyError::KeySetRefreshing { .. }
                | VerifyError::KeySetUnreachable { .. }
                | VerifyError::KeySetStale { .. },
            ) => Challenge::Unavailable,
            // Custom claims are read once every other rule has passed: the token says who the
            // caller is, and a 401 would make a front end sign out a user whom only this resource
            // refuses.
            Self::Token(VerifyError::CustomClaims { .. }) | Self::InsufficientScope { .. } => {
                Challenge::InsufficientScope
            }
            Self::Token(_) => Challenge::InvalidToken,
        }
    }

    /// The rejection for a valid token that does not grant what the resource requires: 403 with
    /// `WWW-Authenticate: Bearer error="insufficient_scope"`. `reason` is for logs only.
    ///
    /// ```
    /// use http::StatusCode;
    /// use jwt_auth::AuthError;
    ///
    /// let rejection = AuthError::insufficient_scope("role `admin` required");
    /// assert_eq!(rejection.status_code(), StatusCode::FORBIDDEN);
    /// assert_eq!(
    ///     rejection.www_authenticate(),
    ///     r#"Bearer error="insufficient_scope", error_description="The access token does not grant access to this resource""#
    /// );
    /// assert_eq!(rejection.to_string(), "the token does not grant access: role `admin` required");
    /// ```
    pub fn insufficient_scope(reason: impl Into<String>) -> Self {
        Self::InsufficientScope {
            reason: reason.into(),
        }
    }

    /// The status RFC 6750 §3.1 prescribes: 400 for a malformed request, 403 for a token that
    /// does not grant access, 401 otherwise; 503 when revocation could not be checked or a remote
    /// key set cannot answer ([`VerifyError::KeySetRefreshing`], [`VerifyError::KeySetUnreachable`],
    /// [`VerifyError::KeySetStale`]).
    ///
    /// ```
    /// use http::StatusCode;
    /// use jwt_auth::{AuthError, BearerError};
    ///
    /// assert_eq!(AuthError::from(BearerError::MultipleHeaders).status_code(), StatusCode::BAD_REQUEST);
    /// assert_eq!(AuthError::from(BearerError::Missing).status_code(), StatusCode::UNAUTHORIZED);
    /// ```
    pub fn status_code(&self) -> StatusCode {
        self.challenge().status()
    }

    /// The RFC 6750 error code, or `None` when the client sent no bearer credentials at all.
    ///
    /// ```
    /// use jwt_auth::{AuthError, BearerError, VerifyError};
    ///
    /// assert_eq!(AuthError::from(BearerError::Missing).error_code(), None);
    /// assert_eq!(AuthError::from(BearerError::MissingToken).error_code(), Some("invalid_request"));
    /// assert_eq!(AuthError::from(VerifyError::InvalidSignature).error_code(), Some("invalid_token"));
    /// ```
    pub fn error_code(&self) -> Option<&'static str> {
        self.challenge().error_code()
    }

    /// The `WWW-Authenticate` challenge: bare `Bearer` without credentials, else with `error` and
    /// a generic `error_description`.
    ///
    /// ```
    /// use jwt_auth::{AuthError, VerifyError};
    ///
    /// assert_eq!(
    ///     AuthError::from(VerifyError::InvalidSignature).www_authenticate(),
    ///     r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#
    /// );
    /// ```
    pub fn www_authenticate(&self) -> HeaderValue {
        self.challenge().www_authenticate()
    }

    /// The whole HTTP response: status, `WWW-Authenticate`, `Cache-Control: no-store`, and a JSON
    /// body `{"error": …, "error_description": …}` (empty when no credentials were sent, as in
    /// RFC 6750 §3.1's example). When revocation could not be checked, or a remote key set
    /// cannot answer: 503,
    /// `{"error":"temporarily_unavailable",…}` and `Retry-After: 5`, no challenge.
    ///
    /// ```
    /// use jwt_auth::{AuthError, VerifyError};
    ///
    /// let outage = AuthError::from(VerifyError::RevocationUnavailable { stale_for: time::Duration::seconds(30) });
    /// let response = outage.to_response();
    /// assert_eq!(response.status(), 503);
    /// assert_eq!(response.headers()["retry-after"], "5");
    /// assert!(response.headers().get("www-authenticate").is_none());
    /// ```
    ///
    /// ```
    /// use http::header::CONTENT_TYPE;
    /// use jwt_auth::{AuthError, BearerError};
    ///
    /// let response = AuthError::from(BearerError::MultipleHeaders).to_response();
    /// assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    /// assert_eq!(
    ///     response.body(),
    ///     r#"{"error":"invalid_request","error_description":"The Authorization header is malformed"}"#
    /// );
    /// ```
    pub fn to_response(&self) -> Response<String> {
        let challenge = self.challenge();
        let body = match (challenge.error_code(), challenge.description()) {
            (Some(code), Some(description)) => {
                format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
            }
            _ => String::new(),
        };
        let mut response = Response::new(body);
        *response.status_mut() = challenge.status();
        let headers = response.headers_mut();
        if challenge == Challenge::Unavailable {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(Self::RETRY_AFTER_SECS),
            );
        } else {
            headers.insert(header::WWW_AUTHENTICATE, challenge.www_authenticate());
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if challenge.error_code().is_some() {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        response
    }
}
