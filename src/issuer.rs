//! [`Issuer`]: signs HS256 tokens the product's Python and Node services accept.
//!
//! ```
//! use jwt_auth::{Issuer, Secret, Verifier};
//! use time::Duration;
//!
//! let (secret, _) = Secret::generate();
//! let issuer = Issuer::new(&secret).with_ttl(Duration::hours(1));
//!
//! // The common case: subject and email.
//! let token = issuer.issue("42", Some("ada@example.com"))?;
//!
//! // Anything else: start from the issuer's claims and add to them.
//! #[derive(serde::Serialize)]
//! struct Roles { roles: Vec<&'static str> }
//! let claims = issuer.claims_for("42")?.with_jti("a1b2").with_custom(Roles { roles: vec!["admin"] });
//! let token_with_roles = issuer.issue_claims(&claims)?;
//!
//! let verifier = Verifier::new(&secret);
//! assert_eq!(verifier.verify(&token)?.email.as_deref(), Some("ada@example.com"));
//! assert_eq!(verifier.verify(&token_with_roles)?.jti.as_deref(), Some("a1b2"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::backend::HmacKey;
use crate::claims::{Audience, Claims};
use crate::clock::{Clock, SystemClock};
use crate::error::IssueError;
use crate::members::Members;
use crate::secret::Secret;

/// The default token lifetime: 7 days (604,800 seconds), the product's `JWT_EXPIRES_MIN = 10080`.
pub const DEFAULT_TTL: Duration = Duration::days(7);

/// `{"alg":"HS256","typ":"JWT"}` in base64url: every token this crate issues has this header.
pub(crate) const ENCODED_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs HS256 tokens. Cheap to clone, `Send + Sync`; the HMAC key is derived once, here.
#[derive(Debug, Clone)]
pub struct Issuer {
    key: HmacKey,
    ttl: Duration,
    clock: Arc<dyn Clock>,
    iss: Option<String>,
    aud: Option<Audience>,
}

impl Issuer {
    /// An issuer signing with `secret`, with a lifetime of [`DEFAULT_TTL`], the [`SystemClock`],
    /// and no `iss` or `aud`.
    pub fn new(secret: &Secret) -> Self {
        Self {
            key: secret.hmac_key().clone(),
            ttl: DEFAULT_TTL,
            clock: Arc::new(SystemClock),
            iss: None,
            aud: None,
        }
    }

    /// Sets the token lifetime (default 7 days). It must be positive, or issuing fails with
    /// [`IssueError::NonPositiveTtl`].
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Replaces the clock (default [`SystemClock`]).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Puts `iss` in every token.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.iss = Some(issuer.into());
        self
    }

    /// Puts `aud` in every token.
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<Audience>) -> Self {
        self.aud = Some(audience.into());
        self
    }

    /// The configured lifetime.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for `sub` with an optional `email`, issued now and expiring after the
    /// lifetime.
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`], [`IssueError::NonPositiveTtl`] or
    /// [`IssueError::TimeOutOfRange`].
    pub fn issue(&self, sub: &str, email: Option<&str>) -> Result<String, IssueError> {
        let mut claims = self.claims_for(sub)?;
        claims.email = email.map(str::to_owned);
        // `claims_for` checked the subject and the lifetime, and `Claims<()>` has no custom
        // members, so no name can repeat: the checks of `issue_claims` would find nothing.
        Ok(self.sign(&serialize(&claims)?))
    }

    /// The claims [`Issuer::issue`] would sign for `sub`: `iat` now (whole seconds), `exp` after
    /// the lifetime, and the configured `iss` and `aud`. Add to them, then sign them with
    /// [`Issuer::issue_claims`].
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`], [`IssueError::NonPositiveTtl`] or
    /// [`IssueError::TimeOutOfRange`].
    pub fn claims_for(&self, sub: &str) -> Result<Claims, IssueError> {
        if sub.is_empty() {
            return Err(IssueError::EmptySubject);
        }
        if !self.ttl.is_positive() {
            return Err(IssueError::NonPositiveTtl { ttl: self.ttl });
        }
        let now = OffsetDateTime::from_unix_timestamp(self.clock.unix_timestamp())
            .map_err(|_| IssueError::TimeOutOfRange)?;
        let exp = now
            .checked_add(self.ttl)
            .ok_or(IssueError::TimeOutOfRange)?;
        let mut claims = Claims::new(sub, exp).with_issued_at(now);
        claims.iss.clone_from(&self.iss);
        claims.aud.clone_from(&self.aud);
        Ok(claims)
    }

    /// Signs `claims` as they are, custom claims included.
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`]; [`IssueError::ExpiresBeforeIssued`] when `exp <= iat`;
    /// [`IssueError::DuplicateClaim`] when a custom claim reuses a registered name;
    /// [`IssueError::Serialize`] when the custom claims are not a JSON object's members.
    pub fn issue_claims<C: Serialize>(&self, claims: &Claims<C>) -> Result<String, IssueError> {
        if claims.sub.is_empty() {
            return Err(IssueError::EmptySubject);
        }
        if let Some(iat) = claims.iat
            && claims.exp <= iat
        {
            return Err(IssueError::ExpiresBeforeIssued {
                iat,
                exp: claims.exp,
            });
        }
        let payload = serialize(claims)?;
        let members = Members::parse(&payload).map_err(|e| IssueError::Serialize {
            reason: e.to_string(),
        })?;
        if let Some(name) = members.duplicate() {
            return Err(IssueError::DuplicateClaim {
                name: name.to_owned(),
            });
        }
        Ok(self.sign(&payload))
    }

    fn sign(&self, payload: &[u8]) -> String {
        let mut token = String::with_capacity(ENCODED_HEADER.len() + payload.len() * 4 / 3 + 48);
        token.push_str(ENCODED_HEADER);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let tag = self.key.sign(token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut token);
        token
    }
}

fn serialize<C: Serialize>(claims: &Claims<C>) -> Result<Vec<u8>, IssueError> {
    serde_json::to_vec(claims).map_err(|e| IssueError::Serialize {
        reason: e.to_string(),
    })
}
