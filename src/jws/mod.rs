//! The compact JWS layer: the token's three segments and their strict base64url, the size caps,
//! the one strict JSON-object scanner both the header and the payload go through, the header
//! rules, and the error every rule reports.

mod error;
pub(crate) mod header;
pub(crate) mod limits;
pub(crate) mod object;
pub(crate) mod segments;

pub(crate) use crate::echo::{ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, echo};
pub(crate) use error::rfc3339;
pub use error::{TokenPart, VerifyError};
