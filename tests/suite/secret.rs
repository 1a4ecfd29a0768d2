//! Secret handling: the strength rules (one test per rule), generation, fingerprints, and that the
//! bytes never leak through formatting.

use crate::common::{OTHER_SECRET, SECRET};
use jwt_auth::strength::{AlphabetKind, KeyKind, PatternKind, RepetitionKind};
use jwt_auth::{Secret, WeakSecret, dangerous, secrecy::ExposeSecret, strength::SecretProblem};
use proptest::prelude::*;

fn problems(secret: &str) -> Vec<SecretProblem> {
    Secret::new(secret)
        .err()
        .map(|weak| weak.problems)
        .unwrap_or_default()
}

const DER_KEY: KeyKind = KeyKind::Base64Der;

fn is_published(problems: &[SecretProblem]) -> bool {
    problems
        .iter()
        .any(|p| matches!(p, SecretProblem::Published { .. }))
}

#[test]
fn openssl_style_secrets_are_strong() {
    // `openssl rand -hex 32` and `openssl rand -base64 32`.
    assert!(Secret::new(SECRET).is_ok());
    assert!(Secret::new("pwlzlRelnKXWFE7rj2lKoW1HVwqkgE39A5F5AW6OK5Q=").is_ok());
    // 32 random bytes used raw.
    assert!(Secret::new(b"\x8f\x11\xa0\x3c\xe2\x7d\x44\x90\x1b\xc6\x58\xf3\x02\x9e\x6a\xd7\x31\xbb\x0e\x75\xc9\x12\x4f\xe8\xa6\x63\x8d\x27\xf0\x5a\xb4\x19").is_ok());
}

#[test]
fn empty_is_refused_alone() {
    assert_eq!(problems(""), vec![SecretProblem::Empty]);
}

#[test]
fn short_secrets_are_refused_with_their_length() {
    let p = problems("f584df43618e2717cdfe09fb2f1efa");
    assert_eq!(p[0], SecretProblem::TooShort { len: 30, min: 32 });
}

#[test]
fn the_products_old_default_fails_every_rule_it_breaks() {
    assert_eq!(
        problems("dev-secret-change-me"),
        vec![
            SecretProblem::TooShort { len: 20, min: 32 },
            SecretProblem::Published {
                name: "this product's own former default",
                published_in: "the configuration its services shipped with",
            },
            SecretProblem::LowEntropy {
                estimated_bits: 96,
                required_bits: 240,
                alphabet: AlphabetKind::Base64,
                alphabet_size: 28
            },
        ]
    );
}

#[test]
fn well_known_defaults_are_refused_in_any_case() {
    for default in [
        "your-256-bit-secret",
        "YOUR-256-BIT-SECRET",
        "a-string-secret-at-least-256-bits-long",
    ] {
        assert!(is_published(&problems(default)), "{default}");
    }
    // The FastAPI tutorial key is 64 hex characters: only its publication gives it away.
    let fastapi = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
    assert_eq!(
        problems(fastapi),
        vec![SecretProblem::Published {
            name: "the FastAPI tutorial's SECRET_KEY",
            published_in: "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/",
        }]
    );
}

#[test]
fn a_hex_string_carries_four_bits_a_character() {
    // `openssl rand -hex 16`: 32 bytes long, but only 128 bits.
    assert_eq!(
        problems("f584df43618e2717cdfe09fb2f1efae3"),
        vec![SecretProblem::LowEntropy {
            estimated_bits: 128,
            required_bits: 240,
            alphabet: AlphabetKind::Hexadecimal,
            alphabet_size: 16
        }]
    );
}

#[test]
fn repetition_is_refused() {
    assert_eq!(
        problems(&"a".repeat(40))[0],
        SecretProblem::Repetitive {
            pattern: RepetitionKind::OneCharacter
        }
    );
    let dominated = format!("{}Zq9#kW2!", "x".repeat(90));
    for (secret, pattern) in [
        ("k8#Qz!".repeat(8), RepetitionKind::ShortPattern),
        (dominated, RepetitionKind::MostlyOneCharacter),
    ] {
        assert_eq!(
            problems(&secret),
            vec![SecretProblem::Repetitive { pattern }],
            "{secret}"
        );
    }
}

#[test]
fn whitespace_or_a_foreign_character_does_not_make_a_weak_secret_strong() {
    for weak in [
        "my-company-jwt-secret-for-prod-2024",
        "my-company-jwt-secret-for-prod-2024\n",
        "changeme-changeme-changeme-changeme\n",
        "password-password-password-password\r\n",
        "P@ssw0rd-f\u{fc}r-die-Produktion-2024!",
        "\u{43c}\u{43e}\u{439} \u{441}\u{435}\u{43a}\u{440}\u{435}\u{442}\u{43d}\u{44b}\u{439} \u{43a}\u{43b}\u{44e}\u{447} jwt",
    ] {
        assert!(Secret::new(weak).is_err(), "{weak:?}");
    }
}

#[test]
fn sentences_are_judged_by_their_words() {
    for sentence in [
        "This is my super secret JWT key for production!",
        "my application jwt secret key for production use",
        "super-secret-key-that-is-at-least-32-characters-long",
    ] {
        assert!(
            problems(sentence).iter().any(|p| matches!(
                p,
                SecretProblem::Pattern {
                    kind: PatternKind::Words,
                    ..
                }
            )),
            "{sentence}: {:?}",
            problems(sentence)
        );
    }
}

#[test]
fn random_secrets_pass_whatever_characters_they_happen_to_use() {
    // Valid base64 of 32 bytes that uses no lowercase letter: still 43 characters of base64.
    assert!(Secret::new("Q7ZX+3K/09PLM4R8W1TY6UBN2V5HCE0GJ8SAFD1IOKM=").is_ok());
    // 64 hex digits that happen to be all decimal.
    assert!(
        Secret::new("2490137501187344920158432378505420392356246456872953571210707179").is_ok()
    );
}

#[test]
fn keys_pasted_by_mistake_are_recognised() {
    for (secret, kind) in [
        (
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIC3bQ2r0mJ8u0dkQ2Y0b9Z1sN6F5o7YtWq8Vb8kXyZxA\n-----END PRIVATE KEY-----\n",
            KeyKind::Pem,
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u\n",
            KeyKind::OpenSshPrivateKey,
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrWABpN2QX/MQHhRTymPO0xBiFTsxOX1s/FKjlCFBq test",
            KeyKind::OpenSshPublicKey,
        ),
        // Public keys' PEM bodies without their armour (`openssl pkey -pubout`): RSA 2048, P-256,
        // Ed25519. As an HS256 secret, anyone holding the public key could forge tokens.
        (
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0VqVfOKDtJvlsZ6Uj2EbBx6dh2WxMQSkPmKAlLL6PsPMZy0EhXYTM2zi00EFnrzbfUYVArSLxv4Nj7cHzkvB/ungUAtqnUCtu6ZS1ZybhWmV2wvf3XEBEbRRvOhueUqQl2yjyOdzDNpujxF5vGlbzwTUMxAVhU8Yapv9fXDlppoQF+NvMa9tNjgmr+GAp3v9z2FrWf6NiOQ3GmhZGelmO5/dQ7mwxN7VBJLQL2jIGPSKB/aZgvu7lNj57Qxq9/1BOmUeCLW6uinB9z7qgNIG9NNRRZH0IlGPHcR1xUp7QpF7moLNhkIzA2P0uz6ngABz4ZdL7eu/LBAvKno2DssN1wIDAQAB",
            DER_KEY,
        ),
        (
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsCZxKdijoBBRug8Q3n6KUU0UVS4ynveNfFAZAReM9nVeBfQ8AnWlgf/Pbr/MkxZD8GFAEfOmEmCFjDQF8sTRHA==",
            DER_KEY,
        ),
        (
            "MCowBQYDK2VwAyEAJcQFa9wnnePYgnLmeqSrwgjmUzXB25JzO7VEBg7LC+w=",
            DER_KEY,
        ),
        (
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0VqVfOKDtJvlsZ6Uj2Eb\nBx6dh2WxMQSkPmKAlLL6PsPMZy0EhXYTM2zi00EFnrzbfUYVArSLxv4Nj7cHzkvB\n/ungUAtqnUCtu6ZS1ZybhWmV2wvf3XEBEbRRvOhueUqQl2yjyOdzDNpujxF5vGlbzwTUMxAVhU8Yapv9fXDlppoQF+NvMa9tNjgmr+GAp3v9z2FrWf6NiOQ3GmhZGelmO5/dQ7mwxN7VBJLQL2jIGPSKB/aZgvu7lNj57Qxq9/1BOmUeCLW6uinB9z7qgNIG9NNRRZH0IlGPHcR1xUp7QpF7moLNhkIzA2P0uz6ngABz4ZdL7eu/LBAvKno2DssN1wIDAQAB\n",
            DER_KEY,
        ),
    ] {
        assert_eq!(
            problems(secret),
            vec![SecretProblem::LooksLikeKey { kind }],
            "{kind}"
        );
    }
}

#[test]
fn the_error_lists_every_problem_and_how_to_fix_it() {
    let message = Secret::new("dev-secret-change-me").unwrap_err().to_string();
    assert!(
        message.starts_with(
            "weak secret: it is 20 bytes; HS256 needs at least 32; it is a published secret"
        ),
        "{message}"
    );
    assert!(message.contains("; it carries about 96 bits of entropy (4.8 bits per character, 28 possible characters from the base64 alphabet); at least 240 are needed."), "{message}");
    assert!(message.ends_with("Generate a strong one with `openssl rand -hex 32` (or `Secret::generate()`) and share that string with every service"), "{message}");
}

#[test]
fn generate_returns_64_lowercase_hex_characters_that_are_the_secret() {
    let (secret, shareable) = Secret::generate();
    let shareable = shareable.expose_secret();
    assert_eq!(shareable.len(), 64);
    assert!(
        shareable
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(
        secret.expose_secret(),
        shareable.as_bytes(),
        "the string itself is the key, not its decoding"
    );
    assert_eq!(
        Secret::new(shareable).unwrap().fingerprint(),
        secret.fingerprint()
    );
    let (_, another) = Secret::generate();
    assert_ne!(shareable, another.expose_secret());
}

#[test]
fn the_fingerprint_is_a_known_hmac_of_a_label() {
    // Computed independently: hmac.new(SECRET.encode(), b"jwt-auth fingerprint v1", "sha256").hexdigest()[:16]
    let secret = Secret::new(SECRET).unwrap();
    assert_eq!(secret.fingerprint().to_string(), "c610b726621f2885");
    assert_eq!(
        format!("{:?}", secret.fingerprint()),
        "Fingerprint(c610b726621f2885)"
    );
    assert_ne!(
        Secret::new(OTHER_SECRET).unwrap().fingerprint(),
        secret.fingerprint()
    );
}

#[test]
fn formatting_never_shows_the_secret() {
    let secret = Secret::new(SECRET).unwrap();
    let debug = format!("{secret:?}");
    let display = secret.to_string();
    assert_eq!(debug, "Secret { fingerprint: c610b726621f2885, .. }");
    assert_eq!(display, "HS256 secret (fingerprint c610b726621f2885)");
    for shown in [&debug, &display, &format!("{secret:#?}")] {
        assert!(!shown.contains(&SECRET[..16]), "{shown}");
    }
}

static_assertions::assert_not_impl_any!(Secret: serde::Serialize);
static_assertions::assert_impl_all!(Secret: Send, Sync, Clone);

#[test]
fn development_leniency_must_be_asked_for_and_says_so() {
    let (secret, problems) = dangerous::insecure_secret("dev-secret-change-me").unwrap();
    assert_eq!(
        problems,
        Secret::new("dev-secret-change-me").unwrap_err().problems
    );
    assert_eq!(
        format!("{secret:?}"),
        format!(
            "Secret {{ fingerprint: {}, insecure: true, .. }}",
            secret.fingerprint()
        )
    );
    assert!(secret.is_insecure());
    assert!(
        secret
            .to_string()
            .starts_with("HS256 INSECURE development secret")
    );
    assert!(!Secret::new(SECRET).unwrap().is_insecure());
    let empty: WeakSecret = dangerous::insecure_secret("").unwrap_err();
    assert_eq!(empty.problems, vec![SecretProblem::Empty]);
}

#[test]
fn from_env_reports_a_missing_variable_by_name() {
    let err = Secret::from_env("JWT_AUTH_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWT_AUTH_TEST_SURELY_UNSET_VARIABLE is not set: set it to the secret the other services \
         share (generate one with `openssl rand -hex 32`)"
    );
}

/// Re-runs this test binary with the variable set: the environment cannot be changed safely in a
/// multi-threaded test process.
#[test]
fn from_env_reads_the_process_environment() {
    if let Ok(expected) = std::env::var("JWT_AUTH_TEST_EXPECT") {
        let result = Secret::from_env("JWT_AUTH_TEST_SECRET").map(|s| s.fingerprint().to_string());
        let outcome = match result {
            Ok(fingerprint) => fingerprint,
            Err(e) => format!("{e:?}"),
        };
        assert!(outcome.starts_with(&expected), "{outcome}");
        return;
    }
    for (value, expected) in [
        (SECRET, "c610b726621f2885"),
        ("", "Empty { var: \"JWT_AUTH_TEST_SECRET\" }"),
        (
            "dev-secret-change-me",
            "Weak { var: \"JWT_AUTH_TEST_SECRET\", source: WeakSecret",
        ),
    ] {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "from_env_reads_the_process_environment",
                "--quiet",
            ])
            .env("JWT_AUTH_TEST_SECRET", value)
            .env("JWT_AUTH_TEST_EXPECT", expected)
            .status()
            .unwrap();
        assert!(status.success(), "child for {value:?} failed");
    }
}

proptest! {
    #[test]
    fn any_32_random_bytes_in_a_common_encoding_are_strong(bytes in proptest::array::uniform32(any::<u8>())) {
        use base64::Engine as _;
        let hex: String = bytes.iter().fold(String::new(), |hex, b| hex + &format!("{b:02x}"));
        prop_assert!(Secret::new(&hex).is_ok(), "hex {}", hex);
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        prop_assert!(Secret::new(&b64).is_ok(), "base64 {}", b64);
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        prop_assert!(Secret::new(&b64url).is_ok(), "base64url {}", b64url);
    }
}
