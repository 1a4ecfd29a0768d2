//! An axum 0.8 service that authenticates with `jwt-auth`: `POST /login` issues tokens,
//! `GET /me` requires one, `GET /hello` takes one optionally, `GET /health` is public.
//!
//! [`auth`] holds the extractors; [`app`] the routes, CORS and body limit. The framework-neutral
//! parts (settings, accounts, login rate limit, payloads) are in `example_common`.

pub mod auth;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use example_common::api::{BODY_LIMIT, Greeting, HEALTHY, Health, MeResponse};
use example_common::{Backend, LoginError, LoginRequest};
use jwt_auth::Verifier;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use auth::{AuthRejection, Authenticated};

/// The handlers' shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Verifier, issuer, accounts and login rate limit.
    pub backend: Arc<Backend>,
}

/// What [`Authenticated`] needs from the state.
impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.backend.verifier.clone()
    }
}

/// The whole service. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`: the login rate limit is per client
/// address.
pub fn app(backend: Arc<Backend>, cors_allowed_origins: &[String]) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/hello", get(hello))
        .route("/health", get(health))
        .with_state(AppState { backend })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Outermost, so that rejections carry CORS headers too and a browser app can read them.
        .layer(cors(cors_allowed_origins))
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
    match tokio::task::spawn_blocking(move || backend.login(&request)).await {
        Ok(Ok(token)) => ([(header::CACHE_CONTROL, "no-store")], Json(token)).into_response(),
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
