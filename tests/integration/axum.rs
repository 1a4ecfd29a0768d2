//! The axum extractors, with the verifier from the router's state.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::FromRef;
use axum::response::Response;
use axum::routing::get;
use http::StatusCode;
use jwt_auth::axum::Authenticated;
use jwt_auth::{AuthError, Verifier};
use tokio::net::TcpListener;

use crate::client;
use crate::scenarios::{self, Roles, secret};

/// State with more in it than the verifier: the extractors find it through `FromRef`.
#[derive(Clone)]
struct AppState {
    verifier: Verifier,
    greeting: &'static str,
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn me(Authenticated(claims): Authenticated) -> String {
    claims.sub
}

async fn hello(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Option<Authenticated>,
) -> String {
    let name = caller.map_or_else(|| "stranger".to_owned(), |Authenticated(claims)| claims.sub);
    format!("{}, {name}", state.greeting)
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

fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/hello", get(hello))
        .route("/roles", get(roles))
        .route("/admin", get(admin))
}

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

async fn start() -> SocketAddr {
    serve(routes().with_state(AppState {
        verifier: Verifier::new(secret()),
        greeting: "hello",
    }))
    .await
}

#[tokio::test]
async fn required() {
    scenarios::required(start().await, "/me").await;
}

#[tokio::test]
async fn optional() {
    scenarios::optional(start().await, "/hello").await;
}

#[tokio::test]
async fn custom_claims_that_do_not_fit_are_insufficient_scope() {
    scenarios::custom_claims(start().await, "/roles", false).await;
}

#[tokio::test]
async fn a_role_is_required() {
    scenarios::custom_claims(start().await, "/admin", true).await;
}

/// The rejection carries its cause in the response's extensions, for a logging middleware.
#[tokio::test]
async fn the_cause_reaches_middleware() {
    let app = routes()
        .with_state(AppState {
            verifier: Verifier::new(secret()),
            greeting: "hello",
        })
        .layer(axum::middleware::map_response(
            |mut response: Response| async move {
                let cause = response
                    .extensions()
                    .get::<AuthError>()
                    .map(ToString::to_string);
                if let Some(cause) = cause {
                    response
                        .headers_mut()
                        .insert("x-cause", cause.parse().unwrap());
                }
                response
            },
        ));
    let address = serve(app).await;
    let response = client::get(address, "/me", &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        scenarios::header(&response, "x-cause"),
        Some("no Authorization header")
    );
    let response = client::get(
        address,
        "/admin",
        &[&scenarios::bearer(&scenarios::token())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        scenarios::header(&response, "x-cause")
            .unwrap()
            .starts_with("the token does not grant access: the token's custom claims do not fit this route: missing field `roles`"),
        "{response:?}"
    );
}

/// Behind the tower layer, the extractor takes the claims the layer verified: the state's
/// verifier here holds another secret, so re-verifying would refuse the token.
#[cfg(feature = "tower")]
#[tokio::test]
async fn behind_the_tower_layer_the_layers_claims_are_used() {
    use jwt_auth::Secret;
    use jwt_auth::tower::AuthLayer;

    let state_verifier = Verifier::new(Secret::new(crate::common::OTHER_SECRET).unwrap());
    let app = routes()
        .layer(AuthLayer::optional(Verifier::new(secret())))
        .with_state(AppState {
            verifier: state_verifier,
            greeting: "hello",
        });
    let address = serve(app).await;
    let token = scenarios::bearer(&scenarios::token());
    scenarios::assert_ok(&client::get(address, "/me", &[&token]).await, "42");
    scenarios::assert_ok(
        &client::get(address, "/hello", &[&token]).await,
        "hello, 42",
    );
    // The layer lets anonymous requests through; the route still requires a caller.
    let none = client::get(address, "/me", &[]).await;
    scenarios::assert_rejected(&none, StatusCode::UNAUTHORIZED, "Bearer");
}
