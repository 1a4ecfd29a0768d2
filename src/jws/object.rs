//! The one strict JSON-object scanner, used by the header rules and the claims parser alike.
//!
//! A JSON text passes when it is exactly one object (nothing but whitespace after it), in UTF-8,
//! every string in it is well formed (no raw control characters, known escapes only, no lone
//! surrogates, however deeply nested), it nests no deeper than [`MAX_JSON_DEPTH`], it has at most
//! [`MAX_JSON_MEMBERS`] members and [`MAX_JSON_VALUES`] values in all, and no top-level name
//! appears twice: parsers disagree on which of two repeated names wins, so a token that depends on
//! it is refused.
//!
//! The scan is one pass over the bytes, by hand: `serde_json` can only skip a value (without
//! checking its escapes or its depth) or build it, so judging a value through it took a skip, a
//! depth scan and a second, decoding walk, at some hundred nanoseconds per member. What the
//! caller reads afterwards (a registered claim, the custom claims) it still reads with
//! `serde_json`, from the value text kept here.

use std::borrow::Cow;
use std::collections::HashSet;

use super::limits::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS, MAX_JSON_VALUES};
use super::{ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};

/// A JSON object's top-level members, in order: each name decoded, each value kept as the JSON
/// text it was (without surrounding whitespace), for the caller to read the members it knows.
#[derive(Debug)]
pub(crate) struct Object<'a> {
    members: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> Object<'a> {
    /// Scans `json`, the decoded `part` of a token.
    pub(crate) fn parse(json: &'a [u8], part: TokenPart) -> Result<Self, VerifyError> {
        if json.trim_ascii_start().first() != Some(&b'{') {
            return Err(VerifyError::Json {
                part,
                reason: "not a JSON object".into(),
            });
        }
        // Checked once for the whole text, so that the scan can take every byte from 0x80 up
        // inside a string as part of a valid character.
        let json = std::str::from_utf8(json).map_err(|_| VerifyError::Json {
            part,
            reason: "not valid UTF-8".into(),
        })?;
        let members = Scanner::new(json).object().map_err(|e| match e {
            ScanError::Syntax { what, at } => VerifyError::Json {
                part,
                reason: format!("{what} at byte {at}"),
            },
            ScanError::TooDeep => VerifyError::NestingTooDeep {
                part,
                max: MAX_JSON_DEPTH,
            },
            ScanError::TooManyMembers => VerifyError::TooManyMembers {
                part,
                max: MAX_JSON_MEMBERS,
            },
            ScanError::TooManyValues => VerifyError::TooManyValues {
                part,
                max: MAX_JSON_VALUES,
            },
        })?;
        if let Some(name) = first_repeated(&members) {
            return Err(VerifyError::DuplicateMember {
                part,
                name: echo(name, ECHOED_VALUE_CHARS),
            });
        }
        Ok(Self { members })
    }

    /// The value of member `name`, as JSON text.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.members
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, value)| value)
    }

    /// The members, in order.
    pub(crate) fn into_members(self) -> impl Iterator<Item = (Cow<'a, str>, &'a str)> {
        self.members.into_iter()
    }
}

/// Reads a string member: `None` when `value`, a value the scanner passed, is not a JSON string.
pub(crate) fn string(value: &str) -> Option<Cow<'_, str>> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    Some(if inner.contains('\\') {
        Cow::Owned(unescape(inner))
    } else {
        Cow::Borrowed(inner)
    })
}

/// Decodes the escapes in the contents of a string the scanner passed, so every escape is one of
/// JSON's and every `\u` surrogate is paired.
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let escape = &rest[i + 1..];
        let (c, len) = match escape.as_bytes().first() {
            Some(b'u') => {
                let unit = hex4(escape.as_bytes().get(1..5)).unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&unit) {
                    let low = hex4(escape.as_bytes().get(7..11)).unwrap_or(0xDC00);
                    let scalar = 0x1_0000
                        + ((u32::from(unit) - 0xD800) << 10)
                        + (u32::from(low).wrapping_sub(0xDC00) & 0x3FF);
                    (char::from_u32(scalar), 11)
                } else {
                    (char::from_u32(u32::from(unit)), 5)
                }
            }
            Some(b'b') => (Some('\u{8}'), 1),
            Some(b'f') => (Some('\u{c}'), 1),
            Some(b'n') => (Some('\n'), 1),
            Some(b'r') => (Some('\r'), 1),
            Some(b't') => (Some('\t'), 1),
            Some(&other) => (Some(char::from(other)), 1),
            None => (None, 0),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        rest = escape.get(len..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The code unit of four hex digits.
fn hex4(digits: Option<&[u8]>) -> Option<u16> {
    let digits = digits.filter(|digits| digits.len() == 4)?;
    let unit = digits.iter().try_fold(0, |unit, &byte| {
        Some((unit << 4) | char::from(byte).to_digit(16)?)
    })?;
    u16::try_from(unit).ok()
}

/// The first top-level name that appears more than once. Objects are small (the product's have
/// four members): comparing each name with those after it costs less than hashing them, until a
/// hostile object of many long names, which a set settles in a time linear in its length.
fn first_repeated<'m>(members: &'m [(Cow<'_, str>, &str)]) -> Option<&'m str> {
    const PAIRWISE_UP_TO: usize = 16;
    if members.len() <= PAIRWISE_UP_TO {
        return members.iter().enumerate().find_map(|(i, (name, _))| {
            members[i + 1..]
                .iter()
                .any(|(other, _)| other == name)
                .then_some(name.as_ref())
        });
    }
    let mut seen = HashSet::with_capacity(members.len());
    members
        .iter()
        .map(|(name, _)| name.as_ref())
        .find(|name| !seen.insert(*name))
}

/// Why a scan stopped.
#[derive(Debug, PartialEq, Eq)]
enum ScanError {
    /// Not JSON: what was wrong, at which byte offset.
    Syntax { what: &'static str, at: usize },
    /// Nested deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
    /// More than [`MAX_JSON_MEMBERS`] top-level members.
    TooManyMembers,
    /// More than [`MAX_JSON_VALUES`] values.
    TooManyValues,
}

/// `byte` in each byte of a word.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// A cursor over a JSON text, already known to be UTF-8.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// How many more values the text may hold.
    values_left: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            values_left: MAX_JSON_VALUES,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn syntax(&self, what: &'static str) -> ScanError {
        ScanError::Syntax { what, at: self.pos }
    }

    fn skip_whitespace(&mut self) {
        // Most calls find none: one comparison settles every byte above the space.
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte > b' ' || !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return;
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ScanError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(what))
        }
    }

    /// The whole text: one object, its members, then only whitespace.
    fn object(mut self) -> Result<Vec<(Cow<'a, str>, &'a str)>, ScanError> {
        self.skip_whitespace();
        self.expect(b'{', "expected `{`")?;
        self.skip_whitespace();
        // Room for the claims the product's peers write (five to seven), so that the vector is
        // allocated once, not grown from four.
        let mut members = Vec::with_capacity(8);
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                if members.len() == MAX_JSON_MEMBERS {
                    return Err(ScanError::TooManyMembers);
                }
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("expected a string name"));
                }
                let start = self.pos + 1;
                let escaped = self.string()?;
                let inner = self.text.get(start..self.pos - 1).unwrap_or_default();
                let name = if escaped {
                    Cow::Owned(unescape(inner))
                } else {
                    Cow::Borrowed(inner)
                };
                self.skip_whitespace();
                self.expect(b':', "expected `:`")?;
                self.skip_whitespace();
                let start = self.pos;
                self.value()?;
                // Every value ends on an ASCII byte, so the slice is on character boundaries.
                members.push((name, self.text.get(start..self.pos).unwrap_or_default()));
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected `,` or `}`")),
                }
            }
        }
        self.skip_whitespace();
        if self.pos == self.bytes.len() {
            Ok(members)
        } else {
            Err(self.syntax("trailing characters"))
        }
    }

    /// One value of a top-level member, with everything nested in it. A loop over a stack of
    /// open containers (the byte that closes each) rather than recursion: the depth is bounded
    /// anyway, and a loop keeps every byte on the same few branches.
    fn value(&mut self) -> Result<(), ScanError> {
        // The top-level object is the first level; a value may open the rest.
        let mut closing = [0_u8; MAX_JSON_DEPTH - 1];
        let mut level: usize = 0;
        'value: loop {
            let Some(values_left) = self.values_left.checked_sub(1) else {
                return Err(ScanError::TooManyValues);
            };
            self.values_left = values_left;
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    let Some(slot) = closing.get_mut(level) else {
                        return Err(ScanError::TooDeep);
                    };
                    let close = if open == b'{' { b'}' } else { b']' };
                    *slot = close;
                    level += 1;
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        level -= 1;
                    } else {
                        if close == b'}' {
                            self.nested_name()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true")?,
                Some(b'f') => self.literal("false")?,
                Some(b'n') => self.literal("null")?,
                _ => return Err(self.syntax("expected a value")),
            }
            // A value is complete: close the containers it completes, up to the next element.
            while let Some(level_below) = level.checked_sub(1) {
                self.skip_whitespace();
                let close = closing[level_below];
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        if close == b'}' {
                            self.nested_name()?;
                        }
                        continue 'value;
                    }
                    Some(byte) if byte == close => {
                        self.pos += 1;
                        level = level_below;
                    }
                    _ if close == b'}' => return Err(self.syntax("expected `,` or `}`")),
                    _ => return Err(self.syntax("expected `,` or `]`")),
                }
            }
            return Ok(());
        }
    }

    /// A name inside a nested object and its colon, up to its value.
    fn nested_name(&mut self) -> Result<(), ScanError> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a string name"));
        }
        self.string()?;
        self.skip_whitespace();
        self.expect(b':', "expected `:`")?;
        self.skip_whitespace();
        Ok(())
    }

    /// A string, from its opening quote to past its closing one; whether it had escapes.
    fn string(&mut self) -> Result<bool, ScanError> {
        self.pos += 1;
        let mut escaped = false;
        loop {
            self.skip_unescaped();
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                Some(_) => return Err(self.syntax("control character in a string")),
                None => return Err(self.syntax("unterminated string")),
            }
        }
    }

    /// Skips the bytes of a string that stand for themselves: all but `"`, `\` and the controls
    /// below 0x20, eight at a time. Each mask below has its lowest set bit exactly at the first
    /// byte of its kind (borrows only run upwards, from a byte that already counts), so the
    /// lowest bit of their union is the first byte that ends the run.
    fn skip_unescaped(&mut self) {
        const HIGH: u64 = splat(0x80);
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let quote = x ^ splat(b'"');
            let backslash = x ^ splat(b'\\');
            let stop = ((quote.wrapping_sub(splat(1)) & !quote)
                | (backslash.wrapping_sub(splat(1)) & !backslash)
                | (x.wrapping_sub(splat(0x20)) & !x))
                & HIGH;
            if stop != 0 {
                self.pos += (stop.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        while let Some(byte) = self.peek() {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return;
            }
            self.pos += 1;
        }
    }

    /// One escape, from its backslash: a `\u` high surrogate must be followed at once by a `\u`
    /// low one, and a low one may not stand alone, as for `serde_json` when it decodes.
    fn escape(&mut self) -> Result<(), ScanError> {
        match self.bytes.get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let unit = self.hex_escape()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) == Some(&b"\\u"[..])
                            && (0xDC00..=0xDFFF).contains(&self.hex_escape()?)
                        {
                            Ok(())
                        } else {
                            Err(self.syntax("lone leading surrogate in hex escape"))
                        }
                    }
                    0xDC00..=0xDFFF => Err(self.syntax("lone trailing surrogate in hex escape")),
                    _ => Ok(()),
                }
            }
            _ => Err(self.syntax("invalid escape")),
        }
    }

    /// The code unit of the `\uXXXX` at the cursor, moving past it.
    fn hex_escape(&mut self) -> Result<u16, ScanError> {
        let unit = hex4(self.bytes.get(self.pos + 2..self.pos + 6))
            .ok_or_else(|| self.syntax("invalid escape"))?;
        self.pos += 6;
        Ok(unit)
    }

    /// A number, in JSON's grammar: an optional minus, an integer part without leading zeros,
    /// then optionally a fraction and an exponent, each with at least one digit. Its value is
    /// not read here.
    fn number(&mut self) -> Result<(), ScanError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("invalid number"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), ScanError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.syntax("expected a value"))
        }
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

    /// 127 levels within a value pass and 128 do not, however long the text and whether the
    /// brackets close or not; brackets inside strings (escaped quotes included) do not count.
    #[test]
    fn nesting_is_capped_at_the_depth_limit() {
        for pad in [0, 6_000] {
            for (open, close) in [("[", "]"), (r#"{"a":"#, "}")] {
                let nested = |depth: usize, closed: bool| {
                    format!(
                        r#"{{"pad":"\"[[[{{{}","x":{}0{}}}"#,
                        "p".repeat(pad),
                        open.repeat(depth),
                        if closed {
                            close.repeat(depth)
                        } else {
                            String::new()
                        }
                    )
                };
                assert!(
                    names(nested(MAX_JSON_DEPTH - 1, true).as_bytes()).is_ok(),
                    "{pad}"
                );
                for closed in [true, false] {
                    assert_eq!(
                        names(nested(MAX_JSON_DEPTH, closed).as_bytes()).unwrap_err(),
                        VerifyError::NestingTooDeep {
                            part: TokenPart::Header,
                            max: MAX_JSON_DEPTH
                        },
                        "{pad} {open} {closed}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_member_count_is_capped() {
        let object = |count: usize| {
            let members: Vec<String> = (0..count).map(|i| format!(r#""m{i}":{i}"#)).collect();
            format!("{{{}}}", members.join(","))
        };
        assert_eq!(
            names(object(MAX_JSON_MEMBERS).as_bytes()).unwrap().len(),
            MAX_JSON_MEMBERS
        );
        assert_eq!(
            names(object(MAX_JSON_MEMBERS + 1).as_bytes()).unwrap_err(),
            VerifyError::TooManyMembers {
                part: TokenPart::Header,
                max: MAX_JSON_MEMBERS
            }
        );
        // Members of nested objects do not count.
        let nested: Vec<String> = (0..2 * MAX_JSON_MEMBERS)
            .map(|i| format!(r#""m{i}":{i}"#))
            .collect();
        let json = format!(r#"{{"x":{{{}}}}}"#, nested.join(","));
        assert_eq!(names(json.as_bytes()).unwrap(), ["x"]);
    }

    /// Values are counted at every depth, arrays and objects included.
    #[test]
    fn the_value_count_is_capped() {
        let array = |count: usize| format!(r#"{{"x":[{}]}}"#, vec!["0"; count].join(","));
        assert!(names(array(MAX_JSON_VALUES - 1).as_bytes()).is_ok());
        let too_many = Err(VerifyError::TooManyValues {
            part: TokenPart::Header,
            max: MAX_JSON_VALUES,
        });
        assert_eq!(names(array(MAX_JSON_VALUES).as_bytes()), too_many);
        let nested = format!(r#"{{"x":[{}]}}"#, vec!["[]"; MAX_JSON_VALUES].join(","));
        assert_eq!(names(nested.as_bytes()), too_many);
        let members: Vec<String> = (0..MAX_JSON_MEMBERS)
            .map(|i| format!(r#""m{i}":[0,{{"a":[]}}]"#))
            .collect();
        assert_eq!(
            names(format!("{{{}}}", members.join(",")).as_bytes())
                .unwrap()
                .len(),
            MAX_JSON_MEMBERS
        );
    }

    /// Every string is judged, at any depth, in names and values alike: escapes, surrogate
    /// pairs, raw control characters.
    #[test]
    fn judges_every_string() {
        for (good, bad) in [
            (r#""\ud83d\ude00""#, r#""\ud83d""#),
            (r#""\ud83d\ude00""#, r#""\ud83d\u0041""#),
            (r#""\ud83d\ude00""#, r#""\ude00\ud83d""#),
            (r#""\ud83d\ude00""#, r#""\ud83dx""#),
            (r#""\u00e9""#, r#""\u00g9""#),
            (r#""\u00e9""#, r#""\u00e""#),
            (r#""\n\r\t\b\f\/\\\"""#, r#""\x""#),
            (r#""tab\t""#, "\"tab\t\""),
            (r#""é""#, "\"\u{1}\""),
        ] {
            for wrap in [
                |v: &str| format!(r#"{{"a":{v}}}"#),
                |v: &str| format!(r#"{{"a":[1,{{"b":[{v}]}}]}}"#),
                |v: &str| format!(r#"{{"a":{{{v}:1}}}}"#),
                |v: &str| format!("{{{v}:1}}"),
            ] {
                assert!(names(wrap(good).as_bytes()).is_ok(), "{}", wrap(good));
                assert!(
                    matches!(names(wrap(bad).as_bytes()), Err(VerifyError::Json { .. })),
                    "{}",
                    wrap(bad)
                );
            }
        }
    }

    #[test]
    fn decodes_escaped_names_and_strings() {
        let json = r#"{"\u0061\ud83d\ude00\n\"":"x\u00e9\/\\","b":"plain"}"#;
        let object = Object::parse(json.as_bytes(), TokenPart::Header).unwrap();
        assert_eq!(
            object.get("a\u{1F600}\n\"").and_then(string).as_deref(),
            Some("xé/\\")
        );
        assert_eq!(object.get("b").and_then(string).as_deref(), Some("plain"));
    }

    /// The scanner accepts exactly the objects `serde_json` reads, apart from the rules it adds
    /// (repeated names, the member cap) and numbers beyond `f64`, which JSON's grammar allows
    /// and `serde_json` refuses when it builds a value: on valid JSON, on JSON with one byte
    /// changed, and on short runs of the characters that matter to the grammar.
    #[test]
    fn agrees_with_serde_json() {
        use proptest::prelude::*;
        fn agree(json: &str) -> Result<(), TestCaseError> {
            let ours = names(json.as_bytes());
            let theirs = serde_json::from_str::<serde_json::Value>(json);
            match (&ours, &theirs) {
                (
                    Err(
                        VerifyError::DuplicateMember { .. }
                        | VerifyError::TooManyMembers { .. }
                        | VerifyError::TooManyValues { .. },
                    ),
                    _,
                ) => {}
                (_, Err(e)) if e.to_string().starts_with("number out of range") => {}
                (Err(VerifyError::NestingTooDeep { .. }), Err(e)) => {
                    prop_assert!(
                        e.to_string().starts_with("recursion limit exceeded"),
                        "{json:?}: {e}"
                    );
                }
                (Ok(ours), Ok(serde_json::Value::Object(theirs))) => {
                    prop_assert_eq!(ours.len(), theirs.len(), "{:?}", json);
                }
                (Err(VerifyError::Json { .. }), Err(_)) => {}
                (Err(VerifyError::Json { .. }), Ok(other)) if !other.is_object() => {}
                _ => {
                    prop_assert!(
                        false,
                        "{:?}: ours {:?}, serde_json {:?}",
                        json,
                        ours,
                        theirs
                    );
                }
            }
            Ok(())
        }
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(serde_json::Value::from),
            ".{0,8}".prop_map(serde_json::Value::from),
        ];
        let value = leaf.prop_recursive(6, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(".{0,4}", inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        });
        let object = proptest::collection::btree_map(".{0,4}", value, 0..6)
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()));
        let mut runner = proptest::test_runner::TestRunner::new(
            proptest::test_runner::Config::with_cases(2_000),
        );
        runner
            .run(
                &(object, any::<usize>(), any::<u8>(), any::<bool>()),
                |(value, at, byte, pretty)| {
                    let json = if pretty {
                        serde_json::to_string_pretty(&value).unwrap()
                    } else {
                        serde_json::to_string(&value).unwrap()
                    };
                    agree(&json)?;
                    let mut bytes = json.into_bytes();
                    let at = at % bytes.len();
                    bytes[at] = byte;
                    if let Ok(changed) = String::from_utf8(bytes) {
                        agree(&changed)?;
                    }
                    Ok(())
                },
            )
            .unwrap();
        runner
            .run(&r#"[{}\[\],:"\\u0-9a-fDdEe.+\- tnrul]{0,24}"#, |tail| {
                agree(&format!(r#"{{"a":{tail}"#))?;
                agree(&format!("{{{tail}"))
            })
            .unwrap();
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
