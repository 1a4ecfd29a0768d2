//! The wiring to copy into an actix-web service: extractors for authenticated claims, and the
//! rejection that renders the `jwt-auth` crate's RFC 6750 response.
//!
//! ```ignore
//! async fn me(Authenticated(claims): Authenticated) -> String { claims.sub }
//! async fn hello(MaybeAuthenticated(caller): MaybeAuthenticated) -> String { /* None without credentials */ }
//! ```
//!
//! Both read the [`Verifier`] from `web::Data<Verifier>`: register it with
//! `App::app_data(web::Data::new(verifier))`.

use std::fmt;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use jwt_auth::{AuthError, BearerError, Claims, Verifier};

use crate::respond;

/// The verified claims of the request's bearer token. Extracting it rejects the request (401 or
/// 400, with the RFC 6750 challenge) when there is no valid token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Claims);

impl FromRequest for Authenticated {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|result| Ok(Self(result.map_err(AuthRejection)?))))
    }
}

/// Optional authentication: `None` when the request carries no `Authorization` header at all,
/// and still a rejection when it carries a bad one, so a client with an expired token learns
/// that it must log in again.
///
/// Not `Option<Authenticated>`: actix-web's `Option` extractor turns *every* error into `None`,
/// which would serve a forged or expired token as an anonymous caller.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Claims>);

impl FromRequest for MaybeAuthenticated {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|result| match result {
            Ok(claims) => Ok(Self(Some(claims))),
            Err(AuthError::Bearer(BearerError::Missing)) => Ok(Self(None)),
            Err(err) => Err(AuthRejection(err).into()),
        }))
    }
}

/// Verifies the request's bearer token; the outer error is a missing `web::Data<Verifier>`.
fn authenticate(req: &HttpRequest) -> Result<Result<Claims, AuthError>, actix_web::Error> {
    let Some(verifier) = req.app_data::<web::Data<Verifier>>() else {
        tracing::error!("no web::Data<Verifier> in the app: register one with App::app_data");
        return Err(actix_web::error::ErrorInternalServerError(
            "authentication is not configured",
        ));
    };
    Ok(verifier.authenticate(&authorization_headers(req)))
}

/// actix-web 4 is built on `http` 0.2 and `jwt-auth` on `http` 1: copy the `Authorization`
/// values across, every one of them, so that two headers are still refused as ambiguous.
fn authorization_headers(req: &HttpRequest) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for value in req.headers().get_all(AUTHORIZATION) {
        // Both versions accept the same bytes, so this cannot fail; if it ever did, the stand-in
        // is refused (never read as "no credentials").
        let value = http::HeaderValue::from_bytes(value.as_bytes())
            .unwrap_or_else(|_| http::HeaderValue::from_static("Invalid"));
        headers.append(http::header::AUTHORIZATION, value);
    }
    headers
}

/// Why an extractor refused a request. Its response is the crate's own
/// [`AuthError::to_response`]: status, `WWW-Authenticate`, `Cache-Control: no-store` and body.
#[derive(Debug)]
pub struct AuthRejection(pub AuthError);

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status_code().as_u16()).unwrap_or(StatusCode::UNAUTHORIZED)
    }

    fn error_response(&self) -> HttpResponse {
        // The precise cause goes to the logs; the client gets the generic RFC 6750 description.
        example_common::log_rejection(&self.0);
        respond(self.0.to_response())
    }
}
