//! One borrowing pass over a JSON object's top-level members: finds repeated names and keeps the
//! string values the header rules need (`alg`, `typ`), without building a document tree.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};

/// A string that borrows from the input unless it had escapes.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }
}

/// A member's value, reduced to what the policy looks at.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Str(Cow<'a, str>),
    /// A number, a bool, null, an array or an object.
    Other,
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Value::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Value::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Value::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Value::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Other)
    }

    /// Nested values are read, not skipped: `serde_json`'s skipping does not decode strings, so an
    /// escaped lone surrogate would pass. Its recursion limit bounds the depth.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Value<'de>>()?.is_some() {}
        Ok(Value::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Text<'de>, Value<'de>>()?.is_some() {}
        Ok(Value::Other)
    }
}

/// The top-level members of an object, in order.
#[derive(Debug)]
pub(crate) struct Members<'a>(Vec<(Text<'a>, Value<'a>)>);

impl<'a> Members<'a> {
    /// Parses `json` as exactly one object: no trailing bytes beyond whitespace, every string
    /// decoded (so checked for UTF-8 and lone surrogates), however deeply nested.
    pub(crate) fn parse(json: &'a [u8]) -> Result<Self, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(json);
        let members = de.deserialize_map(MembersVisitor)?;
        de.end()?;
        Ok(members)
    }

    /// The first name that appears more than once, if any.
    pub(crate) fn duplicate(&self) -> Option<&str> {
        let mut names: Vec<&str> = self.0.iter().map(|(name, _)| name.0.as_ref()).collect();
        names.sort_unstable();
        names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }

    /// The value of member `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Value<'a>> {
        self.0.iter().find(|(n, _)| n.0 == name).map(|(_, v)| v)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(entry) = map.next_entry::<Text<'de>, Value<'de>>()? {
            members.push(entry);
        }
        Ok(Members(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_duplicates_even_when_escaped() {
        let members = Members::parse(br#"{"a":1,"b":{"a":2},"\u0061":3}"#).unwrap();
        assert_eq!(members.duplicate(), Some("a"));
        assert_eq!(
            Members::parse(br#"{"a":1,"b":[1,2]}"#).unwrap().duplicate(),
            None
        );
    }

    #[test]
    fn keeps_scalars_and_reduces_the_rest() {
        let members =
            Members::parse(br#"{"s":"x","i":-3,"f":1.5,"big":18446744073709551615}"#).unwrap();
        assert_eq!(members.get("s"), Some(&Value::Str(Cow::Borrowed("x"))));
        assert_eq!(members.get("i"), Some(&Value::Other));
        assert_eq!(members.get("f"), Some(&Value::Other));
        assert_eq!(members.get("big"), Some(&Value::Other));
        assert_eq!(members.get("none"), None);
    }

    #[test]
    fn refuses_non_objects_and_trailing_bytes() {
        assert!(Members::parse(b"[]").is_err());
        assert!(Members::parse(b"{} x").is_err());
        assert!(Members::parse(b"{}{}").is_err());
        assert!(Members::parse(b"{\"a\":\"\xff\"}").is_err());
        assert!(Members::parse(b"{} ").is_ok());
    }
}
