//! The one strict JSON-object scanner, used by the header rules and the claims parser alike.
//!
//! A JSON text passes when it is exactly one object (nothing but whitespace after it), in UTF-8,
//! every string in it decodes (no lone surrogates, however deeply nested), it nests no deeper
//! than `serde_json`'s recursion limit, and no top-level name appears twice: parsers disagree on
//! which of two repeated names wins, so a token that depends on it is refused.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{ECHOED_MESSAGE_CHARS, ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};

/// A JSON object's top-level members, in order: each name decoded, each value kept as the JSON
/// text it was, for the caller to read the members it knows.
#[derive(Debug)]
pub(crate) struct Object<'a> {
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> Object<'a> {
    /// Scans `json`, the decoded `part` of a token.
    pub(crate) fn parse(json: &'a [u8], part: TokenPart) -> Result<Self, VerifyError> {
        let syntax = |e: serde_json::Error| VerifyError::Json {
            part,
            reason: echo(&e.to_string(), ECHOED_MESSAGE_CHARS),
        };
        if json.trim_ascii_start().first() != Some(&b'{') {
            return Err(VerifyError::Json {
                part,
                reason: "not a JSON object".into(),
            });
        }
        if json.len() > DEPTH_SCAN_FROM {
            check_depth(json).map_err(|reason| VerifyError::Json {
                part,
                reason: reason.into(),
            })?;
        }
        // Checked once for the whole text, so that neither names, nor strings, nor the raw values
        // kept for the caller are checked again one by one.
        let json = std::str::from_utf8(json).map_err(|_| VerifyError::Json {
            part,
            reason: "not valid UTF-8".into(),
        })?;
        let mut de = serde_json::Deserializer::from_str(json);
        let members = de.deserialize_map(MembersVisitor).map_err(syntax)?;
        de.end().map_err(syntax)?;
        for (_, value) in &members {
            check_strings(value).map_err(syntax)?;
        }
        if let Some(name) = first_repeated(&members) {
            return Err(VerifyError::DuplicateMember {
                part,
                name: echo(name, ECHOED_VALUE_CHARS),
            });
        }
        Ok(Self { members })
    }

    /// The value of member `name`, as JSON text.
    pub(crate) fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.members
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, value)| value)
    }

    /// The members, in order.
    pub(crate) fn into_members(self) -> impl Iterator<Item = (Cow<'a, str>, &'a RawValue)> {
        self.members.into_iter()
    }
}

/// Reads a string member: `Ok(None)` when `value` is not a JSON string.
pub(crate) fn string(value: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Text<'_>>(value.get())
        .ok()
        .map(|text| text.0)
}

/// Decodes every string in `value`. Capturing a value as raw text skips it without decoding its
/// strings, so an escaped lone surrogate would pass unseen; only values that can hold an escape
/// need the walk.
fn check_strings(value: &RawValue) -> Result<(), serde_json::Error> {
    let text = value.get();
    if text.starts_with(['{', '[']) || (text.starts_with('"') && text.contains('\\')) {
        serde_json::from_str::<Checked>(text)?;
    }
    Ok(())
}

/// The first top-level name that appears more than once. Objects are small (the product's have
/// four members), so pairwise comparison beats sorting until a hostile one is large; then the
/// names are sorted by length and leading bytes first, which settles almost every comparison
/// without comparing whole strings.
fn first_repeated<'m>(members: &'m [(Cow<'_, str>, &RawValue)]) -> Option<&'m str> {
    const PAIRWISE_UP_TO: usize = 16;
    if members.len() <= PAIRWISE_UP_TO {
        return members.iter().enumerate().find_map(|(i, (name, _))| {
            members[i + 1..]
                .iter()
                .any(|(other, _)| other == name)
                .then_some(name.as_ref())
        });
    }
    let mut names: Vec<(usize, u64, &str)> = members
        .iter()
        .map(|(name, _)| {
            let mut prefix = [0_u8; 8];
            let len = name.len().min(8);
            prefix[..len].copy_from_slice(&name.as_bytes()[..len]);
            (name.len(), u64::from_be_bytes(prefix), name.as_ref())
        })
        .collect();
    names.sort_unstable();
    names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0].2)
}

/// JSON texts longer than this are scanned for depth before `serde_json` reads them. The walk in
/// [`check_strings`] enforces the same limit, but only after the first pass has skipped over the
/// whole text, however deeply nested; the product's payloads are far shorter and skip the scan.
const DEPTH_SCAN_FROM: usize = 512;

/// The deepest nesting of arrays and objects the walk in [`check_strings`] allows, counting the
/// top-level object: one, plus the 127 levels within a value that `serde_json`'s recursion limit
/// lets through.
const MAX_DEPTH: usize = 128;

/// Refuses nesting deeper than [`MAX_DEPTH`], in one pass over the bytes that stops where the
/// limit is crossed. It judges nothing else: malformed JSON is left to `serde_json`.
fn check_depth(json: &[u8]) -> Result<(), &'static str> {
    // Fewer opening brackets than the limit cannot nest past it, and counting them is a vector
    // loop, several times faster than the scan below: most large payloads stop here. `|`, not
    // `||`, keeps it branch-free.
    #[allow(clippy::needless_bitwise_bool)]
    let opening = json.iter().filter(|&&b| (b == b'[') | (b == b'{')).count();
    if opening <= MAX_DEPTH {
        return Ok(());
    }
    let (mut depth, mut in_string, mut escaped) = (0_usize, false, false);
    for &byte in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err("recursion limit exceeded");
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            members.push((name, map.next_value::<&'de RawValue>()?));
        }
        Ok(members)
    }
}

/// A string that borrows from the input unless it had escapes.
#[derive(Debug, PartialEq, Eq)]
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

/// Any JSON value, read (not skipped) so that every string in it is decoded; `serde_json`'s
/// recursion limit bounds the depth.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Text<'de>, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(json: &[u8]) -> Result<Vec<String>, VerifyError> {
        Object::parse(json, TokenPart::Header).map(|object| {
            object
                .into_members()
                .map(|(name, _)| name.into_owned())
                .collect()
        })
    }

    #[test]
    fn finds_repeated_names_even_when_escaped_and_only_at_the_top_level() {
        let err = names(br#"{"a":1,"b":{"a":2},"\u0061":3}"#).unwrap_err();
        assert_eq!(
            err,
            VerifyError::DuplicateMember {
                part: TokenPart::Header,
                name: "a".into()
            }
        );
        assert_eq!(names(br#"{"a":1,"b":{"a":2}}"#).unwrap(), ["a", "b"]);
    }

    #[test]
    fn finds_repeated_names_in_large_objects() {
        let members: Vec<String> = (0..40).map(|i| format!(r#""m{i}":{i}"#)).collect();
        let json = format!(r#"{{{},"m7":0}}"#, members.join(","));
        assert!(matches!(
            names(json.as_bytes()),
            Err(VerifyError::DuplicateMember { name, .. }) if name == "m7"
        ));
    }

    #[test]
    fn refuses_non_objects_trailing_bytes_bad_utf8_and_lone_surrogates() {
        for json in [
            &b"[]"[..],
            b"{} x",
            b"{}{}",
            b"{\"a\":\"\xff\"}",
            br#"{"a":["\ud800"]}"#,
            br#"{"a":"\udc00"}"#,
        ] {
            assert!(
                matches!(
                    names(json),
                    Err(VerifyError::Json {
                        part: TokenPart::Header,
                        ..
                    })
                ),
                "{:?}",
                String::from_utf8_lossy(json)
            );
        }
        assert!(names(b"{} ").is_ok());
    }

    /// The depth scan that large texts get refuses exactly what the walk refuses: 127 levels
    /// within a value pass and 128 do not, in short texts and long ones alike, and brackets
    /// inside strings (escaped quotes included) do not count.
    #[test]
    fn large_and_small_texts_have_the_same_depth_limit() {
        for pad in [0, DEPTH_SCAN_FROM] {
            let nested = |depth: usize| {
                format!(
                    r#"{{"pad":"\"[[[{}","x":{}{}}}"#,
                    "p".repeat(pad),
                    "[".repeat(depth),
                    "]".repeat(depth)
                )
            };
            assert!(names(nested(127).as_bytes()).is_ok(), "{pad}");
            assert!(
                matches!(
                    names(nested(128).as_bytes()),
                    Err(VerifyError::Json { reason, .. }) if reason.starts_with("recursion limit exceeded")
                ),
                "{pad}"
            );
        }
        assert_eq!(check_depth(&[b'['; MAX_DEPTH]), Ok(()));
        assert!(check_depth(&[b'['; MAX_DEPTH + 1]).is_err());
        assert_eq!(check_depth(br#"["\\"]"#), Ok(()));
    }

    #[test]
    fn finds_repeated_names_that_share_a_long_prefix_in_large_objects() {
        let members: Vec<String> = (0..40).map(|i| format!(r#""prefix-{i:03}":{i}"#)).collect();
        let json = format!(r#"{{{},"prefix-017":0}}"#, members.join(","));
        assert!(matches!(
            names(json.as_bytes()),
            Err(VerifyError::DuplicateMember { name, .. }) if name == "prefix-017"
        ));
        let json = format!("{{{}}}", members.join(","));
        assert_eq!(names(json.as_bytes()).unwrap().len(), 40);
    }

    #[test]
    fn reads_string_members() {
        let object = Object::parse(br#"{"s":"x","e":"\u0078","n":1}"#, TokenPart::Header).unwrap();
        assert_eq!(object.get("s").and_then(string).as_deref(), Some("x"));
        assert_eq!(object.get("e").and_then(string).as_deref(), Some("x"));
        assert_eq!(object.get("n").and_then(string), None);
        assert!(object.get("none").is_none());
    }
}
