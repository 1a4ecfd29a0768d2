//! axum 0.8: sessions and authentication for a service in one router. Feature `axum`.
//!
//! A complete service: the application checks credentials and returns `Sessions::login`'s
//! result ([`TokenPair`] and [`SessionError`] are responses), [`session_routes`] mounts
//! `POST /refresh`, `POST /logout` and `POST /logout-everywhere`, and [`Authenticated`] protects
//! a route. The state is the sessions alone: their verifier (with the store's revocations, and
//! the config's leeway) is what `Authenticated` checks tokens with.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use axum::response::{IntoResponse, Response};
//! use axum::routing::{get, post};
//! use axum::{Json, Router, extract::State, http::StatusCode};
//! use jwt_auth::axum::{Authenticated, session_routes};
//! use jwt_auth::{AuthConfig, MemoryStore, Sessions};
//!
//! #[derive(serde::Deserialize)]
//! struct Login { email: String, password: String }
//!
//! async fn login(State(sessions): State<Arc<Sessions<MemoryStore>>>, Json(form): Json<Login>) -> Response {
//!     let Some(user_id) = check_password(&form.email, &form.password) else {
//!         return StatusCode::UNAUTHORIZED.into_response();
//!     };
//!     // 200 with the RFC 6749 token response, or 503 with `Retry-After` if the store is down.
//!     sessions.login(&user_id, Some(&form.email)).await.into_response()
//! }
//!
//! async fn me(Authenticated(claims): Authenticated) -> String {
//!     claims.sub
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let config = AuthConfig::from_env()?; // JWT_SECRET, JWT_LEEWAY_SECS…
//!     let sessions = Arc::new(Sessions::from_config(&config, MemoryStore::new()));
//!     let app = Router::new()
//!         .route("/login", post(login))
//!         .route("/me", get(me))
//!         .merge(session_routes())
//!         .with_state(sessions);
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! # fn check_password(_: &str, _: &str) -> Option<String> { None }
//! ```
//!
//! A logging middleware finds the precise cause of every refusal in the response's extensions:
//! an [`AuthError`] for a rejected token, a [`SessionError`] for a refused refresh (a detected
//! reuse is [`SessionError::Reused`]); the client gets only the generic answer.
//!
//! ```
//! use axum::{Router, middleware::map_response, response::Response};
//! use jwt_auth::{AuthError, SessionError};
//!
//! async fn log_causes(response: Response) -> Response {
//!     if let Some(cause) = response.extensions().get::<SessionError>() {
//!         eprintln!("session refused: {cause}"); // never holds a token
//!     }
//!     if let Some(cause) = response.extensions().get::<AuthError>() {
//!         eprintln!("request rejected: {cause}");
//!     }
//!     response
//! }
//! let app: Router = Router::new().layer(map_response(log_causes));
//! ```
//!
//! # Extractors
//! [`Authenticated<C>`] for routes that require a caller,
//! `Option<Authenticated<C>>` for routes where signing in is optional, and
//! [`Authenticated::require`] for a condition on the claims (a role). Rejections are
//! [`AuthError`]s, which implement `IntoResponse`.
//!
//! The [`Verifier`] comes from the router's state, through `FromRef` (an `Arc<Sessions<St>>`
//! state gives its sessions' verifier); behind the tower layer
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

use std::sync::Arc;

use ::axum::Router;
use ::axum::body::Bytes;
use ::axum::extract::State;
use ::axum::extract::rejection::BytesRejection;
use ::axum::routing::post;
use ::http::request::Parts;
use ::http::{HeaderMap, header};
use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{authenticate, authenticate_fresh, needs_refresh, require, required};
use crate::claims::Claims;
use crate::session::{SessionError, Sessions, TokenPair};
use crate::store::SessionStore;
use crate::verifier::Verifier;
use crate::web::session::{RefreshRequest, no_content};
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

/// The claims the tower layer verified, or else the state's verifier's answer, waiting for its
/// remote key set's refresh only when the token needs a key the set does not hold yet.
async fn extract<S, C>(parts: &Parts, state: &S) -> Result<Option<Claims<C>>, AuthError>
where
    Verifier: FromRef<S>,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    if let Some(claims) = parts.extensions.get::<Claims<C>>() {
        return Ok(Some(claims.clone()));
    }
    let verifier = Verifier::from_ref(state);
    let result = authenticate(&verifier, Authorization::from(&parts.headers));
    if needs_refresh(&result)
        && let Ok(token) = Authorization::from(&parts.headers).token()
    {
        return authenticate_fresh(&verifier, token).await;
    }
    result
}

impl<S, C> FromRequestParts<S> for Authenticated<C>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        required(extract(parts, state).await).map(Self)
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
        Ok(extract(parts, state).await?.map(Self))
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

/// [`TokenPair::to_response`]: the RFC 6749 §5.1 token response, `Cache-Control: no-store` and
/// `Pragma: no-cache`. A login handler returns `Sessions::login`'s result as it is.
impl IntoResponse for TokenPair {
    fn into_response(self) -> Response {
        self.to_response().into_response()
    }
}

/// [`SessionError::to_response`] (400 `invalid_grant` or `invalid_request`, 503 with
/// `Retry-After`), with the [`SessionError`] itself in the response's extensions so that a
/// logging middleware can record the precise cause, [`SessionError::Reused`] included.
impl IntoResponse for SessionError {
    fn into_response(self) -> Response {
        let mut response = self.to_response().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The application state's sessions, for [`session_routes`]: an `Arc<Sessions<St>>` state, or
/// any state with `FromRef` to one, gives the routes the sessions, and the sessions' verifier
/// ([`Sessions::verifier`]) to `Authenticated` unless the state has its own.
impl<St: SessionStore> FromRef<Arc<Sessions<St>>> for Verifier {
    fn from_ref(sessions: &Arc<Sessions<St>>) -> Self {
        sessions.verifier().clone()
    }
}

/// The ready session routes, to merge into the application's router:
///
/// - `POST /refresh` `{"refresh_token"}`: 200 with a new [`TokenPair`];
/// - `POST /logout` `{"refresh_token"}`: 204, that session ended;
/// - `POST /logout-everywhere` with the bearer access token, verified by the state's
///   [`Verifier`]: 204, every session of its subject ended.
///
/// A refused refresh token is 400 `{"error":"invalid_grant"}`, a body that is not JSON with a
/// string `refresh_token` (or not `application/json`, or over the body limit) 400
/// `invalid_request`, a store outage 503 with `Retry-After`: each a [`SessionError`], in the
/// response's extensions for logging. The sessions (`Arc<Sessions<St>>`) and the verifier come
/// from the state through `FromRef`: a state of `Arc<Sessions<St>>` alone serves both.
///
/// ```
/// use std::sync::Arc;
///
/// use axum::Router;
/// use jwt_auth::{MemoryStore, Secret, Sessions};
///
/// let (secret, _) = Secret::generate();
/// let sessions = Arc::new(Sessions::new(&secret, MemoryStore::new()));
/// let app: Router = Router::new().merge(jwt_auth::axum::session_routes()).with_state(sessions);
/// ```
pub fn session_routes<S, St>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    St: SessionStore + 'static,
    Arc<Sessions<St>>: FromRef<S>,
    Verifier: FromRef<S>,
{
    Router::new()
        .route("/refresh", post(refresh::<St>))
        .route("/logout", post(logout::<St>))
        .route("/logout-everywhere", post(logout_everywhere::<St>))
}

/// The `{"refresh_token"}` of a request, or the `invalid_request` it gets.
fn refresh_request(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<RefreshRequest, SessionError> {
    // A body over the router's limit, or one that could not be read, is no refresh token either:
    // the client gets the same JSON as for any other malformed body, not axum's plain text.
    let body = body.map_err(|_| SessionError::InvalidRequest {
        reason: "the body could not be read (too large, or cut off)",
    })?;
    let content_types = headers
        .get_all(header::CONTENT_TYPE)
        .iter()
        .map(::http::HeaderValue::as_bytes);
    RefreshRequest::parse(content_types, &body)
}

async fn refresh<St: SessionStore>(
    State(sessions): State<Arc<Sessions<St>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<TokenPair, SessionError> {
    let request = refresh_request(&headers, body)?;
    sessions.refresh(request.refresh_token.as_str()).await
}

async fn logout<St: SessionStore>(
    State(sessions): State<Arc<Sessions<St>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, SessionError> {
    let request = refresh_request(&headers, body)?;
    sessions.logout(request.refresh_token.as_str()).await?;
    Ok(no_content().into_response())
}

async fn logout_everywhere<St: SessionStore>(
    State(sessions): State<Arc<Sessions<St>>>,
    Authenticated(claims): Authenticated,
) -> Result<Response, SessionError> {
    sessions.logout_everywhere(&claims.sub).await?;
    Ok(no_content().into_response())
}
