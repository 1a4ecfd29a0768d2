//! `jwt-auth token inspect`: decode without verifying, leniently, and say so.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use jwt_auth::time::OffsetDateTime;
use serde_json::{Map, Value, json};

use crate::keys::{Member, Ring};
use crate::output::{Outcome, when, when_json};

const BANNER: &str = "UNVERIFIED: decoded without checking the signature; anyone can write \
    these claims. Use `jwt-auth token verify` to trust them.";

/// Accepts padding, stray trailing bits and either base64 alphabet, to show what is there.
const LENIENT_CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT_CONFIG);
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT_CONFIG);

/// The longest raw text shown for a segment that is not JSON.
const MAX_SHOWN: usize = 200;

/// One decoded segment.
struct Part {
    /// The JSON object, when the segment is one.
    object: Option<Map<String, Value>>,
    /// What went wrong decoding it, if anything.
    problem: Option<String>,
    /// Oddities that a lenient decode forgave but the verifier would not.
    notes: Vec<String>,
    /// Lossy text of what was decoded, when it is not a JSON object.
    raw: Option<String>,
}

/// `ring` is the key ring of `JWT_SECRET` and `JWT_SECRET_FALLBACKS` to name the `kid`'s key
/// from: `None` when `JWT_SECRET` is not set, the reason when the variables cannot be used.
pub(crate) fn inspect(
    token: &str,
    now: OffsetDateTime,
    ring: Option<&Result<Ring, String>>,
) -> Outcome {
    let segments: Vec<&str> = token.split('.').collect();
    if segments.len() != 3 {
        return not_a_jwt(segments.len());
    }
    let header = decode_json(segments[0], "header");
    let payload = decode_json(segments[1], "payload");
    let signature = if segments[2].is_empty() {
        Ok((Vec::new(), Some("empty: the token is unsigned".to_owned())))
    } else {
        decode_bytes(segments[2])
    };

    let mut problems: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for part in [&header, &payload] {
        problems.extend(part.problem.clone());
        notes.extend(part.notes.iter().cloned());
    }
    let signature_len = match &signature {
        Ok((bytes, forgiven)) => {
            if let Some(forgiven) = forgiven {
                notes.push(format!("signature: {forgiven}"));
            }
            Some(bytes.len())
        }
        Err(problem) => {
            problems.push(format!("signature: {problem}"));
            None
        }
    };
    if let Some(header) = &header.object {
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "HS256" => {}
            Some(alg) => notes.push(format!("alg is {alg}: `token verify` accepts only HS256")),
            None => notes.push("the header has no alg: `token verify` refuses it".to_owned()),
        }
    }
    if signature_len.is_some_and(|len| len != 0 && len != 32) {
        notes.push("an HS256 signature is 32 bytes".to_owned());
    }

    let key = header.object.as_ref().map(|header| key(header, ring));

    let mut text = format!("{BANNER}\n");
    write_part(&mut text, "header", &header);
    write_part(&mut text, "payload", &payload);
    let times = payload.object.as_ref().map(|claims| times(claims, now));
    if let Some((times_text, _)) = &times
        && !times_text.is_empty()
    {
        let _ = write!(
            text,
            "times (now {}):\n{times_text}",
            crate::output::rfc3339(now)
        );
    }
    if let Some(key) = &key {
        let _ = writeln!(text, "key: {}", key.text);
    }
    match signature_len {
        Some(len) => {
            let _ = writeln!(text, "signature: {len} bytes, NOT checked");
        }
        None => text.push_str("signature: undecodable\n"),
    }
    for note in &notes {
        let _ = writeln!(text, "note: {note}");
    }
    for problem in &problems {
        let _ = writeln!(text, "error: {problem}");
    }

    let json = json!({
        "verified": false,
        "decoded": problems.is_empty(),
        "header": header.object.clone().map_or_else(|| header.raw.clone().map_or(Value::Null, Value::String), Value::Object),
        "payload": payload.object.clone().map_or_else(|| payload.raw.clone().map_or(Value::Null, Value::String), Value::Object),
        "times": times.map_or(Value::Null, |(_, json)| json),
        "kid": key.as_ref().map_or(Value::Null, |key| key.kid.clone()),
        "kid_key": key.as_ref().map_or(Value::Null, |key| key.member.map_or(Value::Null, Member::json)),
        "keys": match ring {
            Some(Ok(ring)) => ring.json(),
            _ => Value::Null,
        },
        "signature_bytes": signature_len,
        "notes": notes,
        "problems": problems,
    });
    if problems.is_empty() {
        Outcome::success(text, json)
    } else {
        Outcome::refused(text, json)
    }
}

fn not_a_jwt(found: usize) -> Outcome {
    let what = if found == 5 {
        " (5 segments: an encrypted JWE, which cannot be read without its key)"
    } else {
        ""
    };
    let problem = format!(
        "not a JWT: found {found} segment{}{what}; a JWT is header.payload.signature",
        if found == 1 { "" } else { "s" }
    );
    Outcome::refused(
        format!("{BANNER}\nerror: {problem}\n"),
        json!({ "verified": false, "decoded": false, "problems": [problem] }),
    )
}

/// What the header's `kid` says about the key, without verifying anything.
struct Key {
    /// The `kid` as the header has it, `null` when absent.
    kid: Value,
    /// The ring's key it names, when a ring was given and holds it.
    member: Option<Member>,
    text: String,
}

fn key(header: &Map<String, Value>, ring: Option<&Result<Ring, String>>) -> Key {
    let kid = header.get("kid").cloned().unwrap_or(Value::Null);
    let mut member = None;
    let public = matches!(
        header.get("alg").and_then(Value::as_str),
        Some("ES256" | "EdDSA")
    );
    let text = match (&kid, ring) {
        // A public-key token's kid is no secret's fingerprint: it names a key of a JWKS.
        (Value::String(kid), _) if public => format!(
            "kid {kid}: the RFC 7638 thumbprint of the signing key (`jwt-auth key inspect FILE` \
             prints a key file's; `token verify --jwks FILE` checks it)"
        ),
        (Value::Null, _) if public => {
            "no kid: a verifier tries each key of the token's alg".to_owned()
        }
        (Value::Null, None) => "no kid".to_owned(),
        (Value::Null, Some(Ok(_))) => {
            "no kid: `token verify` tries each key of the ring, the current one first".to_owned()
        }
        (Value::String(kid), None) => format!(
            "kid {kid} (set JWT_SECRET, and JWT_SECRET_FALLBACKS, to see which of their keys it \
             names)"
        ),
        (Value::String(kid), Some(Ok(ring))) => match ring.member(kid) {
            Some(found) => {
                member = Some(found);
                format!("kid {kid} names {}", found.role())
            }
            None => format!(
                "kid {kid} is not in the key ring here ({}): `token verify` tries each key, the \
                 current one first, and refuses the token when none verifies it",
                ring.summary()
            ),
        },
        (Value::Null | Value::String(_), Some(Err(reason))) => {
            let kid = kid
                .as_str()
                .map_or_else(|| "no kid".to_owned(), |kid| format!("kid {kid}"));
            format!("{kid}; not compared with JWT_SECRET: {reason}")
        }
        (other, _) => format!(
            "kid {other} is not a string, so names no key: `token verify` tries each key, the \
             current one first"
        ),
    };
    Key { kid, member, text }
}

fn write_part(text: &mut String, name: &str, part: &Part) {
    match (&part.object, &part.raw) {
        (Some(object), _) => {
            let pretty = serde_json::to_string_pretty(object).unwrap_or_default();
            let _ = writeln!(text, "{name}:");
            for line in pretty.lines() {
                let _ = writeln!(text, "  {line}");
            }
        }
        (None, Some(raw)) => {
            let _ = writeln!(text, "{name} (not JSON): {raw}");
        }
        (None, None) => {
            let _ = writeln!(text, "{name}: undecodable");
        }
    }
}

/// The decoded bytes, and what a strict decoder would have refused, if anything.
fn decode_bytes(segment: &str) -> Result<(Vec<u8>, Option<String>), String> {
    if segment.is_empty() {
        return Err("empty".to_owned());
    }
    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(segment) {
        return Ok((bytes, None));
    }
    let cleaned: String = segment.chars().filter(|c| !c.is_whitespace()).collect();
    LENIENT_URL_SAFE
        .decode(&cleaned)
        .or_else(|_| LENIENT_STANDARD.decode(&cleaned))
        .map(|bytes| {
            (
                bytes,
                Some("not canonical unpadded base64url; `token verify` refuses it".to_owned()),
            )
        })
        .map_err(|e| format!("not base64url ({e})"))
}

fn decode_json(segment: &str, name: &str) -> Part {
    let (bytes, forgiven) = match decode_bytes(segment) {
        Ok(decoded) => decoded,
        Err(problem) => {
            return Part {
                object: None,
                problem: Some(format!("{name}: {problem}")),
                notes: Vec::new(),
                raw: None,
            };
        }
    };
    let notes = forgiven
        .map(|f| format!("{name}: {f}"))
        .into_iter()
        .collect();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => Part {
            object: Some(object),
            problem: None,
            notes,
            raw: None,
        },
        Ok(other) => Part {
            object: None,
            problem: Some(format!("{name}: JSON but not an object")),
            notes,
            raw: Some(shorten(&other.to_string())),
        },
        Err(e) => Part {
            object: None,
            problem: Some(format!("{name}: not JSON ({e})")),
            notes,
            raw: Some(shorten(&String::from_utf8_lossy(&bytes))),
        },
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `iat`, `nbf` and `exp` rendered, for text and JSON.
fn times(claims: &Map<String, Value>, now: OffsetDateTime) -> (String, Value) {
    let mut text = String::new();
    let mut json = Map::new();
    for name in ["iat", "nbf", "exp"] {
        let Some(value) = claims.get(name) else {
            continue;
        };
        let time = value
            .as_i64()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
        if let Some(time) = time {
            let shown = if name == "exp" {
                crate::token::expiry(time, now)
            } else {
                when(time, now)
            };
            let _ = writeln!(text, "  {name}  {shown}");
            json.insert(name.into(), when_json(time, now));
        } else {
            let _ = writeln!(text, "  {name}  {value} (not an integer NumericDate)");
            json.insert(name.into(), json!({ "invalid": value }));
        }
    }
    (text, Value::Object(json))
}
