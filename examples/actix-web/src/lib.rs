//! An actix-web 4 service that authenticates with `jwt-auth`: `POST /login` starts a session,
//! `POST /refresh`, `POST /logout` and `POST /logout-everywhere` go on with it or end it,
//! `GET /me` requires an access token, `GET /hello` takes one optionally, `GET /health` is public,
//! and with `METRICS=1` `GET /metrics` serves jwt-auth's metrics as Prometheus text.
//!
//! Authentication and sessions are `jwt-auth`'s own actix-web integration (feature
//! `actix-web`): the handlers take `jwt_auth::actix_web::Authenticated` or `MaybeAuthenticated`,
//! the session routes are `jwt_auth::actix_web::session_routes`, login returns the sessions'
//! `TokenPair`, and [`app`] logs each rejection's and each session error's cause from the
//! response's extensions. [`app`] has the routes, CORS, body limit and request timeout; [`server`]
//! the server, with its header-read timeout. The framework-neutral parts (settings, accounts,
//! login rate limit, payloads) are in `example_common`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::{KeepAlive, Method, StatusCode, header};
use actix_web::middleware::{Next, from_fn};
use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer, Responder as _, ResponseError as _, web,
};
use example_common::api::{BODY_LIMIT, Greeting, HEALTHY, JWKS_PATH, MeResponse};
use example_common::prometheus;
use example_common::{Backend, LoginError, LoginRequest, MetricsPage, SessionBackend, Settings};
use jwt_auth::actix_web::{Authenticated, MaybeAuthenticated, session_routes};
use jwt_auth::{AuthError, MemoryStore, SessionError};

/// The whole service, for `settings`: what [`server`] runs in each worker.
pub fn app(
    backend: web::Data<Backend>,
    settings: &Settings,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
        InitError = (),
    > + use<>,
> {
    let verifier = web::Data::new(backend.verifier.clone());
    let metrics_page = backend.metrics.clone();
    // The crate's session routes, on whichever store start-up chose.
    let app = match &backend.sessions {
        SessionBackend::Memory(sessions) => App::new()
            .app_data(web::Data::from(Arc::clone(sessions)))
            .configure(session_routes::<MemoryStore>),
        #[cfg(feature = "redis")]
        SessionBackend::Redis(sessions) => App::new()
            .app_data(web::Data::from(Arc::clone(sessions)))
            .configure(session_routes::<jwt_auth::RedisStore>),
    };
    app.app_data(backend)
        .app_data(verifier)
        .app_data(web::JsonConfig::default().limit(BODY_LIMIT))
        .app_data(RequestTimeout(settings.request_timeout))
        .wrap(from_fn(log_rejection))
        .wrap(from_fn(time_out))
        // Wraps every route, so that rejections carry CORS headers too and a browser app can
        // read them.
        .wrap(cors(&settings.cors_allowed_origins))
        // HEAD wherever GET (as axum does), and 405 with `Allow` for another method on a known
        // path: actix-web's default would be a 404.
        .service(
            web::resource("/login")
                .route(web::post().to(login))
                .default_service(web::to(|| async { not_allowed("POST") })),
        )
        .service(
            readable("/me")
                .route(web::get().to(me))
                .route(web::head().to(me)),
        )
        .service(
            readable("/hello")
                .route(web::get().to(hello))
                .route(web::head().to(hello)),
        )
        .service(
            readable("/health")
                .route(web::get().to(health))
                .route(web::head().to(health)),
        )
        .service(
            readable(JWKS_PATH)
                .route(web::get().to(jwks))
                .route(web::head().to(jwks)),
        )
        // Only with `METRICS=1`; without it, `GET /metrics` is a 404 like any unknown path.
        .configure(|config| {
            if let Some(page) = metrics_page {
                config.app_data(web::Data::new(page)).service(
                    readable("/metrics")
                        .route(web::get().to(metrics))
                        .route(web::head().to(metrics)),
                );
            }
        })
}

/// `GET /metrics`: jwt-auth's metrics in the Prometheus text format.
async fn metrics(page: web::Data<MetricsPage>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, prometheus::CONTENT_TYPE))
        .body(page.render())
}

/// A resource answered by `GET` and `HEAD` only.
fn readable(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async { not_allowed("GET,HEAD") }))
}

fn not_allowed(allow: &'static str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow))
        .finish()
}

/// The server for `settings`, bound to 127.0.0.1. A client gets `request_timeout` to send its
/// request headers (then a 408), and [`app`]'s timeout covers the rest.
///
/// # Errors
/// When the port cannot be bound.
pub fn server(
    backend: web::Data<Backend>,
    settings: &Settings,
) -> std::io::Result<actix_web::dev::Server> {
    let worker_settings = settings.clone();
    let server = HttpServer::new(move || app(backend.clone(), &worker_settings))
        .client_request_timeout(settings.request_timeout)
        .client_disconnect_timeout(Duration::from_secs(1))
        .keep_alive(KeepAlive::Timeout(settings.request_timeout))
        .bind((Ipv4Addr::LOCALHOST, settings.port))?;
    for address in server.addrs() {
        tracing::info!("listening on http://{address}");
    }
    Ok(server.run())
}

/// Logs why a request was not authenticated or a session request refused: the response carries
/// its [`AuthError`] or [`SessionError`] in its extensions. The client only gets the generic
/// description.
async fn log_rejection(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(request).await?;
    if let Some(err) = response.response().extensions().get::<AuthError>() {
        example_common::log_rejection(err);
    }
    if let Some(err) = response.response().extensions().get::<SessionError>() {
        example_common::log_session_error(err);
    }
    Ok(response)
}

/// How long a request may take once its headers are in, body included.
#[derive(Debug, Clone, Copy)]
struct RequestTimeout(Duration);

/// Answers 408 when the request is not answered within its [`RequestTimeout`]: a client that
/// declares a body and never sends it would otherwise hold the connection for as long as it
/// likes, since actix-web's own timeouts stop once the headers are read.
async fn time_out(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let timeout = request
        .app_data::<RequestTimeout>()
        .map_or(Duration::from_secs(10), |timeout| timeout.0);
    // An error, not a response: building a response needs the request, which the routes below
    // must own alone.
    actix_web::rt::time::timeout(timeout, next.call(request))
        .await
        .unwrap_or_else(|_| {
            Err(InternalError::from_response(
                "request timed out",
                HttpResponse::RequestTimeout().finish(),
            )
            .into())
        })
}

/// CORS for exactly `origins` (never `*`), for bearer-token calls: no cookies, so no
/// credentials mode.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::POST])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        // A page tells an expired token (refresh) from an outage (retry later) by these.
        .expose_headers([header::WWW_AUTHENTICATE, header::RETRY_AFTER])
        .max_age(600)
}

/// An `http` 1 response (what `jwt-auth` and `example_common` build) as an actix-web one.
pub fn respond(response: http::Response<String>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        builder.append_header((name.as_str(), value.as_bytes()));
    }
    builder.body(body)
}

/// `POST /login`: rate limit, then credentials, then a token.
async fn login(
    req: HttpRequest,
    backend: web::Data<Backend>,
    body: Result<web::Json<LoginRequest>, actix_web::Error>,
) -> HttpResponse {
    // Always set by the server; the fallback only shares one bucket among unknown peers.
    let client = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |peer| peer.ip());
    if let Err(err) = backend.check_login_rate(client) {
        return respond(err.to_response());
    }
    // The error's message can quote the body, password included: it is not logged.
    let Ok(web::Json(request)) = body else {
        return respond(LoginError::InvalidRequest.to_response());
    };
    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let blocking = backend.clone().into_inner();
    match web::block(move || blocking.authenticate(&request)).await {
        Ok(Ok((sub, email))) => match backend.start_session(&sub, &email).await {
            Ok(pair) => pair.respond_to(&req),
            Err(err) => err.error_response(),
        },
        Ok(Err(err)) => respond(err.to_response()),
        Err(err) => {
            tracing::error!(error = %err, "login task failed");
            respond(LoginError::Internal.to_response())
        }
    }
}

/// `GET /me`: who the token says the caller is.
async fn me(Authenticated(claims): Authenticated) -> web::Json<MeResponse> {
    web::Json(claims.into())
}

/// `GET /hello`: optional authentication.
async fn hello(MaybeAuthenticated(caller): MaybeAuthenticated) -> web::Json<Greeting> {
    web::Json(Greeting::for_caller(caller.as_ref()))
}

/// `GET /health`.
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HEALTHY)
}

/// `GET /.well-known/jwks.json`: the public keys tokens are signed with (see
/// `example_common::api::JwksDocument`).
async fn jwks(backend: web::Data<Backend>) -> HttpResponse {
    respond(backend.jwks.to_response())
}
