//! The HTTP side: bearer credentials from `Authorization` header bytes (RFC 6750 §2.1), and the
//! RFC 6750 §3.1 response to a rejection.

mod bearer;
mod rejection;

pub use bearer::{Authorization, BearerError, bearer_token};
pub use rejection::AuthError;
