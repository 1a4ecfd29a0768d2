//! Issue and verify the HS256 JSON Web Tokens that services sharing a secret trade, strictly.
//!
//! `jwt-auth` signs tokens that PyJWT, python-jose and Node `jsonwebtoken` accept, accepts theirs,
//! and is stricter than any of them: weak secrets are refused at start-up, only `HS256` is
//! accepted, and every rejection is a specific [`VerifyError`] that maps to an RFC 6750 response.
//! Keys rotate without logging anyone out through a [`KeyRing`].
//!
//! ```
//! use http::{HeaderMap, HeaderValue, StatusCode, header::AUTHORIZATION};
//! use jwt_auth::{AuthConfig, Secret};
//!
//! // In production: `AuthConfig::from_env()?`, which reads `JWT_SECRET` and friends.
//! let (secret, _shareable) = Secret::generate();
//! let config = AuthConfig::new(&secret); // HS256, 7-day tokens, 60 s leeway
//!
//! let token = config.issuer().issue("42", Some("ada@example.com"))?;
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(AUTHORIZATION, HeaderValue::try_from(format!("Bearer {token}"))?);
//! let claims = config.verifier().authenticate(&headers)?;
//! assert_eq!(claims.sub, "42");
//! assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
//!
//! // A rejection carries its precise cause (for logs) and its HTTP response (for the client).
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer not.a.token"));
//! let rejection = config.verifier().authenticate(&headers).unwrap_err();
//! assert_eq!(rejection.status_code(), StatusCode::UNAUTHORIZED);
//! assert_eq!(
//!     rejection.www_authenticate(),
//!     r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where things are
//! - Keys: [`Secret`] (strength-checked key material), its [`Fingerprint`], [`KeyRing`]; for
//!   public-key tokens (ES256, EdDSA), [`jwks`]: the signing and public keys, the published key
//!   set, the [`KeySet`](jwks::KeySet) a verifier holds and why a key is refused.
//! - Tokens: [`Issuer`], [`Verifier`] (its page lists the whole verification policy), [`Claims`].
//! - HTTP: [`Authorization`] and [`bearer_token`] read the header; [`AuthError`] is the RFC 6750
//!   response.
//! - Sessions: [`Sessions`] (login, refresh-token rotation with reuse detection, logout,
//!   revocation), [`TokenPair`], [`SessionError`]; the rest of the sessions in [`session`]. Stores:
//!   [`MemoryStore`], and with feature `redis` `RedisStore`; what a store implements, and the
//!   verifier's revocation view, in [`store`].
//! - Configuration: [`AuthConfig`] (its page lists every environment variable).
//! - Time: [`Clock`], [`SystemClock`], [`FixedClock`]; [`time`] is re-exported for its
//!   `Duration` and `OffsetDateTime`.
//! - [`observability`]: the `tracing` events and the metrics, what each means and what a healthy
//!   service shows.
//! - [`dangerous`]: weak secrets for a laptop, by name.
//! - [`guide`]: key rotation step by step (Python and Node included), the sessions design, and
//!   where jwt-auth differs from its peers.
//!
//! # Features
//! | feature | what it adds | default |
//! | --- | --- | --- |
//! | `rust-crypto` | the RustCrypto backend | on |
//! | `aws-lc-rs` | the aws-lc-rs backend (wins when both are on) | off |
//! | `tower` | `tower::AuthLayer`, for any tower service; `tower::GrpcRejection` for tonic | off |
//! | `axum` | `axum::Authenticated<C>` extractor and `axum::session_routes()` (axum 0.8); `TokenPair` and `SessionError` as responses | off |
//! | `actix-web` | `actix_web::Authenticated<C>`, `MaybeAuthenticated<C>` and `actix_web::session_routes` (actix-web 4); `TokenPair` and `SessionError` as responses | off |
//! | `redis` | `RedisStore` and `RevocationMirror`, sessions shared through Redis | off |
//! | `remote-jwks` | `jwks::RemoteKeySet`: keys from a JWKS URL or an OpenID Connect issuer, cached and refreshed; `Verifier::verify_fresh` | off |
//! | `tracing` | `tracing` events: every rejection with its cause, refresh-token reuse, store errors, a stale revocation mirror ([`observability`]) | off |
//! | `metrics` | counters of verifications and refreshes by outcome, reuse and store errors, and the mirror's lag, through the `metrics` facade ([`observability`]) | off |
//!
//! The default features pull in no web framework, no Redis client, no HTTP client, and neither
//! `tracing` nor `metrics`.
//!
//! # Crypto backends
//! Exactly one is used: `rust-crypto` (RustCrypto `hmac`/`sha2`, the default) or `aws-lc-rs`.
//! Enabling `aws-lc-rs` selects it even when the default is left on. Building with neither
//! feature is a compile error. Signing and verifying call the selected crate directly; the
//! matching `jsonwebtoken` provider is installed as that crate's process default when the first
//! [`Secret`] is made, so other code in the process that uses `jsonwebtoken` never meets its
//! "no `CryptoProvider`" panic.

#[doc(hidden)]
pub mod __private;
mod claims;
mod clock;
mod config;
mod crypto;
pub mod dangerous;
mod echo;
pub mod guide;
#[cfg(any(feature = "tower", feature = "axum", feature = "actix-web"))]
mod integration;
mod issuer;
pub mod jwks;
mod jws;
mod key;
pub mod observability;
mod observe;
pub mod session;
pub mod store;
mod verifier;
mod web;

pub use claims::{Audience, Claims};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::AuthConfig;
#[cfg(feature = "actix-web")]
pub use integration::actix_web;
#[cfg(feature = "axum")]
pub use integration::axum;
#[cfg(feature = "tower")]
pub use integration::tower;
pub use issuer::{IssueError, Issuer};
pub use jws::{TokenPart, VerifyError};
pub use key::{ConfigError, Fingerprint, KeyRing, KeyRingError, Secret, WeakSecret, strength};
pub use secrecy;
pub use session::{SessionError, Sessions, TokenPair};
pub use store::MemoryStore;
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use time;
pub use verifier::Verifier;
pub use web::{AuthError, Authorization, BearerError, bearer_token};

/// The name of the crypto backend compiled in: `"rust-crypto"` or `"aws-lc-rs"`.
///
/// ```
/// assert!(["rust-crypto", "aws-lc-rs"].contains(&jwt_auth::CRYPTO_BACKEND));
/// ```
pub const CRYPTO_BACKEND: &str = crypto::NAME;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
