//! What every integration must answer, given a server's address and the path of a route. The
//! routes answer `sub` (required), `hello, <sub or stranger>` (optional) and `welcome, <sub>`
//! (the `admin` role required).

use std::net::SocketAddr;

use http::{Response, StatusCode};
use jwt_auth::{FixedClock, Issuer, Secret, time};
use serde::{Deserialize, Serialize};

use crate::client::get;
use crate::common::{OTHER_SECRET, SECRET, sign_raw};

pub const INVALID_TOKEN: &str = r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#;
pub const INVALID_TOKEN_BODY: &str =
    r#"{"error":"invalid_token","error_description":"The access token is invalid or has expired"}"#;
pub const INVALID_REQUEST: &str =
    r#"Bearer error="invalid_request", error_description="The Authorization header is malformed""#;
pub const INSUFFICIENT_SCOPE: &str = r#"Bearer error="insufficient_scope", error_description="The access token does not grant access to this resource""#;
pub const INSUFFICIENT_SCOPE_BODY: &str = r#"{"error":"insufficient_scope","error_description":"The access token does not grant access to this resource"}"#;

/// The custom claims of the role-checked routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    pub roles: Vec<String>,
}

pub fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

/// A valid token for user 42, from the system clock, with custom claims.
pub fn token_with<C: Serialize>(custom: C) -> String {
    let issuer = Issuer::new(secret());
    let claims = issuer.claims_for("42").unwrap().with_custom(custom);
    issuer.issue_claims(&claims).unwrap()
}

pub fn token() -> String {
    token_with(())
}

pub fn admin_token() -> String {
    token_with(Roles {
        roles: vec!["reader".into(), "admin".into()],
    })
}

/// Expired a day ago.
pub fn expired_token() -> String {
    let eight_days_ago = time::OffsetDateTime::now_utc() - time::Duration::days(8);
    let claims = Roles {
        roles: vec!["admin".into()],
    };
    let issuer = Issuer::new(secret()).with_clock(FixedClock::new(eight_days_ago));
    issuer
        .issue_claims(&issuer.claims_for("42").unwrap().with_custom(claims))
        .unwrap()
}

pub fn other_secret_token() -> String {
    Issuer::new(Secret::new(OTHER_SECRET).unwrap())
        .issue("42", None)
        .unwrap()
}

/// Validly signed and current, but `sub` is a number: a registered claim of the wrong type.
pub fn numeric_sub_token() -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":42,"iat":{now},"exp":{},"roles":["admin"]}}"#,
            now + 3600
        ),
        SECRET.as_bytes(),
    )
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn header<'a>(response: &'a Response<String>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

pub fn assert_ok(response: &Response<String>, body: &str) {
    assert_eq!(response.status(), StatusCode::OK, "{response:?}");
    assert_eq!(response.body(), body);
}

pub fn assert_rejected(response: &Response<String>, status: StatusCode, challenge: &str) {
    assert_eq!(response.status(), status, "{response:?}");
    assert_eq!(header(response, "www-authenticate"), Some(challenge));
    assert_eq!(header(response, "cache-control"), Some("no-store"));
}

pub fn assert_invalid_token(response: &Response<String>) {
    assert_rejected(response, StatusCode::UNAUTHORIZED, INVALID_TOKEN);
    assert_eq!(response.body(), INVALID_TOKEN_BODY);
}

pub fn assert_insufficient_scope(response: &Response<String>) {
    assert_rejected(response, StatusCode::FORBIDDEN, INSUFFICIENT_SCOPE);
    assert_eq!(response.body(), INSUFFICIENT_SCOPE_BODY);
}

/// A route that requires a caller and answers `sub`.
pub async fn required(address: SocketAddr, path: &str) {
    let valid = bearer(&token());
    assert_ok(&get(address, path, &[&valid]).await, "42");
    assert_ok(
        &get(address, path, &[&format!("bearer {}", token())]).await,
        "42",
    );
    for bad in [
        expired_token(),
        other_secret_token(),
        numeric_sub_token(),
        "not.a.token".into(),
    ] {
        assert_invalid_token(&get(address, path, &[&bearer(&bad)]).await);
    }
    let none = get(address, path, &[]).await;
    assert_rejected(&none, StatusCode::UNAUTHORIZED, "Bearer");
    assert_eq!(none.body(), "");
    let basic = get(address, path, &["Basic YWRhOnB3"]).await;
    assert_rejected(&basic, StatusCode::UNAUTHORIZED, "Bearer");
    for malformed in ["Bearer", "Bearer a b", "Bearer a,b"] {
        assert_rejected(
            &get(address, path, &[malformed]).await,
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
        );
    }
    // Two headers are ambiguous even when both are valid.
    assert_rejected(
        &get(address, path, &[&valid, &valid]).await,
        StatusCode::BAD_REQUEST,
        INVALID_REQUEST,
    );
}

/// A route where signing in is optional, answering `hello, <sub or stranger>`.
pub async fn optional(address: SocketAddr, path: &str) {
    assert_ok(&get(address, path, &[]).await, "hello, stranger");
    assert_ok(&get(address, path, &[&bearer(&token())]).await, "hello, 42");
    // A bad header is no anonymous caller: the client learns to sign in again.
    assert_invalid_token(&get(address, path, &[&bearer(&expired_token())]).await);
    assert_invalid_token(&get(address, path, &[&bearer(&other_secret_token())]).await);
    assert_rejected(
        &get(address, path, &["Bearer"]).await,
        StatusCode::BAD_REQUEST,
        INVALID_REQUEST,
    );
    let valid = bearer(&token());
    assert_rejected(
        &get(address, path, &[&valid, &valid]).await,
        StatusCode::BAD_REQUEST,
        INVALID_REQUEST,
    );
}

/// Custom claims of the wrong shape for [`Roles`].
#[derive(Serialize)]
struct RoleAsText {
    roles: &'static str,
}

/// A route whose claims must be [`Roles`], answering `welcome, <sub>`. With `checks_role`, the
/// route also requires the `admin` role.
pub async fn custom_claims(address: SocketAddr, path: &str, checks_role: bool) {
    assert_ok(
        &get(address, path, &[&bearer(&admin_token())]).await,
        "welcome, 42",
    );
    // Valid tokens whose custom claims do not fit `Roles`: 403, and the user stays signed in.
    for misfit in [token(), token_with(RoleAsText { roles: "admin" })] {
        assert_insufficient_scope(&get(address, path, &[&bearer(&misfit)]).await);
    }
    // A registered claim of the wrong type, or any other fault, is still a bad token.
    assert_invalid_token(&get(address, path, &[&bearer(&numeric_sub_token())]).await);
    assert_invalid_token(&get(address, path, &[&bearer(&expired_token())]).await);
    assert_rejected(
        &get(address, path, &[]).await,
        StatusCode::UNAUTHORIZED,
        "Bearer",
    );
    let reader = token_with(Roles {
        roles: vec!["reader".into()],
    });
    let response = get(address, path, &[&bearer(&reader)]).await;
    if checks_role {
        assert_insufficient_scope(&response);
    } else {
        assert_ok(&response, "welcome, 42");
    }
}
