//! The wiring to copy into an axum service: extractors for authenticated claims, and the
//! rejection that renders the `jwt-auth` crate's RFC 6750 response.
//!
//! ```ignore
//! async fn me(Authenticated(claims): Authenticated) -> String { claims.sub }
//! async fn hello(caller: Option<Authenticated>) -> String { /* None without credentials */ }
//! ```
//!
//! The state only has to provide a [`Verifier`] through [`FromRef`].

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use jwt_auth::{AuthError, BearerError, Claims, Verifier};

/// The verified claims of the request's bearer token. Extracting it rejects the request (401 or
/// 400, with the RFC 6750 challenge) when there is no valid token.
///
/// As `Option<Authenticated>` it is optional authentication: `None` when the request carries no
/// `Authorization` header at all, and still a rejection when it carries a bad one, so a client
/// with an expired token learns that it must log in again.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Claims);

impl<S> FromRequestParts<S> for Authenticated
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        Ok(Self(verifier.authenticate(&parts.headers)?))
    }
}

impl<S> OptionalFromRequestParts<S> for Authenticated
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match Verifier::from_ref(state).authenticate(&parts.headers) {
            Ok(claims) => Ok(Some(Self(claims))),
            Err(AuthError::Bearer(BearerError::Missing)) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
}

/// Why [`Authenticated`] refused a request. Its response is the crate's own
/// [`AuthError::to_response`]: status, `WWW-Authenticate`, `Cache-Control: no-store` and body.
#[derive(Debug)]
pub struct AuthRejection(pub AuthError);

impl From<AuthError> for AuthRejection {
    fn from(err: AuthError) -> Self {
        Self(err)
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        // The precise cause goes to the logs; the client gets the generic RFC 6750 description.
        example_common::log_rejection(&self.0);
        self.0.to_response().into_response()
    }
}
