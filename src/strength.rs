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
const PUBLISHED_LIST: &str = include_str!("../data/published-jwt-secrets-32plus.txt");

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
    if let Some(kind) = key_kind(secret) {
        // A key file is long and random-looking: the other rules would only muddy the message.
        problems.push(SecretProblem::LooksLikeKey { kind });
        return problems;
    }
    if let Some(pattern) = repetition(secret) {
        problems.push(SecretProblem::Repetitive { pattern });
    }
    if let Some(low) = low_entropy(secret) {
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
    } else {
        None
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
/// lowercase letters and dashes is credited with 28 characters, not base64's 64.
fn alphabet(secret: &[u8]) -> (&'static str, u16, usize) {
    if secret.iter().any(|b| !(b' '..=b'~').contains(b)) {
        return ("byte", 256, secret.len());
    }
    if secret.iter().all(u8::is_ascii_digit) {
        return ("decimal", 10, secret.len());
    }
    if secret.iter().all(u8::is_ascii_hexdigit) {
        return ("hexadecimal", 16, secret.len());
    }
    let unpadded = secret
        .strip_suffix(b"==")
        .or_else(|| secret.strip_suffix(b"="))
        .unwrap_or(secret);
    let has = |pred: fn(&u8) -> bool| unpadded.iter().any(pred);
    let base64_symbol = |b: &u8| matches!(b, b'+' | b'/' | b'-' | b'_');
    let other_symbol =
        |b: &u8| !b.is_ascii_alphanumeric() && !matches!(b, b'+' | b'/' | b'-' | b'_');
    let letters_and_digits = 26 * u16::from(has(u8::is_ascii_lowercase))
        + 26 * u16::from(has(u8::is_ascii_uppercase))
        + 10 * u16::from(has(u8::is_ascii_digit));
    if has(other_symbol) {
        // Punctuation and space: all 33 of them, base64's four included.
        ("printable ASCII", letters_and_digits + 33, secret.len())
    } else if has(base64_symbol) {
        ("base64", letters_and_digits + 2, unpadded.len())
    } else {
        ("alphanumeric", letters_and_digits, unpadded.len())
    }
}

fn low_entropy(secret: &[u8]) -> Option<SecretProblem> {
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
        assert_eq!(alphabet(b"hello world!"), ("printable ASCII", 59, 12));
        assert_eq!(alphabet(b"Hello world 42!"), ("printable ASCII", 95, 15));
        assert_eq!(alphabet("caf\u{e9}".as_bytes()).1, 256);
    }

    #[test]
    fn shannon_entropy_of_a_uniform_string() {
        assert!((shannon_bits(b"abcd") - 8.0).abs() < 1e-9);
        assert!(shannon_bits(b"aaaa").abs() < 1e-9);
    }
}
