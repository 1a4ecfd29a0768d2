//! The size caps every token meets before anything else is read: they bound what a forged token
//! costs to refuse. [`Verifier`](crate::Verifier) publishes them as associated constants.

/// The longest token accepted, in bytes. The product's tokens are under 300 bytes; 8 KiB is the
/// usual limit on a whole HTTP header section, so nothing longer can be a legitimate header value.
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The longest header accepted, in base64url characters. The headers peers write are under 100
/// (`{"alg":"HS256","typ":"JWT","kid":…}`); anything the policy does not refuse outright fits
/// well within 256, and the header is parsed before the signature is checked, so a forged one
/// must not cost more than that to reject.
pub(crate) const MAX_HEADER_LEN: usize = 256;

/// The deepest nesting of arrays and objects accepted in the header or the claims, counting the
/// top-level object: so a claim's value may nest 127 levels, as many as `serde_json` reads
/// ([`NestingTooDeep`](crate::VerifyError::NestingTooDeep)).
pub(crate) const MAX_JSON_DEPTH: usize = 128;

/// The most top-level members accepted in the header or the claims
/// ([`TooManyMembers`](crate::VerifyError::TooManyMembers)). Identity providers' tokens carry a
/// few dozen claims at most (lists such as groups or roles are one claim each); the cap bounds
/// what a token full of tiny members costs to refuse.
pub(crate) const MAX_JSON_MEMBERS: usize = 64;

/// The most values (strings, numbers, literals, arrays and objects, at any depth, the top-level
/// object aside) accepted in the header or the claims
/// ([`TooManyValues`](crate::VerifyError::TooManyValues)). A token of real claims meets the size
/// cap first (512 values of eight characters fill it); only values of a byte or two, which no
/// issuer writes in such numbers, reach this one, and it bounds what reading them costs.
pub(crate) const MAX_JSON_VALUES: usize = 512;
