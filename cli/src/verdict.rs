//! Why `token verify` rejected a token, and what the operator should do next.

use jwt_auth::VerifyError;
use jwt_auth::time::Duration;

use crate::duration::format_duration;
use crate::keys::Ring;
use crate::output::{relative, rfc3339};

/// What the verifier was configured with, for the explanations.
#[derive(Debug)]
pub(crate) struct Context<'r> {
    pub(crate) leeway: Duration,
    pub(crate) ring: &'r Ring,
}

/// A rejection, explained.
#[derive(Debug)]
pub(crate) struct Explanation {
    /// A stable name for scripts: `expired`, `signature_mismatch`, `wrong_algorithm`, …
    pub(crate) reason: &'static str,
    /// What is wrong, precisely.
    pub(crate) cause: String,
    /// What to do about it.
    pub(crate) next_step: String,
}

fn explanation(reason: &'static str, cause: String, next_step: impl Into<String>) -> Explanation {
    Explanation {
        reason,
        cause,
        next_step: next_step.into(),
    }
}

const INSPECT: &str = "run `jwt-auth token inspect` on it to see what it contains";
const COPY: &str = "check that the whole token was copied (no quotes, spaces, line breaks or \
    truncation)";

/// Whether `kid` has the shape of a key fingerprint, as jwt-auth issuers write it: 16 lowercase
/// hexadecimal digits.
fn looks_like_fingerprint(kid: &str) -> bool {
    kid.len() == 16 && kid.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[allow(clippy::too_many_lines)] // one arm per variant reads better than a split
pub(crate) fn explain(error: &VerifyError, ctx: &Context<'_>) -> Explanation {
    match error {
        VerifyError::TooLarge { len, max } => explanation(
            "malformed",
            format!("malformed token: it is {len} bytes, over the {max}-byte limit"),
            format!("{COPY}; a token this long is not one this product issues"),
        ),
        VerifyError::SegmentCount { found: 5 } => explanation(
            "malformed",
            "malformed token: it has 5 segments, so it is an encrypted JWE, not a signed JWT"
                .to_owned(),
            "the services here exchange signed HS256 tokens (3 segments): check which system \
             issued it",
        ),
        VerifyError::SegmentCount { found } => explanation(
            "malformed",
            format!(
                "malformed token: it has {found} segment{}; a JWT has exactly 3, \
                 header.payload.signature",
                if *found == 1 { "" } else { "s" }
            ),
            COPY,
        ),
        VerifyError::Base64 { part } => explanation(
            "malformed",
            format!("malformed token: the {part} is not canonical unpadded base64url"),
            format!("{COPY}; `=` padding, `+` or `/` mean it was re-encoded on the way"),
        ),
        VerifyError::SignatureLength { len, expected } => explanation(
            "malformed",
            format!(
                "malformed token: the signature is {len} bytes; an HS256 signature is {expected}"
            ),
            format!("{COPY}; a cut token loses the end of its signature first"),
        ),
        VerifyError::Json { part, reason } => explanation(
            "malformed",
            format!("malformed token: the {part} is not a JSON object ({reason})"),
            format!("{INSPECT}; the issuing service produces invalid tokens"),
        ),
        VerifyError::DuplicateMember { part, name } => explanation(
            "malformed",
            format!(
                "malformed token: the {part} contains `{name}` twice; parsers disagree on which \
                 one counts, so it is refused"
            ),
            "the issuing service builds its JSON by hand or is forging tokens: find out which",
        ),
        VerifyError::UnsupportedAlgorithm { alg } => wrong_algorithm(alg),
        VerifyError::CriticalHeader => explanation(
            "unsupported_header",
            "the header lists critical extensions (`crit`), which no service here understands"
                .to_owned(),
            "issue plain HS256 tokens, header {\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        ),
        VerifyError::UnexpectedType { typ } => explanation(
            "unsupported_header",
            format!("the header's `typ` is {typ:?}; only \"JWT\" (or none) is accepted"),
            "this is another kind of token (an ID token or a logout token, say): use an access \
             token",
        ),
        // A kid that is no fingerprint is the issuer's own label (PyJWT and Node write what
        // they are given), and no key here verified the token.
        VerifyError::UnknownKeyId { kid, .. } if !looks_like_fingerprint(kid) => explanation(
            "unknown_key",
            format!(
                "signed with key {kid:?}, the issuer's own label, and no key of the ring here \
                 verifies it (its keys: {})",
                ctx.ring.summary()
            ),
            "the issuing service signs with a secret this ring does not hold: run `jwt-auth \
             secret fingerprint` on its JWT_SECRET and compare, then set the same JWT_SECRET \
             everywhere and restart, or, during a rotation, list that secret in \
             JWT_SECRET_FALLBACKS here",
        ),
        VerifyError::UnknownKeyId { kid, .. } => explanation(
            "unknown_key",
            format!(
                "signed with key {kid}, which is not in the key ring here (its keys: {})",
                ctx.ring.summary()
            ),
            format!(
                "the issuing service's JWT_SECRET has fingerprint {kid} (`jwt-auth secret \
                 fingerprint` there shows it): set the same JWT_SECRET everywhere and restart, \
                 or, during a rotation, list that secret in JWT_SECRET_FALLBACKS here. If the key \
                 was retired on purpose, the holder logs in again"
            ),
        ),
        VerifyError::InvalidSignature => explanation(
            "signature_mismatch",
            "signature mismatch: the token was signed with a different secret, or altered (or \
             truncated) after signing"
                .to_owned(),
            format!(
                "compare secrets without revealing them: run `jwt-auth secret fingerprint` on \
                 the issuing host, with its JWT_SECRET; the keys here have fingerprints {}. \
                 Different fingerprints: set the same JWT_SECRET everywhere and restart. Same \
                 fingerprint: the token was altered or cut short, so {COPY}",
                ctx.ring.summary()
            ),
        ),
        VerifyError::MissingClaim { claim } => explanation(
            "missing_claim",
            format!("the `{claim}` claim is missing"),
            format!(
                "the issuer must set `{claim}` (PyJWT and jsonwebtoken set `exp` from an expiry \
                 option; `sub` is the user id)"
            ),
        ),
        VerifyError::InvalidNumericDate { claim } => explanation(
            "invalid_claims",
            format!("the `{claim}` claim is not an integer NumericDate (whole seconds since 1970)"),
            format!(
                "the issuer must write `{claim}` as whole seconds, not milliseconds, a string or a fraction; {INSPECT}"
            ),
        ),
        VerifyError::InvalidClaims { reason } => explanation(
            "invalid_claims",
            format!("the claims do not have the expected shape: {reason}"),
            format!("{INSPECT}; `sub` must be a non-empty string and `email` a string"),
        ),
        VerifyError::Expired { exp, now } => explanation(
            "expired",
            format!(
                "expired at {}, {} (now {}, leeway {})",
                rfc3339(*exp),
                relative(*exp, *now),
                rfc3339(*now),
                format_duration(ctx.leeway)
            ),
            "the holder needs a new token: log in again (the web front end logs the user out \
             after a 401; clearing its stored token and signing in does the same). If it should \
             still be valid, compare the clocks of the issuing host and this one (`date -u`)",
        ),
        VerifyError::NotYetValid { nbf, now } => explanation(
            "not_yet_valid",
            format!(
                "not yet valid: usable from {}, {} (now {}, leeway {})",
                rfc3339(*nbf),
                relative(*nbf, *now),
                rfc3339(*now),
                format_duration(ctx.leeway)
            ),
            "wait until then, or, if it was meant to be valid now, compare the clocks of the \
             issuing host and this one (`date -u`)",
        ),
        VerifyError::IssuedInFuture { iat, now } => explanation(
            "issued_in_future",
            format!(
                "issued in the future: `iat` is {}, {} (now {}, leeway {})",
                rfc3339(*iat),
                relative(*iat, *now),
                rfc3339(*now),
                format_duration(ctx.leeway)
            ),
            "the issuing host's clock is ahead of this one: fix its time synchronisation (NTP), \
             or raise --leeway to confirm the difference",
        ),
        VerifyError::IssuedAfterExpiry { iat, exp } => explanation(
            "invalid_claims",
            format!(
                "issued at {}, after it expires at {}",
                rfc3339(*iat),
                rfc3339(*exp)
            ),
            "the issuing service computes its times wrongly: fix it",
        ),
        VerifyError::TtlTooLong { ttl: lifetime, max } => explanation(
            "lifetime_too_long",
            format!(
                "lifetime {} exceeds the maximum {} accepted",
                format_duration(*lifetime),
                format_duration(*max)
            ),
            format!(
                "the issuer hands out longer tokens than verifiers accept: align JWT_EXPIRES_MIN \
                 on every service, or pass --max-ttl {}d to accept it here",
                lifetime.whole_days() + 1
            ),
        ),
        VerifyError::IssuerMismatch { expected, found } => explanation(
            "issuer_mismatch",
            match found {
                Some(found) => format!("issuer {found:?} is not the expected {expected:?}"),
                None => format!("the token has no `iss`; {expected:?} is expected"),
            },
            "check --issuer against what the issuing service writes in `iss`",
        ),
        VerifyError::AudienceMismatch { expected, found } => explanation(
            "audience_mismatch",
            format!("audience {found:?} includes none of {expected:?}"),
            "check --audience against what the issuing service writes in `aud`",
        ),
        VerifyError::UnexpectedAudience { found } => explanation(
            "audience_mismatch",
            format!("the token is addressed to {found:?}, and no audience is expected here"),
            "pass --audience with the audience this service should accept",
        ),
        other => explanation("rejected", format!("rejected: {other}"), INSPECT),
    }
}

fn wrong_algorithm(alg: &str) -> Explanation {
    let cause = if alg.is_empty() {
        "wrong algorithm: the header names no `alg`; only HS256 is accepted".to_owned()
    } else if alg.eq_ignore_ascii_case("none") {
        format!("wrong algorithm: {alg:?} means an unsigned token, which is never accepted")
    } else {
        format!("wrong algorithm: the token uses {alg:?}; only HS256 is accepted")
    };
    let next_step = if alg.eq_ignore_ascii_case("none") {
        "nothing issues unsigned tokens here: treat it as a forgery attempt and find where it \
         came from"
    } else {
        "the issuing service must sign with HS256 and the shared secret (PyJWT: \
         `algorithm=\"HS256\"`; jsonwebtoken: `{ algorithm: \"HS256\" }`)"
    };
    explanation("wrong_algorithm", cause, next_step)
}
