//! Errors, one variant per cause a caller can act on, and their HTTP mapping (RFC 6750 §3.1).
//!
//! Every rejection knows its status code and `WWW-Authenticate` challenge, and can build the whole
//! response, so any framework can return it unchanged:
//!
//! ```
//! use http::{HeaderMap, StatusCode, header};
//! use jwt_auth::{Secret, Verifier};
//!
//! let (secret, _shareable) = Secret::generate();
//! let verifier = Verifier::new(&secret);
//!
//! let rejection = verifier.authenticate(&HeaderMap::new()).unwrap_err();
//! let response = rejection.to_response();
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
//! ```

use std::fmt;

use http::{HeaderValue, Response, StatusCode, header};
use time::{Duration, OffsetDateTime};

/// A part of a compact JWS (`header.payload.signature`).
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
/// [`AuthError::to_response`] sends a generic description.
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
    #[error("token expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`.
        exp: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `nbf > now + leeway`.
    #[error("token is not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `iat > now + leeway`: the issuer's clock is ahead, or the token is forged.
    #[error(
        "token claims to be issued at {iat}, in the future (now {now}): check the issuer's clock"
    )]
    IssuedInFuture {
        /// The token's `iat`.
        iat: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `iat > exp`.
    #[error("token is issued at {iat}, after it expires at {exp}")]
    IssuedAfterExpiry {
        /// The token's `iat`.
        iat: OffsetDateTime,
        /// The token's `exp`.
        exp: OffsetDateTime,
    },
    /// The token lives longer than the verifier allows (from `iat`, or from now when it has none).
    #[error("token lifetime {lifetime} exceeds the maximum {max}")]
    LifetimeTooLong {
        /// `exp - iat`, or `exp - now` without `iat`.
        lifetime: Duration,
        /// The verifier's maximum lifetime.
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
}

/// Why an `Authorization` header yielded no bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No `Authorization` header: the client has not tried to authenticate.
    #[error("no Authorization header")]
    Missing,
    /// An `Authorization` header with another scheme (`Basic …`).
    #[error("the Authorization header uses a scheme other than Bearer")]
    OtherScheme,
    /// `Bearer` with no token after it.
    #[error("the Authorization header names the Bearer scheme but carries no token")]
    MissingToken,
    /// More than one `Authorization` header: ambiguous, so refused.
    #[error("more than one Authorization header")]
    MultipleHeaders,
    /// The credentials are not a single RFC 7235 token68 (spaces, commas, non-ASCII…).
    #[error("the bearer token contains characters a token may not (RFC 6750 §2.1)")]
    InvalidCharacters,
}

/// Why a request was not authenticated: the header, or the token in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The `Authorization` header did not carry a usable bearer token.
    #[error(transparent)]
    Bearer(#[from] BearerError),
    /// The token was rejected.
    #[error("token rejected: {0}")]
    Token(#[from] VerifyError),
}

/// What the client is told about an invalid token: never the precise cause (that goes to logs).
const INVALID_TOKEN_DESCRIPTION: &str = "The access token is invalid or has expired";
const INVALID_REQUEST_DESCRIPTION: &str = "The Authorization header is malformed";

impl AuthError {
    /// The status RFC 6750 §3.1 prescribes: 400 for a malformed request, 401 otherwise.
    pub fn status_code(&self) -> StatusCode {
        match self.error_code() {
            Some("invalid_request") => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The RFC 6750 error code, or `None` when the client sent no bearer credentials at all.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            Self::Bearer(BearerError::Missing | BearerError::OtherScheme) => None,
            Self::Bearer(_) => Some("invalid_request"),
            Self::Token(_) => Some("invalid_token"),
        }
    }

    fn error_description(&self) -> Option<&'static str> {
        match self.error_code()? {
            "invalid_request" => Some(INVALID_REQUEST_DESCRIPTION),
            _ => Some(INVALID_TOKEN_DESCRIPTION),
        }
    }

    /// The `WWW-Authenticate` challenge: bare `Bearer` without credentials, else with `error` and
    /// a generic `error_description`.
    pub fn www_authenticate(&self) -> HeaderValue {
        match (self.error_code(), self.error_description()) {
            (Some(code), Some(description)) => HeaderValue::from_str(&format!(
                "Bearer error=\"{code}\", error_description=\"{description}\""
            ))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer")),
            _ => HeaderValue::from_static("Bearer"),
        }
    }

    /// The whole HTTP response: status, `WWW-Authenticate`, `Cache-Control: no-store`, and a JSON
    /// body `{"error": …, "error_description": …}` (empty when no credentials were sent, as in
    /// RFC 6750 §3.1's example).
    pub fn to_response(&self) -> Response<String> {
        let body = match (self.error_code(), self.error_description()) {
            (Some(code), Some(description)) => {
                format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
            }
            _ => String::new(),
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status_code();
        let headers = response.headers_mut();
        headers.insert(header::WWW_AUTHENTICATE, self.www_authenticate());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.error_code().is_some() {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        response
    }
}

/// Why a token could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The subject is empty: a token must say whom it is for.
    #[error("the subject (`sub`) is empty")]
    EmptySubject,
    /// The issuer's lifetime is zero or negative.
    #[error("the token lifetime must be positive, got {ttl}")]
    NonPositiveTtl {
        /// The configured lifetime.
        ttl: Duration,
    },
    /// `iat + ttl` is beyond what `time` represents.
    #[error("the expiry time is out of range")]
    TimeOutOfRange,
    /// The claims to sign expire at or before they were issued.
    #[error("the claims expire ({exp}) at or before they are issued ({iat})")]
    ExpiresBeforeIssued {
        /// `iat`.
        iat: OffsetDateTime,
        /// `exp`.
        exp: OffsetDateTime,
    },
    /// Custom claims repeat a registered name, which would put it in the payload twice.
    #[error("the claims contain `{name}` twice: a custom claim must not reuse a registered name")]
    DuplicateClaim {
        /// The repeated name.
        name: String,
    },
    /// The custom claims could not be serialized as members of a JSON object.
    #[error("the custom claims cannot be serialized into the payload: {reason}")]
    Serialize {
        /// The serializer's explanation.
        reason: String,
    },
}

/// Why a configuration could not be read from the environment.
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
    /// It appears in a list of secrets published in code, tutorials or documentation.
    #[error("it is a published secret ({list}); anyone can forge tokens with it")]
    Published {
        /// Where it is published.
        list: &'static str,
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
        alphabet: &'static str,
        /// How many characters that alphabet has.
        alphabet_size: u16,
    },
    /// Words: even drawn at random from a 7,776-word list, too few of them.
    #[error(
        "it reads as {words} words: even drawn at random from a 7,776-word list that is about \
         {estimated_bits} bits; at least {required_bits} are needed"
    )]
    Passphrase {
        /// How many words.
        words: usize,
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
    },
    /// A short pattern repeated, a run of one character, or a sequence like `abcd…`/`1234…`.
    #[error("it is repetitive ({pattern})")]
    Repetitive {
        /// What repeats.
        pattern: &'static str,
    },
    /// A PEM block or an OpenSSH key: HS256 wants a random shared string, not a key file.
    #[error("it looks like a {kind}, not an HMAC secret")]
    LooksLikeKey {
        /// What it looks like.
        kind: &'static str,
    },
}

/// How much of an attacker-chosen name or value (`alg`, `typ`, a claim name) an error keeps:
/// enough to recognise it in a log, not enough to flood one.
pub(crate) const ECHOED_VALUE_CHARS: usize = 64;
/// How much of a parser's message (which may quote the token) an error keeps.
pub(crate) const ECHOED_MESSAGE_CHARS: usize = 200;

/// An attacker-chosen string made safe to log: cut to `limit` characters, with control
/// characters (line breaks, ANSI escapes) escaped so that it cannot forge a log line.
pub(crate) fn echo(value: &str, limit: usize) -> String {
    let mut echoed = String::with_capacity(value.len().min(limit));
    for c in value.chars().take(limit) {
        if c.is_control() {
            echoed.extend(c.escape_default());
        } else {
            echoed.push(c);
        }
    }
    if value.chars().nth(limit).is_some() {
        echoed.push('…');
    }
    echoed
}
