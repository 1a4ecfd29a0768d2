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

mod sessions {
    //! The ready session routes, `TokenPair` and `SessionError` as responses.

    use std::net::SocketAddr;

    use actix_web::body::MessageBody;
    use actix_web::dev::{ServiceRequest, ServiceResponse};
    use actix_web::middleware::{Next, from_fn};
    use actix_web::{App, HttpServer, web};
    use jwt_auth::actix_web::{Authenticated, session_routes};
    use jwt_auth::store::SessionStore;
    use jwt_auth::{SessionError, Sessions, TokenPair};

    use crate::sessions::{self as scenarios, Down, Log, memory_sessions};

    async fn login<St: SessionStore + 'static>(
        sessions: web::Data<Sessions<St>>,
    ) -> Result<TokenPair, SessionError> {
        sessions.login("42", Some("ada@example.com")).await
    }

    async fn me(Authenticated(claims): Authenticated) -> String {
        claims.sub
    }

    async fn record(
        request: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        let log = request.app_data::<Log>().cloned();
        let response = next.call(request).await?;
        if let (Some(log), Some(error)) =
            (log, response.response().extensions().get::<SessionError>())
        {
            log.record(error);
        }
        Ok(response)
    }

    /// The app a user writes: login, the ready routes, a protected route; and a logging
    /// middleware reading the extensions.
    fn start<St: SessionStore + 'static>(sessions: Sessions<St>) -> (SocketAddr, Log) {
        let log = Log::default();
        let sessions = web::Data::new(sessions);
        let app_log = log.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(sessions.verifier().clone()))
                .app_data(sessions.clone())
                .app_data(app_log.clone())
                .wrap(from_fn(record))
                .route("/login", web::post().to(login::<St>))
                .route("/me", web::get().to(me))
                .configure(session_routes::<St>)
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let address = server.addrs()[0];
        actix_web::rt::spawn(server.run());
        (address, log)
    }

    #[actix_web::test]
    async fn rotation_reuse_and_logout() {
        let (address, log) = start(memory_sessions());
        scenarios::rotation_reuse_and_logout(address, &log).await;
    }

    #[actix_web::test]
    async fn malformed_bodies_are_invalid_request() {
        let (address, log) = start(memory_sessions());
        scenarios::malformed_bodies(address, &log).await;
    }

    #[actix_web::test]
    async fn a_store_outage_is_503() {
        let (address, log) = start(Sessions::new(crate::scenarios::secret(), Down::default()));
        scenarios::down_store(address, &log).await;
    }

    #[cfg(feature = "redis")]
    #[actix_web::test]
    async fn redis_stopped_is_503_never_401() {
        let Some(mut server) = jwt_auth_test_support::RedisServer::start() else {
            return;
        };
        let store =
            jwt_auth::RedisStore::new(jwt_auth::store::RedisConfig::new(server.url())).unwrap();
        assert!(store.mirror().wait_synced(time::Duration::seconds(5)).await);
        let (address, log) = start(Sessions::new(crate::scenarios::secret(), store));
        let (access, refresh) = scenarios::token_pair(&scenarios::login(address).await);
        server.kill();
        scenarios::outage(address, &access, &refresh, &log).await;
    }
}
