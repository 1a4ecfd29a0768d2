//! The behaviour both example services must have, as test scenarios, and a harness that runs a
//! built service binary as a real process.
//!
//! An example's tests implement [`Client`] (drive its app in-process) and expand
//! [`conformance_tests!`](crate::conformance_tests) and
//! [`process_tests!`](crate::process_tests), which turn every scenario into a `#[test]` of its own.
//! Every scenario asserts exact status codes, bodies and `WWW-Authenticate` values.

// Test code: a failed assertion is the point.
#![allow(clippy::missing_panics_doc)]

use std::future::Future;
use std::num::NonZeroU32;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use example_common::{DEMO_EMAIL, DEMO_PASSWORD, DEMO_USER_ID, Settings};
use http::{Request, Response, StatusCode};
use jwt_auth::{AuthConfig, FixedClock, Issuer, Secret, secrecy::ExposeSecret};
use time::{Duration, OffsetDateTime};

/// The origin the test configuration allows.
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";
/// An origin it does not.
pub const OTHER_ORIGIN: &str = "https://evil.example";
/// `LOGIN_ATTEMPTS_PER_MINUTE` in the test configuration.
pub const LOGIN_ATTEMPTS: u32 = 5;
/// The peer address in-process requests come from.
pub const PEER: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40_000);

const INVALID_TOKEN: &str = r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#;
const INVALID_TOKEN_BODY: &str =
    r#"{"error":"invalid_token","error_description":"The access token is invalid or has expired"}"#;
const INVALID_REQUEST: &str =
    r#"Bearer error="invalid_request", error_description="The Authorization header is malformed""#;
const INVALID_REQUEST_BODY: &str =
    r#"{"error":"invalid_request","error_description":"The Authorization header is malformed"}"#;
/// A refused refresh token (RFC 6749 §5.2): nothing says why.
pub const INVALID_GRANT_BODY: &str = r#"{"error":"invalid_grant"}"#;
const INVALID_REFRESH_REQUEST_BODY: &str = r#"{"error":"invalid_request","error_description":"Expected a JSON object with a string field refresh_token"}"#;
const INVALID_CREDENTIALS_BODY: &str =
    r#"{"error":"invalid_credentials","error_description":"The email or password is incorrect"}"#;

/// What each service answers to each method on each path, without credentials or a body: the
/// same in both. `HEAD` is answered wherever `GET` is (RFC 9110 §9.3.2); a known path with
/// another method is 405, an unknown path 404.
pub const ROUTES: &[(&str, &str, StatusCode)] = &[
    ("GET", "/health", StatusCode::OK),
    ("HEAD", "/health", StatusCode::OK),
    ("POST", "/health", StatusCode::METHOD_NOT_ALLOWED),
    ("PUT", "/health", StatusCode::METHOD_NOT_ALLOWED),
    ("DELETE", "/health", StatusCode::METHOD_NOT_ALLOWED),
    ("GET", "/hello", StatusCode::OK),
    ("HEAD", "/hello", StatusCode::OK),
    ("POST", "/hello", StatusCode::METHOD_NOT_ALLOWED),
    ("PATCH", "/hello", StatusCode::METHOD_NOT_ALLOWED),
    ("GET", "/me", StatusCode::UNAUTHORIZED),
    ("HEAD", "/me", StatusCode::UNAUTHORIZED),
    ("POST", "/me", StatusCode::METHOD_NOT_ALLOWED),
    ("PUT", "/me", StatusCode::METHOD_NOT_ALLOWED),
    ("DELETE", "/me", StatusCode::METHOD_NOT_ALLOWED),
    ("PATCH", "/me", StatusCode::METHOD_NOT_ALLOWED),
    ("OPTIONS", "/me", StatusCode::METHOD_NOT_ALLOWED),
    ("POST", "/login", StatusCode::BAD_REQUEST),
    ("GET", "/login", StatusCode::METHOD_NOT_ALLOWED),
    ("HEAD", "/login", StatusCode::METHOD_NOT_ALLOWED),
    ("PUT", "/login", StatusCode::METHOD_NOT_ALLOWED),
    ("DELETE", "/login", StatusCode::METHOD_NOT_ALLOWED),
    ("POST", "/refresh", StatusCode::BAD_REQUEST),
    ("GET", "/refresh", StatusCode::METHOD_NOT_ALLOWED),
    ("PUT", "/refresh", StatusCode::METHOD_NOT_ALLOWED),
    ("POST", "/logout", StatusCode::BAD_REQUEST),
    ("GET", "/logout", StatusCode::METHOD_NOT_ALLOWED),
    ("DELETE", "/logout", StatusCode::METHOD_NOT_ALLOWED),
    ("POST", "/logout-everywhere", StatusCode::UNAUTHORIZED),
    ("GET", "/logout-everywhere", StatusCode::METHOD_NOT_ALLOWED),
    ("GET", "/.well-known/jwks.json", StatusCode::OK),
    ("HEAD", "/.well-known/jwks.json", StatusCode::OK),
    (
        "POST",
        "/.well-known/jwks.json",
        StatusCode::METHOD_NOT_ALLOWED,
    ),
    ("GET", "/.well-known/jwks.json/", StatusCode::NOT_FOUND),
    ("GET", "/", StatusCode::NOT_FOUND),
    ("HEAD", "/", StatusCode::NOT_FOUND),
    ("GET", "/nope", StatusCode::NOT_FOUND),
    ("POST", "/nope", StatusCode::NOT_FOUND),
    ("GET", "/me/", StatusCode::NOT_FOUND),
    ("GET", "/health/x", StatusCode::NOT_FOUND),
];

/// An example service's app, driven in-process.
pub trait Client: Sized {
    /// The status of a CORS preflight from an origin that is not allowed. Neither response
    /// carries `Access-Control-Allow-Origin`, so the browser blocks the call either way, but the
    /// CORS crates differ: tower-http answers 200, actix-cors 400.
    const DISALLOWED_PREFLIGHT_STATUS: StatusCode;

    /// The app for `settings`, with the demo account, its requests coming from [`PEER`].
    fn start(settings: &Settings) -> impl Future<Output = Self>;

    /// Sends `request` through the whole app (middleware included) and collects the response.
    fn send(&self, request: Request<String>) -> impl Future<Output = Response<String>>;
}

/// A test configuration and the secret behind it, to make tokens with.
#[derive(Debug)]
pub struct TestKit {
    /// [`TestKit::secret`] signs, [`ALLOWED_ORIGIN`] is allowed, [`LOGIN_ATTEMPTS`] login
    /// attempts a minute.
    pub settings: Settings,
    /// The signing secret.
    pub secret: Secret,
    /// The secret as `JWT_SECRET` holds it, for a service started as a process.
    pub shareable_secret: String,
}

impl TestKit {
    /// A fresh configuration with a random secret.
    pub fn new() -> Self {
        let (secret, shareable_secret) = Secret::generate();
        let shareable_secret = shareable_secret.expose_secret().to_owned();
        let settings = Settings {
            cors_allowed_origins: vec![ALLOWED_ORIGIN.to_owned()],
            login_attempts_per_minute: NonZeroU32::new(LOGIN_ATTEMPTS).unwrap(),
            ..Settings::new(AuthConfig::new(&secret))
        };
        Self {
            settings,
            secret,
            shareable_secret,
        }
    }

    /// A valid token for the demo account, and its `exp`.
    pub fn token(&self) -> (String, i64) {
        let issuer = self.settings.auth.issuer();
        let claims = issuer
            .claims_for(DEMO_USER_ID)
            .unwrap()
            .with_email(DEMO_EMAIL);
        (
            issuer.issue_claims(&claims).unwrap(),
            claims.exp.unix_timestamp(),
        )
    }

    /// A token for the demo account that expired a day ago.
    pub fn expired_token(&self) -> String {
        let eight_days_ago = OffsetDateTime::now_utc() - Duration::days(8);
        Issuer::new(&self.secret)
            .with_clock(FixedClock::new(eight_days_ago))
            .issue(DEMO_USER_ID, Some(DEMO_EMAIL))
            .unwrap()
    }

    /// A valid token whose payload was then changed to claim another user (`sub` 2), keeping the
    /// original signature.
    pub fn tampered_token(&self) -> String {
        let (token, _) = self.token();
        let mut parts = token.split('.');
        let (header, payload, signature) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        let forged = payload.replace(r#""sub":"1""#, r#""sub":"2""#);
        assert_ne!(payload, forged);
        format!("{header}.{}.{signature}", URL_SAFE_NO_PAD.encode(forged))
    }
}

impl Default for TestKit {
    fn default() -> Self {
        Self::new()
    }
}

/// A request with `headers` and a body.
pub fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<String> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_owned()).unwrap()
}

/// `POST /login` with a JSON body.
pub fn login_request(email: &str, password: &str) -> Request<String> {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    request(
        "POST",
        "/login",
        &[("content-type", "application/json")],
        &body,
    )
}

/// `GET path` with `Authorization: Bearer token`.
pub fn bearer_request(path: &str, token: &str) -> Request<String> {
    request(
        "GET",
        path,
        &[("authorization", &format!("Bearer {token}"))],
        "",
    )
}

/// `POST path` with the JSON body `{"refresh_token": token}` (`/refresh`, `/logout`).
pub fn refresh_request(path: &str, token: &str) -> Request<String> {
    let body = serde_json::json!({ "refresh_token": token }).to_string();
    request("POST", path, &[("content-type", "application/json")], &body)
}

/// `POST /logout-everywhere` with `Authorization: Bearer token`.
pub fn logout_everywhere_request(token: &str) -> Request<String> {
    request(
        "POST",
        "/logout-everywhere",
        &[("authorization", &format!("Bearer {token}"))],
        "",
    )
}

/// The `(access_token, refresh_token)` of a 200 token response, after checking its exact
/// RFC 6749 §5.1 shape: a 15-minute bearer access token and an opaque 64-character refresh
/// token.
pub fn token_pair(response: &Response<String>) -> (String, String) {
    assert_eq!(response.status(), StatusCode::OK, "{response:?}");
    assert_json(response);
    assert_eq!(header_str(response, "cache-control"), Some("no-store"));
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        response.body(),
        &format!(
            r#"{{"access_token":"{access}","token_type":"bearer","expires_in":900,"refresh_token":"{refresh}"}}"#
        )
    );
    assert_eq!(refresh.len(), 64, "a 384-bit base64url handle");
    assert!(!refresh.contains('.'), "a refresh token is never a JWT");
    (access, refresh)
}

/// 400 `{"error":"invalid_grant"}`, no `Retry-After`.
pub fn assert_invalid_grant(response: &Response<String>) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{response:?}");
    assert_json(response);
    assert_eq!(header_str(response, "cache-control"), Some("no-store"));
    assert_eq!(header_str(response, "retry-after"), None);
    assert_eq!(response.body(), INVALID_GRANT_BODY);
}

/// 503 `temporarily_unavailable` with `Retry-After: 5`: an outage, never a 401.
pub fn assert_unavailable(response: &Response<String>) {
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "{response:?}"
    );
    assert_eq!(header_str(response, "retry-after"), Some("5"));
    assert_eq!(header_str(response, "www-authenticate"), None);
    assert_eq!(response.body(), r#"{"error":"temporarily_unavailable"}"#);
}

/// A header's value as text, when present.
pub fn header_str<'a>(response: &'a Response<String>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn assert_json(response: &Response<String>) {
    assert_eq!(
        header_str(response, "content-type"),
        Some("application/json")
    );
}

fn assert_rejected(response: &Response<String>, status: StatusCode, challenge: &str, body: &str) {
    assert_eq!(response.status(), status, "{response:?}");
    assert_eq!(header_str(response, "www-authenticate"), Some(challenge));
    assert_eq!(header_str(response, "cache-control"), Some("no-store"));
    assert_eq!(response.body(), body);
}

/// 401 `invalid_token` with the generic description.
fn assert_invalid_token(response: &Response<String>) {
    assert_rejected(
        response,
        StatusCode::UNAUTHORIZED,
        INVALID_TOKEN,
        INVALID_TOKEN_BODY,
    );
}

/// 400 `invalid_request`.
fn assert_invalid_request(response: &Response<String>) {
    assert_rejected(
        response,
        StatusCode::BAD_REQUEST,
        INVALID_REQUEST,
        INVALID_REQUEST_BODY,
    );
}

/// A comma-separated header as a lower-case list.
fn list(response: &Response<String>, name: &str) -> Vec<String> {
    let mut items: Vec<String> = header_str(response, name)
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    items.sort();
    items
}

/// The scenarios; [`conformance_tests!`](crate::conformance_tests) runs each as a test.
pub mod scenarios {
    #[allow(clippy::wildcard_imports)] // the scenarios use the whole harness above
    use super::*;

    async fn start<C: Client>() -> (TestKit, C) {
        let kit = TestKit::new();
        let client = C::start(&kit.settings).await;
        (kit, client)
    }

    /// Every row of [`ROUTES`]: the same status from both services.
    pub async fn every_method_and_path_answers_as_tabled<C: Client>() {
        let (_, client) = start::<C>().await;
        let mut wrong = Vec::new();
        for &(method, path, status) in ROUTES {
            let response = client.send(request(method, path, &[], "")).await;
            if response.status() != status {
                wrong.push(format!(
                    "{method} {path}: {} (expected {status})",
                    response.status()
                ));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// `GET /health` answers without credentials.
    pub async fn health_is_public<C: Client>() {
        let (_, client) = start::<C>().await;
        let response = client.send(request("GET", "/health", &[], "")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_json(&response);
        assert_eq!(response.body(), r#"{"status":"ok"}"#);
    }

    /// `GET /.well-known/jwks.json` on a service signing HS256: an empty key set (a secret is
    /// never published), as JSON, cacheable for five minutes.
    pub async fn jwks_of_an_hs256_service_is_empty<C: Client>() {
        let (kit, client) = start::<C>().await;
        let response = client
            .send(request("GET", "/.well-known/jwks.json", &[], ""))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_json(&response);
        assert_eq!(
            header_str(&response, "cache-control"),
            Some("public, max-age=300")
        );
        assert_eq!(response.body(), r#"{"keys":[]}"#);
        assert!(!response.body().contains(&kit.shareable_secret));
    }

    /// The demo credentials get a 15-minute bearer token that verifies and a refresh token, in
    /// the RFC 6749 §5.1 body.
    pub async fn login_issues_a_token<C: Client>() {
        let (kit, client) = start::<C>().await;
        let response = client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await;
        let (token, refresh) = token_pair(&response);
        let claims = kit.settings.auth.verifier().verify(&token).unwrap();
        assert_eq!(claims.sub, DEMO_USER_ID);
        assert_eq!(claims.email.as_deref(), Some(DEMO_EMAIL));
        assert_eq!(claims.exp - claims.iat.unwrap(), Duration::minutes(15));
        // The refresh token is no access token.
        let me = client.send(bearer_request("/me", &refresh)).await;
        assert_invalid_token(&me);
    }

    /// `POST /refresh` consumes the refresh token and answers a new pair whose access token
    /// opens `GET /me`.
    pub async fn refresh_rotates<C: Client>() {
        let (kit, client) = start::<C>().await;
        let (_, first) = token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let (access, second) = token_pair(&client.send(refresh_request("/refresh", &first)).await);
        assert_ne!(first, second);
        let claims = kit.settings.auth.verifier().verify(&access).unwrap();
        assert_eq!(claims.sub, DEMO_USER_ID);
        let me = client.send(bearer_request("/me", &access)).await;
        assert_eq!(me.status(), StatusCode::OK);
        let (_, third) = token_pair(&client.send(refresh_request("/refresh", &second)).await);
        assert_ne!(second, third);
    }

    /// A used refresh token presented again, once its successor was used: 400 `invalid_grant`,
    /// and the whole session is revoked, its latest access token included.
    pub async fn refresh_reuse_revokes_the_session<C: Client>() {
        let (_, client) = start::<C>().await;
        let (_, first) = token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let (_, second) = token_pair(&client.send(refresh_request("/refresh", &first)).await);
        let (access, third) = token_pair(&client.send(refresh_request("/refresh", &second)).await);
        assert_eq!(
            client.send(bearer_request("/me", &access)).await.status(),
            StatusCode::OK
        );
        assert_invalid_grant(&client.send(refresh_request("/refresh", &first)).await);
        assert_invalid_token(&client.send(bearer_request("/me", &access)).await);
        assert_invalid_grant(&client.send(refresh_request("/refresh", &third)).await);
    }

    /// Unknown or malformed refresh tokens are 400 `invalid_grant`; a body without a string
    /// `refresh_token` is 400 `invalid_request`.
    pub async fn refresh_refuses_bad_input<C: Client>() {
        let (kit, client) = start::<C>().await;
        let (access, _) = kit.token();
        for token in ["", "nope", &"A".repeat(64), &access] {
            assert_invalid_grant(&client.send(refresh_request("/refresh", token)).await);
            assert_invalid_grant(&client.send(refresh_request("/logout", token)).await);
        }
        for path in ["/refresh", "/logout"] {
            for body in ["", "{}", r#"{"refresh_token":1}"#, "[]", "{"] {
                let response = client
                    .send(request(
                        "POST",
                        path,
                        &[("content-type", "application/json")],
                        body,
                    ))
                    .await;
                assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {body}");
                assert_json(&response);
                assert_eq!(
                    response.body(),
                    INVALID_REFRESH_REQUEST_BODY,
                    "{path} {body}"
                );
            }
        }
    }

    /// `POST /logout` ends that session: 204, then its access token gets 401 and its refresh
    /// token 400 `invalid_grant` (a second logout 204 again); another session of the same user is
    /// untouched.
    pub async fn logout_ends_the_session<C: Client>() {
        let (_, client) = start::<C>().await;
        let (access, refresh) =
            token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let (other_access, other_refresh) =
            token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let logout = client.send(refresh_request("/logout", &refresh)).await;
        assert_eq!(logout.status(), StatusCode::NO_CONTENT, "{logout:?}");
        assert_eq!(logout.body(), "");
        assert_invalid_token(&client.send(bearer_request("/me", &access)).await);
        assert_invalid_grant(&client.send(refresh_request("/refresh", &refresh)).await);
        // Logging out again is not an error: the session is over either way.
        let again = client.send(refresh_request("/logout", &refresh)).await;
        assert_eq!(again.status(), StatusCode::NO_CONTENT, "{again:?}");
        assert_eq!(
            client
                .send(bearer_request("/me", &other_access))
                .await
                .status(),
            StatusCode::OK
        );
        token_pair(
            &client
                .send(refresh_request("/refresh", &other_refresh))
                .await,
        );
    }

    /// `POST /logout-everywhere` ends every session of the caller: 204, then every access
    /// token issued before it gets 401 (the service's own and those of another issuer sharing the
    /// secret) and every refresh token 400; a login right after works.
    pub async fn logout_everywhere_ends_every_session<C: Client>() {
        let (kit, client) = start::<C>().await;
        let (access, refresh) =
            token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let (other_access, other_refresh) =
            token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        let (foreign, _) = kit.token();
        let response = client.send(logout_everywhere_request(&access)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{response:?}");
        for token in [&access, &other_access, &foreign] {
            assert_invalid_token(&client.send(bearer_request("/me", token)).await);
        }
        for token in [&refresh, &other_refresh] {
            assert_invalid_grant(&client.send(refresh_request("/refresh", token)).await);
        }
        let (after, _) = token_pair(&client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await);
        assert_eq!(
            client.send(bearer_request("/me", &after)).await.status(),
            StatusCode::OK
        );
    }

    /// `POST /logout-everywhere` needs a valid access token.
    pub async fn logout_everywhere_needs_a_token<C: Client>() {
        let (kit, client) = start::<C>().await;
        let bare = client
            .send(request("POST", "/logout-everywhere", &[], ""))
            .await;
        assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(header_str(&bare, "www-authenticate"), Some("Bearer"));
        let tampered = client
            .send(logout_everywhere_request(&kit.tampered_token()))
            .await;
        assert_invalid_token(&tampered);
        // The tampered token names user 2; user 1's tokens still work.
        let (token, _) = kit.token();
        assert_eq!(
            client.send(bearer_request("/me", &token)).await.status(),
            StatusCode::OK
        );
    }

    /// The token from `POST /login` opens `GET /me`.
    pub async fn login_then_me<C: Client>() {
        let (_, client) = start::<C>().await;
        let login = client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await;
        let body: serde_json::Value = serde_json::from_str(login.body()).unwrap();
        let me = client
            .send(bearer_request(
                "/me",
                body["access_token"].as_str().unwrap(),
            ))
            .await;
        assert_eq!(me.status(), StatusCode::OK);
        let me: serde_json::Value = serde_json::from_str(me.body()).unwrap();
        assert_eq!(
            (me["sub"].as_str(), me["email"].as_str()),
            (Some("1"), Some(DEMO_EMAIL))
        );
    }

    /// A wrong password and an unknown email get the same 401: nothing says which was wrong.
    pub async fn login_refuses_bad_credentials<C: Client>() {
        let (_, client) = start::<C>().await;
        for (email, password) in [
            (DEMO_EMAIL, "correct horse battery stapler"),
            ("nobody@example.com", DEMO_PASSWORD),
            ("", ""),
        ] {
            let response = client.send(login_request(email, password)).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
            assert_json(&response);
            assert_eq!(header_str(&response, "cache-control"), Some("no-store"));
            assert_eq!(response.body(), INVALID_CREDENTIALS_BODY);
        }
    }

    /// A body that is not the expected JSON is a 400, whatever is wrong with it.
    pub async fn login_refuses_a_malformed_body<C: Client>() {
        let (_, client) = start::<C>().await;
        let json = [("content-type", "application/json")];
        let big = format!(r#"{{"email":"a","password":"{}"}}"#, "x".repeat(20_000));
        for request in [
            request("POST", "/login", &json, "{"),
            request("POST", "/login", &json, r#"{"email":"ada@example.com"}"#),
            request("POST", "/login", &json, r#"{"email":1,"password":"x"}"#),
            request(
                "POST",
                "/login",
                &[("content-type", "text/plain")],
                r#"{"email":"a","password":"b"}"#,
            ),
            request("POST", "/login", &json, &big),
        ] {
            let response = client.send(request).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            assert_json(&response);
            assert_eq!(
                response.body(),
                r#"{"error":"invalid_request","error_description":"Expected a JSON object with string fields email and password"}"#
            );
        }
    }

    /// After [`LOGIN_ATTEMPTS`] attempts, good or bad, the next gets a 429 with `Retry-After`.
    pub async fn login_rate_limit_trips<C: Client>() {
        let (_, client) = start::<C>().await;
        for _ in 0..LOGIN_ATTEMPTS {
            let response = client.send(login_request(DEMO_EMAIL, "wrong")).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        // Even the right password is refused now.
        let response = client.send(login_request(DEMO_EMAIL, DEMO_PASSWORD)).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_json(&response);
        assert_eq!(
            response.body(),
            r#"{"error":"too_many_requests","error_description":"Too many login attempts; retry later"}"#
        );
        // One attempt comes back every 60 / LOGIN_ATTEMPTS = 12 seconds.
        let retry_after: u64 = header_str(&response, "retry-after")
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (1..=12).contains(&retry_after),
            "Retry-After: {retry_after}"
        );
        // Other routes are not limited.
        let health = client.send(request("GET", "/health", &[], "")).await;
        assert_eq!(health.status(), StatusCode::OK);
    }

    /// `GET /me` with a valid token returns exactly the caller's `sub`, `email` and `exp`.
    pub async fn me_returns_the_callers_claims<C: Client>() {
        let (kit, client) = start::<C>().await;
        let (token, exp) = kit.token();
        let response = client.send(bearer_request("/me", &token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_json(&response);
        assert_eq!(
            response.body(),
            &format!(r#"{{"sub":"1","email":"ada@example.com","exp":{exp}}}"#)
        );
        // The scheme is case-insensitive.
        let lower = client
            .send(request(
                "GET",
                "/me",
                &[("authorization", &format!("bearer {token}"))],
                "",
            ))
            .await;
        assert_eq!(lower.status(), StatusCode::OK);
    }

    /// Without credentials: 401, a bare `Bearer` challenge, an empty body (RFC 6750 §3.1).
    pub async fn me_without_credentials_is_a_bare_challenge<C: Client>() {
        let (_, client) = start::<C>().await;
        let response = client.send(request("GET", "/me", &[], "")).await;
        assert_rejected(&response, StatusCode::UNAUTHORIZED, "Bearer", "");
        // Credentials for another scheme are no bearer credentials either.
        let basic = client
            .send(request(
                "GET",
                "/me",
                &[("authorization", "Basic YWRhOnB3")],
                "",
            ))
            .await;
        assert_rejected(&basic, StatusCode::UNAUTHORIZED, "Bearer", "");
    }

    /// An expired token: 401 `invalid_token`, with the generic description.
    pub async fn me_with_an_expired_token_is_invalid_token<C: Client>() {
        let (kit, client) = start::<C>().await;
        let response = client
            .send(bearer_request("/me", &kit.expired_token()))
            .await;
        assert_invalid_token(&response);
    }

    /// A token altered after signing, or signed with another secret: 401 `invalid_token`.
    pub async fn me_with_a_tampered_token_is_invalid_token<C: Client>() {
        let (kit, client) = start::<C>().await;
        let response = client
            .send(bearer_request("/me", &kit.tampered_token()))
            .await;
        assert_invalid_token(&response);
        let other = TestKit::new().token().0;
        let response = client.send(bearer_request("/me", &other)).await;
        assert_invalid_token(&response);
        let response = client.send(bearer_request("/me", "not.a.token")).await;
        assert_invalid_token(&response);
    }

    /// A malformed `Authorization` header: 400 `invalid_request`.
    pub async fn me_with_a_malformed_header_is_invalid_request<C: Client>() {
        let (kit, client) = start::<C>().await;
        let (token, _) = kit.token();
        for value in [
            "Bearer",
            "Bearer ",
            &format!("Bearer {token} extra"),
            "Bearer a,b",
        ] {
            let response = client
                .send(request("GET", "/me", &[("authorization", value)], ""))
                .await;
            assert_invalid_request(&response);
        }
        // Two Authorization headers are ambiguous, even when both are valid.
        let bearer = format!("Bearer {token}");
        let twice = request(
            "GET",
            "/me",
            &[("authorization", &bearer), ("authorization", &bearer)],
            "",
        );
        let response = client.send(twice).await;
        assert_invalid_request(&response);
    }

    /// `GET /hello` serves anonymous callers, greets authenticated ones, and still refuses a bad
    /// token rather than treating its bearer as anonymous.
    pub async fn hello_has_optional_authentication<C: Client>() {
        let (kit, client) = start::<C>().await;
        let anonymous = client.send(request("GET", "/hello", &[], "")).await;
        assert_eq!(anonymous.status(), StatusCode::OK);
        assert_eq!(anonymous.body(), r#"{"message":"hello, stranger"}"#);
        let known = client.send(bearer_request("/hello", &kit.token().0)).await;
        assert_eq!(known.status(), StatusCode::OK);
        assert_eq!(known.body(), r#"{"message":"hello, ada@example.com"}"#);
        let expired = client
            .send(bearer_request("/hello", &kit.expired_token()))
            .await;
        assert_invalid_token(&expired);
        let malformed = client
            .send(request("GET", "/hello", &[("authorization", "Bearer")], ""))
            .await;
        assert_invalid_request(&malformed);
    }

    fn preflight(origin: &str) -> Request<String> {
        request(
            "OPTIONS",
            "/me",
            &[
                ("origin", origin),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
            "",
        )
    }

    /// A preflight from the configured origin is allowed: that exact origin, `GET`/`POST`, and the
    /// `Authorization` and `Content-Type` headers. No credentials mode: tokens are not cookies.
    pub async fn cors_preflight_from_an_allowed_origin<C: Client>() {
        let (_, client) = start::<C>().await;
        let response = client.send(preflight(ALLOWED_ORIGIN)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header_str(&response, "access-control-allow-origin"),
            Some(ALLOWED_ORIGIN)
        );
        assert_eq!(
            list(&response, "access-control-allow-methods"),
            ["get", "post"]
        );
        assert_eq!(
            list(&response, "access-control-allow-headers"),
            ["authorization", "content-type"]
        );
        assert_eq!(header_str(&response, "access-control-max-age"), Some("600"));
        assert_eq!(
            header_str(&response, "access-control-allow-credentials"),
            None
        );
        assert!(list(&response, "vary").contains(&"origin".to_owned()));
    }

    /// A preflight from any other origin gets no `Access-Control-Allow-Origin`, so the browser
    /// refuses to send the request.
    pub async fn cors_preflight_from_a_disallowed_origin<C: Client>() {
        let (_, client) = start::<C>().await;
        for origin in [OTHER_ORIGIN, "null", "https://app.example.com.evil.example"] {
            let response = client.send(preflight(origin)).await;
            assert_eq!(
                response.status(),
                C::DISALLOWED_PREFLIGHT_STATUS,
                "{origin}"
            );
            assert_eq!(
                header_str(&response, "access-control-allow-origin"),
                None,
                "{origin}"
            );
        }
    }

    /// Actual cross-origin requests: the allowed origin can read the response, others cannot.
    pub async fn cors_actual_requests<C: Client>() {
        let (kit, client) = start::<C>().await;
        let from = |origin| {
            let bearer = format!("Bearer {}", kit.token().0);
            request(
                "GET",
                "/me",
                &[("origin", origin), ("authorization", &bearer)],
                "",
            )
        };
        let allowed = client.send(from(ALLOWED_ORIGIN)).await;
        assert_eq!(allowed.status(), StatusCode::OK);
        assert_eq!(
            header_str(&allowed, "access-control-allow-origin"),
            Some(ALLOWED_ORIGIN)
        );
        // So that a page tells an expired token (refresh) from an outage (retry later).
        assert_eq!(
            list(&allowed, "access-control-expose-headers"),
            ["retry-after", "www-authenticate"]
        );
        let other = client.send(from(OTHER_ORIGIN)).await;
        assert_eq!(header_str(&other, "access-control-allow-origin"), None);
        // Rejections carry the CORS headers too, so the front end can read the 401 and log out.
        let rejected = client
            .send(request("GET", "/me", &[("origin", ALLOWED_ORIGIN)], ""))
            .await;
        assert_eq!(rejected.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            header_str(&rejected, "access-control-allow-origin"),
            Some(ALLOWED_ORIGIN)
        );
        assert_eq!(
            list(&rejected, "access-control-expose-headers"),
            ["retry-after", "www-authenticate"]
        );
    }
}

/// Expands to one test per scenario in [`scenarios`], for the [`Client`] type given, with the
/// given async test attribute:
///
/// ```text
/// example_conformance::conformance_tests!(#[tokio::test] AxumClient);
/// ```
#[macro_export]
macro_rules! conformance_tests {
    (#[$test:meta] $client:ty) => {
        $crate::conformance_tests!(@each #[$test] $client;
            every_method_and_path_answers_as_tabled,
            health_is_public,
            jwks_of_an_hs256_service_is_empty,
            login_issues_a_token,
            login_then_me,
            refresh_rotates,
            refresh_reuse_revokes_the_session,
            refresh_refuses_bad_input,
            logout_ends_the_session,
            logout_everywhere_ends_every_session,
            logout_everywhere_needs_a_token,
            login_refuses_bad_credentials,
            login_refuses_a_malformed_body,
            login_rate_limit_trips,
            me_returns_the_callers_claims,
            me_without_credentials_is_a_bare_challenge,
            me_with_an_expired_token_is_invalid_token,
            me_with_a_tampered_token_is_invalid_token,
            me_with_a_malformed_header_is_invalid_request,
            hello_has_optional_authentication,
            cors_preflight_from_an_allowed_origin,
            cors_preflight_from_a_disallowed_origin,
            cors_actual_requests,
        );
    };
    (@each #[$test:meta] $client:ty; $($name:ident),* $(,)?) => {
        $(
            #[$test]
            async fn $name() {
                $crate::scenarios::$name::<$client>().await;
            }
        )*
    };
}

/// Expands to the [`process`] tests for the service binary at the given path (normally
/// `env!("CARGO_BIN_EXE_<name>")`).
#[macro_export]
macro_rules! process_tests {
    ($binary:expr) => {
        #[::core::prelude::v1::test]
        fn weak_secret_stops_start_up() {
            $crate::process::weak_secret_stops_start_up($binary);
        }

        #[::core::prelude::v1::test]
        fn unset_secret_is_generated_and_announced() {
            $crate::process::unset_secret_is_generated_and_announced($binary);
        }

        #[::core::prelude::v1::test]
        fn every_keys_fingerprint_is_logged_at_start_up() {
            $crate::process::every_keys_fingerprint_is_logged_at_start_up($binary);
        }

        #[::core::prelude::v1::test]
        fn es256_key_file_end_to_end() {
            $crate::process::public_key_end_to_end($binary, "ES256", "es256.pem");
        }

        #[::core::prelude::v1::test]
        fn eddsa_key_file_end_to_end() {
            $crate::process::public_key_end_to_end($binary, "EdDSA", "ed25519.pem");
        }

        #[::core::prelude::v1::test]
        fn a_bad_private_key_file_stops_start_up() {
            $crate::process::a_bad_private_key_file_stops_start_up($binary);
        }

        #[::core::prelude::v1::test]
        fn serves_over_real_http() {
            $crate::process::serves_over_real_http($binary);
        }

        #[::core::prelude::v1::test]
        fn a_declared_body_that_never_comes_times_out() {
            $crate::process::a_declared_body_that_never_comes_times_out($binary);
        }

        #[::core::prelude::v1::test]
        fn headers_that_never_end_time_out() {
            $crate::process::headers_that_never_end_time_out($binary);
        }

        #[::core::prelude::v1::test]
        fn metrics_count_a_scripted_mix() {
            $crate::process::metrics_count_a_scripted_mix($binary);
        }

        #[::core::prelude::v1::test]
        fn session_access_ttl_is_configurable() {
            $crate::process::session_access_ttl_is_configurable($binary);
        }

        #[::core::prelude::v1::test]
        fn redis_outage_is_503() {
            $crate::process::redis_outage_is_503($binary);
        }

        #[::core::prelude::v1::test]
        fn redis_killed_and_restarted() {
            $crate::process::redis_killed_and_restarted($binary);
        }

        #[::core::prelude::v1::test]
        fn two_processes_share_sessions() {
            $crate::process::two_processes_share_sessions($binary);
        }

        #[::core::prelude::v1::test]
        fn two_processes_share_sessions_on_a_cluster() {
            $crate::process::two_processes_share_sessions_on_a_cluster($binary);
        }
    };
}

pub mod process;
