//! The actix-web extractors, with the verifier from the app data.

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpServer, web};
use http::StatusCode;
use jwt_auth::actix_web::{Authenticated, MaybeAuthenticated};
use jwt_auth::{AuthError, Verifier};

use crate::client;
use crate::scenarios::{self, Roles, secret};

async fn me(Authenticated(claims): Authenticated) -> String {
    claims.sub
}

async fn hello(MaybeAuthenticated(caller): MaybeAuthenticated) -> String {
    let name = caller.map_or_else(|| "stranger".to_owned(), |claims| claims.sub);
    format!("hello, {name}")
}

async fn roles(Authenticated(claims): Authenticated<Roles>) -> String {
    format!("welcome, {}", claims.sub)
}

async fn admin(user: Authenticated<Roles>) -> Result<String, AuthError> {
    let Authenticated(claims) = user.require("the admin role", |claims| {
        claims.custom.roles.iter().any(|role| role == "admin")
    })?;
    Ok(format!("welcome, {}", claims.sub))
}

/// Copies the rejection's cause from the response's extensions into a header, as a logging
/// middleware would read it.
async fn expose_cause(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(request).await?;
    let cause = response
        .response()
        .extensions()
        .get::<AuthError>()
        .map(ToString::to_string);
    if let Some(cause) = cause {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-cause"),
            actix_web::http::header::HeaderValue::from_str(&cause).unwrap(),
        );
    }
    Ok(response)
}

/// A real server on a loopback port. `verifier` is registered as `web::Data` (`Some(true)`),
/// plainly (`Some(false)`), or not at all.
fn serve(verifier: Option<bool>) -> SocketAddr {
    let server = HttpServer::new(move || {
        let app = App::new();
        let app = match verifier {
            Some(true) => app.app_data(web::Data::new(Verifier::new(secret()))),
            Some(false) => app.app_data(Verifier::new(secret())),
            None => app,
        };
        app.wrap(from_fn(expose_cause))
            .route("/me", web::get().to(me))
            .route("/hello", web::get().to(hello))
            .route("/roles", web::get().to(roles))
            .route("/admin", web::get().to(admin))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    address
}

#[actix_web::test]
async fn required() {
    scenarios::required(serve(Some(true)), "/me").await;
}

#[actix_web::test]
async fn optional_is_its_own_type() {
    scenarios::optional(serve(Some(true)), "/hello").await;
}

#[actix_web::test]
async fn custom_claims_that_do_not_fit_are_insufficient_scope() {
    scenarios::custom_claims(serve(Some(true)), "/roles", false).await;
}

#[actix_web::test]
async fn a_role_is_required() {
    scenarios::custom_claims(serve(Some(true)), "/admin", true).await;
}

#[actix_web::test]
async fn a_plain_verifier_in_the_app_data_works_too() {
    scenarios::required(serve(Some(false)), "/me").await;
}

#[actix_web::test]
async fn without_a_verifier_nothing_passes() {
    let address = serve(None);
    let token = scenarios::bearer(&scenarios::token());
    for path in ["/me", "/hello"] {
        let response = client::get(address, path, &[&token]).await;
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}"
        );
        assert_eq!(response.body(), "authentication is not configured");
    }
}

#[actix_web::test]
async fn the_cause_reaches_middleware() {
    let address = serve(Some(true));
    let response = client::get(address, "/me", &["Bearer"]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        scenarios::header(&response, "x-cause"),
        Some("the Authorization header names the Bearer scheme but carries no token")
    );
}
