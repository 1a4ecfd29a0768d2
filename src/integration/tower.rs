//! A tower layer for any tower service (axum, tonic, a bare hyper service): it verifies the
//! bearer token and puts the [`Claims`](crate::Claims) in the request's extensions, or answers the RFC 6750
//! rejection itself. Feature `tower`.
//!
//! ```
//! use std::convert::Infallible;
//!
//! use http::{Request, Response, StatusCode, header::AUTHORIZATION};
//! use jwt_auth::tower::AuthLayer;
//! use jwt_auth::{Claims, Issuer, Secret, Verifier};
//! use tower::{ServiceBuilder, ServiceExt as _, service_fn};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let (secret, _) = Secret::generate();
//! let service = ServiceBuilder::new()
//!     .layer(AuthLayer::required(Verifier::new(&secret)))
//!     .service(service_fn(|request: Request<String>| async move {
//!         // The layer only lets verified requests through, with their claims.
//!         let sub = request.extensions().get::<Claims>().map(|claims| claims.sub.clone());
//!         Ok::<_, Infallible>(Response::new(format!("hello, {}", sub.unwrap_or_default())))
//!     }));
//!
//! let token = Issuer::new(&secret).issue("42", None)?;
//! let request = Request::builder()
//!     .header(AUTHORIZATION, format!("Bearer {token}"))
//!     .body(String::new())?;
//! let response = service.clone().oneshot(request).await?;
//! assert_eq!(response.body(), "hello, 42");
//!
//! let response = service.oneshot(Request::new(String::new())).await?;
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! [`AuthLayer::optional`] lets requests without an `Authorization` header through without
//! claims (a bad header is still rejected), [`AuthLayer::with_claims`] reads custom claims, and
//! [`AuthLayer::with_rejection`] answers rejections the application's way: with
//! [`GrpcRejection`] as gRPC statuses, for a tonic service.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::http::{Request, Response};
use serde::de::DeserializeOwned;
use tower_layer::Layer;
use tower_service::Service;

use super::{authenticate, authenticate_fresh, needs_refresh, required};
use crate::claims::Claims;
use crate::verifier::Verifier;
use crate::web::{AuthError, Authorization};

/// Whether a request without credentials may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Required,
    Optional,
}

/// How a rejected request is answered: by default the crate's RFC 6750 response
/// ([`DefaultRejection`]); any `Fn(AuthError) -> Response<B>` closure replaces it, for the
/// application's own body format or logging.
///
/// ```
/// use http::Response;
/// use jwt_auth::AuthError;
/// use jwt_auth::tower::Rejection;
///
/// let problem_json = |error: AuthError| {
///     let mut response = error.to_response();
///     *response.body_mut() = format!(r#"{{"title":"{}"}}"#, error.error_code().unwrap_or("unauthorized"));
///     response
/// };
/// let response: Response<String> = problem_json.reject(AuthError::insufficient_scope("admin"));
/// assert_eq!(response.status(), 403);
/// assert_eq!(response.body(), r#"{"title":"insufficient_scope"}"#);
/// ```
pub trait Rejection<B> {
    /// The response to a request rejected for `error`.
    fn reject(&self, error: AuthError) -> Response<B>;
}

/// The default [`Rejection`]: [`AuthError::to_response`] (status, `WWW-Authenticate`,
/// `Cache-Control: no-store`, JSON body), with the [`AuthError`] itself in the response's
/// extensions so that a logging layer further out can record the precise cause.
///
/// ```
/// use http::Response;
/// use jwt_auth::{AuthError, BearerError};
/// use jwt_auth::tower::{DefaultRejection, Rejection};
///
/// let response: Response<String> = DefaultRejection.reject(BearerError::MultipleHeaders.into());
/// assert_eq!(response.status(), 400);
/// assert_eq!(
///     response.extensions().get::<AuthError>(),
///     Some(&AuthError::Bearer(BearerError::MultipleHeaders))
/// );
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRejection;

impl<B: From<String>> Rejection<B> for DefaultRejection {
    fn reject(&self, error: AuthError) -> Response<B> {
        let mut response = error.to_response().map(B::from);
        response.extensions_mut().insert(error);
        response
    }
}

/// A [`Rejection`] for gRPC services (tonic, or any gRPC server on tower): the rejection as a
/// gRPC status in a trailers-only response (HTTP 200, `content-type: application/grpc`,
/// `grpc-status`, `grpc-message`), which a gRPC client reads as the call's status:
///
/// | rejection | HTTP | gRPC status |
/// | --- | --- | --- |
/// | no credentials, a malformed `authorization` value, a bad token | 401, 400 | `UNAUTHENTICATED` (16) |
/// | `insufficient_scope` | 403 | `PERMISSION_DENIED` (7) |
/// | revocation, or a remote key set, cannot be checked (an outage) | 503 | `UNAVAILABLE` (14), which clients retry |
///
/// The message is generic, as the HTTP body's description is; the [`AuthError`] travels in the
/// response's extensions for a logging layer further out. Its body is `B::default()`, the empty
/// body every gRPC server's body type has, so a tonic service behind
/// `AuthLayer::required(verifier).with_rejection(GrpcRejection)` compiles as it is.
///
/// ```
/// use http::Response;
/// use jwt_auth::{AuthError, BearerError};
/// use jwt_auth::tower::{GrpcRejection, Rejection};
///
/// let response: Response<String> = GrpcRejection.reject(BearerError::Missing.into());
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "application/grpc");
/// assert_eq!(response.headers()["grpc-status"], "16");
/// assert_eq!(response.headers()["grpc-message"], "Missing bearer credentials");
/// assert_eq!(response.extensions().get::<AuthError>(), Some(&AuthError::Bearer(BearerError::Missing)));
///
/// let response: Response<String> = GrpcRejection.reject(AuthError::insufficient_scope("admin"));
/// assert_eq!(response.headers()["grpc-status"], "7");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct GrpcRejection;

impl GrpcRejection {
    /// The gRPC status code and message for `error`.
    fn status(error: &AuthError) -> (u16, &'static str) {
        match (error.status_code().as_u16(), error.error_code()) {
            (503, _) => (14, "The token cannot be checked right now; retry later"),
            (403, _) => (7, "The access token does not grant access to this resource"),
            (_, None) => (16, "Missing bearer credentials"),
            (_, Some("invalid_request")) => (16, "The authorization metadata is malformed"),
            _ => (16, "The access token is invalid or has expired"),
        }
    }
}

impl<B: Default> Rejection<B> for GrpcRejection {
    fn reject(&self, error: AuthError) -> Response<B> {
        let (code, message) = Self::status(&error);
        let mut response = Response::new(B::default());
        let headers = response.headers_mut();
        headers.insert(
            ::http::header::CONTENT_TYPE,
            ::http::HeaderValue::from_static("application/grpc"),
        );
        headers.insert("grpc-status", ::http::HeaderValue::from(code));
        // Printable ASCII without `%`: nothing to percent-encode (gRPC over HTTP/2, Responses).
        headers.insert("grpc-message", ::http::HeaderValue::from_static(message));
        response.extensions_mut().insert(error);
        response
    }
}

impl<B, F: Fn(AuthError) -> Response<B>> Rejection<B> for F {
    fn reject(&self, error: AuthError) -> Response<B> {
        self(error)
    }
}

/// The layer: wraps a service in [`Auth`]. `C` is the type of the custom claims put in the
/// extensions (`Claims<C>`), `R` the [`Rejection`].
///
/// ```
/// use jwt_auth::tower::AuthLayer;
///
/// #[derive(Clone, serde::Deserialize)]
/// struct Roles { roles: Vec<String> }
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// let layer = AuthLayer::optional(jwt_auth::Verifier::new(&secret)).with_claims::<Roles>();
/// ```
pub struct AuthLayer<C = (), R = DefaultRejection> {
    verifier: Verifier,
    mode: Mode,
    rejection: R,
    claims: PhantomData<fn() -> C>,
}

impl AuthLayer {
    /// Every request must carry a valid bearer token; any other is answered with the
    /// rejection, and never reaches the service.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let layer = jwt_auth::tower::AuthLayer::required(jwt_auth::Verifier::new(&secret));
    /// ```
    pub fn required(verifier: Verifier) -> Self {
        Self::new(verifier, Mode::Required)
    }

    /// Requests without an `Authorization` header pass, without claims; one with a header must
    /// carry a valid token, so that a client whose token expired learns to sign in again
    /// rather than being served as anonymous.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let layer = jwt_auth::tower::AuthLayer::optional(jwt_auth::Verifier::new(&secret));
    /// ```
    pub fn optional(verifier: Verifier) -> Self {
        Self::new(verifier, Mode::Optional)
    }

    fn new(verifier: Verifier, mode: Mode) -> Self {
        Self {
            verifier,
            mode,
            rejection: DefaultRejection,
            claims: PhantomData,
        }
    }
}

impl<C, R> AuthLayer<C, R> {
    /// Reads custom claims of type `C`: the extensions then hold a `Claims<C>`. A valid token
    /// whose custom claims do not fit `C` is rejected with 403 `insufficient_scope`.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let layer = jwt_auth::tower::AuthLayer::required(jwt_auth::Verifier::new(&secret))
    ///     .with_claims::<serde_json::Map<String, serde_json::Value>>();
    /// ```
    pub fn with_claims<C2>(self) -> AuthLayer<C2, R> {
        AuthLayer {
            verifier: self.verifier,
            mode: self.mode,
            rejection: self.rejection,
            claims: PhantomData,
        }
    }

    /// Answers rejected requests with `rejection` instead of [`DefaultRejection`].
    ///
    /// ```
    /// use http::Response;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let layer = jwt_auth::tower::AuthLayer::required(jwt_auth::Verifier::new(&secret))
    ///     .with_rejection(|error: jwt_auth::AuthError| {
    ///         let mut response = Response::new(String::from("sign in first"));
    ///         *response.status_mut() = error.status_code();
    ///         response
    ///     });
    /// ```
    pub fn with_rejection<R2>(self, rejection: R2) -> AuthLayer<C, R2> {
        AuthLayer {
            verifier: self.verifier,
            mode: self.mode,
            rejection,
            claims: PhantomData,
        }
    }
}

impl<C, R: Clone> Clone for AuthLayer<C, R> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            mode: self.mode,
            rejection: self.rejection.clone(),
            claims: PhantomData,
        }
    }
}

impl<C, R> fmt::Debug for AuthLayer<C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("verifier", &self.verifier)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl<S, C, R: Clone> Layer<S> for AuthLayer<C, R> {
    type Service = Auth<S, C, R>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            verifier: self.verifier.clone(),
            mode: self.mode,
            rejection: self.rejection.clone(),
            claims: PhantomData,
        }
    }
}

/// The service [`AuthLayer`] builds around `S`.
///
/// ```
/// use jwt_auth::tower::{Auth, AuthLayer};
/// use tower::Layer as _;
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// let inner = tower::service_fn(|_: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// });
/// let service: Auth<_> = AuthLayer::required(jwt_auth::Verifier::new(&secret)).layer(inner);
/// ```
pub struct Auth<S, C = (), R = DefaultRejection> {
    inner: S,
    verifier: Verifier,
    mode: Mode,
    rejection: R,
    claims: PhantomData<fn() -> C>,
}

impl<S: Clone, C, R: Clone> Clone for Auth<S, C, R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            verifier: self.verifier.clone(),
            mode: self.mode,
            rejection: self.rejection.clone(),
            claims: PhantomData,
        }
    }
}

impl<S: fmt::Debug, C, R> fmt::Debug for Auth<S, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("inner", &self.inner)
            .field("verifier", &self.verifier)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// The service is cloned (the tower way of handing a ready service to a future) only when a
/// request must wait for a remote key set's refresh; every other request is answered or passed on
/// at once.
impl<S, C, R, ReqBody, ResBody> Service<Request<ReqBody>> for Auth<S, C, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    C: DeserializeOwned + Clone + Send + Sync + 'static,
    R: Rejection<ResBody> + Clone + Send + 'static,
    ReqBody: Send + 'static,
    ResBody: 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = AuthFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let result = authenticate::<C>(&self.verifier, Authorization::from(request.headers()));
        if needs_refresh(&result)
            && let Ok(token) = Authorization::from(request.headers()).token()
        {
            // The ready service goes with the future; a clone takes its place here.
            let token = token.to_owned();
            let clone = self.inner.clone();
            let mut inner = std::mem::replace(&mut self.inner, clone);
            let verifier = self.verifier.clone();
            let rejection = self.rejection.clone();
            let mode = self.mode;
            let waiting = async move {
                let result = authenticate_fresh::<C>(&verifier, &token).await;
                match pass(mode, result) {
                    Ok(claims) => {
                        if let Some(claims) = claims {
                            request.extensions_mut().insert(claims);
                        }
                        Ok(inner.call(request))
                    }
                    Err(error) => Err(rejection.reject(error)),
                }
            };
            return AuthFuture {
                state: State::Waiting {
                    future: Box::pin(waiting),
                },
            };
        }
        let state = match pass(self.mode, result) {
            Ok(claims) => {
                if let Some(claims) = claims {
                    request.extensions_mut().insert(claims);
                }
                State::Inner {
                    future: self.inner.call(request),
                }
            }
            Err(error) => State::Rejected {
                response: Some(self.rejection.reject(error)),
            },
        };
        AuthFuture { state }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`Auth`]: the inner service's, or the rejection, ready at once.
    ///
    /// ```
    /// fn is_a_future<F: std::future::Future>(_: &F) {}
    /// # use tower::{Layer as _, Service as _};
    /// # let (secret, _) = jwt_auth::Secret::generate();
    /// # let inner = tower::service_fn(|_: http::Request<String>| async {
    /// #     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// # });
    /// # let mut service = jwt_auth::tower::AuthLayer::required(jwt_auth::Verifier::new(&secret)).layer(inner);
    /// let future: jwt_auth::tower::AuthFuture<_, String> = service.call(http::Request::new(String::new()));
    /// is_a_future(&future);
    /// ```
    pub struct AuthFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

/// What `mode` makes of a result: a request without credentials is refused when they are
/// required.
fn pass<C>(
    mode: Mode,
    result: Result<Option<Claims<C>>, AuthError>,
) -> Result<Option<Claims<C>>, AuthError> {
    match mode {
        Mode::Required => required(result).map(Some),
        Mode::Optional => result,
    }
}

/// A request waiting for a remote key set's refresh: the inner service's future once verified,
/// or the rejection.
type Waiting<F, B> = Pin<Box<dyn Future<Output = Result<F, Response<B>>> + Send>>;

pin_project_lite::pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Inner { #[pin] future: F },
        Rejected { response: Option<Response<B>> },
        Waiting { future: Waiting<F, B> },
    }
}

impl<F: fmt::Debug, B> fmt::Debug for AuthFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Inner { future } => f.debug_tuple("AuthFuture::Inner").field(future).finish(),
            State::Rejected { .. } => f.write_str("AuthFuture::Rejected"),
            State::Waiting { .. } => f.write_str("AuthFuture::Waiting"),
        }
    }
}

impl<F, B, E> Future for AuthFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let next = match self.as_mut().project().state.project() {
                StateProjection::Inner { future } => return future.poll(cx),
                StateProjection::Rejected { response } => {
                    return Poll::Ready(Ok(response
                        .take()
                        .expect("AuthFuture polled after it completed")));
                }
                StateProjection::Waiting { future } => match future.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(future)) => State::Inner { future },
                    Poll::Ready(Err(response)) => State::Rejected {
                        response: Some(response),
                    },
                },
            };
            self.as_mut().project().state.set(next);
        }
    }
}
