//! Issue and verify the HS256 JSON Web Tokens that services sharing a secret trade, strictly.
//!
//! `jwt-auth` signs tokens that PyJWT, python-jose and Node `jsonwebtoken` accept, accepts theirs,
//! and is stricter than any of them: weak secrets are refused at start-up, only `HS256` is
//! accepted, and every rejection is a specific [`VerifyError`] that maps to an RFC 6750 response.
//!
//! ```
//! use http::{HeaderMap, HeaderValue, StatusCode, header::AUTHORIZATION};
//! use jwt_auth::{Issuer, Secret, Verifier};
//!
//! // In production: `Secret::from_env("JWT_SECRET")?`, or `AuthConfig::from_env()?`.
//! let (secret, _shareable) = Secret::generate();
//! let issuer = Issuer::new(&secret); // 7-day tokens
//! let verifier = Verifier::new(&secret); // HS256 only, 60 s leeway
//!
//! let token = issuer.issue("42", Some("ada@example.com"))?;
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}"))?);
//! let claims = verifier.authenticate(&headers)?;
//! assert_eq!(claims.sub, "42");
//! assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
//!
//! // A rejection carries its precise cause (for logs) and its HTTP response (for the client).
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer not.a.token"));
//! let rejection = verifier.authenticate(&headers).unwrap_err();
//! assert_eq!(rejection.status_code(), StatusCode::UNAUTHORIZED);
//! assert_eq!(
//!     rejection.www_authenticate(),
//!     r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crypto backends
//! Exactly one is used: `rust-crypto` (RustCrypto `hmac`/`sha2`, the default) or `aws-lc-rs`.
//! Enabling `aws-lc-rs` selects it even when the default is left on. The matching `jsonwebtoken`
//! provider is installed as that crate's process default on first use, so nothing in the process
//! meets its "no `CryptoProvider`" panic. Building with neither feature is a compile error.

mod backend;
mod bearer;
mod claims;
mod clock;
mod config;
mod error;
mod issuer;
mod members;
mod payload;
mod secret;
mod strength;
mod verifier;

pub use bearer::bearer_token;
pub use claims::{Audience, Claims};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{AuthConfig, EXPIRES_MIN_VAR, LEEWAY_SECS_VAR, SECRET_VAR};
pub use error::{
    AuthError, BearerError, ConfigError, IssueError, SecretProblem, TokenPart, VerifyError,
    WeakSecret,
};
pub use issuer::{DEFAULT_TTL, Issuer};
pub use secrecy::ExposeSecret;
pub use secret::{Fingerprint, Secret};
pub use verifier::{DEFAULT_LEEWAY, DEFAULT_MAX_LIFETIME, MAX_TOKEN_LEN, Verifier};

/// The name of the crypto backend compiled in: `"rust-crypto"` or `"aws-lc-rs"`.
pub const CRYPTO_BACKEND: &str = backend::NAME;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
