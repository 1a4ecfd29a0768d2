//! Why a token was rejected ([`VerifyError`], [`TokenPart`]), and how attacker-chosen text is
//! made safe to put in an error.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::key::Fingerprint;
use crate::store::RevokedBy;

/// Shows a time as RFC 3339 in UTC (`2026-01-08T00:00:00Z`), what logs and other services read.
pub(crate) fn rfc3339(time: &OffsetDateTime) -> impl fmt::Display {
    let utc = time.to_offset(time::UtcOffset::UTC);
    utc.format(&Rfc3339).unwrap_or_else(|_| utc.to_string())
}

/// Shows fingerprints as a list: `[a1b2…, c3d4…]`.
fn fingerprints(keys: &[Fingerprint]) -> impl fmt::Display {
    let list: Vec<&str> = keys.iter().map(Fingerprint::as_str).collect();
    format!("[{}]", list.join(", "))
}

/// A part of a compact JWS (`header.payload.signature`).
///
/// ```
/// use jwt_auth::{TokenPart, VerifyError};
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// let err = jwt_auth::Verifier::new(&secret).verify("e30=.e30.c2ln").unwrap_err();
/// assert_eq!(err, VerifyError::Base64 { part: TokenPart::Header });
/// assert_eq!(TokenPart::Header.to_string(), "header");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenPart {
    /// The JOSE header, the first segment.
    Header,
    /// The claims, the second segment.
    Payload,
    /// The signature, the third segment.
    Signature,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why a token was rejected. The message is precise and meant for logs, never for the client:
/// [`AuthError::to_response`](crate::AuthError::to_response) sends a generic description. The
/// [`Verifier`](crate::Verifier) documents which rule each variant stands for.
///
/// ```
/// use jwt_auth::{Issuer, Verifier, VerifyError};
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// let token = Issuer::new(&secret).with_ttl(time::Duration::hours(8)).issue("42", None)?;
/// let strict = Verifier::new(&secret).with_max_ttl(time::Duration::hours(1));
/// let err = strict.verify(&token).unwrap_err();
/// assert!(matches!(err, VerifyError::TtlTooLong { .. }));
/// assert_eq!(err.to_string(), "token lifetime 8h exceeds the maximum 1h");
/// # Ok::<(), jwt_auth::IssueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is longer than [`MAX_TOKEN_LEN`](crate::Verifier::MAX_TOKEN_LEN).
    #[error("token is {len} bytes, over the {max}-byte limit")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not three `.`-separated segments.
    #[error("token has {found} segments; a signed JWT has exactly 3 (header.payload.signature)")]
    SegmentCount {
        /// How many segments there were.
        found: usize,
    },
    /// The header is longer than [`MAX_HEADER_LEN`](crate::Verifier::MAX_HEADER_LEN) characters: no
    /// header an HS256 peer writes is, and it is parsed before the signature is checked.
    #[error("the header is {len} characters, over the {max}-character limit")]
    HeaderTooLarge {
        /// Its length, in base64url characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A segment is not canonical unpadded base64url (padding, whitespace, stray bits, bad bytes).
    #[error("the {part} is not canonical unpadded base64url")]
    Base64 {
        /// Which segment.
        part: TokenPart,
    },
    /// A segment does not decode to a single JSON object in UTF-8.
    #[error("the {part} is not a valid JSON object: {reason}")]
    Json {
        /// Which segment.
        part: TokenPart,
        /// The parser's explanation.
        reason: String,
    },
    /// Arrays and objects in the header or the claims nest deeper than
    /// [`MAX_JSON_DEPTH`](crate::Verifier::MAX_JSON_DEPTH), counting the top-level object.
    #[error("the {part} nests arrays and objects deeper than {max} levels")]
    NestingTooDeep {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// The header or the claims have more than
    /// [`MAX_JSON_MEMBERS`](crate::Verifier::MAX_JSON_MEMBERS) top-level members.
    #[error("the {part} has more than {max} members")]
    TooManyMembers {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// The header or the claims hold more than
    /// [`MAX_JSON_VALUES`](crate::Verifier::MAX_JSON_VALUES) values, at any depth.
    #[error("the {part} holds more than {max} JSON values")]
    TooManyValues {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// A name appears twice in the header or the claims: parsers disagree on which one wins.
    #[error("the {part} contains {name:?} more than once")]
    DuplicateMember {
        /// Which segment.
        part: TokenPart,
        /// The repeated name.
        name: String,
    },
    /// The header's `alg` is anything but `HS256`, or is missing.
    #[error("algorithm {alg:?} is not accepted: only HS256 is")]
    UnsupportedAlgorithm {
        /// The `alg` the token named (truncated), empty when it had none.
        alg: String,
    },
    /// The header has `crit`: no critical extension is understood, so the token must be refused.
    #[error("the header lists critical extensions (`crit`); none are supported")]
    CriticalHeader,
    /// The header's `typ` is present and is not `JWT`.
    #[error("header `typ` is {typ:?}; expected \"JWT\" or none")]
    UnexpectedType {
        /// The `typ` the token named (truncated).
        typ: String,
    },
    /// The header names a key (`kid`) that is not in the verifier's ring, and no key of the ring
    /// verifies the signature: the issuing service signs with a secret this one does not have,
    /// or the key was dropped after a rotation. (A token whose unknown `kid` a key of the ring
    /// does verify is accepted: PyJWT and Node ignore `kid` when given a secret, so peers may
    /// label their keys their own way. A token without `kid` that no key verifies is
    /// [`InvalidSignature`](Self::InvalidSignature).)
    #[error(
        "token is signed with key {kid:?}, which this verifier does not have (its keys: {}): \
         the issuing service's JWT_SECRET differs from this one's, or the key was retired",
        fingerprints(.known)
    )]
    UnknownKeyId {
        /// The token's `kid` (truncated).
        kid: String,
        /// The fingerprints of the verifier's keys, the current one first.
        known: Vec<Fingerprint>,
    },
    /// The signature decodes to something other than one HMAC-SHA256 tag.
    #[error("the signature is {len} bytes; an HS256 signature is {expected}")]
    SignatureLength {
        /// Its decoded length.
        len: usize,
        /// The length of an HMAC-SHA256 tag.
        expected: usize,
    },
    /// The HMAC does not match.
    #[error(
        "signature does not match: the token was signed with a different secret, or altered after \
         signing; compare `Secret::fingerprint()` on the issuing and the verifying service"
    )]
    InvalidSignature,
    /// A required claim is absent: `exp` always, `sub` (absent or empty) unless the verifier allows
    /// it.
    #[error("the `{claim}` claim is missing")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// A time claim is not an integer NumericDate in the range `time` represents.
    #[error("the `{claim}` claim is not an integer NumericDate (whole seconds since 1970)")]
    InvalidNumericDate {
        /// The claim's name.
        claim: &'static str,
    },
    /// A registered claim does not have its registered type (for example `sub` or `jti` not a
    /// string, `aud` neither a string nor an array of strings).
    #[error("a registered claim does not have the expected type: {reason}")]
    InvalidClaims {
        /// The parser's explanation, naming the claim.
        reason: String,
    },
    /// The token is valid, but its custom claims do not fit the type the caller asked for
    /// (`verify_as::<C>`): a token of another kind, or an application's claims that changed. The
    /// integration answers it with 403 `insufficient_scope`, not 401.
    #[error("the custom claims do not fit the expected type: {reason}")]
    CustomClaims {
        /// The parser's explanation.
        reason: String,
    },
    /// `now >= exp + leeway`.
    #[error("token expired at {} (now {})", rfc3339(.exp), rfc3339(.now))]
    Expired {
        /// The token's `exp`.
        exp: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `nbf > now + leeway`.
    #[error("token is not valid before {} (now {})", rfc3339(.nbf), rfc3339(.now))]
    NotYetValid {
        /// The token's `nbf`.
        nbf: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `iat > now + leeway`: the issuer's clock is ahead, or the token is forged.
    #[error(
        "token claims to be issued at {}, in the future (now {}): check the issuer's clock",
        rfc3339(.iat),
        rfc3339(.now)
    )]
    IssuedInFuture {
        /// The token's `iat`.
        iat: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `iat > exp`.
    #[error("token is issued at {}, after it expires at {}", rfc3339(.iat), rfc3339(.exp))]
    IssuedAfterExpiry {
        /// The token's `iat`.
        iat: OffsetDateTime,
        /// The token's `exp`.
        exp: OffsetDateTime,
    },
    /// The token lives longer than the verifier allows (from `iat`, or from now when it has
    /// none); a maximum of zero or less refuses every token.
    #[error("token lifetime {ttl} exceeds the maximum {max}")]
    TtlTooLong {
        /// `exp - iat`, or `exp - now` without `iat`.
        ttl: Duration,
        /// The verifier's maximum.
        max: Duration,
    },
    /// The verifier expects an issuer and the token's `iss` differs or is missing.
    #[error("issuer {found:?} does not match the expected {expected:?}")]
    IssuerMismatch {
        /// What the verifier expects.
        expected: String,
        /// What the token says.
        found: Option<String>,
    },
    /// The verifier expects an audience and the token names none of them.
    #[error("audience {found:?} does not include any of {expected:?}")]
    AudienceMismatch {
        /// What the verifier accepts.
        expected: Vec<String>,
        /// What the token says (empty when it has no `aud`).
        found: Vec<String>,
    },
    /// The token is addressed to an audience but the verifier was given none (RFC 7519 §4.1.3:
    /// such a token must be rejected).
    #[error("token is addressed to {found:?}, but this verifier has no expected audience")]
    UnexpectedAudience {
        /// What the token says.
        found: Vec<String>,
    },
    /// The token is valid but revoked: logout, a reused refresh token, or logout everywhere
    /// (see [`RevocationView`](crate::store::RevocationView)). 401 `invalid_token`.
    #[error("token revoked: {by}")]
    Revoked {
        /// What revoked it.
        by: RevokedBy,
    },
    /// The revocation view cannot tell whether the token is revoked (a mirror that lost its
    /// store for longer than its staleness bound). An outage, not a verdict: 503 with
    /// `Retry-After`, never 401.
    #[error("cannot check revocation: the revocation mirror is {stale_for} out of date")]
    RevocationUnavailable {
        /// How long since the view was last known to be current.
        stale_for: Duration,
    },
}

impl VerifyError {
    /// The rejection's cause as a stable name in snake case (the variant's name, `expired`,
    /// `invalid_signature`, `unknown_key_id`, `revoked`…). It is the `outcome` label of the
    /// `jwt_auth_verifications_total` counter and the `cause` field of the crate's `tracing`
    /// events (see [`observability`](crate::observability)), and safe to log: it never carries
    /// anything from the token.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let err = jwt_auth::Verifier::new(&secret).verify("not.a.token").unwrap_err();
    /// assert_eq!(err.cause_name(), "base64");
    /// assert_eq!(jwt_auth::VerifyError::InvalidSignature.cause_name(), "invalid_signature");
    /// ```
    pub fn cause_name(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::SegmentCount { .. } => "segment_count",
            Self::HeaderTooLarge { .. } => "header_too_large",
            Self::Base64 { .. } => "base64",
            Self::Json { .. } => "json",
            Self::NestingTooDeep { .. } => "nesting_too_deep",
            Self::TooManyMembers { .. } => "too_many_members",
            Self::TooManyValues { .. } => "too_many_values",
            Self::DuplicateMember { .. } => "duplicate_member",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::CriticalHeader => "critical_header",
            Self::UnexpectedType { .. } => "unexpected_type",
            Self::UnknownKeyId { .. } => "unknown_key_id",
            Self::SignatureLength { .. } => "signature_length",
            Self::InvalidSignature => "invalid_signature",
            Self::MissingClaim { .. } => "missing_claim",
            Self::InvalidNumericDate { .. } => "invalid_numeric_date",
            Self::InvalidClaims { .. } => "invalid_claims",
            Self::CustomClaims { .. } => "custom_claims",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::IssuedInFuture { .. } => "issued_in_future",
            Self::IssuedAfterExpiry { .. } => "issued_after_expiry",
            Self::TtlTooLong { .. } => "ttl_too_long",
            Self::IssuerMismatch { .. } => "issuer_mismatch",
            Self::AudienceMismatch { .. } => "audience_mismatch",
            Self::UnexpectedAudience { .. } => "unexpected_audience",
            Self::Revoked { .. } => "revoked",
            Self::RevocationUnavailable { .. } => "revocation_unavailable",
        }
    }
}

/// How much of an attacker-chosen name or value (`alg`, `typ`, a claim name) an error keeps:
/// enough to recognise it in a log, not enough to flood one.
pub(crate) const ECHOED_VALUE_CHARS: usize = 64;
/// How much of a parser's message (which may quote the token) an error keeps.
pub(crate) const ECHOED_MESSAGE_CHARS: usize = 200;

/// An attacker-chosen string made safe to log, at most `limit` characters long (plus `…` when
/// cut). Escaped as `\n`, `\u{1b}`, `\u{2028}`…, so that it can neither forge a log line nor change
/// how one reads: control characters (line breaks, NEL, ANSI escapes), the Unicode line and
/// paragraph separators, the direction marks, embeddings, overrides and isolates that reorder the
/// text around them on screen, and whatever else Rust's `Debug` would escape (unassigned and
/// invisible code points, combining marks). An escape is never cut in two.
pub(crate) fn echo(value: &str, limit: usize) -> String {
    let mut echoed = String::with_capacity(value.len().min(limit));
    let mut len = 0;
    for c in value.chars() {
        let escaped = needs_escape(c);
        let width = if escaped { c.escape_default().len() } else { 1 };
        if len + width > limit {
            echoed.push('…');
            break;
        }
        if escaped {
            echoed.extend(c.escape_default());
        } else {
            echoed.push(c);
        }
        len += width;
    }
    echoed
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
        || (c.escape_debug().len() > 1 && !matches!(c, '\\' | '"' | '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_escapes_line_and_direction_controls() {
        for c in [
            '\n',
            '\r',
            '\u{1b}',
            '\u{85}',
            '\u{2028}',
            '\u{2029}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{E0001}',
            '\u{FFFF}',
            '\u{301}',
        ] {
            let echoed = echo(&format!("a{c}b"), 64);
            assert_eq!(echoed, format!("a{}b", c.escape_default()), "{c:?}");
            assert!(!echoed.contains(c), "{c:?}");
        }
        assert_eq!(echo("user\u{202E}nimda", 64), r"user\u{202e}nimda");
        assert_eq!(echo(r#"é "quoted" \ ü"#, 64), r#"é "quoted" \ ü"#);
    }

    #[test]
    fn echo_is_bounded_in_characters_and_never_cuts_an_escape() {
        assert_eq!(echo(&"x".repeat(64), 64), "x".repeat(64));
        assert_eq!(echo(&"x".repeat(65), 64), format!("{}…", "x".repeat(64)));
        let escapes = echo(&"\u{2028}".repeat(100), 64);
        assert_eq!(escapes, format!("{}…", r"\u{2028}".repeat(8)));
        let cut = echo(&format!("{}\u{2028}", "x".repeat(60)), 64);
        assert_eq!(cut, format!("{}…", "x".repeat(60)));
    }
}
