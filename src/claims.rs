//! Typed JWT claims, with times as [`OffsetDateTime`] on the Rust side and integer NumericDate
//! (whole seconds since the Unix epoch) on the wire.
//!
//! ```
//! use jwt_auth::Claims;
//! use time::macros::datetime;
//!
//! let claims = Claims::new("42", datetime!(2026-01-08 00:00 UTC))
//!     .with_email("ada@example.com")
//!     .with_issued_at(datetime!(2026-01-01 00:00 UTC));
//! let json = serde_json::to_string(&claims)?;
//! assert_eq!(json, r#"{"sub":"42","email":"ada@example.com","iat":1767225600,"exp":1767830400}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Custom claims go in the type parameter and are flattened into the payload:
//!
//! ```
//! use jwt_auth::Claims;
//! use serde::{Deserialize, Serialize};
//! use time::macros::datetime;
//!
//! #[derive(Debug, Serialize, Deserialize, PartialEq)]
//! struct Roles {
//!     roles: Vec<String>,
//! }
//!
//! let claims = Claims::new("42", datetime!(2026-01-08 00:00 UTC))
//!     .with_custom(Roles { roles: vec!["admin".into()] });
//! let json = serde_json::to_string(&claims)?;
//! assert_eq!(json, r#"{"sub":"42","exp":1767830400,"roles":["admin"]}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The claims of a token: the registered ones the product uses, plus custom claims `C`.
///
/// `C` defaults to `()`, which ignores unknown claims when verifying and adds none when issuing.
/// Use a struct of your own (or `serde_json::Map<String, serde_json::Value>`) to read or write
/// more.
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
            custom,
        }
    }
}

/// The `aud` claim: a single string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "api"`
    One(String),
    /// `"aud": ["api", "admin"]`
    Many(Vec<String>),
}

impl Audience {
    /// Every value, whichever form the token used.
    pub fn values(&self) -> &[String] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    /// Whether `value` is one of the audiences.
    pub fn contains(&self, value: &str) -> bool {
        self.values().iter().any(|v| v == value)
    }
}

impl From<&str> for Audience {
    fn from(value: &str) -> Self {
        Self::One(value.to_owned())
    }
}

impl From<String> for Audience {
    fn from(value: String) -> Self {
        Self::One(value)
    }
}

impl<const N: usize> From<[&str; N]> for Audience {
    fn from(values: [&str; N]) -> Self {
        Self::Many(values.iter().map(|&value| value.to_owned()).collect())
    }
}

impl From<Vec<String>> for Audience {
    fn from(values: Vec<String>) -> Self {
        Self::Many(values)
    }
}

/// Serde helpers for integer NumericDate fields. A float, a string or an out-of-range integer is
/// an error: RFC 7519 allows fractions, but every peer this crate talks to writes whole seconds,
/// and a fraction is the signature of a token made some other way.
pub(crate) mod numeric_date {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(t.unix_timestamp())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        NumericDate::deserialize(d).map(|date| date.time)
    }

    /// Converts whole seconds to a time, when `time` can represent it.
    pub(crate) fn from_seconds(seconds: i64) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(seconds).ok()
    }

    /// An integer NumericDate as read: the seconds, and the time they stand for.
    pub(crate) struct NumericDate {
        pub(crate) seconds: i64,
        pub(crate) time: OffsetDateTime,
    }

    impl<'de> Deserialize<'de> for NumericDate {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_i64(NumericDateVisitor)
        }
    }

    struct NumericDateVisitor;

    impl NumericDateVisitor {
        fn date<E: de::Error>(
            self,
            seconds: Option<i64>,
            unexpected: de::Unexpected<'_>,
        ) -> Result<NumericDate, E> {
            seconds
                .and_then(|seconds| {
                    Some(NumericDate {
                        seconds,
                        time: from_seconds(seconds)?,
                    })
                })
                .ok_or_else(|| E::invalid_value(unexpected, &self))
        }
    }

    impl Visitor<'_> for NumericDateVisitor {
        type Value = NumericDate;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer NumericDate (whole seconds since 1970-01-01T00:00:00Z)")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.date(Some(v), de::Unexpected::Signed(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.date(i64::try_from(v).ok(), de::Unexpected::Unsigned(v))
        }
    }

    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::OffsetDateTime;

        #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
        pub(crate) fn serialize<S: Serializer>(
            t: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            Ok(Option::<super::NumericDate>::deserialize(d)?.map(|date| date.time))
        }
    }
}
