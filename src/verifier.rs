//! [`Verifier`]: checks a token against the verification policy and returns its typed claims.
//!
//! ```
//! use jwt_auth::{FixedClock, Issuer, Secret, Verifier, VerifyError};
//! use time::{Duration, macros::datetime};
//!
//! let (secret, _) = Secret::generate();
//! let issued_at = FixedClock::new(datetime!(2026-01-01 00:00 UTC));
//! let token = Issuer::new(&secret).with_clock(issued_at).issue("42", Some("ada@example.com"))?;
//!
//! let verifier = Verifier::new(&secret).with_clock(issued_at);
//! let claims = verifier.verify(&token)?;
//! assert_eq!(claims.sub, "42");
//! assert_eq!(claims.exp - claims.iat.unwrap(), Duration::days(7));
//!
//! let eight_days_later = FixedClock::new(datetime!(2026-01-09 00:00 UTC));
//! let err = verifier.with_clock(eight_days_later).verify(&token).unwrap_err();
//! assert!(matches!(err, VerifyError::Expired { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The policy, in the order it is applied (every rule has its own [`VerifyError`] variant):
//!
//! 1. at most [`MAX_TOKEN_LEN`] bytes, exactly three segments, each canonical unpadded base64url;
//! 2. the header is one JSON object without repeated names, `alg` is exactly `HS256`, there is no
//!    `crit`, `typ` is absent or `JWT`; `kid`, `jku`, `x5u` and `jwk` are never followed;
//! 3. the HMAC-SHA256 signature matches, compared in constant time;
//! 4. the payload is one JSON object without repeated names; `exp` is an integer NumericDate, as
//!    are `iat` and `nbf` when present; `sub` is a non-empty string (unless
//!    [`Verifier::allow_missing_subject`]);
//! 5. not expired (`now >= exp + leeway`), not before `nbf - leeway`, `iat` neither after
//!    `now + leeway` nor after `exp`, lifetime at most the maximum (plus leeway);
//! 6. `iss` and `aud` match exactly when configured; a token with an `aud` is refused by a verifier
//!    that expects none.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use serde::de::DeserializeOwned;
use time::Duration;

use crate::backend::{HmacKey, TAG_LEN};
use crate::bearer::bearer_token;
use crate::claims::{Audience, Claims, numeric_date};
use crate::clock::{Clock, SystemClock};
use crate::error::{
    AuthError, ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo,
};
use crate::issuer::ENCODED_HEADER;
use crate::members::{Members, Value};
use crate::payload::{self, Seconds};
use crate::secret::Secret;

/// The longest token accepted, in bytes. The product's tokens are under 300 bytes; 8 KiB is the
/// usual limit on a whole HTTP header section, so nothing longer can be a legitimate header value.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The default clock tolerance: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::seconds(60);

/// The default maximum token lifetime: 7 days, the product's token lifetime.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::days(7);

/// The unpadded base64url length of a 32-byte HMAC-SHA256 tag.
const ENCODED_TAG_LEN: usize = 43;

/// Verifies HS256 tokens under the crate's policy. Cheap to clone, `Send + Sync`; the HMAC key is
/// derived once, here.
#[derive(Debug, Clone)]
pub struct Verifier {
    key: HmacKey,
    leeway: Duration,
    max_lifetime: Duration,
    clock: Arc<dyn Clock>,
    issuer: Option<Arc<str>>,
    audiences: Arc<[String]>,
    subject_required: bool,
}

impl Verifier {
    /// A verifier for tokens signed with `secret`, with a leeway of [`DEFAULT_LEEWAY`], a maximum
    /// lifetime of [`DEFAULT_MAX_LIFETIME`], the [`SystemClock`], and no expected issuer or
    /// audience.
    pub fn new(secret: &Secret) -> Self {
        Self {
            key: secret.hmac_key().clone(),
            leeway: DEFAULT_LEEWAY,
            max_lifetime: DEFAULT_MAX_LIFETIME,
            clock: Arc::new(SystemClock),
            issuer: None,
            audiences: Arc::from([]),
            subject_required: true,
        }
    }

    /// Sets the tolerance for clock differences between services (default 60 s), in whole
    /// seconds like the NumericDate times it applies to. Negative values count as zero.
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway.max(Duration::ZERO);
        self
    }

    /// Sets the longest lifetime accepted (default 7 days): `exp - iat`, or `exp - now` for a
    /// token without `iat`, may exceed it by the leeway at most. Zero or less refuses every token.
    #[must_use]
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// Replaces the clock (default [`SystemClock`]).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Requires `iss` to equal `issuer` exactly.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(Arc::from(issuer.into()));
        self
    }

    /// Requires `aud` to contain one of `audience`'s values exactly: a single value
    /// (`"catalog"`) or several (`["catalog", "orders"]`). Default: none expected, and a token with
    /// an `aud` is refused.
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<Audience>) -> Self {
        self.audiences = audience.into().values().into();
        self
    }

    /// Accepts tokens without a `sub` (or with an empty one), whose [`Claims::sub`] is then empty.
    /// By default such a token is refused with [`VerifyError::MissingClaim`]: every token the
    /// product's services trade names its user. This is for tokens from elsewhere, such as the
    /// RFC 7515 examples.
    #[must_use]
    pub fn allow_missing_subject(mut self) -> Self {
        self.subject_required = false;
        self
    }

    /// The configured leeway.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// The configured maximum lifetime.
    pub fn max_lifetime(&self) -> Duration {
        self.max_lifetime
    }

    /// Verifies `token` and returns its claims, ignoring custom ones.
    ///
    /// # Errors
    /// The [`VerifyError`] variant of the first rule the token breaks.
    #[inline] // lets the claims be built where the caller wants them, not copied there
    pub fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_as(token)
    }

    /// Verifies `token` and returns its claims with custom claims of type `C`.
    ///
    /// # Errors
    /// The [`VerifyError`] variant of the first rule the token breaks;
    /// [`VerifyError::InvalidClaims`] when the payload does not fit `C`.
    pub fn verify_as<C: DeserializeOwned>(&self, token: &str) -> Result<Claims<C>, VerifyError> {
        let segments = Segments::split(token)?;
        // Every peer, and this crate's issuer, writes exactly this header: its bytes passed the
        // header rules once, so only other headers need parsing.
        if segments.header != ENCODED_HEADER {
            check_header(&decode(segments.header, TokenPart::Header)?)?;
        }
        self.check_signature(&segments)?;
        // The parser writes the claims here instead of returning them up through serde's
        // layers, each of which would copy them (measured: 736 -> 699 ns a verify).
        let mut parsed = None;
        with_decoded_payload(segments.payload, |payload| {
            payload::parse(payload, &mut parsed)
        })?;
        let Some((claims, seconds)) = parsed else {
            return Err(VerifyError::Json {
                part: TokenPart::Payload,
                reason: "no claims".into(),
            });
        };
        self.check_claims(&claims, seconds)?;
        Ok(claims)
    }

    /// Reads the bearer token from `headers` and verifies it.
    ///
    /// # Errors
    /// [`AuthError::Bearer`] when the header carries no usable token, [`AuthError::Token`] when
    /// the token is rejected. Either maps to its RFC 6750 response with
    /// [`AuthError::to_response`].
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Claims, AuthError> {
        self.authenticate_as(headers)
    }

    /// [`Verifier::authenticate`] with custom claims of type `C`.
    ///
    /// # Errors
    /// As [`Verifier::authenticate`].
    pub fn authenticate_as<C: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
    ) -> Result<Claims<C>, AuthError> {
        Ok(self.verify_as(bearer_token(headers)?)?)
    }

    fn check_signature(&self, segments: &Segments<'_>) -> Result<(), VerifyError> {
        if segments.signature.len() != ENCODED_TAG_LEN {
            return Err(VerifyError::InvalidSignature);
        }
        let mut tag = [0_u8; TAG_LEN];
        match URL_SAFE_NO_PAD.decode_slice(segments.signature, &mut tag) {
            Ok(TAG_LEN) => {}
            _ => {
                return Err(VerifyError::Base64 {
                    part: TokenPart::Signature,
                });
            }
        }
        if self.key.verify(segments.signing_input.as_bytes(), &tag) {
            Ok(())
        } else {
            Err(VerifyError::InvalidSignature)
        }
    }

    fn check_claims<C>(&self, claims: &Claims<C>, seconds: Seconds) -> Result<(), VerifyError> {
        if self.subject_required && claims.sub.is_empty() {
            return Err(VerifyError::MissingClaim { claim: "sub" });
        }
        self.check_times(claims, seconds)?;
        self.check_issuer(claims.iss.as_deref())?;
        self.check_audience(claims.aud.as_ref().map_or(&[], |aud| aud.values()))
    }

    /// Compares whole seconds, the unit of NumericDate: `i64` arithmetic on what the parser
    /// read, rather than calendar arithmetic on `OffsetDateTime`. The times in an error are the
    /// claims' own, and the clock's.
    fn check_times<C>(&self, claims: &Claims<C>, seconds: Seconds) -> Result<(), VerifyError> {
        let now = self.clock.unix_timestamp();
        let leeway = self.leeway.whole_seconds();
        let now_time = || numeric_date::from_seconds(now).unwrap_or_else(|| self.clock.now());
        if now.saturating_sub(seconds.exp) >= leeway {
            return Err(VerifyError::Expired {
                exp: claims.exp,
                now: now_time(),
            });
        }
        if let (Some(nbf), Some(nbf_s)) = (claims.nbf, seconds.nbf)
            && nbf_s.saturating_sub(now) > leeway
        {
            return Err(VerifyError::NotYetValid {
                nbf,
                now: now_time(),
            });
        }
        if let (Some(iat), Some(iat_s)) = (claims.iat, seconds.iat) {
            if iat_s.saturating_sub(now) > leeway {
                return Err(VerifyError::IssuedInFuture {
                    iat,
                    now: now_time(),
                });
            }
            if iat_s > seconds.exp {
                return Err(VerifyError::IssuedAfterExpiry {
                    iat,
                    exp: claims.exp,
                });
            }
        }
        let lifetime = seconds.exp.saturating_sub(seconds.iat.unwrap_or(now));
        if lifetime > self.max_lifetime.whole_seconds().saturating_add(leeway) {
            return Err(VerifyError::LifetimeTooLong {
                lifetime: Duration::seconds(lifetime),
                max: self.max_lifetime,
            });
        }
        Ok(())
    }

    fn check_issuer(&self, found: Option<&str>) -> Result<(), VerifyError> {
        match &self.issuer {
            Some(expected) if found != Some(&**expected) => Err(VerifyError::IssuerMismatch {
                expected: expected.to_string(),
                found: found.map(str::to_owned),
            }),
            _ => Ok(()),
        }
    }

    fn check_audience(&self, found: &[String]) -> Result<(), VerifyError> {
        if self.audiences.is_empty() {
            return if found.is_empty() {
                Ok(())
            } else {
                Err(VerifyError::UnexpectedAudience {
                    found: found.to_vec(),
                })
            };
        }
        if found.iter().any(|aud| self.audiences.contains(aud)) {
            Ok(())
        } else {
            Err(VerifyError::AudienceMismatch {
                expected: self.audiences.to_vec(),
                found: found.to_vec(),
            })
        }
    }
}

/// A compact JWS split at its dots; nothing decoded yet.
struct Segments<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
    /// `header.payload`, what the signature covers.
    signing_input: &'a str,
}

impl<'a> Segments<'a> {
    fn split(token: &'a str) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        // `str::find` with a `char` is a vectorised memchr; each segment is searched once.
        let first = token.find('.');
        let second = first.and_then(|first| token[first + 1..].find('.').map(|i| first + 1 + i));
        match (first, second) {
            (Some(first), Some(second)) if !token[second + 1..].contains('.') => Ok(Self {
                header: &token[..first],
                payload: &token[first + 1..second],
                signature: &token[second + 1..],
                signing_input: &token[..second],
            }),
            _ => Err(VerifyError::SegmentCount {
                found: token.matches('.').count() + 1,
            }),
        }
    }
}

/// Decoded payloads up to this size stay on the stack (the product's are under 100 bytes);
/// larger ones, up to what [`MAX_TOKEN_LEN`] allows, go to the heap.
const INLINE_PAYLOAD_LEN: usize = 512;

/// Runs `parse` on the decoded payload, without allocating when it is small.
fn with_decoded_payload(
    segment: &str,
    parse: impl FnOnce(&[u8]) -> Result<(), VerifyError>,
) -> Result<(), VerifyError> {
    if base64::decoded_len_estimate(segment.len()) > INLINE_PAYLOAD_LEN {
        return parse(&decode(segment, TokenPart::Payload)?);
    }
    let mut inline = [0_u8; INLINE_PAYLOAD_LEN];
    let len = URL_SAFE_NO_PAD
        .decode_slice(segment, &mut inline)
        .map_err(|_| VerifyError::Base64 {
            part: TokenPart::Payload,
        })?;
    parse(&inline[..len])
}

/// Strict base64url: no padding, no whitespace, no non-zero trailing bits.
fn decode(segment: &str, part: TokenPart) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| VerifyError::Base64 { part })
}

fn parse_members(json: &[u8], part: TokenPart) -> Result<Members<'_>, VerifyError> {
    let members = Members::parse(json).map_err(|e| VerifyError::Json {
        part,
        reason: echo(&e.to_string(), ECHOED_MESSAGE_CHARS),
    })?;
    if let Some(name) = members.duplicate() {
        return Err(VerifyError::DuplicateMember {
            part,
            name: echo(name, ECHOED_VALUE_CHARS),
        });
    }
    Ok(members)
}

fn check_header(header: &[u8]) -> Result<(), VerifyError> {
    let members = parse_members(header, TokenPart::Header)?;
    match members.get("alg") {
        Some(Value::Str(alg)) if alg == "HS256" => {}
        Some(Value::Str(alg)) => {
            return Err(VerifyError::UnsupportedAlgorithm {
                alg: echo(alg, ECHOED_VALUE_CHARS),
            });
        }
        Some(_) => {
            return Err(VerifyError::UnsupportedAlgorithm {
                alg: "(not a string)".into(),
            });
        }
        None => return Err(VerifyError::UnsupportedAlgorithm { alg: String::new() }),
    }
    if members.get("crit").is_some() {
        return Err(VerifyError::CriticalHeader);
    }
    match members.get("typ") {
        None => Ok(()),
        Some(Value::Str(typ)) if typ.eq_ignore_ascii_case("JWT") => Ok(()),
        Some(Value::Str(typ)) => Err(VerifyError::UnexpectedType {
            typ: echo(typ, ECHOED_VALUE_CHARS),
        }),
        Some(_) => Err(VerifyError::UnexpectedType {
            typ: "(not a string)".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header fast path skips parsing for these bytes: they must pass every header rule.
    #[test]
    fn the_standard_header_passes_the_header_rules() {
        let header = decode(ENCODED_HEADER, TokenPart::Header).unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(check_header(&header), Ok(()));
    }
}
