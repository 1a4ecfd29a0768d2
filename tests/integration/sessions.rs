//! What the ready session routes must answer, whatever the framework: each framework's module
//! serves an app with `POST /login` (returning `Sessions::login`'s result as it is), the ready
//! routes, `GET /me` and a logging middleware that records the `SessionError` of each response's
//! extensions in a [`Log`], and runs these scenarios against it over real HTTP.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http::{Response, StatusCode};
use jwt_auth::store::{
    EndOutcome, Family, MemoryRevocations, Revocation, Rotation, RotationOutcome, SessionStore,
    StoreError, TokenHash,
};
use jwt_auth::{MemoryStore, SessionError, Sessions};

use crate::client::send;
use crate::scenarios::secret;

/// The `SessionError`s a logging middleware found in the responses' extensions, in order.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<Vec<SessionError>>>);

impl Log {
    pub fn record(&self, error: &SessionError) {
        self.0.lock().unwrap().push(error.clone());
    }

    /// What was recorded since the last call.
    pub fn take(&self) -> Vec<SessionError> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

pub const INVALID_GRANT_BODY: &str = r#"{"error":"invalid_grant"}"#;
pub const INVALID_REQUEST_BODY: &str = r#"{"error":"invalid_request","error_description":"Expected a JSON object with a string field refresh_token"}"#;
pub const UNAVAILABLE_BODY: &str = r#"{"error":"temporarily_unavailable"}"#;
const JSON: (&str, &str) = ("content-type", "application/json");

type Headers<'a> = &'a [(&'a str, &'a str)];

/// The sessions the apps serve: in memory, on the test secret.
pub fn memory_sessions() -> Sessions<MemoryStore> {
    Sessions::new(secret(), MemoryStore::new())
}

fn header<'a>(response: &'a Response<String>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

/// JSON, `Cache-Control: no-store`, `Pragma: no-cache`.
fn assert_no_store_json(response: &Response<String>) {
    assert_eq!(header(response, "content-type"), Some("application/json"));
    assert_eq!(header(response, "cache-control"), Some("no-store"));
    assert_eq!(header(response, "pragma"), Some("no-cache"));
}

/// The `(access_token, refresh_token)` of a 200 token response, after checking its exact
/// RFC 6749 §5.1 shape and headers.
pub fn token_pair(response: &Response<String>) -> (String, String) {
    assert_eq!(response.status(), StatusCode::OK, "{response:?}");
    assert_no_store_json(response);
    assert_eq!(header(response, "retry-after"), None);
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        response.body(),
        &format!(
            r#"{{"access_token":"{access}","token_type":"bearer","expires_in":900,"refresh_token":"{refresh}"}}"#
        )
    );
    (access, refresh)
}

fn assert_error(response: &Response<String>, status: StatusCode, body: &str) {
    assert_eq!(response.status(), status, "{response:?}");
    assert_no_store_json(response);
    assert_eq!(response.body(), body);
    assert_eq!(header(response, "www-authenticate"), None);
}

pub fn assert_invalid_grant(response: &Response<String>) {
    assert_error(response, StatusCode::BAD_REQUEST, INVALID_GRANT_BODY);
    assert_eq!(header(response, "retry-after"), None);
}

/// 503 with `Retry-After: 5`: an outage, never a 401.
pub fn assert_unavailable(response: &Response<String>) {
    assert_error(response, StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_BODY);
    assert_eq!(header(response, "retry-after"), Some("5"));
}

fn assert_no_content(response: &Response<String>) {
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{response:?}");
    assert_eq!(header(response, "cache-control"), Some("no-store"));
    assert_eq!(response.body(), "");
}

pub async fn login(address: SocketAddr) -> Response<String> {
    send(address, "POST", "/login", &[], "").await
}

pub async fn post_refresh_token(address: SocketAddr, path: &str, token: &str) -> Response<String> {
    let body = serde_json::json!({ "refresh_token": token }).to_string();
    send(address, "POST", path, &[JSON], &body).await
}

async fn logout_everywhere(address: SocketAddr, access: &str) -> Response<String> {
    let bearer = format!("Bearer {access}");
    send(
        address,
        "POST",
        "/logout-everywhere",
        &[("authorization", &bearer)],
        "",
    )
    .await
}

async fn me(address: SocketAddr, access: &str) -> StatusCode {
    let bearer = format!("Bearer {access}");
    send(address, "GET", "/me", &[("authorization", &bearer)], "")
        .await
        .status()
}

/// Login, rotation, reuse after the grace rules (the whole session revoked, the cause logged),
/// logout and logout everywhere.
pub async fn rotation_reuse_and_logout(address: SocketAddr, log: &Log) {
    let (_, first) = token_pair(&login(address).await);
    let (_, second) = token_pair(&post_refresh_token(address, "/refresh", &first).await);
    let (access, third) = token_pair(&post_refresh_token(address, "/refresh", &second).await);
    assert_eq!(me(address, &access).await, StatusCode::OK);
    assert!(log.take().is_empty());

    // `first` is no longer the live token's parent: reuse, whatever the grace window says.
    assert_invalid_grant(&post_refresh_token(address, "/refresh", &first).await);
    let logged = log.take();
    assert!(
        matches!(logged.as_slice(), [SessionError::Reused { sub, .. }] if sub == "42"),
        "{logged:?}"
    );
    assert_eq!(me(address, &access).await, StatusCode::UNAUTHORIZED);
    assert_invalid_grant(&post_refresh_token(address, "/refresh", &third).await);
    assert!(matches!(
        log.take().as_slice(),
        [SessionError::Revoked { .. }]
    ));

    // Logout: 204, then the session's tokens are refused; a second logout is 204 too.
    let (access, refresh) = token_pair(&login(address).await);
    let (other_access, _) = token_pair(&login(address).await);
    assert_no_content(&post_refresh_token(address, "/logout", &refresh).await);
    assert_eq!(me(address, &access).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(address, &other_access).await, StatusCode::OK);
    assert_invalid_grant(&post_refresh_token(address, "/refresh", &refresh).await);
    assert_no_content(&post_refresh_token(address, "/logout", &refresh).await);
    assert_invalid_grant(&post_refresh_token(address, "/logout", &"A".repeat(64)).await);
    let logged = log.take();
    assert!(
        matches!(
            logged.as_slice(),
            [SessionError::Revoked { .. }, SessionError::Unknown]
        ),
        "{logged:?}"
    );

    // Logout everywhere: the bearer's every session; a login right after works.
    let (_, other_refresh) = token_pair(&login(address).await);
    assert_no_content(&logout_everywhere(address, &other_access).await);
    assert_eq!(me(address, &other_access).await, StatusCode::UNAUTHORIZED);
    assert_invalid_grant(&post_refresh_token(address, "/refresh", &other_refresh).await);
    let (after, _) = token_pair(&login(address).await);
    assert_eq!(me(address, &after).await, StatusCode::OK);

    // Without a valid bearer: the RFC 6750 rejection, not a session error.
    let bare = send(address, "POST", "/logout-everywhere", &[], "").await;
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&bare, "www-authenticate"), Some("Bearer"));
    let tampered = logout_everywhere(address, "not.a.token").await;
    assert_eq!(tampered.status(), StatusCode::UNAUTHORIZED);
    log.take();
}

/// Every malformed body is 400 `invalid_request` JSON (never the framework's 415, 422 or plain
/// text), its reason logged; another method is 405.
pub async fn malformed_bodies(address: SocketAddr, log: &Log) {
    let token = serde_json::json!({ "refresh_token": "A".repeat(64) }).to_string();
    let big = format!(r#"{{"refresh_token":"{}"}}"#, "A".repeat(3 * 1024 * 1024));
    let cases: [(Headers, &str, &str); 9] = [
        (&[JSON], "", "the body is not JSON"),
        (&[JSON], "{", "the body is not JSON"),
        (&[JSON], "[]", "the body is not a JSON object"),
        (&[JSON], "{}", "the body has no refresh_token"),
        (
            &[JSON],
            r#"{"refresh_token":1}"#,
            "refresh_token is not a string",
        ),
        (&[], &token, "the content type is not application/json"),
        (
            &[("content-type", "text/plain")],
            &token,
            "the content type is not application/json",
        ),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            "refresh_token=abc",
            "the content type is not application/json",
        ),
        (
            &[JSON],
            &big,
            "the body could not be read (too large, or cut off)",
        ),
    ];
    for path in ["/refresh", "/logout"] {
        for (headers, body, reason) in &cases {
            let response = send(address, "POST", path, headers, body).await;
            assert_error(&response, StatusCode::BAD_REQUEST, INVALID_REQUEST_BODY);
            assert_eq!(
                log.take(),
                [SessionError::InvalidRequest { reason }],
                "{path} {headers:?}"
            );
        }
        let get = send(address, "GET", path, &[], "").await;
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    }
}

/// A store that cannot answer: login, refresh, logout and logout everywhere are 503 with
/// `Retry-After`, never 401 or 400, and the store error is logged.
pub async fn outage(address: SocketAddr, access: &str, refresh: &str, log: &Log) {
    assert_unavailable(&post_refresh_token(address, "/refresh", refresh).await);
    assert_unavailable(&post_refresh_token(address, "/logout", refresh).await);
    assert_unavailable(&logout_everywhere(address, access).await);
    let logged = log.take();
    assert_eq!(logged.len(), 3, "{logged:?}");
    assert!(
        logged
            .iter()
            .all(|error| matches!(error, SessionError::Store(_)) && error.is_outage()),
        "{logged:?}"
    );
}

/// A store whose every operation fails, as a Redis that is down does; its revocation view is an
/// empty memory store's, so that verifying still works.
#[derive(Debug, Clone, Default)]
pub struct Down {
    view: MemoryStore,
}

fn down<T>() -> std::future::Ready<Result<T, StoreError>> {
    std::future::ready(Err(StoreError::Unavailable {
        reason: "connection refused".to_owned(),
    }))
}

impl SessionStore for Down {
    type View = MemoryRevocations;

    fn revocations(&self) -> Self::View {
        self.view.revocations()
    }

    fn start(&self, _: Family) -> impl Future<Output = Result<(), StoreError>> + Send {
        down()
    }

    fn rotate(
        &self,
        _: Rotation,
    ) -> impl Future<Output = Result<RotationOutcome, StoreError>> + Send {
        down()
    }

    fn acknowledge(
        &self,
        _: &str,
        _: TokenHash,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        down()
    }

    fn end(
        &self,
        _: &str,
        _: TokenHash,
    ) -> impl Future<Output = Result<EndOutcome, StoreError>> + Send {
        down()
    }

    fn revoke(&self, _: Revocation) -> impl Future<Output = Result<(), StoreError>> + Send {
        down()
    }
}

/// The outage scenario on [`Down`]: a login is 503 too.
pub async fn down_store(address: SocketAddr, log: &Log) {
    assert_unavailable(&login(address).await);
    assert!(matches!(log.take().as_slice(), [SessionError::Store(_)]));
    let access = crate::scenarios::token();
    outage(address, &access, &"A".repeat(64), log).await;
}
