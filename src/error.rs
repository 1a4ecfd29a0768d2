//! Errors, one variant per cause a caller can act on. The HTTP side ([`AuthError`] and
//! [`BearerError`]) lives with the HTTP code.
//!
//! [`AuthError`]: crate::AuthError
//! [`BearerError`]: crate::BearerError

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::key::Fingerprint;
use crate::store::RevokedBy;

/// Shows a time as RFC 3339 in UTC (`2026-01-08T00:00:00Z`), what logs and other services read.
fn rfc3339(time: &OffsetDateTime) -> impl fmt::Display {
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
    /// The token is longer than [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
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
    /// The header is longer than [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN) characters: no header
    /// an HS256 peer writes is, and it is parsed before the signature is checked.
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
    /// [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH), counting the top-level object.
    #[error("the {part} nests arrays and objects deeper than {max} levels")]
    NestingTooDeep {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// The header or the claims have more than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS)
    /// top-level members.
    #[error("the {part} has more than {max} members")]
    TooManyMembers {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// The header or the claims hold more than [`MAX_JSON_VALUES`](crate::MAX_JSON_VALUES)
    /// values, at any depth.
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
    /// The header names a key (`kid`) that is not in the verifier's ring: the issuing service
    /// signs with a secret this one does not have, or the key was dropped after a rotation.
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
    /// The claims do not have the expected types (for example `sub` not a string, or custom
    /// claims that do not fit their type).
    #[error("the claims do not have the expected shape: {reason}")]
    InvalidClaims {
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
    /// (see [`RevocationView`](crate::RevocationView)). 401 `invalid_token`.
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

/// Why a [`KeyRing`](crate::KeyRing) refused a key.
///
/// ```
/// use jwt_auth::{KeyRing, KeyRingError, Secret};
///
/// let key = || Secret::generate().0;
/// let full = KeyRing::new(key()).with_fallback(key())?.with_fallback(key())?.with_fallback(key())?;
/// assert_eq!(full.with_fallback(key()).unwrap_err(), KeyRingError::TooManyFallbacks { max: 3 });
/// # Ok::<(), KeyRingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRingError {
    /// The ring already holds [`KeyRing::MAX_FALLBACKS`](crate::KeyRing::MAX_FALLBACKS).
    #[error("a key ring holds at most {max} fallback keys: drop retired keys first")]
    TooManyFallbacks {
        /// The limit.
        max: usize,
    },
}

/// Why a token could not be issued.
///
/// ```
/// use jwt_auth::{IssueError, Issuer};
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// assert_eq!(Issuer::new(&secret).issue("", None), Err(IssueError::EmptySubject));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The subject is empty: a token must say whom it is for.
    #[error("the subject (`sub`) is empty")]
    EmptySubject,
    /// The issuer's lifetime is under one second (zero or negative included): NumericDate
    /// counts whole seconds, so such a token would expire the second it is issued.
    #[error("the token lifetime must be at least one second, got {ttl}")]
    TtlTooShort {
        /// The configured lifetime.
        ttl: Duration,
    },
    /// `iat + ttl` is beyond what `time` represents.
    #[error("the expiry time is out of range")]
    TimeOutOfRange,
    /// The claims to sign expire at or before they were issued.
    #[error(
        "the claims expire ({}) at or before they are issued ({})",
        rfc3339(.exp),
        rfc3339(.iat)
    )]
    ExpiresBeforeIssued {
        /// `iat`.
        iat: OffsetDateTime,
        /// `exp`.
        exp: OffsetDateTime,
    },
    /// A custom claim uses a registered name (`sub`, `email`, `iat`, `exp`, `nbf`, `iss`, `aud`,
    /// `jti`), whether or not that claim is also set: set the field of [`Claims`](crate::Claims)
    /// instead.
    #[error(
        "the custom claims contain `{name}`, a registered claim: set the `Claims` field instead"
    )]
    DuplicateClaim {
        /// The repeated name.
        name: String,
    },
    /// The claims would have more than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS) members,
    /// which no verifier of this crate accepts.
    #[error("the claims have more than {max} members, which verifiers refuse")]
    TooManyClaims {
        /// The limit.
        max: usize,
    },
    /// The custom claims nest arrays and objects deeper than
    /// [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH) allows, which no verifier of this crate accepts.
    #[error("the claims nest deeper than {max} levels, which verifiers refuse")]
    NestingTooDeep {
        /// The limit, counting the payload object.
        max: usize,
    },
    /// The claims would hold more than [`MAX_JSON_VALUES`](crate::MAX_JSON_VALUES) values,
    /// which no verifier of this crate accepts.
    #[error("the claims hold more than {max} JSON values, which verifiers refuse")]
    TooManyValues {
        /// The limit.
        max: usize,
    },
    /// The custom claims could not be serialized as members of a JSON object.
    #[error("the custom claims cannot be serialized into the payload: {reason}")]
    Serialize {
        /// The serializer's explanation.
        reason: String,
    },
}

/// Why a configuration could not be read from the environment. Each message names the variable
/// and what to do.
///
/// ```
/// use jwt_auth::{AuthConfig, ConfigError};
///
/// let err = AuthConfig::from_lookup(|name| (name == "JWT_SECRET").then(|| "".into())).unwrap_err();
/// assert_eq!(err, ConfigError::Empty { var: "JWT_SECRET".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The variable is not set.
    #[error(
        "{var} is not set: set it to the secret the other services share (generate one with \
         `openssl rand -hex 32`)"
    )]
    Missing {
        /// The variable's name.
        var: String,
    },
    /// The variable is set but empty.
    #[error(
        "{var} is set but empty: set it to the secret the other services share (generate one with \
         `openssl rand -hex 32`)"
    )]
    Empty {
        /// The variable's name.
        var: String,
    },
    /// The variable is not valid UTF-8.
    #[error("{var} is not valid UTF-8")]
    NotUnicode {
        /// The variable's name.
        var: String,
    },
    /// The secret in the variable fails the strength check.
    #[error("{var}: {source}")]
    Weak {
        /// The variable's name.
        var: String,
        /// Every rule it failed.
        source: WeakSecret,
    },
    /// A variable lists more fallback keys than a [`KeyRing`](crate::KeyRing) holds.
    #[error("{var}: {source}")]
    KeyRing {
        /// The variable's name.
        var: String,
        /// Why the ring refused.
        source: KeyRingError,
    },
    /// A numeric variable does not hold a number in range.
    #[error("{var}={value:?} is invalid: expected {expected}")]
    InvalidNumber {
        /// The variable's name.
        var: String,
        /// What it holds.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
}

/// A secret refused by the strength check, with every rule it failed.
///
/// ```
/// let weak = jwt_auth::Secret::new("your-256-bit-secret").unwrap_err();
/// assert!(!weak.problems.is_empty());
/// assert!(weak.to_string().starts_with("weak secret: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct WeakSecret {
    /// Every problem found, in the order the rules run.
    pub problems: Vec<SecretProblem>,
}

impl fmt::Display for WeakSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("weak secret")?;
        for (i, problem) in self.problems.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{problem}")?;
        }
        write!(f, ". {GENERATE_ADVICE}")
    }
}

pub(crate) const GENERATE_ADVICE: &str = "Generate a strong one with `openssl rand -hex 32` \
     (or `Secret::generate()`) and share that string with every service";

/// One rule a secret failed.
///
/// ```
/// use jwt_auth::{PatternKind, Secret, SecretProblem};
///
/// let weak = Secret::new("").unwrap_err();
/// assert_eq!(weak.problems, [SecretProblem::Empty]);
///
/// // Words run together are still words, whatever their length.
/// let weak = Secret::new("ThisIsMySuperSecretJwtSigningKeyForProductionUse2024").unwrap_err();
/// assert!(matches!(
///     weak.problems[..],
///     [SecretProblem::Pattern { kind: PatternKind::Words, .. }]
/// ));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretProblem {
    /// No bytes at all.
    #[error("it is empty")]
    Empty,
    /// Fewer than 32 bytes (RFC 7518 §3.2: a key as long as the hash output).
    #[error("it is {len} bytes; HS256 needs at least {min}")]
    TooShort {
        /// Its length in bytes.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A well-known default from documentation, tutorials or templates, recognised through case
    /// changes, quotes, whitespace, punctuation, Unicode look-alikes and a few appended digits.
    #[error(
        "it is a published secret ({name}, published in {published_in}); anyone can forge \
         tokens with it"
    )]
    Published {
        /// What it is.
        name: &'static str,
        /// Where it is published, for a maintainer to check.
        published_in: &'static str,
    },
    /// Too little entropy for its length and alphabet.
    #[error(
        "it carries about {estimated_bits} bits of entropy ({:.1} bits per character, \
         {alphabet_size} possible characters from the {alphabet} alphabet); at least \
         {required_bits} are needed",
        f64::from(*.alphabet_size).log2()
    )]
    LowEntropy {
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
        /// The alphabet it was judged to be drawn from.
        alphabet: AlphabetKind,
        /// How many characters that alphabet has.
        alphabet_size: u16,
    },
    /// Made of patterns an attacker tries first (common words and passwords, keyboard walks,
    /// sequences, repeats, dates), so that it carries far less than its alphabet suggests.
    ///
    /// Like every rule, a pure function of the secret's bytes: the same secret gets the same
    /// estimate on every call, in every process.
    #[error(
        "it is made of predictable patterns (mostly {kind}): about {estimated_bits} bits by \
         the pattern estimate; at least {required_bits} are needed"
    )]
    Pattern {
        /// The kind of pattern that accounts for most of it.
        kind: PatternKind,
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
    },
    /// A part repeated, exactly or with small changes (a counter, one changed character).
    #[error("it is repetitive ({pattern})")]
    Repetitive {
        /// What repeats.
        pattern: RepetitionKind,
    },
    /// A PEM block or an OpenSSH key: HS256 wants a random shared string, not a key file.
    #[error("it looks like a {kind}, not an HMAC secret")]
    LooksLikeKey {
        /// What it looks like.
        kind: KeyKind,
    },
    /// A token, identifier or document pasted where the secret belongs.
    #[error("it looks like a {kind}, not an HMAC secret")]
    Structured {
        /// What it looks like.
        kind: StructuredKind,
    },
    /// Hex or base64 whose decoded bytes are printable text: the coat adds no entropy, so the
    /// text is judged, and these are its problems.
    #[error("it is {encoding}-encoded text, and that text is weak: {}", join_problems(.problems))]
    EncodedText {
        /// The coat.
        encoding: Encoding,
        /// What is wrong with the decoded text.
        problems: Vec<SecretProblem>,
    },
}

/// The kind of pattern a [`SecretProblem::Pattern`] found most of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PatternKind {
    /// Common words, names and passwords, in any case, run together or l33t-spelled.
    #[error("dictionary words")]
    Words,
    /// Neighbouring keys of a QWERTY keyboard (`qwerty`, `1qaz2wsx`).
    #[error("keyboard walk")]
    KeyboardWalk,
    /// Letters or digits in order (`abcdef`, `98765`).
    #[error("sequence")]
    Sequence,
    /// A short part repeated back to back (`abcabc`, `xxxx`).
    #[error("repetition")]
    Repeat,
    /// Years and dates (`2024`, `19991231`).
    #[error("dates")]
    Date,
}

/// What repeats in a [`SecretProblem::Repetitive`] secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum RepetitionKind {
    /// One character, all along.
    #[error("one character repeated")]
    OneCharacter,
    /// A short pattern, repeated to the end.
    #[error("a short pattern repeated")]
    ShortPattern,
    /// One character, for at least half of it.
    #[error("mostly one character repeated")]
    MostlyOneCharacter,
    /// A part repeated with changes, such as a counter.
    #[error("a part repeated with small changes, such as a counter")]
    WithSmallChanges,
}

/// What a [`SecretProblem::LooksLikeKey`] secret looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum KeyKind {
    /// `-----BEGIN OPENSSH PRIVATE KEY-----`.
    #[error("OpenSSH private key")]
    OpenSshPrivateKey,
    /// Any other `-----BEGIN ` block.
    #[error("PEM-encoded key or certificate")]
    Pem,
    /// `ssh-ed25519 AAAA…` and the like.
    #[error("OpenSSH public key")]
    OpenSshPublicKey,
    /// The base64 body of a PEM block, without its armour.
    #[error("base64 DER key (a PEM body without its BEGIN/END lines)")]
    Base64Der,
}

/// What a [`SecretProblem::Structured`] secret looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum StructuredKind {
    /// A compact JWS: a token, not the key it was signed with.
    #[error("JWT")]
    Jwt,
    /// A compact JWE.
    #[error("JWE")]
    Jwe,
    /// `Bearer …` or `Basic …`.
    #[error("Authorization header value")]
    AuthorizationHeader,
    /// A UUID.
    #[error("UUID")]
    Uuid,
    /// A JSON object, such as a JWK.
    #[error("JSON document")]
    JsonDocument,
    /// `scheme://…`.
    #[error("URL")]
    Url,
    /// A bcrypt password hash.
    #[error("bcrypt password hash")]
    BcryptHash,
    /// Jasypt's `ENC(...)`.
    #[error("encrypted configuration value (Jasypt `ENC(...)`)")]
    JasyptEncrypted,
    /// Django's `django-insecure-` development key.
    #[error("Django development key (`django-insecure-`)")]
    DjangoInsecure,
}

/// The coat of a [`SecretProblem::EncodedText`] secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal, either case.
    #[error("hex")]
    Hex,
    /// Base64 with `+` and `/`.
    #[error("base64")]
    Base64,
    /// Base64 with `-` and `_`.
    #[error("base64url")]
    Base64Url,
}

/// The alphabet a [`SecretProblem::LowEntropy`] secret was judged to be drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AlphabetKind {
    /// `0`–`9`.
    #[error("decimal")]
    Decimal,
    /// `0`–`9`, `a`–`f` (either case).
    #[error("hexadecimal")]
    Hexadecimal,
    /// Letters and digits.
    #[error("alphanumeric")]
    Alphanumeric,
    /// Letters, digits and base64's symbols.
    #[error("base64")]
    Base64,
    /// Text with other punctuation or non-ASCII characters.
    #[error("printable")]
    Printable,
    /// Arbitrary bytes.
    #[error("byte")]
    Byte,
}

fn join_problems(problems: &[SecretProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
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
