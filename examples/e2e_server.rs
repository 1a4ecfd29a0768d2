//! The server `benches/e2e.sh` loads: one handler served behind authentication (`/auth`) and
//! without it (`/open`), so that the difference in requests per second is what authentication
//! costs. `POST /token` issues a token for the load generator to send, as a login would.
//!
//! `cargo run --release --example e2e_server --features axum`; it prints the address it listens
//! on, on 127.0.0.1 with a free port.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_auth::axum::Authenticated;
use jwt_auth::{IssueError, Issuer, Secret, Verifier};

/// What `/open` and `/auth` both answer: the caller named in the request.
#[derive(serde::Serialize)]
struct Caller {
    sub: String,
}

async fn open() -> Json<Caller> {
    Json(Caller { sub: "42".into() })
}

async fn auth(Authenticated(claims): Authenticated) -> Json<Caller> {
    Json(Caller { sub: claims.sub })
}

async fn token(State(issuer): State<Issuer>) -> Result<String, String> {
    issuer
        .issue("42", Some("ada@example.com"))
        .map_err(|err: IssueError| err.to_string())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (secret, _) = Secret::generate();
    let app = Router::new()
        .route("/open", get(open))
        .route("/auth", get(auth))
        .with_state(Verifier::new(&secret))
        .merge(
            Router::new()
                .route("/token", post(token))
                .with_state(Issuer::new(&secret)),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    Ok(axum::serve(listener, app).await?)
}
