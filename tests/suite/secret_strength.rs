//! The secret strength rules, class by class (issue 12): for every class of weak secret, cases
//! that only its rule refuses (each passes every other rule, so the test fails if its rule is
//! removed); the published list from `../shared` read in place; and freshly generated random
//! secrets in every common format, which must all pass.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jwt_auth::strength::{Encoding, KeyKind, PatternKind, RepetitionKind, StructuredKind};
use jwt_auth::{Secret, dangerous, secrecy::ExposeSecret, strength::SecretProblem};

use crate::common::shared_file;

fn problems(secret: impl AsRef<[u8]>) -> Vec<SecretProblem> {
    Secret::new(secret)
        .err()
        .map(|weak| weak.problems)
        .unwrap_or_default()
}

/// A secret past the strength check, to pin a digest of test data with its stable fingerprint.
fn unchecked_secret(bytes: &[u8]) -> Secret {
    dangerous::insecure_secret(bytes).expect("non-empty").0
}

/// 32 or more random bytes from the crate's own generator (each `Secret::generate` is 32 bytes
/// from the operating system, as hex).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 32);
    while bytes.len() < len {
        let (_, hex) = Secret::generate();
        let hex = hex.expose_secret();
        bytes.extend(
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()),
        );
    }
    bytes.truncate(len);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut hex, b| {
        let _infallible = write!(hex, "{b:02x}");
        hex
    })
}

// ---------------------------------------------------------------------------------------------
// Published secrets in disguise.

const FASTAPI: &str = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";

fn is_published(problems: &[SecretProblem], expected: &str) -> bool {
    problems
        .iter()
        .any(|p| matches!(p, SecretProblem::Published { name, .. } if *name == expected))
}

/// The `FastAPI` tutorial key is 64 hex characters: apart from its publication nothing gives it
/// away, so each disguise must be seen through by the published-secret rule alone.
#[test]
fn a_published_hex_key_is_recognised_through_every_disguise() {
    let cyrillic = FASTAPI
        .replace('a', "\u{430}")
        .replace('e', "\u{435}")
        .replace('c', "\u{441}");
    let fullwidth: String = FASTAPI
        .chars()
        .map(|c| char::from_u32(u32::from(c) - 0x21 + 0xff01).unwrap())
        .collect();
    for disguised in [
        FASTAPI.to_owned(),
        FASTAPI.to_uppercase(),
        format!("\"{FASTAPI}\""),
        format!("'{FASTAPI}'"),
        format!("\u{feff}{FASTAPI}"),
        format!("\u{a0}{FASTAPI}\u{a0}"),
        format!("{FASTAPI}\u{200b}"),
        format!("{FASTAPI}1"),
        format!("{FASTAPI}2024"),
        format!("SECRET_KEY={FASTAPI}"),
        cyrillic,
        fullwidth,
    ] {
        assert_eq!(
            problems(&disguised),
            [SecretProblem::Published {
                name: "the FastAPI tutorial's SECRET_KEY",
                published_in: "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/",
            }],
            "{disguised:?}"
        );
    }
    // Not a disguise: a different key.
    assert_eq!(problems(FASTAPI.replace('9', "8")), []);
}

#[test]
fn well_known_defaults_are_refused_in_any_dress() {
    for (secret, name) in [
        ("dev-secret-change-me", "this product's own former default"),
        ("DEV_SECRET_CHANGE_ME", "this product's own former default"),
        (
            "JWT_SECRET=dev-secret-change-me\n",
            "this product's own former default",
        ),
        (
            "dev-secret-change-me-2",
            "this product's own former default",
        ),
        ("your-256-bit-secret", "jwt.io's HS256 example secret"),
        (
            "\u{201c}your-256-bit-secret\u{201d}",
            "jwt.io's HS256 example secret",
        ),
        (
            "a-string-secret-at-least-256-bits-long",
            "jwt.io's HS256 example secret",
        ),
        (
            "super-secret-jwt-token-with-at-least-32-characters-long",
            "Supabase's local development JWT secret",
        ),
        (
            "!ChangeThisMercureHubJWTSecretKey!",
            "the Mercure hub's default JWT key",
        ),
        (
            "======================BezKoder=Spring===========================",
            "the BezKoder Spring Boot JWT tutorial's jwtSecret",
        ),
        (
            "super-secret",
            "Flask-JWT-Extended's example JWT_SECRET_KEY",
        ),
        ("shhhhh", "the node-jsonwebtoken README's example secret"),
    ] {
        assert!(
            is_published(&problems(secret), name),
            "{secret:?}: {:?}",
            problems(secret)
        );
        // The message says where the secret is published, never the secret.
        let message = Secret::new(secret).unwrap_err().to_string().to_lowercase();
        assert!(
            !message.contains(&secret.trim().to_lowercase()),
            "{message}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Text in a hex or base64 coat.

/// Each encoded secret is long enough, and random-looking enough in its coat, to pass every
/// rule but this one; the decoded text is judged and its problems reported inside.
#[test]
fn text_in_a_hex_or_base64_coat_is_judged_as_that_text() {
    let text = "this is my super secret jwt key for production";
    let wrapped = {
        let encoded = STANDARD.encode(format!("{text} and staging too, ok"));
        let (a, b) = encoded.split_at(60);
        format!("{a}\n{b}\n")
    };
    for (secret, encoding) in [
        (hex(text.as_bytes()), Encoding::Hex),
        (hex(text.as_bytes()).to_uppercase(), Encoding::Hex),
        (STANDARD.encode(text), Encoding::Base64),
        (
            URL_SAFE_NO_PAD.encode("~~~ my jwt secret key? for production ~~~"),
            Encoding::Base64Url,
        ),
        (wrapped, Encoding::Base64),
    ] {
        let found = problems(&secret);
        let [
            SecretProblem::EncodedText {
                encoding: found_encoding,
                problems: inner,
            },
        ] = &found[..]
        else {
            panic!("{secret:?}: {found:?}");
        };
        assert_eq!(*found_encoding, encoding, "{secret:?}");
        // Short sentences are too short for their alphabet, longer ones made of words.
        assert!(
            inner.iter().any(|p| matches!(
                p,
                SecretProblem::Pattern { .. } | SecretProblem::LowEntropy { .. }
            )),
            "{secret:?}: {inner:?}"
        );
    }
}

#[test]
fn coats_are_taken_off_one_after_another() {
    let published = STANDARD.encode(hex(b"your-256-bit-secret"));
    let found = problems(&published);
    let [
        SecretProblem::EncodedText {
            encoding: Encoding::Base64,
            problems: outer,
        },
    ] = &found[..]
    else {
        panic!("{found:?}");
    };
    let [
        SecretProblem::EncodedText {
            encoding: Encoding::Hex,
            problems: inner,
        },
    ] = &outer[..]
    else {
        panic!("{outer:?}");
    };
    assert!(
        is_published(inner, "jwt.io's HS256 example secret"),
        "{inner:?}"
    );
    assert!(inner.contains(&SecretProblem::TooShort { len: 19, min: 32 }));
}

#[test]
fn strong_text_in_a_coat_is_strong() {
    // `openssl rand -hex 32 | base64`: the coat hides nothing weak.
    for _ in 0..50 {
        let hex_text = hex(&random_bytes(32));
        let coated = STANDARD.encode(&hex_text);
        assert_eq!(problems(&coated), [], "{coated}");
    }
}

// ---------------------------------------------------------------------------------------------
// Words without spaces, keyboard walks, sequences.

fn pattern_kind(problems: &[SecretProblem]) -> Option<PatternKind> {
    match problems {
        [
            SecretProblem::Pattern {
                kind,
                estimated_bits,
                required_bits: 240,
            },
        ] => {
            assert!(*estimated_bits < 240);
            Some(*kind)
        }
        _ => None,
    }
}

/// Every case is at least 32 bytes and carries 240 bits by its alphabet, so only the pattern
/// rule refuses it.
#[test]
fn patterns_are_refused_whatever_joins_them() {
    for (secret, kind) in [
        // camelCase and PascalCase
        (
            "ThisIsMySuperSecretJwtSigningKeyForProductionUse2024",
            PatternKind::Words,
        ),
        (
            "myCompanyAuthenticationServiceSigningSecretForProduction",
            PatternKind::Words,
        ),
        // run-together lowercase
        (
            "thisismysupersecretjwtsigningkeyforproductionuse2024",
            PatternKind::Words,
        ),
        (
            "loveonitisjustachapterinthepastbutdon'tclosethebookjustturnthepage",
            PatternKind::Words,
        ),
        // joined by any punctuation, or by spaces
        (
            "this.is.my.super-secret_jwt+signing/key:for~production,use",
            PatternKind::Words,
        ),
        (
            "correct|horse|battery|staple|mountain|river|sunshine|dragon",
            PatternKind::Words,
        ),
        (
            "This is my super secret JWT key for production!",
            PatternKind::Words,
        ),
        (
            "super-secret-key-that-is-at-least-32-characters-long",
            PatternKind::Words,
        ),
        // l33t spelling
        (
            "Th1s1sMyV3ryS3cr3tP4ssw0rdF0rJWTS1gn1ngInPr0duct10n",
            PatternKind::Words,
        ),
        // keyboard walks
        (
            "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM1234567890",
            PatternKind::Words,
        ),
        (
            "yhnujmikolp0okmnji98uhbvgy76tfcxdr54eszaq1XSWEDCVFR",
            PatternKind::KeyboardWalk,
        ),
        (
            "zaq12wsxcde34rfvbgt56yhnmju78ik,lo90p;/ZAQ!@WSXCDE#$",
            PatternKind::KeyboardWalk,
        ),
        // sequences
        (
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            PatternKind::Sequence,
        ),
    ] {
        assert!(secret.len() >= 32, "{secret}");
        assert_eq!(
            pattern_kind(&problems(secret)),
            Some(kind),
            "{secret}: {:?}",
            problems(secret)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Repetition, exact or near.

#[test]
fn repetition_with_a_counter_or_small_changes_is_refused() {
    let near = RepetitionKind::WithSmallChanges;
    for (secret, pattern) in [
        (
            "x7Kp9Qz1-x7Kp9Qz2-x7Kp9Qz3-x7Kp9Qz4-x7Kp9Qz5-x7Kp9Qz6",
            near,
        ),
        ("k8#Qz!01.k8#Qz!02.k8#Qz!03.k8#Qz!04.k8#Qz!05", near),
        ("Zq9#kW2!Zq9#kW2?Zq9#kW2.Zq9#kW2,Zq9#kW2;", near),
        (
            "secretkey01secretkey02secretkey03secretkey04secretkey05",
            near,
        ),
        (
            "k8#Qz!k8#Qz!k8#Qz!k8#Qz!k8#Qz!k8#Qz!k8#Qz!k8#Qz!",
            RepetitionKind::ShortPattern,
        ),
        (
            "Placeholder_42_Placeholder_42_Placeholder_42_Placeholder_42_",
            RepetitionKind::ShortPattern,
        ),
    ] {
        assert_eq!(
            problems(secret),
            [SecretProblem::Repetitive { pattern }],
            "{secret}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens and other structured values pasted as the secret.

#[test]
fn tokens_and_identifiers_pasted_as_the_secret_are_refused() {
    // jwt.io's example token.
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"dir","enc":"A256GCM"}"#),
        "",
        URL_SAFE_NO_PAD.encode(random_bytes(12)),
        URL_SAFE_NO_PAD.encode(random_bytes(48)),
        URL_SAFE_NO_PAD.encode(random_bytes(16)),
    );
    let jwk = format!(
        r#"{{"kty":"oct","alg":"HS256","k":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(random_bytes(32))
    );
    for (secret, kind) in [
        (jwt.to_owned(), StructuredKind::Jwt),
        (format!("Bearer {jwt}"), StructuredKind::Jwt),
        (format!("{jwt}\n"), StructuredKind::Jwt),
        (jwe, StructuredKind::Jwe),
        (
            format!("Bearer {}", URL_SAFE_NO_PAD.encode(random_bytes(32))),
            StructuredKind::AuthorizationHeader,
        ),
        (
            "f47ac10b-58cc-4372-a567-0e02b2c3d479".to_owned(),
            StructuredKind::Uuid,
        ),
        (jwk, StructuredKind::JsonDocument),
        (
            format!(
                "postgres://app:{}@db.internal:5432/app",
                hex(&random_bytes(16))
            ),
            StructuredKind::Url,
        ),
        (
            "$2b$12$KIXQJtJfpJ2EXnJ3fGJzUuX7Yv4jQbNhZp6n7bq1o5m8s9c0d1e2f".to_owned(),
            StructuredKind::BcryptHash,
        ),
        (
            format!("ENC({})", STANDARD.encode(random_bytes(48))),
            StructuredKind::JasyptEncrypted,
        ),
        (
            "django-insecure-6otb-(jot$aip%#xfose!o4+=x^ds28!twb=n78f%f3$zu@ira".to_owned(),
            StructuredKind::DjangoInsecure,
        ),
    ] {
        assert_eq!(
            problems(&secret),
            [SecretProblem::Structured { kind }],
            "{secret}"
        );
    }
}

#[test]
fn a_key_pasted_with_escaped_line_breaks_is_still_a_key() {
    // An Ed25519 public key's PEM body split by the two characters `\n`, as in a `.env` file.
    let escaped = r"MCowBQYDK2VwAyEAJcQFa9wnnePYgnLm\neqSrwgjmUzXB25JzO7VEBg7LC+w=";
    assert_eq!(
        problems(escaped),
        [SecretProblem::LooksLikeKey {
            kind: KeyKind::Base64Der
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// Messages.

#[test]
fn every_message_names_its_rule_and_how_to_do_better() {
    let advice = "Generate a strong one with `openssl rand -hex 32` (or `Secret::generate()`) and \
                  share that string with every service";
    for (secret, rule) in [
        (
            "ThisIsMySuperSecretJwtSigningKeyForProductionUse2024",
            "it is made of predictable patterns (mostly dictionary words): about ",
        ),
        (
            "x7Kp9Qz1-x7Kp9Qz2-x7Kp9Qz3-x7Kp9Qz4-x7Kp9Qz5-x7Kp9Qz6",
            "it is repetitive (a part repeated with small changes, such as a counter)",
        ),
        (
            "f47ac10b-58cc-4372-a567-0e02b2c3d479",
            "it looks like a UUID, not an HMAC secret",
        ),
        (
            FASTAPI,
            "it is a published secret (the FastAPI tutorial's SECRET_KEY, published in https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/)",
        ),
        (
            "7468697320697320746865206a7774207365637265742069206368616e6765206c61746572",
            "it is hex-encoded text, and that text is weak: it carries about ",
        ),
    ] {
        let message = Secret::new(secret).unwrap_err().to_string();
        assert!(message.contains(rule), "{message}");
        assert!(message.ends_with(advice), "{message}");
        assert!(
            !message.contains(secret),
            "the message must not repeat the secret"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Random secrets in every common format pass.

/// How many secrets of each format `random_secrets_in_every_common_format_pass` generates:
/// `JWT_AUTH_RANDOM_SECRETS` when set (for a long run in release mode), else 400.
fn random_secret_count() -> usize {
    std::env::var("JWT_AUTH_RANDOM_SECRETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}

/// A format's name, and how it turns 64 random bytes into a secret.
type Format = (&'static str, fn(&[u8]) -> String);

/// False positives are a bug: a fresh random secret in any format people generate must pass.
#[test]
fn random_secrets_in_every_common_format_pass() {
    let formats: [Format; 7] = [
        ("openssl rand -hex 32", |r| hex(&r[..32])),
        ("openssl rand -hex 32, upper case", |r| {
            hex(&r[..32]).to_uppercase()
        }),
        ("openssl rand -hex 64 (128 characters)", |r| hex(&r[..64])),
        ("openssl rand -base64 32", |r| STANDARD.encode(&r[..32])),
        ("openssl rand -base64 48", |r| STANDARD.encode(&r[..48])),
        ("python secrets.token_urlsafe(32)", |r| {
            URL_SAFE_NO_PAD.encode(&r[..32])
        }),
        ("Secret::generate()", |_| {
            Secret::generate().1.expose_secret().to_owned()
        }),
    ];
    let count = random_secret_count();
    for _ in 0..count {
        let random = random_bytes(64);
        for (format, make) in &formats {
            let secret = make(&random);
            assert_eq!(problems(&secret), [], "{format}: {secret}");
            assert_eq!(
                problems(format!("{secret}\n")),
                [],
                "{format} with a newline: {secret}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Wallarm's list of JWT secrets found in public code, read in place.

/// How many entries of `../shared/data/published-jwt-secrets-32plus.txt` pass, by shape, and
/// the fingerprint of the sorted passing entries (one a line) that pins exactly which.
///
/// The list is what people committed to public repositories. Most entries are weak and are
/// refused; those that pass are random strings that became weak only by being published, and
/// no rule can see that from the string alone, and sentences the pattern rule's word list does
/// not cover:
/// - 136 are random hex (`openssl rand -hex`, Node `crypto.randomBytes().toString('hex')`),
///   some with `0x` in front or in upper case;
/// - 350 are random base64 or base64url, and base64 of such sentences;
/// - 149 are other strings: password-generator output with punctuation, strings mashed on the
///   keyboard without common words, words in languages other than English (Spanish, Italian),
///   long strings of which words are only a part, and sentences whose words neither the list of
///   passwords nor the English stop words hold: the list is of passwords, sorted rather than
///   ranked, so it knows fewer everyday words than a frequency list would.
///
/// Shared and published secrets belong in the caller's own deny list; the crate keeps only the
/// short list of documented defaults.
const PASSING: (usize, usize, usize, &str) = (136, 350, 149, "ec93693c3b3a4112");

#[test]
fn the_published_list_is_refused_except_its_random_looking_entries() {
    let Some(list) = shared_file("data/published-jwt-secrets-32plus.txt") else {
        return;
    };
    let mut passing: Vec<&str> = list
        .lines()
        .filter(|line| Secret::new(line).is_ok())
        .collect();
    passing.sort_unstable();
    let shape = |entry: &&str| {
        let t = entry.trim();
        let t = t.strip_prefix("0x").unwrap_or(t);
        let base64 = |b: u8| b.is_ascii_alphanumeric() || b"+/-_".contains(&b);
        if t.len() >= 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            0
        } else if t.trim_end_matches('=').len() >= 43 && t.trim_end_matches('=').bytes().all(base64)
        {
            1
        } else {
            2
        }
    };
    let count = |wanted| {
        passing
            .iter()
            .filter(|entry| shape(entry) == wanted)
            .count()
    };
    let fingerprint = unchecked_secret(passing.join("\n").as_bytes())
        .fingerprint()
        .to_string();
    assert_eq!(
        (count(0), count(1), count(2), fingerprint.as_str()),
        PASSING,
        "{} of {} entries pass",
        passing.len(),
        list.lines().count()
    );
}
