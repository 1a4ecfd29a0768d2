//! The compact JWS layer: the token's three segments and their strict base64url, the one strict
//! JSON-object scanner both the header and the payload go through, and the header rules.

pub(crate) mod header;
pub(crate) mod object;
pub(crate) mod segments;
