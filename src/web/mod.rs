//! The HTTP side: bearer credentials from `Authorization` header bytes (RFC 6750 §2.1), the
//! RFC 6750 §3.1 response to a rejection, and the RFC 6749 §5.2 response to a session error.
//!
//! Named `web` so that it does not shadow the `http` crate inside this one.

mod authenticate;
mod bearer;
mod rejection;
pub(crate) mod session;

pub use bearer::{Authorization, BearerError, bearer_token};
pub use rejection::AuthError;
