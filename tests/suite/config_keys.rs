//! `AuthConfig` with public keys: `JWT_ALGORITHM`, `JWT_PRIVATE_KEY_FILE`, the dual stack with
//! `JWT_SECRET`, `JWT_RETIRING_PUBLIC_KEY_FILES`, `JWT_ISSUER` and `JWT_AUDIENCE`; every way a key
//! file can be wrong is its own error naming the variable and the fix.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use jwt_auth::jwks::{Algorithm, KeyError, PublicKey, SigningKey};
use jwt_auth::{AuthConfig, ConfigError, Issuer, Verifier, VerifyError};

use crate::common::{OTHER_SECRET, SECRET, secret};

fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture_key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(fixture_path(name)).unwrap()).unwrap()
}

fn config(vars: &[(&str, &str)]) -> Result<AuthConfig, ConfigError> {
    let vars: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    AuthConfig::from_lookup(|name| vars.get(name).cloned())
}

/// A scratch directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "jwt-auth-config-keys-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn es256_signs_with_the_key_file_and_verifies_with_its_public_half() {
    let path = fixture_path("es256.pem");
    let config = config(&[("JWT_ALGORITHM", "ES256"), ("JWT_PRIVATE_KEY_FILE", &path)]).unwrap();
    let key = fixture_key("es256.pem");
    assert_eq!(config.algorithm(), Algorithm::ES256);
    assert_eq!(config.signing_kid(), key.kid());
    assert_eq!(config.fingerprint(), None);
    assert!(config.keys().ring().is_none());
    let token = config
        .issuer()
        .issue("42", Some("ada@example.com"))
        .unwrap();
    // The token verifies with the public key alone, as another service holds it.
    let claims = Verifier::new(key.public_key()).verify(&token).unwrap();
    assert_eq!(claims.sub, "42");
    assert_eq!(config.verifier().verify(&token).unwrap().sub, "42");
    // Without JWT_SECRET, an HS256 token has no key to be checked against.
    let hs256 = Issuer::new(secret()).issue("42", None).unwrap();
    assert!(matches!(
        config.verifier().verify(&hs256),
        Err(VerifyError::NoKeyForAlgorithm { .. })
    ));
    assert_eq!(
        serde_json::to_value(config.jwks()).unwrap(),
        serde_json::json!({"keys": [serde_json::to_value(key.public_key().to_jwk()).unwrap()]})
    );
    assert_eq!(
        config.to_string(),
        format!(
            "ES256, signing key {}, tokens live 7d, leeway 1m",
            key.kid()
        )
    );
}

#[test]
fn eddsa_signs_with_an_ed25519_key_file() {
    let path = fixture_path("ed25519.pem");
    let config = config(&[("JWT_ALGORITHM", "EdDSA"), ("JWT_PRIVATE_KEY_FILE", &path)]).unwrap();
    assert_eq!(config.algorithm(), Algorithm::EdDSA);
    let token = config.issuer().issue("42", None).unwrap();
    let verifier = Verifier::new(fixture_key("ed25519.pem").public_key());
    assert_eq!(verifier.verify(&token).unwrap().sub, "42");
    assert_eq!(config.jwks().keys()[0].algorithm(), Algorithm::EdDSA);
}

#[test]
fn dual_stack_verifies_the_shared_secret_s_tokens_and_never_signs_or_publishes_it() {
    let path = fixture_path("es256.pem");
    let config = config(&[
        ("JWT_ALGORITHM", "ES256"),
        ("JWT_PRIVATE_KEY_FILE", &path),
        ("JWT_SECRET", SECRET),
        ("JWT_SECRET_FALLBACKS", OTHER_SECRET),
    ])
    .unwrap();
    let ring = config.keys().ring().expect("the secret's ring");
    assert_eq!(ring.fallbacks().count(), 1);
    // Tokens from a service that still signs HS256, with the secret or its fallback, verify.
    for shared in [SECRET, OTHER_SECRET] {
        let token = Issuer::new(jwt_auth::Secret::new(shared).unwrap())
            .issue("7", None)
            .unwrap();
        assert_eq!(config.verifier().verify(&token).unwrap().sub, "7");
    }
    // Its own tokens are ES256, and the JWKS lists only the public key.
    let token = config.issuer().issue("42", None).unwrap();
    assert!(
        Verifier::new(fixture_key("es256.pem").public_key())
            .verify(&token)
            .is_ok()
    );
    let jwks = serde_json::to_string(&config.jwks()).unwrap();
    assert_eq!(config.jwks().keys().len(), 1);
    assert!(!jwks.contains(SECRET) && !jwks.contains("\"k\""));
    assert!(
        config.to_string().contains(&format!(
            "HS256 keys verifying only [{}, {}]",
            secret().fingerprint(),
            jwt_auth::Secret::new(OTHER_SECRET).unwrap().fingerprint()
        )),
        "{config}"
    );
    // A weak secret beside the key still stops start-up.
    let err = config_with(&path, &[("JWT_SECRET", "dev-secret-change-me")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Weak { var, .. } if var == "JWT_SECRET"),
        "{err:?}"
    );
}

fn config_with(key_file: &str, extra: &[(&str, &str)]) -> Result<AuthConfig, ConfigError> {
    let mut vars = vec![
        ("JWT_ALGORITHM", "ES256"),
        ("JWT_PRIVATE_KEY_FILE", key_file),
    ];
    vars.extend_from_slice(extra);
    config(&vars)
}

#[test]
fn an_unknown_algorithm_names_the_variable_and_the_choices() {
    for value in ["RS256", "es256", "none", ""] {
        let err = config(&[("JWT_ALGORITHM", value), ("JWT_SECRET", SECRET)]).unwrap_err();
        assert!(
            matches!(&err, ConfigError::InvalidValue { var, .. } if var == "JWT_ALGORITHM"),
            "{value}: {err:?}"
        );
        assert!(err.to_string().contains("HS256, ES256 or EdDSA"), "{err}");
    }
    // Spelled out, HS256 is the default.
    let config = config(&[("JWT_ALGORITHM", "HS256"), ("JWT_SECRET", SECRET)]).unwrap();
    assert_eq!(config.algorithm(), Algorithm::HS256);
}

#[test]
fn a_public_key_algorithm_without_a_key_file_says_how_to_make_one() {
    let err = config(&[("JWT_ALGORITHM", "EdDSA"), ("JWT_SECRET", SECRET)]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::MissingKeyFile { var, alg: Algorithm::EdDSA, .. } if var == "JWT_PRIVATE_KEY_FILE"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("JWT_PRIVATE_KEY_FILE is not set"),
        "{message}"
    );
    assert!(
        message.contains("jwt-auth key generate --alg EdDSA"),
        "{message}"
    );
    assert!(
        message.contains("openssl genpkey -algorithm ED25519"),
        "{message}"
    );
}

#[test]
fn a_missing_key_file_is_its_own_error() {
    let err = config_with("/nonexistent/jwt-auth/key.pem", &[]).unwrap_err();
    assert_eq!(
        err,
        ConfigError::KeyFileNotFound {
            var: "JWT_PRIVATE_KEY_FILE".into(),
            path: "/nonexistent/jwt-auth/key.pem".into()
        }
    );
    assert!(
        err.to_string()
            .starts_with("JWT_PRIVATE_KEY_FILE: no file at /nonexistent/jwt-auth/key.pem")
    );
    let err = config_with("", &[]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { var, .. } if var == "JWT_PRIVATE_KEY_FILE"),
        "{err:?}"
    );
}

#[test]
fn an_unreadable_key_file_is_its_own_error() {
    let scratch = Scratch::new("unreadable");
    // A directory, a binary (DER) file, and a file too large to be a key: each unreadable as
    // a PEM key, whoever runs the test (root reads a mode-000 file, so that is not used here).
    let dir = scratch.0.to_str().unwrap().to_owned();
    let der = scratch.file("key.der", &[0x30, 0x81, 0x87, 0xff, 0xfe]);
    let large = scratch.file("large.pem", &vec![b'A'; 70 * 1024]);
    for (path, reason) in [
        (&dir, "not a regular file"),
        (&der, "openssl pkey -inform DER"),
        (&large, "too large"),
    ] {
        let err = config_with(path, &[]).unwrap_err();
        match &err {
            ConfigError::KeyFileUnreadable {
                var,
                path: p,
                reason: r,
            } => {
                assert_eq!(
                    (var.as_str(), p.as_str()),
                    ("JWT_PRIVATE_KEY_FILE", path.as_str())
                );
                assert!(r.contains(reason), "{r}");
            }
            other => panic!("{path}: {other:?}"),
        }
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}

/// A key file, what its error must be, and what the message must say.
type Case = (&'static str, fn(&KeyError) -> bool, &'static str);

#[test]
fn each_unusable_private_key_names_the_variable_and_the_fix() {
    let cases: [Case; 7] = [
        (
            "es256.enc.pem",
            |e| *e == KeyError::Encrypted,
            "openssl pkcs8 -topk8 -nocrypt",
        ),
        (
            "es256.sec1.pem",
            |e| matches!(e, KeyError::NotPkcs8 { label } if label == "EC PRIVATE KEY"),
            "openssl pkcs8 -topk8",
        ),
        (
            "rsa.trad.pem",
            |e| matches!(e, KeyError::NotPkcs8 { label } if label == "RSA PRIVATE KEY"),
            "openssl pkcs8 -topk8",
        ),
        (
            "p384.pem",
            |e| matches!(e, KeyError::WrongCurve { curve: "P-384" }),
            "ES256 needs P-256",
        ),
        (
            "k1.pem",
            |e| matches!(e, KeyError::WrongCurve { curve: "secp256k1" }),
            "ES256 needs P-256",
        ),
        (
            "es256.pub.pem",
            |e| *e == KeyError::PublicKeyGiven,
            "PKCS#8 private key",
        ),
        (
            "rsa.pem",
            |e| matches!(e, KeyError::UnsupportedKeyType { .. }),
            "only P-256 (ES256) and Ed25519",
        ),
    ];
    for (file, expected, fix) in cases {
        let path = fixture_path(file);
        let err = config_with(&path, &[]).unwrap_err();
        match &err {
            ConfigError::Key {
                var,
                path: p,
                source,
            } => {
                assert_eq!(
                    (var.as_str(), p.as_str()),
                    ("JWT_PRIVATE_KEY_FILE", path.as_str())
                );
                assert!(expected(source), "{file}: {source:?}");
            }
            other => panic!("{file}: {other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("JWT_PRIVATE_KEY_FILE ({path}): ")),
            "{message}"
        );
        assert!(message.contains(fix), "{file}: {message}");
    }
}

#[test]
fn a_key_of_another_algorithm_than_jwt_algorithm_stops_start_up() {
    let ed = fixture_path("ed25519.pem");
    let err = config_with(&ed, &[]).unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::AlgorithmMismatch { var, configured: Algorithm::ES256, found: Algorithm::EdDSA, .. }
                if var == "JWT_PRIVATE_KEY_FILE"
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("set JWT_ALGORITHM=EdDSA"), "{err}");
    let es = fixture_path("es256.pem");
    let err = config(&[("JWT_ALGORITHM", "EdDSA"), ("JWT_PRIVATE_KEY_FILE", &es)]).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlgorithmMismatch {
            configured: Algorithm::EdDSA,
            found: Algorithm::ES256,
            ..
        }
    ));
    // An X25519 key is for key agreement, never for EdDSA signatures.
    let x = fixture_path("x25519.pem");
    let err = config(&[("JWT_ALGORITHM", "EdDSA"), ("JWT_PRIVATE_KEY_FILE", &x)]).unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::Key {
                source: KeyError::WrongCurve { curve: "X25519" },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_key_file_with_hs256_is_refused_rather_than_ignored() {
    let es = fixture_path("es256.pem");
    let err = config(&[("JWT_SECRET", SECRET), ("JWT_PRIVATE_KEY_FILE", &es)]).unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::AlgorithmMismatch {
                configured: Algorithm::HS256,
                found: Algorithm::ES256,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("set JWT_ALGORITHM=ES256 to sign with it, or unset JWT_PRIVATE_KEY_FILE"),
        "{err}"
    );
}

#[test]
fn retiring_keys_verify_and_are_published_until_dropped() {
    let scratch = Scratch::new("retiring");
    let old = fixture_key("ed25519.pem");
    let old_token = Issuer::new(&old).issue("42", None).unwrap();
    let es = fixture_path("es256.pem");
    let old_pub = fixture_path("ed25519.pub.pem");
    let config = config_with(
        &es,
        &[("JWT_RETIRING_PUBLIC_KEY_FILES", &format!(" {old_pub} ,"))],
    )
    .unwrap();
    assert_eq!(config.verifier().verify(&old_token).unwrap().sub, "42");
    let jwks = config.jwks();
    let kids: Vec<&str> = jwks.keys().iter().map(PublicKey::kid).collect();
    assert_eq!(kids, [fixture_key("es256.pem").kid(), old.kid()]);
    assert!(
        config
            .to_string()
            .contains(&format!("retiring keys [{}]", old.kid())),
        "{config}"
    );
    // Dropped, its tokens are refused.
    let without = config_with(&es, &[]).unwrap();
    assert!(without.verifier().verify(&old_token).is_err());

    // A private key in the list is refused: only public halves are published.
    let err = config_with(
        &es,
        &[("JWT_RETIRING_PUBLIC_KEY_FILES", &format!("{old_pub},{es}"))],
    )
    .unwrap_err();
    assert!(
        matches!(&err, ConfigError::Key { var, source: KeyError::PrivateKeyGiven, .. } if var == "JWT_RETIRING_PUBLIC_KEY_FILES (entry 2)"),
        "{err:?}"
    );
    let err = config_with(
        &es,
        &[("JWT_RETIRING_PUBLIC_KEY_FILES", "/nonexistent/old.pub.pem")],
    )
    .unwrap_err();
    assert!(
        matches!(err, ConfigError::KeyFileNotFound { .. }),
        "{err:?}"
    );
    // More than a key set holds.
    let many: Vec<String> = (0..8)
        .map(|i| {
            let key = generated(i);
            scratch.file(&format!("k{i}.pub.pem"), key.as_bytes())
        })
        .collect();
    let err = config_with(&es, &[("JWT_RETIRING_PUBLIC_KEY_FILES", &many.join(","))]).unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::Key {
                source: KeyError::TooManyKeys { max: 8 },
                ..
            }
        ),
        "{err:?}"
    );
}

/// The SPKI PEM of an Ed25519 public key distinct for each `i`: the first encoding from
/// `i * 64 + 2` upwards that the crate reads as a key.
fn generated(i: u8) -> String {
    use base64::Engine as _;
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    let mut x = [0u8; 32];
    let mut y = u32::from(i) * 64 + 2;
    loop {
        x[..4].copy_from_slice(&y.to_le_bytes());
        let mut candidate = der.clone();
        candidate.extend_from_slice(&x);
        if jwt_auth::jwks::PublicKey::from_spki_der(&candidate).is_ok() {
            der = candidate;
            break;
        }
        y += 1;
    }
    let body = base64::engine::general_purpose::STANDARD.encode(&der);
    format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
}

#[test]
fn issuer_and_audience_are_written_and_required() {
    let config = config(&[
        ("JWT_SECRET", SECRET),
        ("JWT_ISSUER", " https://users.example.com "),
        ("JWT_AUDIENCE", "catalog, orders"),
    ])
    .unwrap();
    let token = config.issuer().issue("42", None).unwrap();
    let claims = config.verifier().verify(&token).unwrap();
    assert_eq!(claims.iss.as_deref(), Some("https://users.example.com"));
    assert_eq!(
        claims.aud.map(|aud| aud.values().to_vec()),
        Some(vec!["catalog".to_owned(), "orders".to_owned()])
    );
    // One of the audiences is enough; another issuer, or none, is refused.
    let issue = |iss: Option<&str>, aud: &str| {
        let issuer = Issuer::new(secret()).with_audience(aud);
        match iss {
            Some(iss) => issuer.with_issuer(iss),
            None => issuer,
        }
        .issue("42", None)
        .unwrap()
    };
    assert!(
        config
            .verifier()
            .verify(&issue(Some("https://users.example.com"), "orders"))
            .is_ok()
    );
    assert!(matches!(
        config
            .verifier()
            .verify(&issue(Some("https://users.example.com"), "billing")),
        Err(VerifyError::AudienceMismatch { .. })
    ));
    assert!(matches!(
        config
            .verifier()
            .verify(&issue(Some("https://evil.example.com"), "orders")),
        Err(VerifyError::IssuerMismatch { .. })
    ));
    assert!(config.verifier().verify(&issue(None, "orders")).is_err());

    for (var, value) in [
        ("JWT_ISSUER", " "),
        ("JWT_AUDIENCE", "catalog,,orders"),
        ("JWT_AUDIENCE", ""),
    ] {
        let err = config_err(var, value);
        assert!(
            matches!(&err, ConfigError::InvalidValue { var: v, .. } if v == var),
            "{var}={value:?}: {err:?}"
        );
    }
}

fn config_err(var: &str, value: &str) -> ConfigError {
    config(&[("JWT_SECRET", SECRET), (var, value)]).unwrap_err()
}
