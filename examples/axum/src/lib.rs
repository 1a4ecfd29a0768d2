//! An axum 0.8 service that authenticates with `jwt-auth`: `POST /login` starts a session,
//! `POST /refresh`, `POST /logout` and `POST /logout-everywhere` go on with it or end it,
//! `GET /me` requires an access token, `GET /hello` takes one optionally, `GET /health` is public,
//! and with `METRICS=1` `GET /metrics` serves jwt-auth's metrics as Prometheus text.
//!
//! Authentication and sessions are `jwt-auth`'s own axum integration (feature `axum`): the
//! handlers take `jwt_auth::axum::Authenticated`, the session routes are
//! `jwt_auth::axum::session_routes`, login returns the sessions' `TokenPair`, and [`app`] logs
//! each rejection's and each session error's cause from the response's extensions. [`app`] has the
//! routes, CORS, body limit and request timeout; [`serve`] the server, with its header-read
//! timeout. The framework-neutral parts (settings, accounts, login rate limit, payloads) are in
//! `example_common`.

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use example_common::api::{BODY_LIMIT, Greeting, HEALTHY, Health, JWKS_PATH, MeResponse};
use example_common::prometheus;
use example_common::{Backend, LoginError, LoginRequest, MetricsPage, SessionBackend, Settings};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use jwt_auth::axum::{Authenticated, session_routes};
use jwt_auth::{AuthError, SessionError, Verifier};
use tokio::net::TcpListener;
use tower::ServiceExt as _;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

/// The handlers' shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Verifier, issuer, accounts and login rate limit.
    pub backend: Arc<Backend>,
}

/// What `Authenticated` needs from the state.
impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.backend.verifier.clone()
    }
}

/// The whole service, for `settings`. Serve it with [`serve`], which gives each request the
/// client's [`ConnectInfo`]: the login rate limit is per client address.
pub fn app(backend: Arc<Backend>, settings: &Settings) -> Router {
    // The crate's session routes, on whichever store start-up chose.
    let sessions: Router<AppState> = match &backend.sessions {
        SessionBackend::Memory(sessions) => session_routes().with_state(Arc::clone(sessions)),
        #[cfg(feature = "redis")]
        SessionBackend::Redis(sessions) => session_routes().with_state(Arc::clone(sessions)),
    };
    let mut api = Router::new()
        .route("/login", post(login))
        .merge(sessions)
        .route("/me", get(me))
        .route("/hello", get(hello))
        .route("/health", get(health))
        .route(JWKS_PATH, get(jwks));
    // Only with `METRICS=1`; without it, `GET /metrics` is a 404 like any unknown path.
    if let Some(page) = backend.metrics.clone() {
        api = api.route("/metrics", get(move || std::future::ready(metrics(&page))));
    }
    let api = api
        .with_state(AppState { backend })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(map_response(log_rejection))
        // The handler's whole time, body reading included: a client that declares a body and
        // never sends it gets a 408 instead of holding the connection.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ));
    // Outermost, so that rejections carry CORS headers too and a browser app can read them.
    let with_cors = api.clone().layer(cors(&settings.cors_allowed_origins));
    // tower-http answers every OPTIONS request as a preflight, on any path; a plain OPTIONS (no
    // `Access-Control-Request-Method`) goes to the routes instead, which answer it as actix-web
    // does: 405 on a known path, 404 elsewhere.
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let is_preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let router = if is_preflight || request.method() != Method::OPTIONS {
            with_cors.clone()
        } else {
            api.clone()
        };
        router.oneshot(request)
    }))
}

/// Serves `app` on `listener` over HTTP/1.1 until `shutdown` resolves, then lets in-flight
/// requests finish. A client gets `request_timeout` to send its request headers (then the
/// connection is closed), and [`app`]'s timeout covers the rest.
///
/// Not `axum::serve`: it offers no header-read timeout, so a client that opens connections and
/// sends nothing would hold each one forever.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    request_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, typically: wait rather than spin.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(client));
                request.map(Body::new)
            });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(request_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
}

/// Logs why a request was not authenticated or a session request refused: the response carries
/// its [`AuthError`] or [`SessionError`] in its extensions. The client only gets the generic
/// description.
async fn log_rejection(response: Response) -> Response {
    if let Some(err) = response.extensions().get::<AuthError>() {
        example_common::log_rejection(err);
    }
    if let Some(err) = response.extensions().get::<SessionError>() {
        example_common::log_session_error(err);
    }
    response
}

/// CORS for exactly `origins` (never `*`), for bearer-token calls: no cookies, so no
/// credentials mode.
fn cors(origins: &[String]) -> CorsLayer {
    // `Settings` has checked every origin, so each is a valid header value.
    let origins = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok());
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        // A page tells an expired token (refresh) from an outage (retry later) by these.
        .expose_headers([header::WWW_AUTHENTICATE, header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// `POST /login`: rate limit, then credentials, then a token.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Response {
    if let Err(err) = state.backend.check_login_rate(client.ip()) {
        return err.to_response().into_response();
    }
    // The rejection's message can quote the body, password included: it is not logged.
    let Ok(Json(request)) = body else {
        return LoginError::InvalidRequest.to_response().into_response();
    };
    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let backend = Arc::clone(&state.backend);
    match tokio::task::spawn_blocking(move || backend.authenticate(&request)).await {
        Ok(Ok((sub, email))) => state
            .backend
            .start_session(&sub, &email)
            .await
            .into_response(),
        Ok(Err(err)) => err.to_response().into_response(),
        Err(err) => {
            tracing::error!(error = %err, "login task failed");
            LoginError::Internal.to_response().into_response()
        }
    }
}

/// `GET /me`: who the token says the caller is.
async fn me(Authenticated(claims): Authenticated) -> Json<MeResponse> {
    Json(claims.into())
}

/// `GET /hello`: optional authentication.
async fn hello(caller: Option<Authenticated>) -> Json<Greeting> {
    Json(Greeting::for_caller(
        caller.as_ref().map(|Authenticated(claims)| claims),
    ))
}

/// `GET /health`.
async fn health() -> Json<Health> {
    Json(HEALTHY)
}

/// `GET /metrics`: jwt-auth's metrics in the Prometheus text format.
fn metrics(page: &MetricsPage) -> Response {
    (
        [(header::CONTENT_TYPE, prometheus::CONTENT_TYPE)],
        page.render(),
    )
        .into_response()
}

/// `GET /.well-known/jwks.json`: the public keys tokens are signed with (see
/// `example_common::api::JwksDocument`).
async fn jwks(State(state): State<AppState>) -> Response {
    state.backend.jwks.to_response().into_response()
}
