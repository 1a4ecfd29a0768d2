//! The routes `benches/e2e.sh` loads, on one handler: the caller's subject as JSON.
//!
//! On the axum 0.8 router ([`router`]):
//! - `/open`: no authentication;
//! - `/jwt-auth`: jwt-auth's [`Authenticated`] extractor;
//! - `/jsonwebtoken`: [`HandWritten`], a `jsonwebtoken` 12 extractor as a user writes it today;
//! - `/axum-jwt-auth`: `axum-jwt-auth`'s `Claims` extractor with its `LocalDecoder`;
//! - `POST /token`: a token for the load generator to send, as a login would.
//!
//! On the axum 0.7 router ([`router_07`]), on its own listener, because `jwt-authorizer`'s
//! current release is built on axum 0.7: `/open` again, and `/jwt-authorizer` behind its layer.
//!
//! Every verifier checks the same token the same way: HS256 with the same secret, `exp`, and the
//! audience ([`AUDIENCE`]), which `axum-jwt-auth`'s `LocalDecoder` insists on.

use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Request, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_auth::axum::Authenticated;
use jwt_auth::{AuthConfig, Issuer, Secret, Verifier};
use secrecy::{ExposeSecret, SecretString};

/// The audience every token carries and every verifier requires.
pub const AUDIENCE: &str = "https://api.example.com";

/// What every route answers: the caller named in the request.
#[derive(Debug, serde::Serialize)]
pub struct Caller {
    /// The subject (`42` for the bench's token; `anonymous` on `/open`).
    pub sub: String,
}

/// The claims a user of the peers decodes into: the ones the handler reads, and `exp`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct UserClaims {
    /// Subject.
    pub sub: String,
    /// The user's email address.
    pub email: Option<String>,
    /// Expiry, in seconds since the epoch.
    pub exp: u64,
}

/// The one handler every route ends in.
fn answer(sub: String) -> Json<Caller> {
    Json(Caller { sub })
}

/// The key and policy the hand-written extractor decodes with.
#[derive(Debug)]
pub struct JwtKeys {
    /// `DecodingKey::from_secret` of the secret's bytes.
    pub key: DecodingKey,
    /// `Validation::new(HS256)` with the audience.
    pub validation: Validation,
}

/// A `jsonwebtoken` 12 extractor as a user writes it today: the `Authorization` header, its
/// `Bearer ` prefix stripped, `decode` with `Validation::new(HS256)`, any error a bare 401.
#[derive(Debug)]
pub struct HandWritten(pub UserClaims);

impl<S> FromRequestParts<S> for HandWritten
where
    Arc<JwtKeys>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let keys = Arc::<JwtKeys>::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or(StatusCode::UNAUTHORIZED)?;
        let data = jsonwebtoken::decode::<UserClaims>(token, &keys.key, &keys.validation)
            .map_err(|_| StatusCode::UNAUTHORIZED)?;
        Ok(Self(data.claims))
    }
}

/// The axum 0.8 router's state: each verifier, and the issuer of `POST /token`.
#[derive(Clone)]
pub struct AppState {
    issuer: Issuer,
    verifier: Verifier,
    keys: Arc<JwtKeys>,
    decoder: axum_jwt_auth::Decoder<UserClaims>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Arc<JwtKeys> {
    fn from_ref(state: &AppState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<AppState> for axum_jwt_auth::Decoder<UserClaims> {
    fn from_ref(state: &AppState) -> Self {
        state.decoder.clone()
    }
}

impl AppState {
    /// Every verifier of the axum 0.8 router on `secret` (the hex text [`Secret::generate`]
    /// gives, whose bytes are the HMAC key for all of them).
    ///
    /// # Panics
    /// When the secret is weak, or `axum-jwt-auth` refuses its configuration.
    pub fn new(secret: &SecretString) -> Self {
        let text = secret.expose_secret();
        let config = AuthConfig::new(Secret::new(text).expect("a generated secret is strong"))
            .with_audience(AUDIENCE);
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        let keys = Arc::new(JwtKeys {
            key: DecodingKey::from_secret(text.as_bytes()).expect("a 64-character secret is a key"),
            validation,
        });
        // The same policy, in the jsonwebtoken (10) that axum-jwt-auth 0.7 is built on.
        let mut validation = jsonwebtoken10::Validation::new(jsonwebtoken10::Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        let decoder = axum_jwt_auth::LocalDecoder::builder()
            .keys(vec![jsonwebtoken10::DecodingKey::from_secret(
                text.as_bytes(),
            )])
            .validation(validation)
            .build()
            .expect("axum-jwt-auth accepts the configuration");
        Self {
            issuer: config.issuer().clone(),
            verifier: config.verifier().clone(),
            keys,
            decoder: Arc::new(decoder),
        }
    }

    /// jwt-auth's verifier, as `/jwt-auth`'s extractor gets it.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The key and policy of the hand-written extractor.
    pub fn keys(&self) -> &JwtKeys {
        &self.keys
    }

    /// A token for subject `42`, as `POST /token` issues it.
    ///
    /// # Panics
    /// When issuing fails (it does not, with a generated secret).
    pub fn token(&self) -> String {
        self.issuer
            .issue("42", Some("ada@example.com"))
            .expect("issuing works")
    }
}

async fn open() -> Json<Caller> {
    answer("anonymous".into())
}

async fn jwt_auth(Authenticated(claims): Authenticated) -> Json<Caller> {
    answer(claims.sub)
}

async fn jsonwebtoken(HandWritten(claims): HandWritten) -> Json<Caller> {
    answer(claims.sub)
}

async fn axum_jwt_auth(user: axum_jwt_auth::Claims<UserClaims>) -> Json<Caller> {
    answer(user.claims.sub)
}

async fn token(State(state): State<AppState>) -> String {
    state.token()
}

/// The axum 0.8 routes: `/open`, `/jwt-auth`, `/jsonwebtoken`, `/axum-jwt-auth`, `POST /token`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/open", get(open))
        .route("/jwt-auth", get(jwt_auth))
        .route("/jsonwebtoken", get(jsonwebtoken))
        .route("/axum-jwt-auth", get(axum_jwt_auth))
        .route("/token", post(token))
        .with_state(state)
}

async fn open_07() -> axum07::Json<Caller> {
    axum07::Json(Caller {
        sub: "anonymous".into(),
    })
}

async fn jwt_authorizer(
    jwt_authorizer::JwtClaims(claims): jwt_authorizer::JwtClaims<UserClaims>,
) -> axum07::Json<Caller> {
    axum07::Json(Caller { sub: claims.sub })
}

/// The axum 0.7 routes: `/open`, and `/jwt-authorizer` behind `jwt-authorizer`'s layer built
/// from `secret` with the same audience.
///
/// # Errors
/// When `jwt-authorizer` refuses its configuration.
pub async fn router_07(
    secret: &SecretString,
) -> Result<axum07::Router, jwt_authorizer::error::InitError> {
    use jwt_authorizer::IntoLayer as _;
    let authorizer: jwt_authorizer::Authorizer<UserClaims> =
        jwt_authorizer::JwtAuthorizer::from_secret(secret.expose_secret())
            .validation(jwt_authorizer::Validation::new().aud(&[AUDIENCE]))
            .build()
            .await?;
    Ok(axum07::Router::new()
        .route("/jwt-authorizer", axum07::routing::get(jwt_authorizer))
        .layer(authorizer.into_layer())
        .route("/open", axum07::routing::get(open_07)))
}

/// Runs a future that never waits to its end: the in-process bench and the callgrind loop drive
/// each route's router with it (none of the routes waits; the keys are in memory).
///
/// # Panics
/// When the future waits.
pub fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future waited"),
    }
}

/// `GET path` with `token` as its bearer token, as the load generator sends it, with a body of
/// either axum's type.
///
/// # Panics
/// When `path` is not a valid URI path.
pub fn request<B: Default>(path: &str, token: &str) -> Request<B> {
    Request::get(path)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .body(B::default())
        .expect("a path and two valid headers")
}
