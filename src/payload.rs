//! The verifier's claims parser: one borrowing pass over the payload that builds [`Claims<C>`] and
//! enforces the payload rules on the way (no repeated names, `exp` present, integer NumericDate times),
//! reporting each failure as its own [`VerifyError`].
//!
//! `Claims`' public `Deserialize` (derived, with `#[serde(flatten)]`) serves users who read claims
//! from JSON themselves; this parser exists because the policy needs what flatten hides (repeated
//! custom names) and because verifying parses each payload once, not twice.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, Deserializer as _, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::claims::numeric_date::NumericDate;
use crate::claims::{Audience, Claims};
use crate::error::{ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};
use crate::members::Text;

/// The time claims in whole seconds, as read: the policy compares these, not the calendar times.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seconds {
    pub(crate) exp: i64,
    pub(crate) iat: Option<i64>,
    pub(crate) nbf: Option<i64>,
}

/// Parses a verified payload into claims with custom claims `C`, and their times in seconds,
/// written to `out`: `Ok` means `out` holds them.
pub(crate) fn parse<C: DeserializeOwned>(
    json: &[u8],
    out: &mut Option<(Claims<C>, Seconds)>,
) -> Result<(), VerifyError> {
    if json.trim_ascii_start().first() != Some(&b'{') {
        return Err(json_error("not a JSON object"));
    }
    let report = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(json);
    let claims = de
        .deserialize_map(ClaimsVisitor {
            report: &report,
            out,
        })
        .and_then(|()| de.end());
    claims.map_err(|e| {
        report.take().unwrap_or_else(|| match e.classify() {
            serde_json::error::Category::Data => VerifyError::InvalidClaims {
                reason: echo(&e.to_string(), ECHOED_MESSAGE_CHARS),
            },
            _ => json_error(&e.to_string()),
        })
    })
}

fn json_error(reason: &str) -> VerifyError {
    VerifyError::Json {
        part: TokenPart::Payload,
        reason: echo(reason, ECHOED_MESSAGE_CHARS),
    }
}

/// The registered claims, one bit each, to spot a repeat without allocating.
#[derive(Clone, Copy)]
enum Registered {
    Sub = 1,
    Email = 1 << 1,
    Iat = 1 << 2,
    Exp = 1 << 3,
    Nbf = 1 << 4,
    Iss = 1 << 5,
    Aud = 1 << 6,
    Jti = 1 << 7,
}

impl Registered {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sub" => Self::Sub,
            "email" => Self::Email,
            "iat" => Self::Iat,
            "exp" => Self::Exp,
            "nbf" => Self::Nbf,
            "iss" => Self::Iss,
            "aud" => Self::Aud,
            "jti" => Self::Jti,
            _ => return None,
        })
    }
}

struct ClaimsVisitor<'r, C> {
    /// The specific error, when a rule (not the JSON syntax) failed.
    report: &'r Cell<Option<VerifyError>>,
    out: &'r mut Option<(Claims<C>, Seconds)>,
}

impl<C> ClaimsVisitor<'_, C> {
    fn fail<E: de::Error>(&self, error: VerifyError) -> E {
        let message = error.to_string();
        self.report.set(Some(error));
        E::custom(message)
    }

    fn time<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
        claim: &'static str,
    ) -> Result<NumericDate, A::Error> {
        map.next_value::<NumericDate>()
            .map_err(|_| self.fail(VerifyError::InvalidNumericDate { claim }))
    }
}

impl<'de, C: DeserializeOwned> Visitor<'de> for ClaimsVisitor<'_, C> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = 0_u16;
        let (mut sub, mut email, mut iat, mut exp, mut nbf) = (None, None, None, None, None);
        let (mut iss, mut aud, mut jti) = (None, None, None);
        let mut custom: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            let Some(claim) = Registered::from_name(&name) else {
                custom.push((name, map.next_value()?));
                continue;
            };
            if seen & claim as u16 != 0 {
                return Err(self.fail(duplicate(&name)));
            }
            seen |= claim as u16;
            match claim {
                Registered::Sub => sub = Some(map.next_value::<String>()?),
                Registered::Email => email = map.next_value::<Option<String>>()?,
                Registered::Iat => iat = Some(self.time(&mut map, "iat")?),
                Registered::Exp => exp = Some(self.time(&mut map, "exp")?),
                Registered::Nbf => nbf = Some(self.time(&mut map, "nbf")?),
                Registered::Iss => iss = map.next_value::<Option<String>>()?,
                Registered::Aud => aud = map.next_value::<Option<Audience>>()?,
                Registered::Jti => jti = map.next_value::<Option<String>>()?,
            }
        }
        let exp: NumericDate =
            exp.ok_or_else(|| self.fail(VerifyError::MissingClaim { claim: "exp" }))?;
        if let Some(name) = repeated(&mut custom) {
            return Err(self.fail(duplicate(&name)));
        }
        let custom = C::deserialize(Flattened(custom)).map_err(de::Error::custom)?;
        let seconds = Seconds {
            exp: exp.seconds,
            iat: iat.as_ref().map(|date: &NumericDate| date.seconds),
            nbf: nbf.as_ref().map(|date: &NumericDate| date.seconds),
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
            custom,
        };
        *self.out = Some((claims, seconds));
        Ok(())
    }
}

fn duplicate(name: &str) -> VerifyError {
    VerifyError::DuplicateMember {
        part: TokenPart::Payload,
        name: echo(name, ECHOED_VALUE_CHARS),
    }
}

/// The first custom name that appears twice. Sorts a copy of the names: payloads are small, and
/// only signed ones get here.
fn repeated<'de>(custom: &mut [(Cow<'de, str>, &'de RawValue)]) -> Option<Cow<'de, str>> {
    if custom.len() < 2 {
        return None;
    }
    let mut names: Vec<&str> = custom.iter().map(|(name, _)| name.as_ref()).collect();
    names.sort_unstable();
    names
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| Cow::Owned(w[0].to_owned()))
}

/// The custom members, offered to `C` the way `#[serde(flatten)]` would: as a map, or as nothing
/// at all for `C = ()`.
struct Flattened<'de>(Vec<(Cow<'de, str>, &'de RawValue)>);

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
    members: std::vec::IntoIter<(Cow<'de, str>, &'de RawValue)>,
    value: Option<&'de RawValue>,
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
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without a name"))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}
