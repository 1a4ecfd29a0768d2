//! The tower layer in front of a bare hyper service.

use std::convert::Infallible;
use std::net::SocketAddr;

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use jwt_auth::tower::AuthLayer;
use jwt_auth::{AuthError, Claims, Verifier};
use tokio::net::TcpListener;
use tower::{Layer as _, service_fn};

use crate::client::get;
use crate::scenarios::{self, Roles, bearer, header, secret, token};

/// Serves `service` with hyper alone on a loopback port.
async fn serve<S>(service: S) -> SocketAddr
where
    S: tower::Service<Request<Incoming>, Response = Response<String>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let connection = hyper::server::conn::http1::Builder::new().serve_connection(
                TokioIo::new(stream),
                TowerToHyperService::new(service.clone()),
            );
            tokio::spawn(connection);
        }
    });
    address
}

/// The caller's `sub` as the layer left it in the extensions.
fn sub<C: Send + Sync + 'static>(request: &Request<Incoming>) -> Option<String> {
    request
        .extensions()
        .get::<Claims<C>>()
        .map(|claims| claims.sub.clone())
}

#[tokio::test]
async fn required_layer() {
    let service = AuthLayer::required(Verifier::new(secret())).layer(service_fn(
        |request: Request<Incoming>| async move {
            let sub = sub::<()>(&request).unwrap_or_else(|| "no claims".into());
            Ok::<_, Infallible>(Response::new(sub))
        },
    ));
    scenarios::required(serve(service).await, "/").await;
}

#[tokio::test]
async fn optional_layer() {
    let service = AuthLayer::optional(Verifier::new(secret())).layer(service_fn(
        |request: Request<Incoming>| async move {
            let name = sub::<()>(&request).unwrap_or_else(|| "stranger".into());
            Ok::<_, Infallible>(Response::new(format!("hello, {name}")))
        },
    ));
    scenarios::optional(serve(service).await, "/").await;
}

#[tokio::test]
async fn custom_claims_that_do_not_fit_are_insufficient_scope() {
    let service = AuthLayer::required(Verifier::new(secret()))
        .with_claims::<Roles>()
        .layer(service_fn(|request: Request<Incoming>| async move {
            let sub = sub::<Roles>(&request).unwrap_or_else(|| "no claims".into());
            Ok::<_, Infallible>(Response::new(format!("welcome, {sub}")))
        }));
    scenarios::custom_claims(serve(service).await, "/", false).await;
}

#[tokio::test]
async fn the_rejection_is_the_applications() {
    let service = AuthLayer::required(Verifier::new(secret()))
        .with_rejection(|error: AuthError| {
            let mut response = Response::new(format!(
                r#"{{"type":"about:blank","status":{},"code":"{}"}}"#,
                error.status_code().as_u16(),
                error.error_code().unwrap_or("unauthenticated"),
            ));
            *response.status_mut() = error.status_code();
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/problem+json"),
            );
            response
        })
        .layer(service_fn(|_: Request<Incoming>| async {
            Ok::<_, Infallible>(Response::new("welcome".to_owned()))
        }));
    let address = serve(service).await;

    let none = get(address, "/", &[]).await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&none, "content-type"),
        Some("application/problem+json")
    );
    assert_eq!(header(&none, "www-authenticate"), None);
    assert_eq!(
        none.body(),
        r#"{"type":"about:blank","status":401,"code":"unauthenticated"}"#
    );
    let malformed = get(address, "/", &["Bearer"]).await;
    assert_eq!(
        malformed.body(),
        r#"{"type":"about:blank","status":400,"code":"invalid_request"}"#
    );
    let valid = get(address, "/", &[&bearer(&token())]).await;
    assert_eq!(valid.status(), StatusCode::OK);
    assert_eq!(valid.body(), "welcome");
}
