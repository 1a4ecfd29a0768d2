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
    /// The header's `alg` is none the crate has (`HS256`, `ES256`, `EdDSA`): `none` in any case,
    /// `HS512`, `RS256`…; or it is missing.
    #[error("algorithm {alg:?} is not accepted: only HS256, ES256 and EdDSA are")]
    UnsupportedAlgorithm {
        /// The `alg` the token named (truncated), empty when it had none.
        alg: String,
    },
    /// The header has `crit`: no critical extension is understood, so the token must be refused.
    #[error("the header lists critical extensions (`crit`); none are supported")]
    CriticalHeader,
    /// The header's `typ` is present and is not `JWT` (nor `at+jwt`, RFC 9068, for a public-key
    /// token).
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
    /// The signature decodes to another length than its algorithm's: 32 bytes for HS256, 64
    /// for ES256 and EdDSA.
    #[error("the signature is {len} bytes; a signature of the token's algorithm is {expected}")]
    SignatureLength {
        /// Its decoded length.
        len: usize,
        /// The length of the algorithm's signatures.
        expected: usize,
    },
    /// The token's `alg` is one the crate has, but the verifier holds no key of it: an HS256
    /// token at a verifier of public keys only, an ES256 token at one of HMAC keys only, an
    /// EdDSA token where only P-256 keys are held. A key only ever verifies its own algorithm.
    #[error(
        "the token is signed with {alg}, and this verifier holds no {alg} key (its algorithms: {held:?})"
    )]
    NoKeyForAlgorithm {
        /// The token's `alg`.
        alg: &'static str,
        /// The algorithms the verifier holds keys for.
        held: Vec<&'static str>,
    },
    /// The token's `kid` names a public key bound to another algorithm than the token's `alg`
    /// (an EdDSA token naming a P-256 key): a key verifies its own algorithm only.
    #[error("the token names key {kid:?}, an {key_alg} key, but is signed with {alg}")]
    KeyAlgorithmMismatch {
        /// The token's `kid`.
        kid: String,
        /// The key's algorithm.
        key_alg: &'static str,
        /// The token's `alg`.
        alg: &'static str,
    },
    /// A header carries or locates a key (`jwk`, `jku`, `x5u`, `x5c`): a
    /// verifier never takes the key to check a signature from the token itself.
    #[error(
        "the header carries `{header}`, a key or a key's location; keys come from the verifier only"
    )]
    EmbeddedKey {
        /// The header's name.
        header: &'static str,
    },
    /// A public-key token's `kid` is not a string of letters, digits and `-_.:=+` (without
    /// `..`), at most [`PublicKey::MAX_KID_LEN`](crate::jwks::PublicKey::MAX_KID_LEN) long: path,
    /// quote or SQL characters never reach a key lookup.
    #[error("the header's `kid` {kid:?} contains characters no key id has")]
    InvalidKeyId {
        /// The `kid` (truncated, escaped).
        kid: String,
    },
    /// A public-key token names a `kid` that none of the verifier's public keys has.
    #[error(
        "token is signed with key {kid:?}, which this verifier does not have (its keys: {known:?})"
    )]
    UnknownPublicKeyId {
        /// The token's `kid`.
        kid: String,
        /// The kids of the verifier's public keys.
        known: Vec<String>,
    },
    /// The signature does not match (an HMAC compared in constant time, or an ES256/EdDSA
    /// signature that the key does not verify).
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
    /// The token needs a key its verifier's remote key set
    /// (`jwks::RemoteKeySet`) does not hold, or holds only past its
    /// staleness bound, and a refresh of the set is under way (one, however many tokens ask).
    /// [`Verifier::verify`](crate::Verifier::verify) answers at once; the integrations and
    /// [`Verifier::verify_fresh`](crate::Verifier::verify_fresh) wait for the refresh and look
    /// again, so they never return it. 503 with `Retry-After`, never 401.
    #[error(
        "the token needs key {kid:?}, which the remote key set does not hold yet: a refresh of the \
         set is under way (verify_fresh waits for it)"
    )]
    KeySetRefreshing {
        /// The token's `kid` (truncated), `None` when it has none.
        kid: Option<String>,
    },
    /// The token needs a key its verifier's remote key set does not hold, and the set's source
    /// could not be fetched at the last attempt, within the cooldown: whether the key exists
    /// cannot be told. 503 with `Retry-After`, never 401 (a front end logs the user out on 401).
    #[error(
        "the token needs key {kid:?}, which the remote key set does not hold, and its source \
         cannot be fetched: {reason}"
    )]
    KeySetUnreachable {
        /// The token's `kid` (truncated), `None` when it has none.
        kid: Option<String>,
        /// Why the last fetch failed.
        reason: String,
    },
    /// The key the token needs was fetched longer ago than the remote key set's staleness
    /// bound, and the source has not been fetched since. 503 with `Retry-After`.
    #[error(
        "the remote key set was last fetched {age} ago, past its staleness bound, and its source \
         cannot be fetched: {reason}"
    )]
    KeySetStale {
        /// Since the last successful fetch.
        age: Duration,
        /// Why the last fetch failed.
        reason: String,
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
            Self::NoKeyForAlgorithm { .. } => "no_key_for_algorithm",
            Self::KeyAlgorithmMismatch { .. } => "key_algorithm_mismatch",
            Self::EmbeddedKey { .. } => "embedded_key",
            Self::InvalidKeyId { .. } => "invalid_key_id",
            Self::UnknownPublicKeyId { .. } => "unknown_public_key_id",
            Self::KeySetRefreshing { .. } => "key_set_refreshing",
            Self::KeySetUnreachable { .. } => "key_set_unreachable",
            Self::KeySetStale { .. } => "key_set_stale",
        }
    }
}
