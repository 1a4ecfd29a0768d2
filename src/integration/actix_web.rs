//! actix-web 4: sessions and authentication for a service in one app. Feature `actix-web`.
//!
//! A complete service: the application checks credentials and returns `Sessions::login`'s
//! result ([`TokenPair`] is a `Responder`, [`SessionError`] a `ResponseError`),
//! [`session_routes`] mounts `POST /refresh`, `POST /logout` and `POST /logout-everywhere`, and
//! [`Authenticated`] protects a route with the verifier registered beside the sessions (theirs:
//! it checks the store's revocations, with the config's leeway).
//!
//! ```no_run
//! use actix_web::{App, HttpServer, error::ErrorUnauthorized, web};
//! use jwt_auth::actix_web::{Authenticated, session_routes};
//! use jwt_auth::{AuthConfig, MemoryStore, Sessions, TokenPair};
//!
//! #[derive(serde::Deserialize)]
//! struct Login { email: String, password: String }
//!
//! async fn login(sessions: web::Data<Sessions<MemoryStore>>, form: web::Json<Login>) -> actix_web::Result<TokenPair> {
//!     let user_id = check_password(&form.email, &form.password).ok_or_else(|| ErrorUnauthorized("invalid credentials"))?;
//!     // 200 with the RFC 6749 token response, or 503 with `Retry-After` if the store is down.
//!     Ok(sessions.login(&user_id, Some(&form.email)).await?)
//! }
//!
//! async fn me(Authenticated(claims): Authenticated) -> String {
//!     claims.sub
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     let config = AuthConfig::from_env().map_err(std::io::Error::other)?; // JWT_SECRET…
//!     let sessions = web::Data::new(Sessions::from_config(&config, MemoryStore::new()));
//!     let verifier = web::Data::new(sessions.verifier().clone());
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(sessions.clone())
//!             .app_data(verifier.clone())
//!             .route("/login", web::post().to(login))
//!             .route("/me", web::get().to(me))
//!             .configure(session_routes::<MemoryStore>)
//!     })
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await
//! }
//! # fn check_password(_: &str, _: &str) -> Option<String> { None }
//! ```
//!
//! A logging middleware finds the precise cause of every refusal in the response's extensions:
//! an [`AuthError`] for a rejected token, a [`SessionError`] for a refused refresh (a detected
//! reuse is [`SessionError::Reused`]); the client gets only the generic answer.
//!
//! ```
//! use actix_web::body::MessageBody;
//! use actix_web::dev::{ServiceRequest, ServiceResponse};
//! use actix_web::middleware::{Next, from_fn};
//! use jwt_auth::{AuthError, SessionError};
//!
//! async fn log_causes(
//!     request: ServiceRequest,
//!     next: Next<impl MessageBody + 'static>,
//! ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
//!     let response = next.call(request).await?;
//!     if let Some(cause) = response.response().extensions().get::<SessionError>() {
//!         eprintln!("session refused: {cause}"); // never holds a token
//!     }
//!     if let Some(cause) = response.response().extensions().get::<AuthError>() {
//!         eprintln!("request rejected: {cause}");
//!     }
//!     Ok(response)
//! }
//! let app = actix_web::App::new().wrap(from_fn(log_causes));
//! ```
//!
//! # Extractors
//! [`Authenticated<C>`] for routes that require a caller,
//! [`MaybeAuthenticated<C>`] for routes where signing in is optional, and
//! [`Authenticated::require`] for a condition on the claims (a role). Rejections are
//! [`AuthError`]s, which implement `ResponseError`.
//!
//! The [`Verifier`] comes from the app data: register it with
//! `App::app_data(web::Data::new(verifier))` (or `App::app_data(verifier)`). Without one, the
//! extractors answer 500: nothing is let through unverified.
//!
//! Optional authentication is its own type because actix-web's `Option<T>` extractor turns
//! *every* error into `None`, which would serve an expired or forged token as an anonymous
//! caller. The `Authorization` values are read as the bytes actix-web holds (it is built on
//! another `http` version than this crate), never copied.
//!
//! ```
//! use actix_web::{App, HttpResponse, test, web};
//! use jwt_auth::actix_web::{Authenticated, MaybeAuthenticated};
//! use jwt_auth::{AuthError, Issuer, Secret, Verifier};
//!
//! #[derive(Clone, serde::Deserialize)]
//! struct Roles { roles: Vec<String> }
//!
//! async fn me(Authenticated(claims): Authenticated) -> String {
//!     claims.sub
//! }
//!
//! async fn hello(MaybeAuthenticated(caller): MaybeAuthenticated) -> String {
//!     format!("hello, {}", caller.map_or("stranger".into(), |claims| claims.sub))
//! }
//!
//! async fn admin(user: Authenticated<Roles>) -> Result<String, AuthError> {
//!     let Authenticated(claims) = user.require("the admin role", |claims| {
//!         claims.custom.roles.iter().any(|role| role == "admin")
//!     })?;
//!     Ok(format!("welcome, {}", claims.sub))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # actix_web::rt::System::new().block_on(async {
//! let (secret, _) = Secret::generate();
//! let app = test::init_service(
//!     App::new()
//!         .app_data(web::Data::new(Verifier::new(&secret)))
//!         .route("/me", web::get().to(me))
//!         .route("/hello", web::get().to(hello))
//!         .route("/admin", web::get().to(admin)),
//! )
//! .await;
//!
//! let token = Issuer::new(&secret).issue("42", None)?;
//! let bearer = ("authorization", format!("Bearer {token}"));
//! let request = test::TestRequest::get().uri("/me").insert_header(bearer.clone());
//! assert_eq!(test::call_service(&app, request.to_request()).await.status(), 200);
//! let request = test::TestRequest::get().uri("/me");
//! assert_eq!(test::call_service(&app, request.to_request()).await.status(), 401);
//! let request = test::TestRequest::get().uri("/hello");
//! assert_eq!(test::call_service(&app, request.to_request()).await.status(), 200);
//! let request = test::TestRequest::get().uri("/admin").insert_header(bearer);
//! assert_eq!(test::call_service(&app, request.to_request()).await.status(), 403);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::actix_web::body::BoxBody;
use ::actix_web::dev::Payload;
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use ::actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, ResponseError, web};
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
/// ```
/// use jwt_auth::actix_web::Authenticated;
///
/// async fn me(Authenticated(claims): Authenticated) -> String {
///     claims.sub
/// }
/// let _ = actix_web::web::get().to(me);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated<C = ()>(pub Claims<C>);

impl<C> Authenticated<C> {
    /// Keeps the caller only if `condition` holds for the claims: otherwise the rejection is
    /// 403 `insufficient_scope`, logged as "the route requires {requirement}".
    ///
    /// ```
    /// use jwt_auth::actix_web::Authenticated;
    /// use jwt_auth::{AuthError, Claims};
    ///
    /// let claims: Claims = serde_json::from_str(r#"{"sub":"42","exp":1767225600}"#)?;
    /// assert!(Authenticated(claims.clone()).require("user 42", |claims| claims.sub == "42").is_ok());
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

/// Optional authentication: `None` when the request has no `Authorization` header at all, and
/// still a rejection when it has a bad one, so a client whose token expired learns to sign in
/// again.
///
/// ```
/// use jwt_auth::actix_web::MaybeAuthenticated;
///
/// async fn hello(MaybeAuthenticated(caller): MaybeAuthenticated) -> String {
///     format!("hello, {}", caller.map_or("stranger".into(), |claims| claims.sub))
/// }
/// let _ = actix_web::web::get().to(hello);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeAuthenticated<C = ()>(pub Option<Claims<C>>);

/// The future of [`Authenticated`] and [`MaybeAuthenticated`]: ready at once, unless the
/// token needs a key that the verifier's remote key set
/// (`jwks::RemoteKeySet`) does not hold yet; then it waits for the set's
/// refresh ([`Verifier::verify_fresh`]) and verifies again.
///
/// ```
/// use actix_web::FromRequest as _;
/// use jwt_auth::actix_web::{ExtractFuture, MaybeAuthenticated};
///
/// let request = actix_web::test::TestRequest::default().to_http_request();
/// let future: ExtractFuture<MaybeAuthenticated> = MaybeAuthenticated::extract(&request);
/// ```
pub struct ExtractFuture<T> {
    state: ExtractState<T>,
}

enum ExtractState<T> {
    Ready(Option<Result<T, ::actix_web::Error>>),
    Waiting(Pin<Box<dyn Future<Output = Result<T, ::actix_web::Error>>>>),
}

impl<T> fmt::Debug for ExtractFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.state {
            ExtractState::Ready(_) => "ExtractFuture::Ready",
            ExtractState::Waiting(_) => "ExtractFuture::Waiting",
        })
    }
}

// Nothing in it is pinned in place: the waiting future is boxed, the ready value moved out.
impl<T> Unpin for ExtractFuture<T> {}

impl<T> Future for ExtractFuture<T> {
    type Output = Result<T, ::actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            ExtractState::Ready(result) => Poll::Ready(
                result
                    .take()
                    .expect("ExtractFuture polled after it completed"),
            ),
            ExtractState::Waiting(future) => future.as_mut().poll(cx),
        }
    }
}

/// What verifying a request's token answers: claims, nobody, or the rejection.
type Verified<C> = Result<Option<Claims<C>>, AuthError>;

/// Verifies the request's bearer token with the app's [`Verifier`] and makes the extractor's
/// value with `wrap`; a missing verifier is an error of its own (500).
fn extract<C, T>(
    req: &HttpRequest,
    wrap: fn(Verified<C>) -> Result<T, ::actix_web::Error>,
) -> ExtractFuture<T>
where
    C: DeserializeOwned + 'static,
    T: 'static,
{
    let ready = |result| ExtractFuture {
        state: ExtractState::Ready(Some(result)),
    };
    let Some(verifier) = req
        .app_data::<web::Data<Verifier>>()
        .map(web::Data::get_ref)
        .or_else(|| req.app_data::<Verifier>())
    else {
        return ready(Err(::actix_web::error::ErrorInternalServerError(
            "authentication is not configured",
        )));
    };
    let values = || {
        req.headers()
            .get_all(AUTHORIZATION)
            .map(::actix_web::http::header::HeaderValue::as_bytes)
    };
    let result = authenticate(verifier, Authorization::from_values(values()));
    if needs_refresh(&result)
        && let Ok(token) = Authorization::from_values(values()).token()
    {
        let verifier = verifier.clone();
        let token = token.to_owned();
        return ExtractFuture {
            state: ExtractState::Waiting(Box::pin(async move {
                wrap(authenticate_fresh(&verifier, &token).await)
            })),
        };
    }
    ready(wrap(result))
}

impl<C: DeserializeOwned + 'static> FromRequest for Authenticated<C> {
    type Error = ::actix_web::Error;
    type Future = ExtractFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, |result| Ok(Self(required(result)?)))
    }
}

impl<C: DeserializeOwned + 'static> FromRequest for MaybeAuthenticated<C> {
    type Error = ::actix_web::Error;
    type Future = ExtractFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, |result| Ok(Self(result?)))
    }
}

/// [`AuthError::to_response`] as an actix-web response, with the [`AuthError`] itself in the
/// response's extensions so that a logging middleware can record the precise cause (the client
/// only gets the generic description).
impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status_code().as_u16()).unwrap_or(StatusCode::UNAUTHORIZED)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = convert(self.to_response());
        response.extensions_mut().insert(self.clone());
        response
    }
}

/// An `http` 1 response (what the crate builds) as an actix-web one, which is built on `http`
/// 0.2: status, headers and body copied.
fn convert(response: ::http::Response<String>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        builder.append_header((name.as_str(), value.as_bytes()));
    }
    builder.body(body)
}

/// [`TokenPair::to_response`]: the RFC 6749 §5.1 token response, `Cache-Control: no-store` and
/// `Pragma: no-cache`. A login handler returns `Sessions::login`'s result as it is.
impl Responder for TokenPair {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        convert(self.to_response())
    }
}

/// [`SessionError::to_response`] (400 `invalid_grant` or `invalid_request`, 503 with
/// `Retry-After`), with the [`SessionError`] itself in the response's extensions so that a
/// logging middleware can record the precise cause, [`SessionError::Reused`] included.
impl ResponseError for SessionError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status_code().as_u16()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = convert(self.to_response());
        response.extensions_mut().insert(self.clone());
        response
    }
}

/// The ready session routes, for `App::configure(session_routes::<St>)` (or a scope's):
///
/// - `POST /refresh` `{"refresh_token"}`: 200 with a new [`TokenPair`];
/// - `POST /logout` `{"refresh_token"}`: 204, that session ended;
/// - `POST /logout-everywhere` with the bearer access token, verified by the app's
///   [`Verifier`] (as [`Authenticated`] finds it): 204, every session of its subject ended.
///
/// Another method on these paths is 405 with `Allow: POST`. A refused refresh token is 400
/// `{"error":"invalid_grant"}`, a body that is not JSON with a string `refresh_token` (or not
/// `application/json`, or over the payload limit) 400 `invalid_request`, a store outage 503 with
/// `Retry-After`: each a [`SessionError`], in the response's extensions for logging. The
/// sessions come from the app data, `web::Data<Sessions<St>>`; without them the routes answer
/// 500.
///
/// ```
/// use actix_web::{App, web};
/// use jwt_auth::actix_web::session_routes;
/// use jwt_auth::{MemoryStore, Secret, Sessions};
///
/// let (secret, _) = Secret::generate();
/// let sessions = web::Data::new(Sessions::new(&secret, MemoryStore::new()));
/// let app = App::new()
///     .app_data(web::Data::new(sessions.verifier().clone()))
///     .app_data(sessions)
///     .configure(session_routes::<MemoryStore>);
/// ```
pub fn session_routes<St: SessionStore + 'static>(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/refresh").route(web::post().to(refresh::<St>)))
        .service(web::resource("/logout").route(web::post().to(logout::<St>)))
        .service(
            web::resource("/logout-everywhere").route(web::post().to(logout_everywhere::<St>)),
        );
}

/// The `{"refresh_token"}` of a request, or the `invalid_request` it gets.
fn refresh_request(
    req: &HttpRequest,
    body: Result<web::Bytes, ::actix_web::Error>,
) -> Result<RefreshRequest, SessionError> {
    // A body over the payload limit, or one that could not be read, is no refresh token either:
    // the client gets the same JSON as for any other malformed body.
    let body = body.map_err(|_| SessionError::InvalidRequest {
        reason: "the body could not be read (too large, or cut off)",
    })?;
    let content_types = req
        .headers()
        .get_all(CONTENT_TYPE)
        .map(::actix_web::http::header::HeaderValue::as_bytes);
    RefreshRequest::parse(content_types, &body)
}

async fn refresh<St: SessionStore + 'static>(
    req: HttpRequest,
    sessions: web::Data<Sessions<St>>,
    body: Result<web::Bytes, ::actix_web::Error>,
) -> Result<TokenPair, SessionError> {
    let request = refresh_request(&req, body)?;
    sessions.refresh(request.refresh_token.as_str()).await
}

async fn logout<St: SessionStore + 'static>(
    req: HttpRequest,
    sessions: web::Data<Sessions<St>>,
    body: Result<web::Bytes, ::actix_web::Error>,
) -> Result<HttpResponse, SessionError> {
    let request = refresh_request(&req, body)?;
    sessions.logout(request.refresh_token.as_str()).await?;
    Ok(convert(no_content()))
}

async fn logout_everywhere<St: SessionStore + 'static>(
    sessions: web::Data<Sessions<St>>,
    Authenticated(claims): Authenticated,
) -> Result<HttpResponse, SessionError> {
    sessions.logout_everywhere(&claims.sub).await?;
    Ok(convert(no_content()))
}
