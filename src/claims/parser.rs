//! The verifier's claims parser: reads the registered claims from a payload that passed the
//! object scanner, enforcing the payload rules on the way (`exp` present, integer NumericDate
//! times, registered claims of the registered types), each failure its own [`VerifyError`]; and,
//! once the verifier's other rules have passed, the custom claims into `C`.
//!
//! `Claims`' public `Deserialize` (derived, with `#[serde(flatten)]`) serves users who read claims
//! from JSON themselves; the verifier needs what flatten hides (repeated custom names, which the
//! scanner finds) and parses each payload once, not twice.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};

use super::numeric_date::{self, NumericDate};
use super::{Audience, Claims};
use crate::jws::object::{self, Object};
use crate::jws::{ECHOED_MESSAGE_CHARS, TokenPart, VerifyError, echo};

/// The time claims in whole seconds, as read: the policy compares these, not the calendar times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seconds {
    pub(crate) exp: i64,
    pub(crate) iat: Option<i64>,
    pub(crate) nbf: Option<i64>,
}

/// A signed payload, parsed: its registered claims and their times in seconds, checked; its
/// custom claims still JSON text, read by [`into_claims`](Self::into_claims).
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    pub(crate) claims: Claims,
    pub(crate) seconds: Seconds,
    custom: Vec<(Cow<'a, str>, &'a str)>,
}

impl Parsed<'_> {
    /// The claims, with the custom ones read into `C`.
    pub(crate) fn into_claims<C: DeserializeOwned>(self) -> Result<Claims<C>, VerifyError> {
        let custom =
            C::deserialize(Flattened(self.custom)).map_err(|e| VerifyError::CustomClaims {
                reason: explanation(None, &e),
            })?;
        Ok(self.claims.with_custom(custom))
    }
}

/// Parses a signed payload's registered claims; see [`Parsed`].
pub(crate) fn parse(json: &[u8]) -> Result<Parsed<'_>, VerifyError> {
    let object = Object::parse(json, TokenPart::Payload)?;
    let (mut sub, mut email, mut iss, mut aud) = (None, None, None, None);
    let (mut jti, mut sid) = (None, None);
    let (mut iat, mut exp, mut nbf) = (None, None, None);
    let mut custom = Vec::new();
    for (name, value) in object.into_members() {
        match &*name {
            "sub" => sub = Some(text("sub", value)?),
            "email" => email = optional_text("email", value)?,
            "iss" => iss = optional_text("iss", value)?,
            "aud" => aud = audience(value)?,
            "jti" => jti = optional_text("jti", value)?,
            "sid" => sid = optional_text("sid", value)?,
            "iat" => iat = Some(time("iat", value)?),
            "exp" => exp = Some(time("exp", value)?),
            "nbf" => nbf = Some(time("nbf", value)?),
            _ => custom.push((name, value)),
        }
    }
    // `let else`, not `ok_or`: building the error only to drop it costs every valid token.
    let Some(exp) = exp else {
        return Err(VerifyError::MissingClaim { claim: "exp" });
    };
    let seconds = Seconds {
        exp: exp.seconds,
        iat: iat.as_ref().map(|date| date.seconds),
        nbf: nbf.as_ref().map(|date| date.seconds),
    };
    let claims = Claims {
        sub: sub.unwrap_or_default(),
        email,
        iat: iat.map(|date| date.time),
        exp: exp.time,
        nbf: nbf.map(|date| date.time),
        iss,
        aud,
        jti,
        sid,
        custom: (),
    };
    Ok(Parsed {
        claims,
        seconds,
        custom,
    })
}

/// A string claim, decoded by the scanner's own unescaping (it has validated every escape);
/// anything but a string goes to `serde_json` for its explanation.
fn text(claim: &str, value: &str) -> Result<String, VerifyError> {
    match object::string(value) {
        Some(text) => Ok(text.into_owned()),
        None => typed(claim, value),
    }
}

/// A string claim that may be absent or `null`.
fn optional_text(claim: &str, value: &str) -> Result<Option<String>, VerifyError> {
    if value == "null" {
        return Ok(None);
    }
    text(claim, value).map(Some)
}

/// The audience: one string, read as [`text`] reads one (`Audience`'s untagged `Deserialize`
/// buffers the value and allocates twice), or anything else through `serde_json`.
fn audience(value: &str) -> Result<Option<Audience>, VerifyError> {
    match object::string(value) {
        Some(one) => Ok(Some(Audience::One(one.into_owned()))),
        None => typed("aud", value),
    }
}

/// A registered claim of type `T` (`null` reads as `None` where `T` is an `Option`).
fn typed<'a, T: Deserialize<'a>>(claim: &str, value: &'a str) -> Result<T, VerifyError> {
    serde_json::from_str(value).map_err(|e| VerifyError::InvalidClaims {
        reason: explanation(Some(claim), &e),
    })
}

/// A time claim: an integer NumericDate in the range `time` represents. The scanner has checked
/// that `value` is a JSON number, so Rust's integer syntax accepts exactly JSON's integers.
fn time(claim: &'static str, value: &str) -> Result<NumericDate, VerifyError> {
    if let Ok(seconds) = value.parse::<i64>()
        && let Some(time) = numeric_date::from_seconds(seconds)
    {
        return Ok(NumericDate { seconds, time });
    }
    Err(VerifyError::InvalidNumericDate { claim })
}

/// `serde_json`'s message, made safe to log, without the positions it reports within the one value
/// it read (which mean nothing to a reader); `claim` names the registered claim it was reading.
fn explanation(claim: Option<&str>, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    let message = match claim {
        Some(claim) => format!("`{claim}`: {message}"),
        None => message.to_owned(),
    };
    echo(&message, ECHOED_MESSAGE_CHARS)
}

/// The custom members, offered to `C` the way `#[serde(flatten)]` would: as a map, or as nothing
/// at all for `C = ()`.
struct Flattened<'de>(Vec<(Cow<'de, str>, &'de str)>);

impl<'de> de::Deserializer<'de> for Flattened<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(FlattenedMap {
            members: self.0.into_iter(),
            value: None,
        })
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct FlattenedMap<'de> {
    members: std::vec::IntoIter<(Cow<'de, str>, &'de str)>,
    value: Option<&'de str>,
}

impl<'de> MapAccess<'de> for FlattenedMap<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((name, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        match name {
            Cow::Borrowed(name) => seed.deserialize(BorrowedStrDeserializer::new(name)),
            Cow::Owned(name) => seed.deserialize(StringDeserializer::new(name)),
        }
        .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        // `next_key_seed` stored it; serde calls the two in turn.
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without a name"))?;
        // The scanner passed the text as exactly one JSON value, no deeper than serde_json's
        // recursion limit allows.
        let mut de = serde_json::Deserializer::from_str(value);
        let value = seed.deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_product_payload() {
        let Parsed {
            claims, seconds, ..
        } = parse(br#"{"sub":"42","email":"ada@example.com","iat":1767225600,"exp":1767830400}"#)
            .unwrap();
        assert_eq!(claims.sub, "42");
        assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            seconds,
            Seconds {
                exp: 1_767_830_400,
                iat: Some(1_767_225_600),
                nbf: None,
            }
        );
    }

    /// The audience's string path reads what `Audience`'s own `Deserialize` reads, and refuses
    /// what it refuses, with the same explanation.
    #[test]
    fn audience_reads_as_its_deserialize_does() {
        for value in [
            r#""api""#,
            r#""a\"pi\u00e9""#,
            r#""""#,
            r#"["api","admin"]"#,
            "[]",
            "null",
            "42",
            r#"{"a":1}"#,
            r#"["api",1]"#,
        ] {
            assert_eq!(
                audience(value),
                typed::<Option<Audience>>("aud", value),
                "{value}"
            );
        }
    }

    #[test]
    fn time_claims_are_integers_only() {
        for exp in [
            "1.5",
            "1e9",
            "-1.0",
            "\"1\"",
            "18446744073709551616",
            "null",
        ] {
            let json = format!(r#"{{"exp":{exp}}}"#);
            assert_eq!(
                parse(json.as_bytes()).unwrap_err(),
                VerifyError::InvalidNumericDate { claim: "exp" },
                "{exp}"
            );
        }
    }
}
