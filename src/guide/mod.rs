//! Guides: how to run `jwt-auth` across services, beyond the API of one type.
//!
//! - [`rotation`]: rotating `JWT_SECRET` without logging anyone out, on the Rust, Python and
//!   Node services alike, and diagnosing services whose secrets differ.
//! - [`sessions`]: refresh tokens, rotation and reuse detection, revocation, the defaults, what
//!   each failure answers, and sessions shared through Redis.
//! - [`public_keys`]: moving from the shared HS256 secret to ES256 public keys one service at a
//!   time (verifiers first, then issuers, then retiring the secret), with the Python and Node
//!   steps.
//! - [`peers`]: where `jwt-auth` refuses tokens that PyJWT, python-jose or Node `jsonwebtoken`
//!   accept, and why; and what the `jsonwebtoken` crate is for here.
//!
//! The verification policy itself is on [`Verifier`](crate::Verifier)'s page, and every
//! environment variable on [`AuthConfig`](crate::AuthConfig)'s.

#[doc = include_str!("rotation.md")]
pub mod rotation {}

#[doc = include_str!("sessions.md")]
pub mod sessions {}

#[doc = include_str!("public_keys.md")]
pub mod public_keys {}

#[doc = include_str!("peers.md")]
pub mod peers {}
