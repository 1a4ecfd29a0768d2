//! axum 0.8 extractors: [`Authenticated<C>`] for routes that require a caller,
//! `Option<Authenticated<C>>` for routes where signing in is optional, and
//! [`Authenticated::require`] for a condition on the claims (a role). Rejections are
//! [`AuthError`]s, which implement `IntoResponse`. Feature `axum`.
//!
//! The [`Verifier`] comes from the router's state, through `FromRef`; behind the tower layer
//! (`jwt_auth::tower::AuthLayer`, feature `tower`) the claims the layer put in the request's
//! extensions are taken as they are.
//!
//! ```
//! use axum::{Router, routing::get};
//! use jwt_auth::axum::Authenticated;
//! use jwt_auth::{AuthError, Issuer, Secret, Verifier};
//!
//! #[derive(Clone, serde::Deserialize)]
//! struct Roles { roles: Vec<String> }
//!
//! async fn me(Authenticated(claims): Authenticated) -> String {
//!     claims.sub
//! }
//!
//! async fn hello(caller: Option<Authenticated>) -> String {
//!     // `None` only without an `Authorization` header: a bad token is still a 401.
//!     format!("hello, {}", caller.map_or("stranger".into(), |Authenticated(claims)| claims.sub))
//! }
//!
//! async fn admin(user: Authenticated<Roles>) -> Result<String, AuthError> {
//!     // 403 `insufficient_scope` without the role: the token is fine, the user stays signed in.
//!     let Authenticated(claims) = user.require("the admin role", |claims| {
//!         claims.custom.roles.iter().any(|role| role == "admin")
//!     })?;
//!     Ok(format!("welcome, {}", claims.sub))
//! }
//!
//! # use tower::ServiceExt as _;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let (secret, _) = Secret::generate();
//! let app: Router = Router::new()
//!     .route("/me", get(me))
//!     .route("/hello", get(hello))
//!     .route("/admin", get(admin))
//!     .with_state(Verifier::new(&secret));
//!
//! let token = Issuer::new(&secret).issue("42", None)?;
//! let get = |path: &str, bearer: Option<&str>| {
//!     let request = http::Request::get(path);
//!     let request = match bearer {
//!         Some(token) => request.header("authorization", format!("Bearer {token}")),
//!         None => request,
//!     };
//!     app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap())
//! };
//! assert_eq!(get("/me", Some(&token)).await?.status(), 200);
//! assert_eq!(get("/me", None).await?.status(), 401);
//! assert_eq!(get("/hello", None).await?.status(), 200);
//! assert_eq!(get("/hello", Some("not.a.token")).await?.status(), 401);
//! let refused = get("/admin", Some(&token)).await?; // no `roles` claim at all
//! assert_eq!(refused.status(), 403);
//! assert!(refused.headers()["www-authenticate"].to_str()?.starts_with(r#"Bearer error="insufficient_scope""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

use ::http::request::Parts;
use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{authenticate, require, required};
use crate::claims::Claims;
use crate::verifier::Verifier;
use crate::web::{AuthError, Authorization};

/// The verified claims of the request's bearer token, with custom claims `C`. Extracting it
/// rejects the request (400, 401 or 403, with the RFC 6750 challenge) when there is no valid
/// token; a valid token whose custom claims do not fit `C` is 403 `insufficient_scope`.
///
/// As `Option<Authenticated<C>>`: `None` when the request has no `Authorization` header at
/// all, and still a rejection when it has a bad one.
///
/// ```
/// use jwt_auth::axum::Authenticated;
///
/// async fn me(Authenticated(claims): Authenticated) -> String {
///     claims.sub
/// }
/// let _: axum::routing::MethodRouter<jwt_auth::Verifier> = axum::routing::get(me);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated<C = ()>(pub Claims<C>);

impl<C> Authenticated<C> {
    /// Keeps the caller only if `condition` holds for the claims: otherwise the rejection is
    /// 403 `insufficient_scope`, logged as "the route requires {requirement}".
    ///
    /// ```
    /// use jwt_auth::axum::Authenticated;
    /// use jwt_auth::{AuthError, Claims};
    ///
    /// let claims: Claims = serde_json::from_str(r#"{"sub":"42","exp":1767225600}"#)?;
    /// let refused = Authenticated(claims).require("user 7", |claims| claims.sub == "7").unwrap_err();
    /// assert_eq!(refused, AuthError::insufficient_scope("the route requires user 7"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`AuthError::InsufficientScope`] when `condition` is false.
    pub fn require(
        self,
        requirement: &str,
        condition: impl FnOnce(&Claims<C>) -> bool,
    ) -> Result<Self, AuthError> {
        require(&self.0, requirement, condition)?;
        Ok(self)
    }
}

/// The claims the tower layer verified, or else the state's verifier's answer.
fn extract<S, C>(parts: &Parts, state: &S) -> Result<Option<Claims<C>>, AuthError>
where
    Verifier: FromRef<S>,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    if let Some(claims) = parts.extensions.get::<Claims<C>>() {
        return Ok(Some(claims.clone()));
    }
    authenticate(
        &Verifier::from_ref(state),
        Authorization::from(&parts.headers),
    )
}

impl<S, C> FromRequestParts<S> for Authenticated<C>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        required(extract(parts, state)).map(Self)
    }
}

impl<S, C> OptionalFromRequestParts<S> for Authenticated<C>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(extract(parts, state)?.map(Self))
    }
}

/// [`AuthError::to_response`], with the [`AuthError`] itself in the response's extensions so
/// that a logging middleware can record the precise cause (the client only gets the generic
/// description).
impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response = self.to_response().into_response();
        response.extensions_mut().insert(self);
        response
    }
}
