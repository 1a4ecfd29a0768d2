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

mod sessions {
    //! The ready session routes, `TokenPair` and `SessionError` as responses.

    use std::net::SocketAddr;
    use std::sync::Arc;

    use axum::Router;
    use axum::extract::{FromRef, State};
    use axum::middleware::map_response;
    use axum::response::Response;
    use axum::routing::{get, post};
    use jwt_auth::axum::{Authenticated, session_routes};
    use jwt_auth::store::SessionStore;
    use jwt_auth::{SessionError, Sessions, TokenPair, Verifier};

    use super::serve;
    use crate::sessions::{self as scenarios, Down, Log, memory_sessions};

    async fn login<St: SessionStore>(
        State(sessions): State<Arc<Sessions<St>>>,
    ) -> Result<TokenPair, SessionError> {
        sessions.login("42", Some("ada@example.com")).await
    }

    async fn me(Authenticated(claims): Authenticated) -> String {
        claims.sub
    }

    /// The app a user writes: login, the ready routes, a protected route, on a state of the
    /// sessions alone; and a logging middleware reading the extensions.
    async fn start<St: SessionStore + 'static>(sessions: Sessions<St>) -> (SocketAddr, Log) {
        let app = Router::new()
            .route("/login", post(login::<St>))
            .route("/me", get(me))
            .merge(session_routes())
            .with_state(Arc::new(sessions));
        serve_logged(app).await
    }

    async fn serve_logged(app: Router) -> (SocketAddr, Log) {
        let log = Log::default();
        let recorder = log.clone();
        let app = app.layer(map_response(move |response: Response| {
            if let Some(error) = response.extensions().get::<SessionError>() {
                recorder.record(error);
            }
            async { response }
        }));
        (serve(app).await, log)
    }

    #[tokio::test]
    async fn rotation_reuse_and_logout() {
        let (address, log) = start(memory_sessions()).await;
        scenarios::rotation_reuse_and_logout(address, &log).await;
    }

    #[tokio::test]
    async fn malformed_bodies_are_invalid_request() {
        let (address, log) = start(memory_sessions()).await;
        scenarios::malformed_bodies(address, &log).await;
    }

    #[tokio::test]
    async fn a_store_outage_is_503() {
        let (address, log) =
            start(Sessions::new(crate::scenarios::secret(), Down::default())).await;
        scenarios::down_store(address, &log).await;
    }

    /// A state with more than the sessions: the routes find them, and the verifier, by
    /// `FromRef`.
    #[derive(Clone)]
    struct AppState {
        sessions: Arc<Sessions<jwt_auth::MemoryStore>>,
        verifier: Verifier,
    }

    impl FromRef<AppState> for Arc<Sessions<jwt_auth::MemoryStore>> {
        fn from_ref(state: &AppState) -> Self {
            Arc::clone(&state.sessions)
        }
    }

    impl FromRef<AppState> for Verifier {
        fn from_ref(state: &AppState) -> Self {
            state.verifier.clone()
        }
    }

    #[tokio::test]
    async fn the_routes_take_what_they_need_from_a_larger_state() {
        let sessions = Arc::new(memory_sessions());
        let state = AppState {
            verifier: sessions.verifier().clone(),
            sessions,
        };
        let app = Router::new()
            .route("/login", post(login::<jwt_auth::MemoryStore>))
            .route("/me", get(me))
            .merge(session_routes())
            .with_state(state);
        let (address, log) = serve_logged(app).await;
        scenarios::rotation_reuse_and_logout(address, &log).await;
    }

    #[cfg(feature = "redis")]
    #[tokio::test]
    async fn redis_stopped_is_503_never_401() {
        let Some(mut server) = jwt_auth_test_support::RedisServer::start() else {
            return;
        };
        let store =
            jwt_auth::RedisStore::new(jwt_auth::store::RedisConfig::new(server.url())).unwrap();
        assert!(store.mirror().wait_synced(time::Duration::seconds(5)).await);
        let (address, log) = start(Sessions::new(crate::scenarios::secret(), store)).await;
        let (access, refresh) = scenarios::token_pair(&scenarios::login(address).await);
        server.kill();
        scenarios::outage(address, &access, &refresh, &log).await;
    }
}
