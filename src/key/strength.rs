//! The secret strength rules behind [`Secret::new`](crate::Secret::new).
//!
//! Each rule adds at most one [`SecretProblem`]; a secret is strong when none does.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::error::SecretProblem;

/// RFC 7518 §3.2: an HS256 key must be at least as long as the SHA-256 output.
pub(crate) const MIN_LEN: usize = 32;

/// The entropy a secret must carry by our estimate. HS256 wants a 256-bit key; the estimate is
/// coarse (it judges the alphabet from the characters present), and 240 leaves room for a random
/// 32-byte secret whose encoding happens not to use every character of its alphabet, such as a
/// 43-character base64url string without `-`, `_` or digits.
pub(crate) const REQUIRED_BITS: u32 = 240;

/// A string whose empirical (Shannon) entropy is under this share of what a string of its length
/// and alphabet could reach is dominated by a few characters. Random strings score above 0.85.
const MIN_SHANNON_SHARE: f64 = 0.5;

/// Secrets from Wallarm's jwt-secrets list (MIT, see `data/published-jwt-secrets.LICENSE`), one a
/// line, each at least 32 bytes.
const PUBLISHED_LIST: &str = include_str!("../../data/published-jwt-secrets-32plus.txt");

/// Defaults that ship in templates, tutorials and documentation, whatever their length.
const WELL_KNOWN_DEFAULTS: &[&str] = &[
    "dev-secret-change-me",
    "your-256-bit-secret",
    "your-512-bit-secret",
    "a-string-secret-at-least-256-bits-long",
    // The FastAPI documentation's OAuth2/JWT tutorial key.
    "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    "secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "jwt-secret",
    "jwt_secret",
    "jwtsecret",
    "mysecret",
    "mysecretkey",
    "my-secret-key",
    "my_secret_key",
    "supersecret",
    "super-secret-key",
    "your-secret-key",
    "your_secret_key",
    "your-jwt-secret",
    "your_jwt_secret",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
];

/// Runs every rule and returns the problems found, empty when the secret is strong.
pub(crate) fn problems(secret: &[u8]) -> Vec<SecretProblem> {
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
    if let Some(list) = published_source(secret) {
        problems.push(SecretProblem::Published { list });
    }
    // The rest judges the content: whitespace at the ends (a trailing newline from `echo` or a
    // secret file) adds bytes, not unpredictability.
    let content = secret.trim_ascii();
    if let Some(kind) = key_kind(content) {
        // A key file is long and random-looking: the other rules would only muddy the message.
        problems.push(SecretProblem::LooksLikeKey { kind });
        return problems;
    }
    if let Some(pattern) = repetition(content) {
        problems.push(SecretProblem::Repetitive { pattern });
    }
    if let Some(low) = low_entropy(content) {
        problems.push(low);
    }
    problems
}

fn published_source(secret: &[u8]) -> Option<&'static str> {
    static PUBLISHED: OnceLock<HashSet<&'static [u8]>> = OnceLock::new();
    let published = PUBLISHED.get_or_init(|| {
        PUBLISHED_LIST
            .lines()
            .flat_map(|line| [line, line.trim()])
            .filter(|line| !line.is_empty())
            .map(str::as_bytes)
            .collect()
    });
    let trimmed = secret.trim_ascii();
    if WELL_KNOWN_DEFAULTS
        .iter()
        .any(|d| d.as_bytes().eq_ignore_ascii_case(trimmed))
    {
        return Some("a well-known default from templates and documentation");
    }
    if published.contains(secret) || published.contains(trimmed) {
        return Some("Wallarm's list of JWT secrets found in public code");
    }
    None
}

fn key_kind(secret: &[u8]) -> Option<&'static str> {
    let text = secret.trim_ascii_start();
    let contains = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    if contains(b"-----BEGIN OPENSSH PRIVATE KEY-----") {
        Some("OpenSSH private key")
    } else if contains(b"-----BEGIN ") {
        Some("PEM-encoded key or certificate")
    } else if [&b"ssh-"[..], b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
    {
        Some("OpenSSH public key")
    } else if is_base64_der_key(text) {
        Some("base64 DER key (a PEM body without its BEGIN/END lines)")
    } else {
        None
    }
}

/// Whether `text` is base64 (either alphabet, line breaks allowed) of a DER structure shaped like
/// a key: an outer SEQUENCE whose length is exactly the rest, opening with a SEQUENCE that holds
/// an algorithm OID (SubjectPublicKeyInfo, PKCS#8) or with an INTEGER (PKCS#1). Pasting an RSA
/// public key's body as an HS256 secret lets anyone holding the public key forge tokens.
fn is_base64_der_key(text: &[u8]) -> bool {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

    /// The smallest key a DER structure holds: an Ed25519 SubjectPublicKeyInfo, 44 bytes.
    const MIN_DER_LEN: usize = 44;
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.len() < MIN_DER_LEN * 4 / 3 {
        return false;
    }
    [base64::alphabet::STANDARD, base64::alphabet::URL_SAFE]
        .iter()
        .filter_map(|alphabet| GeneralPurpose::new(alphabet, config).decode(&compact).ok())
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

fn repetition(secret: &[u8]) -> Option<&'static str> {
    let len = secret.len();
    if let Some(period) = (1..=len / 2).find(|&p| secret[p..] == secret[..len - p]) {
        return Some(if period == 1 {
            "one character repeated"
        } else {
            "a short pattern repeated"
        });
    }
    let steps = secret
        .windows(2)
        .filter(|w| w[0].abs_diff(w[1]) == 1)
        .count();
    if steps * 2 >= len.saturating_sub(1) && len > 1 {
        return Some("mostly a run of consecutive characters such as abcd or 1234");
    }
    if shannon_bits(secret) < MIN_SHANNON_SHARE * best_shannon_bits(secret) {
        return Some("a few characters make up most of it");
    }
    None
}

/// Empirical entropy: the string's length times the Shannon entropy of its byte frequencies.
fn shannon_bits(secret: &[u8]) -> f64 {
    let mut counts = [0_u32; 256];
    for &b in secret {
        counts[usize::from(b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)] // lengths are far below 2^52
    let len = secret.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let n = f64::from(c);
            -n * (n / len).log2()
        })
        .sum()
}

/// The most empirical entropy a string of this length and alphabet can have: every character
/// different, up to the alphabet's size.
fn best_shannon_bits(secret: &[u8]) -> f64 {
    let (_, alphabet_size, _) = alphabet(secret);
    let len = u32::try_from(secret.len()).unwrap_or(u32::MAX);
    f64::from(len) * f64::from(len.min(u32::from(alphabet_size))).log2()
}

/// The alphabet the secret appears to be drawn from, its size, and how many characters count
/// (base64 padding does not). The size adds up the character classes present: a string of
/// lowercase letters and dashes is credited with 28 characters, not base64's 64, and each
/// punctuation mark or non-ASCII character with one more.
fn alphabet(secret: &[u8]) -> (&'static str, u16, usize) {
    // Random bytes are almost never UTF-8, and about 63 % of them are outside printable ASCII; a
    // typed secret in another encoding (Latin-1 `für`) has a few such bytes, not a quarter.
    let unprintable = secret
        .iter()
        .filter(|b| !(b' '..=b'~').contains(*b))
        .count();
    if std::str::from_utf8(secret).is_err() && unprintable * 4 >= secret.len() {
        return ("byte", 256, secret.len());
    }
    let unpadded = secret
        .strip_suffix(b"==")
        .or_else(|| secret.strip_suffix(b"="))
        .unwrap_or(secret);
    let base64_symbol = |b: &u8| matches!(b, b'+' | b'/' | b'-' | b'_');
    // The exact shapes of 32 random bytes, which may by chance leave a class unused.
    if secret.len() == 64 && secret.iter().all(u8::is_ascii_hexdigit) {
        return ("hexadecimal", 16, 64);
    }
    if unpadded.len() == 43
        && unpadded
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || base64_symbol(b))
    {
        return ("base64", 64, 43);
    }
    if secret.iter().all(u8::is_ascii_digit) {
        return ("decimal", 10, secret.len());
    }
    if secret.iter().all(u8::is_ascii_hexdigit) {
        return ("hexadecimal", 16, secret.len());
    }
    let has = |pred: fn(&u8) -> bool| unpadded.iter().any(pred);
    let letters_and_digits = 26 * u16::from(has(u8::is_ascii_lowercase))
        + 26 * u16::from(has(u8::is_ascii_uppercase))
        + 10 * u16::from(has(u8::is_ascii_digit));
    let text = String::from_utf8_lossy(secret);
    let mut others: Vec<char> = text
        .chars()
        .filter(|c| !c.is_ascii_alphanumeric() && !matches!(c, '+' | '/' | '-' | '_' | '='))
        .collect();
    others.sort_unstable();
    others.dedup();
    let others = u16::try_from(others.len()).unwrap_or(u16::MAX);
    let chars = text.chars().count();
    if others > 0 {
        let base64_symbols = unpadded
            .iter()
            .copied()
            .filter(base64_symbol)
            .collect::<std::collections::BTreeSet<u8>>();
        let size = letters_and_digits + others + u16::try_from(base64_symbols.len()).unwrap_or(4);
        ("printable", size, chars)
    } else if has(base64_symbol) {
        ("base64", letters_and_digits + 2, unpadded.len())
    } else {
        ("alphanumeric", letters_and_digits, unpadded.len())
    }
}

/// What a word drawn at random from a 7,776-word diceware list carries: the most any word of a
/// passphrase can, and far more than words people choose.
const BITS_PER_WORD: f64 = 12.9;

/// How many words the secret reads as, when it reads as words: at least three tokens between
/// spaces or punctuation, three quarters of them made of letters only, cased like prose.
fn word_count(secret: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(secret).ok()?;
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '.' | ',' | ';' | ':'))
        .filter(|t| !t.is_empty())
        .collect();
    let words = tokens.iter().filter(|token| is_word(token)).count();
    (tokens.len() >= 3 && words * 4 >= tokens.len() * 3).then_some(tokens.len())
}

fn is_word(token: &str) -> bool {
    let mut rest = token.chars();
    rest.next().is_some_and(char::is_alphabetic)
        && (rest.clone().all(char::is_lowercase) || token.chars().all(char::is_uppercase))
}

fn low_entropy(secret: &[u8]) -> Option<SecretProblem> {
    if let Some(words) = word_count(secret) {
        #[allow(clippy::cast_precision_loss)] // word counts are tiny
        let bits = words as f64 * BITS_PER_WORD;
        // Truncation is intended: the estimate is reported in whole bits.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let estimated_bits = bits as u32;
        return (estimated_bits < REQUIRED_BITS).then_some(SecretProblem::Passphrase {
            words,
            estimated_bits,
            required_bits: REQUIRED_BITS,
        });
    }
    let (alphabet, alphabet_size, chars) = alphabet(secret);
    let bits =
        f64::from(alphabet_size).log2() * f64::from(u32::try_from(chars).unwrap_or(u32::MAX));
    // Truncation is intended: the estimate is reported in whole bits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let estimated_bits = bits as u32;
    (estimated_bits < REQUIRED_BITS).then_some(SecretProblem::LowEntropy {
        estimated_bits,
        required_bits: REQUIRED_BITS,
        alphabet,
        alphabet_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets_are_judged_by_the_characters_present() {
        assert_eq!(alphabet(b"0123456789").0, "decimal");
        assert_eq!(alphabet(b"deadbeef").1, 16);
        assert_eq!(alphabet(b"abcXYZ").1, 52);
        assert_eq!(alphabet(b"xyz012").1, 36);
        assert_eq!(alphabet(b"ab+c/0Z==").1, 64);
        assert_eq!(alphabet(b"ab+c/0Z==").2, 7);
        assert_eq!(alphabet(b"ab-c_0Z").1, 64);
        assert_eq!(alphabet(b"dev-secret-change-me"), ("base64", 28, 20));
        assert_eq!(alphabet(b"hello world!"), ("printable", 28, 12));
        assert_eq!(alphabet(b"Hello world 42!"), ("printable", 64, 15));
        assert_eq!(alphabet("caf\u{e9}".as_bytes()), ("printable", 27, 4));
        assert_eq!(alphabet(b"\x8f\x11\xa0\x3c").1, 256);
        assert_eq!(alphabet(b"f\xfcr die Produktion 2024").0, "printable");
    }

    #[test]
    fn shannon_entropy_of_a_uniform_string() {
        assert!((shannon_bits(b"abcd") - 8.0).abs() < 1e-9);
        assert!(shannon_bits(b"aaaa").abs() < 1e-9);
    }
}
