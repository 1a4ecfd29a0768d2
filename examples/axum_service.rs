//! The README's complete axum service: `JWT_SECRET=… cargo run --example axum_service --features axum`.
use axum::{Router, routing::get};
use jwt_auth::{AuthConfig, AuthError, axum::Authenticated};

#[derive(Clone, serde::Deserialize)]
struct Roles {
    roles: Vec<String>,
}

async fn me(Authenticated(claims): Authenticated) -> String {
    claims.sub // 401 without a valid token
}

async fn hello(caller: Option<Authenticated>) -> String {
    caller.map_or("hello, stranger".into(), |u| format!("hello, {}", u.0.sub))
}

async fn admin(user: Authenticated<Roles>) -> Result<String, AuthError> {
    let user = user.require("admin", |c| c.custom.roles.contains(&"admin".into()))?;
    Ok(format!("welcome, {}", user.0.sub))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = AuthConfig::from_env()?.verifier().clone(); // JWT_SECRET, checked
    let app = Router::new().route("/me", get(me));
    let app = app.route("/hello", get(hello)).route("/admin", get(admin));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    Ok(axum::serve(listener, app.with_state(verifier)).await?)
}
