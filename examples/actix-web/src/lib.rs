//! An actix-web 4 service that authenticates with `jwt-auth`: `POST /login` issues tokens,
//! `GET /me` requires one, `GET /hello` takes one optionally, `GET /health` is public.
//!
//! [`auth`] holds the extractors; [`app`] the routes, CORS and body limit. The framework-neutral
//! parts (settings, accounts, login rate limit, payloads) are in `example_common`.

pub mod auth;

use std::net::{IpAddr, Ipv4Addr};

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{App, HttpRequest, HttpResponse, web};
use example_common::api::{BODY_LIMIT, Greeting, HEALTHY, MeResponse};
use example_common::{Backend, LoginError, LoginRequest};

pub use auth::{AuthRejection, Authenticated, MaybeAuthenticated};

/// The whole service, for `HttpServer::new(move || app(backend.clone(), &origins))`.
pub fn app(
    backend: web::Data<Backend>,
    cors_allowed_origins: &[String],
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
    App::new()
        .app_data(backend)
        .app_data(verifier)
        .app_data(web::JsonConfig::default().limit(BODY_LIMIT))
        // Wraps every route, so that rejections carry CORS headers too and a browser app can
        // read them.
        .wrap(cors(cors_allowed_origins))
        .route("/login", web::post().to(login))
        .route("/me", web::get().to(me))
        .route("/hello", web::get().to(hello))
        .route("/health", web::get().to(health))
}

/// CORS for exactly `origins` (never `*`), for bearer-token calls: no cookies, so no
/// credentials mode.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::POST])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
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
    let backend = backend.into_inner();
    match web::block(move || backend.login(&request)).await {
        Ok(Ok(token)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(token),
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
