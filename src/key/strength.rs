//! The secret strength rules behind [`Secret::new`](crate::Secret::new): the [`SecretProblem`]s a
//! [`WeakSecret`](crate::WeakSecret) lists, and the kinds they name.
//!
//! Each rule adds at most one problem; a secret is strong when none does. Every rule is a pure
//! function of the secret's bytes (no hash map is iterated, no state is kept between calls), so
//! the verdict, and the problems it lists, are the same on every call, thread and process. The
//! rules run in time linear in the secret's length.
//!
//! ```
//! use jwt_auth::strength::PatternKind;
//! use jwt_auth::{Secret, strength::SecretProblem};
//!
//! let weak = Secret::new("correct-horse-battery-staple-correct-horse-battery").unwrap_err();
//! assert!(weak.problems.iter().any(|problem| matches!(
//!     problem,
//!     SecretProblem::Pattern { kind: PatternKind::Words, .. } | SecretProblem::Repetitive { .. }
//! )));
//! ```

pub use super::error::{
    AlphabetKind, Encoding, KeyKind, PatternKind, RepetitionKind, SecretProblem, StructuredKind,
};

mod patterns;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use unicode_normalization::UnicodeNormalization as _;

/// RFC 7518 §3.2: an HS256 key must be at least as long as the SHA-256 output.
pub(crate) const MIN_LEN: usize = 32;

/// The entropy a secret must carry by our estimate. HS256 wants a 256-bit key; the estimate is
/// coarse (it judges the alphabet from the characters present), and 240 leaves room for a random
/// 32-byte secret whose encoding happens not to use every character of its alphabet, such as a
/// 43-character base64url string without `-`, `_` or digits.
pub(crate) const REQUIRED_BITS: u32 = 240;

/// How many bits the repetition finder must explain, beyond what the alphabet estimate credits,
/// before a repeat counts against a secret.
const MIN_PATTERN_SAVINGS: f64 = 64.0;

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
/// no entry: the pattern rule's word list and the length rule refuse them.
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

/// Runs every rule and returns the problems found, empty when the secret is strong.
pub(crate) fn problems(secret: &[u8]) -> Vec<SecretProblem> {
    judge(secret, 0)
}

fn judge(secret: &[u8], depth: u8) -> Vec<SecretProblem> {
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
    if let Some(known) = well_known(secret) {
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
        && let Some((encoding, text)) = decoded_text(content)
    {
        let inner = judge(&text, depth + 1);
        if !inner.is_empty() {
            problems.push(SecretProblem::EncodedText {
                encoding,
                problems: inner,
            });
            return problems;
        }
    }
    let alphabet = alphabet(content);
    let alphabet_bits = alphabet.bits();
    if let Some(pattern) = repetition(content, &alphabet) {
        problems.push(SecretProblem::Repetitive { pattern });
    } else if let Some((kind, estimated_bits)) = pattern_estimate(content, &alphabet) {
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
fn well_known(secret: &[u8]) -> Option<&'static WellKnown> {
    static NORMALISED: OnceLock<Vec<(String, &'static WellKnown)>> = OnceLock::new();
    let known = NORMALISED.get_or_init(|| {
        WELL_KNOWN
            .iter()
            .map(|entry| (normalise(entry.text), entry))
            .collect()
    });
    let text = String::from_utf8_lossy(secret);
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

fn key_kind(secret: &[u8]) -> Option<KeyKind> {
    let contains = |needle: &[u8]| secret.windows(needle.len()).any(|w| w == needle);
    if contains(b"-----BEGIN OPENSSH PRIVATE KEY-----") {
        Some(KeyKind::OpenSshPrivateKey)
    } else if contains(b"-----BEGIN ") {
        Some(KeyKind::Pem)
    } else if [&b"ssh-"[..], b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-"]
        .iter()
        .any(|prefix| secret.starts_with(prefix))
    {
        Some(KeyKind::OpenSshPublicKey)
    } else if is_base64_der_key(secret) {
        Some(KeyKind::Base64Der)
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
fn structured_kind(text: &[u8]) -> Option<StructuredKind> {
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
        return Some(StructuredKind::AuthorizationHeader);
    }
    if is_uuid(text) {
        return Some(StructuredKind::Uuid);
    }
    if text.first() == Some(&b'{')
        && text.last() == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Some(StructuredKind::JsonDocument);
    }
    if is_url(text) {
        return Some(StructuredKind::Url);
    }
    if is_bcrypt(text) {
        return Some(StructuredKind::BcryptHash);
    }
    if text.starts_with(b"ENC(") && text.ends_with(b")") {
        return Some(StructuredKind::JasyptEncrypted);
    }
    if text.starts_with(b"django-insecure-") {
        return Some(StructuredKind::DjangoInsecure);
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
fn compact_jose_kind(text: &[u8]) -> Option<StructuredKind> {
    let segments: Vec<&[u8]> = text.split(|&b| b == b'.').collect();
    let kind = match segments.len() {
        3 => StructuredKind::Jwt,
        5 => StructuredKind::Jwe,
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
fn decoded_text(content: &[u8]) -> Option<(Encoding, Vec<u8>)> {
    if content.len().is_multiple_of(2) && content.iter().all(u8::is_ascii_hexdigit) {
        let bytes: Vec<u8> = content
            .chunks_exact(2)
            .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
            .collect();
        // A hex string is also valid base64, but one reading is enough: hex is what it looks
        // like, and its base64 reading is noise.
        return is_text(&bytes).then_some((Encoding::Hex, bytes));
    }
    let compact = without_whitespace(content);
    [
        (base64::alphabet::STANDARD, Encoding::Base64),
        (base64::alphabet::URL_SAFE, Encoding::Base64Url),
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
    name: AlphabetKind,
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
        return alphabet(AlphabetKind::Byte, 256, secret.len());
    }
    let unpadded = secret
        .strip_suffix(b"==")
        .or_else(|| secret.strip_suffix(b"="))
        .unwrap_or(secret);
    let base64_symbol = |b: &u8| matches!(b, b'+' | b'/' | b'-' | b'_');
    // The exact shapes of 32 random bytes, which may by chance leave a class unused.
    if secret.len() == 64 && secret.iter().all(u8::is_ascii_hexdigit) {
        return alphabet(AlphabetKind::Hexadecimal, 16, 64);
    }
    if unpadded.len() == 43
        && unpadded
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || base64_symbol(b))
    {
        return alphabet(AlphabetKind::Base64, 64, 43);
    }
    if secret.iter().all(u8::is_ascii_digit) {
        return alphabet(AlphabetKind::Decimal, 10, secret.len());
    }
    if secret.iter().all(u8::is_ascii_hexdigit) {
        return alphabet(AlphabetKind::Hexadecimal, 16, secret.len());
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
        alphabet(AlphabetKind::Printable, size, chars)
    } else if has(base64_symbol) {
        alphabet(AlphabetKind::Base64, letters_and_digits + 2, unpadded.len())
    } else {
        alphabet(
            AlphabetKind::Alphanumeric,
            letters_and_digits,
            unpadded.len(),
        )
    }
}

/// Parts of the secret repeated, exactly or with small changes, found by a greedy LZ77 parse:
/// each position either starts a copy of earlier text (found through a table of the last place
/// each [`REPEAT_GRAM`]-byte string was seen) or is a literal. A copy costs the bits to say
/// where it comes from and how long it is, a literal the alphabet's bits per character. A match
/// is extended only over bytes the parse then skips, so the parse is linear.
///
/// The pattern estimate's repeat matcher finds only exact repeats of a short part (`abcabc`)
/// within a run of letters and digits; a counter (`key1key2key3`) or one changed character
/// defeats it.
fn repetition(secret: &[u8], alphabet: &Alphabet) -> Option<RepetitionKind> {
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
        RepetitionKind::OneCharacter
    } else if copies == 1 && start == distance && start + len == secret.len() {
        RepetitionKind::ShortPattern
    } else if distance == 1 && len * 2 >= secret.len() {
        RepetitionKind::MostlyOneCharacter
    } else {
        RepetitionKind::WithSmallChanges
    })
}

/// What an LZ77 copy costs to describe: its distance, and its length in an Elias gamma code.
fn copy_bits(distance: usize, len: usize) -> f64 {
    let log2 = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX)).log2();
    log2(distance) + 1.0 + 2.0 * log2(len)
}

/// The pattern estimate ([`patterns::estimate`]) for secrets typed rather than generated.
///
/// Strings of hex or decimal digits are left out: digit runs read as dates and l33t words
/// (`8E3F` is "beef") in nearly every random hex string. For them the alphabet rule already
/// counts 4 bits a character, and repetition and hex-coated text have their own rules.
fn pattern_estimate(text: &[u8], alphabet: &Alphabet) -> Option<(PatternKind, u32)> {
    if matches!(
        alphabet.name,
        AlphabetKind::Hexadecimal | AlphabetKind::Decimal | AlphabetKind::Byte
    ) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    patterns::estimate(text, alphabet.bits_per_char())
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
        assert_eq!(judged(b"0123456789").0, AlphabetKind::Decimal);
        assert_eq!(judged(b"deadbeef").1, 16);
        assert_eq!(judged(b"abcXYZ").1, 52);
        assert_eq!(judged(b"xyz012").1, 36);
        assert_eq!(judged(b"ab+c/0Z==").1, 64);
        assert_eq!(judged(b"ab+c/0Z==").2, 7);
        assert_eq!(judged(b"ab-c_0Z").1, 64);
        assert_eq!(
            judged(b"dev-secret-change-me"),
            (AlphabetKind::Base64, 28, 20)
        );
        assert_eq!(judged(b"hello world!"), (AlphabetKind::Printable, 28, 12));
        assert_eq!(
            judged(b"Hello world 42!"),
            (AlphabetKind::Printable, 64, 15)
        );
        assert_eq!(
            judged("caf\u{e9}".as_bytes()),
            (AlphabetKind::Printable, 27, 4)
        );
        assert_eq!(judged(b"\x8f\x11\xa0\x3c").1, 256);
        assert_eq!(
            judged(b"f\xfcr die Produktion 2024").0,
            AlphabetKind::Printable
        );
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

    /// The pattern search is linear in the run's length by construction: at each position it
    /// looks at most [`patterns::MAX_MATCH_CHARS`] candidates back, each at most that long, and
    /// looks each up at most three times (as typed, and with l33t digits read two ways). This
    /// holds it to that bound by counting its word look-ups (the only costly step) on inputs
    /// built to make every candidate worth a look-up.
    #[test]
    fn the_pattern_search_looks_up_a_bounded_number_of_candidates_per_character() {
        for text in [
            "a".repeat(8_000),
            "password".repeat(1_000),
            "p4ssw0rd".repeat(1_000),
            "thisismysupersecretkey".repeat(400),
        ] {
            let mut lookups = 0;
            let mut longest = 0;
            let mut count = |word: &str| {
                lookups += 1;
                longest = longest.max(word.chars().count());
                patterns::is_common(word)
            };
            // Log2 of 26: lower-case letters only, where every substring is worth a look-up.
            patterns::estimate_with(&text, 4.7, &mut count);
            let per_char = lookups / text.len();
            assert!(
                per_char <= 3 * patterns::MAX_MATCH_CHARS,
                "{lookups} look-ups for {} characters",
                text.len()
            );
            assert!(longest <= patterns::MAX_MATCH_CHARS);
        }
    }
}
