//! Typed claims: [`Claims`], [`Audience`], and the verifier's claims parser.

mod audience;
pub(crate) mod numeric_date;
pub(crate) mod parser;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use audience::Audience;

/// The claims [`Claims`] has fields for: custom claims may not use these names.
pub(crate) const REGISTERED: [&str; 9] = [
    "sub", "email", "iat", "exp", "nbf", "iss", "aud", "jti", "sid",
];

/// The claims of a token: the registered ones the product uses, plus custom claims `C`.
///
/// `C` defaults to `()`, which ignores unknown claims when verifying and adds none when issuing.
/// Use a struct of your own (or `serde_json::Map<String, serde_json::Value>`) to read or write
/// more.
///
/// Times are [`OffsetDateTime`] in Rust and integer NumericDate (whole seconds since the Unix
/// epoch) on the wire.
///
/// ```
/// use jwt_auth::Claims;
/// use time::macros::datetime;
///
/// let claims = Claims::new("42", datetime!(2026-01-08 00:00 UTC))
///     .with_email("ada@example.com")
///     .with_issued_at(datetime!(2026-01-01 00:00 UTC));
/// let json = serde_json::to_string(&claims)?;
/// assert_eq!(json, r#"{"sub":"42","email":"ada@example.com","iat":1767225600,"exp":1767830400}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Custom claims go in the type parameter and are flattened into the payload:
///
/// ```
/// use jwt_auth::Claims;
/// use serde::{Deserialize, Serialize};
/// use time::macros::datetime;
///
/// #[derive(Debug, Serialize, Deserialize, PartialEq)]
/// struct Roles {
///     roles: Vec<String>,
/// }
///
/// let claims = Claims::new("42", datetime!(2026-01-08 00:00 UTC))
///     .with_custom(Roles { roles: vec!["admin".into()] });
/// let json = serde_json::to_string(&claims)?;
/// assert_eq!(json, r#"{"sub":"42","exp":1767830400,"roles":["admin"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Claims<C = ()> {
    /// Subject: the user id, as a string. Never empty in a verified token, unless the verifier
    /// was built with [`Verifier::allow_missing_subject`](crate::Verifier::allow_missing_subject).
    #[serde(default)]
    pub sub: String,
    /// The user's email address, when the issuer includes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Issued at. Always set by [`Issuer`](crate::Issuer); FastAPI-style issuers often omit it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "numeric_date::option"
    )]
    pub iat: Option<OffsetDateTime>,
    /// Expiry. Required: a token without one is rejected.
    #[serde(with = "numeric_date")]
    pub exp: OffsetDateTime,
    /// Not before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "numeric_date::option"
    )]
    pub nbf: Option<OffsetDateTime>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience: one value or several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// Token id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Session id (`OpenID` Connect's `sid`): the session family an access token belongs to, which
    /// [`Sessions`](crate::Sessions) sets and a revocation check reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Custom claims, flattened into the payload.
    #[serde(flatten)]
    pub custom: C,
}

impl Claims {
    /// Claims for `sub` that expire at `exp`, with nothing else set.
    pub fn new(sub: impl Into<String>, exp: OffsetDateTime) -> Self {
        Self {
            sub: sub.into(),
            email: None,
            iat: None,
            exp,
            nbf: None,
            iss: None,
            aud: None,
            jti: None,
            sid: None,
            custom: (),
        }
    }
}

impl<C> Claims<C> {
    /// Sets `email`.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets `iat`.
    #[must_use]
    pub fn with_issued_at(mut self, iat: OffsetDateTime) -> Self {
        self.iat = Some(iat);
        self
    }

    /// Sets `nbf`.
    #[must_use]
    pub fn with_not_before(mut self, nbf: OffsetDateTime) -> Self {
        self.nbf = Some(nbf);
        self
    }

    /// Sets `iss`.
    #[must_use]
    pub fn with_issuer(mut self, iss: impl Into<String>) -> Self {
        self.iss = Some(iss.into());
        self
    }

    /// Sets `aud`.
    #[must_use]
    pub fn with_audience(mut self, aud: impl Into<Audience>) -> Self {
        self.aud = Some(aud.into());
        self
    }

    /// Sets `jti`.
    #[must_use]
    pub fn with_jti(mut self, jti: impl Into<String>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// Sets `sid`.
    ///
    /// ```
    /// let claims = jwt_auth::Claims::new("42", time::OffsetDateTime::UNIX_EPOCH).with_sid("s1");
    /// assert_eq!(claims.sid.as_deref(), Some("s1"));
    /// ```
    #[must_use]
    pub fn with_sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Replaces the custom claims, changing their type.
    #[must_use]
    pub fn with_custom<D>(self, custom: D) -> Claims<D> {
        Claims {
            sub: self.sub,
            email: self.email,
            iat: self.iat,
            exp: self.exp,
            nbf: self.nbf,
            iss: self.iss,
            aud: self.aud,
            jti: self.jti,
            sid: self.sid,
            custom,
        }
    }
}
