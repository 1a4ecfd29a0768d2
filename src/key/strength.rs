//! The secret strength rules behind [`Secret::new`](crate::Secret::new).
//!
//! Each rule adds at most one [`SecretProblem`]; a secret is strong when none does. The rules
//! run in time linear in the secret's length: each one reads it a bounded number of times, the
//! repetition finder extends a match only over bytes it then skips, and zxcvbn (whose matchers
//! are quadratic or worse in their input) only ever sees chunks of [`ZXCVBN_CHUNK_CHARS`]
//! characters. `tests::work_is_linear_in_the_input` holds the rules to it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use unicode_normalization::UnicodeNormalization as _;
use zxcvbn::matching::patterns::MatchPattern;

use super::SecretProblem;

/// RFC 7518 §3.2: an HS256 key must be at least as long as the SHA-256 output.
pub(crate) const MIN_LEN: usize = 32;

/// The entropy a secret must carry by our estimate. HS256 wants a 256-bit key; the estimate is
/// coarse (it judges the alphabet from the characters present), and 240 leaves room for a random
/// 32-byte secret whose encoding happens not to use every character of its alphabet, such as a
/// 43-character base64url string without `-`, `_` or digits.
pub(crate) const REQUIRED_BITS: u32 = 240;

/// How many bits patterns must explain, beyond what the alphabet estimate credits, before they
/// count against a secret. A random string contains accidental patterns too (a name here, a
/// three-digit run there): over 20,000 fresh `openssl rand -base64 32` strings, the most that
/// zxcvbn's matches explained was 43 bits (53 over 20,000 of `-base64 48`, which at 384 bits
/// are far from the requirement anyway). The weak secrets this rule is for (words run together,
/// keyboard walks) lose well over 100.
const MIN_PATTERN_SAVINGS: f64 = 64.0;

/// The longest text zxcvbn is given at once. Its dictionary matcher tries every substring, its
/// l33t matcher does that again for each substitution table, and its guess counts saturate at
/// 2^64 (at about 19 characters it rates everything as one brute-force block). Sixteen
/// characters keep its matches meaningful and its cost a small constant per chunk.
const ZXCVBN_CHUNK_CHARS: usize = 16;

/// Shorter zxcvbn matches are ignored: random strings are full of three-letter words and
/// three-character runs (`fed`, `789`).
const MIN_PATTERN_CHARS: usize = 4;

/// The repetition finder's unit: a repeat shorter than this is not worth describing.
const REPEAT_GRAM: usize = 4;

/// How many coats of hex or base64 are taken off (`base64(hex(text))` is two).
const MAX_DECODE_DEPTH: u8 = 3;

/// A well-known default secret and where it is published.
struct WellKnown {
    text: &'static str,
    name: &'static str,
    source: &'static str,
}

/// Secrets that documentation, tutorials and templates print, so that every reader has them.
/// Kept short on purpose: these are the defaults people actually leave in production, each
/// with a place a maintainer can open to confirm it. Generic words (`secret`, `changeme`) need
/// no entry: zxcvbn's dictionaries and the length rule refuse them.
const WELL_KNOWN: &[WellKnown] = &[
    WellKnown {
        text: "dev-secret-change-me",
        name: "this product's own former default",
        source: "the configuration its services shipped with",
    },
    WellKnown {
        text: "your-256-bit-secret",
        name: "jwt.io's HS256 example secret",
        source: "the jwt.io debugger (https://jwt.io/)",
    },
    WellKnown {
        text: "your-384-bit-secret",
        name: "jwt.io's HS384 example secret",
        source: "the jwt.io debugger (https://jwt.io/)",
    },
    WellKnown {
        text: "your-512-bit-secret",
        name: "jwt.io's HS512 example secret",
        source: "the jwt.io debugger (https://jwt.io/)",
    },
    WellKnown {
        text: "a-string-secret-at-least-256-bits-long",
        name: "jwt.io's HS256 example secret",
        source: "the jwt.io debugger (https://jwt.io/)",
    },
    WellKnown {
        text: "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
        name: "the FastAPI tutorial's SECRET_KEY",
        source: "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/",
    },
    WellKnown {
        text: "super-secret-jwt-token-with-at-least-32-characters-long",
        name: "Supabase's local development JWT secret",
        source: "`supabase start` output in https://supabase.com/docs/guides/local-development",
    },
    WellKnown {
        text: "your-super-secret-jwt-token-with-at-least-32-characters-long",
        name: "Supabase's self-hosting example JWT_SECRET",
        source: "docker/.env.example in https://github.com/supabase/supabase",
    },
    WellKnown {
        text: "!ChangeThisMercureHubJWTSecretKey!",
        name: "the Mercure hub's default JWT key",
        source: "https://mercure.rocks/docs/hub/install and compose.yaml in https://github.com/dunglas/symfony-docker",
    },
    WellKnown {
        text: "======================BezKoder=Spring===========================",
        name: "the BezKoder Spring Boot JWT tutorial's jwtSecret",
        source: "https://www.bezkoder.com/spring-boot-jwt-authentication/",
    },
    WellKnown {
        text: "super-secret",
        name: "Flask-JWT-Extended's example JWT_SECRET_KEY",
        source: "https://flask-jwt-extended.readthedocs.io/en/stable/basic_usage.html",
    },
    WellKnown {
        text: "shhhhh",
        name: "the node-jsonwebtoken README's example secret",
        source: "README.md in https://github.com/auth0/node-jsonwebtoken",
    },
    WellKnown {
        text: "shhhhhhared-secret",
        name: "the express-jwt README's example secret",
        source: "README.md in https://github.com/auth0/express-jwt",
    },
];

/// Bookkeeping of how much work the rules did, in units that each cost O(1): bytes read by a
/// pass, characters compared, and for zxcvbn the square of each chunk's length (its dictionary
/// matcher tries every substring). Only the tests read it.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub(crate) units: u64,
}

impl Work {
    fn add(&mut self, units: usize) {
        self.units = self
            .units
            .saturating_add(u64::try_from(units).unwrap_or(u64::MAX));
    }
}

/// Runs every rule and returns the problems found, empty when the secret is strong.
pub(crate) fn problems(secret: &[u8]) -> Vec<SecretProblem> {
    judge(secret, 0, &mut Work::default())
}

/// [`problems`], also reporting the work done.
#[cfg(test)]
pub(crate) fn problems_counting(secret: &[u8]) -> (Vec<SecretProblem>, Work) {
    let mut work = Work::default();
    let problems = judge(secret, 0, &mut work);
    (problems, work)
}

fn judge(secret: &[u8], depth: u8, work: &mut Work) -> Vec<SecretProblem> {
    if secret.is_empty() {
        return vec![SecretProblem::Empty];
    }
    let mut problems = Vec::new();
    if secret.len() < MIN_LEN {
        problems.push(SecretProblem::TooShort {
            len: secret.len(),
            min: MIN_LEN,
        });
    }
    if let Some(known) = well_known(secret, work) {
        problems.push(SecretProblem::Published {
            name: known.name,
            published_in: known.source,
        });
    }
    // The rest judges the content: whitespace at the ends (a trailing newline from `echo` or a
    // secret file) and a byte order mark add bytes, not unpredictability.
    let content = secret.trim_ascii();
    let content = content
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(content);
    work.add(content.len());
    // A key file or a token is long and random-looking: the other rules would muddy the message.
    if let Some(kind) = key_kind(content) {
        problems.push(SecretProblem::LooksLikeKey { kind });
        return problems;
    }
    if let Some(kind) = structured_kind(content) {
        problems.push(SecretProblem::Structured { kind });
        return problems;
    }
    if depth < MAX_DECODE_DEPTH
        && let Some((encoding, text)) = decoded_text(content, work)
    {
        let inner = judge(&text, depth + 1, work);
        if !inner.is_empty() {
            problems.push(SecretProblem::EncodedText {
                encoding,
                problems: inner,
            });
            return problems;
        }
    }
    let alphabet = alphabet(content);
    work.add(content.len());
    let alphabet_bits = alphabet.bits();
    if let Some(pattern) = repetition(content, &alphabet, work) {
        problems.push(SecretProblem::Repetitive { pattern });
    } else if let Some((kind, estimated_bits)) = patterns(content, &alphabet, work) {
        problems.push(SecretProblem::Pattern {
            kind,
            estimated_bits,
            required_bits: REQUIRED_BITS,
        });
    }
    // Truncation is intended: the estimate is reported in whole bits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let estimated_bits = alphabet_bits as u32;
    if estimated_bits < REQUIRED_BITS {
        problems.push(SecretProblem::LowEntropy {
            estimated_bits,
            required_bits: REQUIRED_BITS,
            alphabet: alphabet.name,
            alphabet_size: alphabet.size,
        });
    }
    problems
}

/// The well-known default `secret` is, seen through the disguises people (and copy-paste) add:
/// case, quotes, whitespace (non-breaking and zero-width too), a byte order mark, other
/// punctuation between the words, compatibility forms (fullwidth letters, ligatures: Unicode
/// NFKC), look-alike letters from other scripts (Cyrillic `а` for `a`: the confusable skeleton
/// of Unicode TS #39), digits appended, and a `NAME=` in front, as pasted from a `.env` file.
///
/// `unicode-normalization` and `unicode-security` (both from the unicode-rs project, kept in
/// step with each Unicode release) supply NFKC and the skeleton; no hand-made look-alike table.
fn well_known(secret: &[u8], work: &mut Work) -> Option<&'static WellKnown> {
    static NORMALISED: OnceLock<Vec<(String, &'static WellKnown)>> = OnceLock::new();
    let known = NORMALISED.get_or_init(|| {
        WELL_KNOWN
            .iter()
            .map(|entry| (normalise(entry.text), entry))
            .collect()
    });
    let text = String::from_utf8_lossy(secret);
    work.add(text.len());
    let unassigned = text
        .split_once('=')
        .filter(|(name, _)| is_variable_name(name.trim()))
        .map(|(_, value)| value);
    [Some(&*text), unassigned]
        .into_iter()
        .flatten()
        .map(normalise)
        .find_map(|candidate| {
            known
                .iter()
                .find(|(normalised, _)| *normalised == candidate)
                .map(|(_, entry)| *entry)
        })
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Letters and digits only, case-folded, compatibility forms composed, trailing digits removed,
/// then reduced to the confusable skeleton.
fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    let core = folded.trim_end_matches(|c: char| c.is_ascii_digit());
    // The skeleton maps look-alikes to one prototype (`0` and `o` alike, `1`, `I` and `l`
    // alike), possibly in another case: fold again.
    unicode_security::skeleton(core)
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn key_kind(secret: &[u8]) -> Option<&'static str> {
    let contains = |needle: &[u8]| secret.windows(needle.len()).any(|w| w == needle);
    if contains(b"-----BEGIN OPENSSH PRIVATE KEY-----") {
        Some("OpenSSH private key")
    } else if contains(b"-----BEGIN ") {
        Some("PEM-encoded key or certificate")
    } else if [&b"ssh-"[..], b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-"]
        .iter()
        .any(|prefix| secret.starts_with(prefix))
    {
        Some("OpenSSH public key")
    } else if is_base64_der_key(secret) {
        Some("base64 DER key (a PEM body without its BEGIN/END lines)")
    } else {
        None
    }
}

/// Base64 that accepts what people paste: either padding, stray bits, and (after the caller
/// removes line breaks) the output of `base64` or `openssl base64`, which wrap lines.
fn lenient_base64(alphabet: &base64::alphabet::Alphabet) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(alphabet, config)
}

/// `text` without whitespace, nor the two-character `\n` and `\r` escapes that a key pasted into
/// a `.env` file or a JSON string carries instead of line breaks.
fn without_whitespace(text: &[u8]) -> Vec<u8> {
    let mut compact = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && matches!(tail.first(), Some(b'n' | b'r')) {
            rest = &tail[1..];
            continue;
        }
        if !b.is_ascii_whitespace() {
            compact.push(b);
        }
        rest = tail;
    }
    compact
}

/// Whether `text` is base64 (either alphabet, line breaks allowed) of a DER structure shaped like
/// a key: an outer SEQUENCE whose length is exactly the rest, opening with a SEQUENCE that holds
/// an algorithm OID (SubjectPublicKeyInfo, PKCS#8) or with an INTEGER (PKCS#1). Pasting an RSA
/// public key's body as an HS256 secret lets anyone holding the public key forge tokens.
fn is_base64_der_key(text: &[u8]) -> bool {
    /// The smallest key a DER structure holds: an Ed25519 SubjectPublicKeyInfo, 44 bytes.
    const MIN_DER_LEN: usize = 44;
    let compact = without_whitespace(text);
    if compact.len() < MIN_DER_LEN * 4 / 3 {
        return false;
    }
    [base64::alphabet::STANDARD, base64::alphabet::URL_SAFE]
        .iter()
        .filter_map(|alphabet| lenient_base64(alphabet).decode(&compact).ok())
        .any(|der| is_der_key(&der))
}

fn is_der_key(der: &[u8]) -> bool {
    let Some((outer_len, header)) = der_length(der.get(1..).unwrap_or_default()) else {
        return false;
    };
    let Some(body) = der.get(1 + header..) else {
        return false;
    };
    der.first() == Some(&0x30)
        && body.len() == outer_len
        && match body.first() {
            Some(0x02) => true,
            Some(0x30) => der_length(&body[1..])
                .and_then(|(_, inner_header)| body.get(1 + inner_header))
                .is_some_and(|&tag| tag == 0x06),
            _ => false,
        }
}

/// A DER length at the start of `bytes`: the length and how many bytes encode it.
fn der_length(bytes: &[u8]) -> Option<(usize, usize)> {
    match *bytes.first()? {
        short @ 0..=0x7f => Some((usize::from(short), 1)),
        0x81 => Some((usize::from(*bytes.get(1)?), 2)),
        0x82 => Some((
            usize::from(u16::from_be_bytes([*bytes.get(1)?, *bytes.get(2)?])),
            3,
        )),
        _ => None,
    }
}

/// A token, identifier or document pasted where the secret belongs. A JWT as the secret is a
/// copy-paste slip (the token instead of the key it was signed with) and its header and claims
/// are public; a UUID carries at most 122 random bits and is usually an identifier shown
/// elsewhere; a JSON document is a JWK or a configuration snippet, not the key inside it; a
/// password hash or an encrypted configuration value stands for a secret, it is not one; and
/// Django marks the keys `startproject` writes for a laptop with `django-insecure-`.
fn structured_kind(text: &[u8]) -> Option<&'static str> {
    let bearer = [&b"bearer "[..], b"basic "]
        .iter()
        .find(|scheme| {
            text.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
        .map(|scheme| text[scheme.len()..].trim_ascii_start());
    if let Some(kind) = compact_jose_kind(bearer.unwrap_or(text)) {
        return Some(kind);
    }
    if bearer.is_some() {
        return Some("Authorization header value");
    }
    if is_uuid(text) {
        return Some("UUID");
    }
    if text.first() == Some(&b'{')
        && text.last() == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Some("JSON document");
    }
    if is_url(text) {
        return Some("URL");
    }
    if is_bcrypt(text) {
        return Some("bcrypt password hash");
    }
    if text.starts_with(b"ENC(") && text.ends_with(b")") {
        return Some("encrypted configuration value (Jasypt `ENC(...)`)");
    }
    if text.starts_with(b"django-insecure-") {
        return Some("Django development key (`django-insecure-`)");
    }
    None
}

/// `$2a$`, `$2b$` or `$2y$`, a two-digit cost, `$`, and 53 characters of bcrypt's base64.
fn is_bcrypt(text: &[u8]) -> bool {
    text.len() == 60
        && [&b"$2a$"[..], b"$2b$", b"$2y$"]
            .iter()
            .any(|prefix| text.starts_with(prefix))
        && text[4..6].iter().all(u8::is_ascii_digit)
        && text[6] == b'$'
        && text[7..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/'))
}

/// A compact JWS (three segments) or JWE (five) whose first segment is a JSON object.
fn compact_jose_kind(text: &[u8]) -> Option<&'static str> {
    let segments: Vec<&[u8]> = text.split(|&b| b == b'.').collect();
    let kind = match segments.len() {
        3 => "JWT",
        5 => "JWE",
        _ => return None,
    };
    let base64url = |segment: &&[u8]| {
        segment
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
    };
    if !segments.iter().all(base64url) {
        return None;
    }
    let header = lenient_base64(&base64::alphabet::URL_SAFE)
        .decode(segments[0])
        .ok()?;
    let header = header.trim_ascii();
    (header.first() == Some(&b'{') && header.last() == Some(&b'}')).then_some(kind)
}

fn is_uuid(text: &[u8]) -> bool {
    text.len() == 36
        && text.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// `scheme://rest`, with an RFC 3986 scheme.
fn is_url(text: &[u8]) -> bool {
    let Some(colon) = text.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let scheme = &text[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && text.len() > colon + 3
}

/// The text inside a hex or base64 coat, when the decoded bytes are printable text. Random bytes
/// almost never are (32 of them are all printable ASCII with a probability near 1e-14), so
/// `openssl rand -hex 32` and `-base64 32` are not affected.
fn decoded_text(content: &[u8], work: &mut Work) -> Option<(&'static str, Vec<u8>)> {
    work.add(content.len());
    if content.len().is_multiple_of(2) && content.iter().all(u8::is_ascii_hexdigit) {
        let bytes: Vec<u8> = content
            .chunks_exact(2)
            .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
            .collect();
        // A hex string is also valid base64, but one reading is enough: hex is what it looks
        // like, and its base64 reading is noise.
        return is_text(&bytes).then_some(("hex", bytes));
    }
    let compact = without_whitespace(content);
    [
        (base64::alphabet::STANDARD, "base64"),
        (base64::alphabet::URL_SAFE, "base64url"),
    ]
    .iter()
    .find_map(|(alphabet, encoding)| {
        let bytes = lenient_base64(alphabet).decode(&compact).ok()?;
        is_text(&bytes).then_some((*encoding, bytes))
    })
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        !text.trim().is_empty()
            && text
                .chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
    })
}

/// The alphabet a secret appears to be drawn from.
#[derive(Debug, PartialEq)]
struct Alphabet {
    name: &'static str,
    size: u16,
    /// How many characters count (base64 padding does not).
    chars: usize,
}

impl Alphabet {
    fn bits_per_char(&self) -> f64 {
        f64::from(self.size).log2()
    }

    /// What a string of this length drawn uniformly from the alphabet would carry.
    fn bits(&self) -> f64 {
        self.bits_per_char() * f64::from(u32::try_from(self.chars).unwrap_or(u32::MAX))
    }
}

/// The alphabet the secret appears to be drawn from. The size adds up the character classes
/// present: a string of lowercase letters and dashes is credited with 28 characters, not
/// base64's 64, and each punctuation mark or non-ASCII character with one more.
fn alphabet(secret: &[u8]) -> Alphabet {
    let alphabet = |name, size, chars| Alphabet { name, size, chars };
    // Random bytes are almost never UTF-8, and about 63 % of them are outside printable ASCII; a
    // typed secret in another encoding (Latin-1 `für`) has a few such bytes, not a quarter.
    let unprintable = secret
        .iter()
        .filter(|b| !(b' '..=b'~').contains(*b))
        .count();
    if std::str::from_utf8(secret).is_err() && unprintable * 4 >= secret.len() {
        return alphabet("byte", 256, secret.len());
    }
    let unpadded = secret
        .strip_suffix(b"==")
        .or_else(|| secret.strip_suffix(b"="))
        .unwrap_or(secret);
    let base64_symbol = |b: &u8| matches!(b, b'+' | b'/' | b'-' | b'_');
    // The exact shapes of 32 random bytes, which may by chance leave a class unused.
    if secret.len() == 64 && secret.iter().all(u8::is_ascii_hexdigit) {
        return alphabet("hexadecimal", 16, 64);
    }
    if unpadded.len() == 43
        && unpadded
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || base64_symbol(b))
    {
        return alphabet("base64", 64, 43);
    }
    if secret.iter().all(u8::is_ascii_digit) {
        return alphabet("decimal", 10, secret.len());
    }
    if secret.iter().all(u8::is_ascii_hexdigit) {
        return alphabet("hexadecimal", 16, secret.len());
    }
    let has = |pred: fn(&u8) -> bool| unpadded.iter().any(pred);
    let letters_and_digits = 26 * u16::from(has(u8::is_ascii_lowercase))
        + 26 * u16::from(has(u8::is_ascii_uppercase))
        + 10 * u16::from(has(u8::is_ascii_digit));
    let text = String::from_utf8_lossy(secret);
    let others: HashSet<char> = text
        .chars()
        .filter(|c| !c.is_ascii_alphanumeric() && !matches!(c, '+' | '/' | '-' | '_' | '='))
        .collect();
    let others = u16::try_from(others.len()).unwrap_or(u16::MAX);
    let chars = text.chars().count();
    if others > 0 {
        let base64_symbols: HashSet<u8> = unpadded.iter().copied().filter(base64_symbol).collect();
        let size = letters_and_digits + others + u16::try_from(base64_symbols.len()).unwrap_or(4);
        alphabet("printable", size, chars)
    } else if has(base64_symbol) {
        alphabet("base64", letters_and_digits + 2, unpadded.len())
    } else {
        alphabet("alphanumeric", letters_and_digits, unpadded.len())
    }
}

/// Parts of the secret repeated, exactly or with small changes, found by a greedy LZ77 parse:
/// each position either starts a copy of earlier text (found through a table of the last place
/// each [`REPEAT_GRAM`]-byte string was seen) or is a literal. A copy costs the bits to say
/// where it comes from and how long it is, a literal the alphabet's bits per character. A match
/// is extended only over bytes the parse then skips, so the parse is linear.
///
/// zxcvbn's own repeat matcher finds only exact repeats (`abcabc`); a counter (`key1key2key3`)
/// or one changed character defeats it, and it only sees one chunk at a time.
fn repetition(secret: &[u8], alphabet: &Alphabet, work: &mut Work) -> Option<&'static str> {
    let literal_bits = alphabet.bits_per_char();
    let gram = |at: usize| secret.get(at..at + REPEAT_GRAM);
    let mut last_seen: HashMap<&[u8], usize> = HashMap::new();
    let mut bits = 0.0;
    // The copy covering the most bytes, as (start, distance, length).
    let mut longest = (0, 0, 0);
    let mut copies = 0;
    let mut at = 0;
    while at < secret.len() {
        let earlier = gram(at).and_then(|g| last_seen.get(g).copied());
        let Some(from) = earlier else {
            if let Some(g) = gram(at) {
                last_seen.insert(g, at);
            }
            bits += literal_bits;
            work.add(1);
            at += 1;
            continue;
        };
        let mut len = REPEAT_GRAM;
        while secret
            .get(at + len)
            .is_some_and(|&b| b == secret[from + len])
        {
            len += 1;
        }
        work.add(len);
        for start in at..at + len {
            if let Some(g) = gram(start) {
                last_seen.insert(g, start);
            }
        }
        bits += copy_bits(at - from, len);
        copies += 1;
        if len > longest.2 {
            longest = (at, at - from, len);
        }
        at += len;
    }
    let savings = alphabet.bits() - bits;
    if bits >= f64::from(REQUIRED_BITS) || savings < MIN_PATTERN_SAVINGS {
        return None;
    }
    let (start, distance, len) = longest;
    Some(if secret.iter().all(|&b| b == secret[0]) {
        "one character repeated"
    } else if copies == 1 && start == distance && start + len == secret.len() {
        "a short pattern repeated"
    } else if distance == 1 && len * 2 >= secret.len() {
        "mostly one character repeated"
    } else {
        "a part repeated with small changes, such as a counter"
    })
}

/// What an LZ77 copy costs to describe: its distance, and its length in an Elias gamma code.
fn copy_bits(distance: usize, len: usize) -> f64 {
    let log2 = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX)).log2();
    log2(distance) + 1.0 + 2.0 * log2(len)
}

/// zxcvbn's patterns, when they make up most of the secret: the kind that explains the most, and
/// the estimate. The estimate credits each pattern with zxcvbn's guesses for it and every other
/// character with the alphabet's bits per character (zxcvbn's own brute-force rate, 10 guesses a
/// character, is meant for typed passwords and undervalues random hex or base64).
///
/// Words joined by punctuation or spaces are read one at a time: the text is cut into runs of
/// letters and digits, each judged by zxcvbn (in chunks), and each character between them is
/// credited only with the choice among the separators the secret uses.
///
/// zxcvbn's word lists are Dropbox's zxcvbn frequency lists (common passwords, English
/// Wikipedia, US television and film, US census names and surnames), shipped inside the
/// `zxcvbn` crate under its MIT licence: a maintained, licensed list, not one typed here.
///
/// Strings of hex or decimal digits are left out: zxcvbn reads digit runs as dates and l33t
/// words (`8E3F` is "beef") in nearly every random hex string. For them the alphabet rule
/// already counts 4 bits a character, and repetition and hex-coated text have their own rules.
fn patterns(text: &[u8], alphabet: &Alphabet, work: &mut Work) -> Option<(&'static str, u32)> {
    if matches!(alphabet.name, "hexadecimal" | "decimal" | "byte") {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let per_char = alphabet.bits_per_char();
    let is_separator = |c: char| !c.is_alphanumeric();
    let separators: HashSet<char> = text.chars().filter(|&c| is_separator(c)).collect();
    #[allow(clippy::cast_precision_loss)] // a handful of separators
    let per_separator = (separators.len() as f64 + 1.0).log2().min(per_char);
    let mut estimate = PatternEstimate::default();
    let mut letters = Vec::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if !is_separator(c) {
            letters.push(c);
            continue;
        }
        // Once the estimate reaches the requirement, the rest cannot make the rule fire.
        if estimate.bits >= f64::from(REQUIRED_BITS) {
            return None;
        }
        estimate.add_word(&letters, per_char, work);
        estimate.bits += per_separator;
        letters.clear();
    }
    // The sentinel separator is not part of the secret.
    estimate.bits -= per_separator;
    let savings: f64 = estimate.saved.iter().map(|(_, bits)| bits).sum();
    if estimate.bits >= f64::from(REQUIRED_BITS) || savings < MIN_PATTERN_SAVINGS {
        return None;
    }
    let (kind, _) = estimate
        .saved
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    // Truncation is intended: the estimate is reported in whole bits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((kind, estimate.bits as u32))
}

#[derive(Default)]
struct PatternEstimate {
    bits: f64,
    /// The bits each kind of pattern saved, against the alphabet's rate.
    saved: Vec<(&'static str, f64)>,
}

impl PatternEstimate {
    /// Adds a run of letters and digits, judged by zxcvbn in chunks. A chunk's last match may be
    /// a word cut by the chunk's end, so unless the chunk ends the run, that match is judged
    /// again at the start of the next chunk. A match counts when it is [`MIN_PATTERN_CHARS`]
    /// long or a whole word on its own (`key` between dashes).
    fn add_word(&mut self, letters: &[char], per_char: f64, work: &mut Work) {
        let mut start = 0;
        while start < letters.len() {
            let end = (start + ZXCVBN_CHUNK_CHARS).min(letters.len());
            let chunk = &letters[start..end];
            work.add(chunk.len() * chunk.len());
            let text: String = chunk.iter().collect();
            let entropy = zxcvbn::zxcvbn(&text, &[]);
            let mut sequence = entropy.sequence();
            let mut next = end;
            if let Some((last, rest)) = sequence.split_last() {
                // Progress is kept: the last match starts after the chunk's first character.
                if end < letters.len() && last.i > 0 {
                    sequence = rest;
                    next = start + last.i;
                }
            }
            let whole_word = start == 0 && end == letters.len();
            for found in sequence {
                self.add_match(
                    found,
                    per_char,
                    whole_word && found.j + 1 - found.i == letters.len(),
                );
            }
            start = next;
        }
    }

    fn add_match(&mut self, found: &zxcvbn::Match, per_char: f64, whole_word: bool) {
        let len = found.j + 1 - found.i;
        #[allow(clippy::cast_precision_loss)] // chunk lengths are tiny
        let brute = len as f64 * per_char;
        let long_enough = len >= MIN_PATTERN_CHARS || whole_word;
        let Some(kind) = pattern_kind(&found.pattern).filter(|_| long_enough) else {
            self.bits += brute;
            return;
        };
        #[allow(clippy::cast_precision_loss)] // a guess count's magnitude is enough
        let credited = (found.guesses.unwrap_or(u64::MAX).max(1) as f64)
            .log2()
            .min(brute);
        self.bits += credited;
        match self.saved.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, total)) => *total += brute - credited,
            None => self.saved.push((kind, brute - credited)),
        }
    }
}

/// The zxcvbn patterns this rule counts. Dates and years are not: random digits are full of them,
/// and the few bits a year saves do not decide whether a secret is weak.
fn pattern_kind(pattern: &MatchPattern) -> Option<&'static str> {
    match pattern {
        MatchPattern::Dictionary(_) => Some("dictionary words"),
        MatchPattern::Spatial(_) => Some("keyboard walk"),
        MatchPattern::Sequence(_) => Some("sequence"),
        MatchPattern::Repeat(_) => Some("repetition"),
        MatchPattern::Regex(_) | MatchPattern::Date(_) | MatchPattern::BruteForce => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets_are_judged_by_the_characters_present() {
        let judged = |s: &[u8]| {
            let a = alphabet(s);
            (a.name, a.size, a.chars)
        };
        assert_eq!(judged(b"0123456789").0, "decimal");
        assert_eq!(judged(b"deadbeef").1, 16);
        assert_eq!(judged(b"abcXYZ").1, 52);
        assert_eq!(judged(b"xyz012").1, 36);
        assert_eq!(judged(b"ab+c/0Z==").1, 64);
        assert_eq!(judged(b"ab+c/0Z==").2, 7);
        assert_eq!(judged(b"ab-c_0Z").1, 64);
        assert_eq!(judged(b"dev-secret-change-me"), ("base64", 28, 20));
        assert_eq!(judged(b"hello world!"), ("printable", 28, 12));
        assert_eq!(judged(b"Hello world 42!"), ("printable", 64, 15));
        assert_eq!(judged("caf\u{e9}".as_bytes()), ("printable", 27, 4));
        assert_eq!(judged(b"\x8f\x11\xa0\x3c").1, 256);
        assert_eq!(judged(b"f\xfcr die Produktion 2024").0, "printable");
    }

    #[test]
    fn normalising_removes_disguises_but_keeps_the_words() {
        let plain = normalise("your-256-bit-secret");
        for disguised in [
            "YOUR-256-BIT-SECRET",
            "\"your-256-bit-secret\"",
            "\u{feff}your-256-bit-secret",
            "your\u{a0}256\u{a0}bit\u{a0}secret",
            "your_256_bit_secret2024",
            "\u{ff59}\u{ff4f}\u{ff55}\u{ff52}-256-bit-secret", // fullwidth
            "y\u{43e}ur-256-bit-s\u{435}cr\u{435}t",           // Cyrillic о and е
            "your-256-bit-secret\u{200b}",
        ] {
            assert_eq!(normalise(disguised), plain, "{disguised:?}");
        }
        assert_ne!(normalise("your-512-bit-secret"), plain);
    }

    type Family = (&'static str, Box<dyn Fn(usize) -> Vec<u8>>);

    /// The work the rules do grows linearly: four times the input costs at most about four times
    /// the work, for inputs built to hit each rule's worst case. A quadratic rule (the old
    /// repetition check, or zxcvbn fed the whole input) would cost sixteen times.
    #[test]
    fn work_is_linear_in_the_input() {
        let random = |len: usize| {
            let mut bytes = vec![0; len];
            crate::crypto::fill_random(&mut bytes).unwrap();
            bytes
        };
        let hex = |bytes: &[u8]| crate::crypto::hex(bytes).into_bytes();
        let families: Vec<Family> = vec![
            ("one byte repeated", Box::new(|n| vec![b'a'; n])),
            (
                "a period near the length",
                Box::new(|n| {
                    b"ab"
                        .repeat(n / 4)
                        .into_iter()
                        .chain(b"x".repeat(n / 2))
                        .collect()
                }),
            ),
            (
                "near-repetition with a counter",
                Box::new(|n| {
                    (0..)
                        .flat_map(|i| format!("k8#Qz!{}", i % 10).into_bytes())
                        .take(n)
                        .collect()
                }),
            ),
            ("random hex", Box::new(move |n| hex(&random(n / 2)))),
            (
                "random printable",
                Box::new(move |n| random(n).iter().map(|b| b' ' + b % 95).collect()),
            ),
            (
                "hex-coated words",
                Box::new(move |n| hex(&b"correct horse ".repeat(n / 28 + 1))[..n].to_vec()),
            ),
            (
                "l33t characters",
                Box::new(|n| {
                    b"4@8({[<369!|17$5+%2"
                        .iter()
                        .copied()
                        .cycle()
                        .take(n)
                        .collect()
                }),
            ),
            (
                "words",
                Box::new(|n| {
                    b"ThisIsMySuperSecretJwtSigningKey"
                        .iter()
                        .copied()
                        .cycle()
                        .take(n)
                        .collect()
                }),
            ),
        ];
        for (name, make) in &families {
            let small = problems_counting(&make(2_000)).1.units;
            let large = problems_counting(&make(8_000)).1.units;
            assert!(small > 0, "{name}");
            #[allow(clippy::cast_precision_loss)]
            let ratio = large as f64 / small as f64;
            assert!(
                ratio <= 4.5,
                "{name}: work {small} for 2,000 bytes, {large} for 8,000"
            );
        }
    }
}
