//! `key generate`, `key inspect`, `jwks`, and `token issue --private-key` / `token verify
//! --public-key | --jwks`: ES256 and EdDSA key pairs, end to end.

use std::path::{Path, PathBuf};

use jwt_auth::jwks::{Algorithm, Jwks, PublicKey, SigningKey};
use jwt_auth::{Issuer, Verifier};

use super::{T0, at, run, strong, token};

/// A scratch directory of the test's own, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("jwt-auth-cli-keys-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[cfg(unix)]
fn mode(path: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn key_generate_writes_a_pkcs8_private_key_0600_and_its_public_key() {
    let dir = Dir::new("generate");
    for (alg, expected) in [("ES256", Algorithm::ES256), ("EdDSA", Algorithm::EdDSA)] {
        let private = dir.path(&format!("{alg}.pem"));
        let generated = run(
            &["key", "generate", "--alg", alg, "--out", &private, "--json"],
            &[],
            None,
        );
        assert_eq!(generated.code, 0, "{}", generated.stderr);
        let json = generated.json();
        let public = dir.path(&format!("{alg}.pub.pem"));
        assert_eq!(json["public_key_file"], public.as_str());
        let pem = read(&private);
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        let key = SigningKey::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(key.algorithm(), expected);
        assert_eq!(json["kid"], key.kid());
        assert_eq!(json["alg"], alg);
        // The public file is the private key's public half, and nothing private is printed.
        assert_eq!(
            PublicKey::from_spki_pem(&read(&public)).unwrap(),
            *key.public_key()
        );
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!generated.stdout.contains(&body) && !generated.stderr.contains(&body));
        #[cfg(unix)]
        {
            assert_eq!(mode(&private), 0o600, "{alg}");
            assert_eq!(mode(&public), 0o644, "{alg}");
        }
        // Tokens it signs verify with the public key alone.
        let token = Issuer::new(&key).issue("42", None).unwrap();
        assert!(
            Verifier::new(PublicKey::from_spki_pem(&read(&public)).unwrap())
                .verify(&token)
                .is_ok()
        );
    }
    // Two runs make two different keys.
    let again = dir.path("again.pem");
    assert_eq!(
        run(
            &["key", "generate", "--alg", "ES256", "--out", &again],
            &[],
            None
        )
        .code,
        0
    );
    assert_ne!(read(&again), read(&dir.path("ES256.pem")));
}

#[test]
fn key_generate_never_overwrites_a_file() {
    let dir = Dir::new("overwrite");
    let private = dir.path("key.pem");
    std::fs::write(&private, "precious").unwrap();
    let refused = run(
        &["key", "generate", "--alg", "EdDSA", "--out", &private],
        &[],
        None,
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("exists: refusing to overwrite"),
        "{}",
        refused.stderr
    );
    assert_eq!(read(&private), "precious");
    assert!(!Path::new(&dir.path("key.pub.pem")).exists());
    // Nor the public file: and then the private one is not written either.
    let other = dir.path("other.pem");
    let public = dir.path("other.pub.pem");
    std::fs::write(&public, "precious").unwrap();
    let refused = run(
        &["key", "generate", "--alg", "ES256", "--out", &other],
        &[],
        None,
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(!Path::new(&other).exists());
    assert_eq!(read(&public), "precious");
    // An unknown algorithm is a usage error.
    let refused = run(
        &[
            "key",
            "generate",
            "--alg",
            "RS256",
            "--out",
            &dir.path("rsa.pem"),
        ],
        &[],
        None,
    );
    assert_eq!(refused.code, 2);
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../tests/fixtures/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn key_inspect_shows_the_thumbprint_of_a_private_or_public_key_file() {
    let key = SigningKey::from_pkcs8_pem(&read(&fixture("es256.pem"))).unwrap();
    for file in ["es256.pem", "es256.pub.pem"] {
        let shown = run(&["key", "inspect", &fixture(file), "--json"], &[], None);
        assert_eq!(shown.code, 0, "{}", shown.stderr);
        let json = shown.json();
        assert_eq!(json["kid"], key.kid());
        assert_eq!(json["thumbprint"], key.public_key().thumbprint());
        assert_eq!(json["alg"], "ES256");
        assert!(json["jwk"].get("d").is_none(), "{json}");
        let text = run(&["key", "inspect", &fixture(file)], &[], None);
        assert!(
            text.stdout.contains(&format!("kid  {}", key.kid())),
            "{}",
            text.stdout
        );
    }
    // A key it cannot use says why.
    let refused = run(&["key", "inspect", &fixture("es256.sec1.pem")], &[], None);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("not PKCS#8"), "{}", refused.stderr);
}

#[test]
fn jwks_prints_the_document_a_service_publishes() {
    let printed = run(
        &[
            "jwks",
            &fixture("es256.pub.pem"),
            &fixture("ed25519.pub.pem"),
        ],
        &[],
        None,
    );
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let keys = [
        PublicKey::from_spki_pem(&read(&fixture("es256.pub.pem"))).unwrap(),
        PublicKey::from_spki_pem(&read(&fixture("ed25519.pub.pem"))).unwrap(),
    ];
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&printed.stdout).unwrap(),
        serde_json::to_value(Jwks::from_keys(&keys)).unwrap()
    );
    // A private key is refused: only public halves are published.
    let refused = run(&["jwks", &fixture("es256.pem")], &[], None);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("a private key was given"),
        "{}",
        refused.stderr
    );
    assert!(run(&["jwks"], &[], None).code == 2);
}

#[test]
fn token_issue_and_verify_with_key_files() {
    let dir = Dir::new("issue-verify");
    let now = T0.to_string();
    for (private, public, other) in [
        ("es256.pem", "es256.pub.pem", "ed25519.pub.pem"),
        ("ed25519.pem", "ed25519.pub.pem", "es256.pub.pem"),
    ] {
        let key = SigningKey::from_pkcs8_pem(&read(&fixture(private))).unwrap();
        let issued = run(
            &[
                "token",
                "issue",
                "--sub",
                "42",
                "--email",
                "ada@example.com",
                "--private-key",
                &fixture(private),
                "--now",
                &now,
                "--json",
            ],
            &[],
            None,
        );
        assert_eq!(issued.code, 0, "{}", issued.stderr);
        let token = issued.json()["token"].as_str().unwrap().to_owned();
        assert_eq!(issued.json()["kid"], key.kid());
        let claims = Verifier::new(key.public_key())
            .with_clock(at(T0))
            .verify(&token)
            .unwrap();
        assert_eq!(claims.email.as_deref(), Some("ada@example.com"));

        let verified = run(
            &[
                "token",
                "verify",
                "--public-key",
                &fixture(public),
                "--now",
                &now,
                &token,
                "--json",
            ],
            &[],
            None,
        );
        assert_eq!(verified.code, 0, "{}", verified.stdout);
        assert_eq!(verified.json()["key"]["kid"], key.kid());
        assert_eq!(verified.json()["claims"]["sub"], "42");

        let jwks = dir.path(&format!("{private}.jwks.json"));
        std::fs::write(
            &jwks,
            run(&["jwks", &fixture(other), &fixture(public)], &[], None).stdout,
        )
        .unwrap();
        let verified = run(
            &["token", "verify", "--jwks", &jwks, "--now", &now, &token],
            &[],
            None,
        );
        assert_eq!(verified.code, 0, "{}", verified.stdout);
        assert!(
            verified.stdout.starts_with(&format!(
                "valid: signed with the {} key {}",
                key.algorithm(),
                key.kid()
            )),
            "{}",
            verified.stdout
        );

        // The other algorithm's key: refused, exit 1, with the cause.
        let refused = run(
            &[
                "token",
                "verify",
                "--public-key",
                &fixture(other),
                "--now",
                &now,
                &token,
                "--json",
            ],
            &[],
            None,
        );
        assert_eq!(refused.code, 1);
        assert_eq!(refused.json()["valid"], false);
        assert!(
            refused.json()["error"]
                .as_str()
                .unwrap()
                .contains("holds no"),
            "{}",
            refused.stdout
        );
    }
}

#[test]
fn token_inspect_names_a_public_key_token_s_kid_as_its_thumbprint() {
    for file in ["es256.pem", "ed25519.pem"] {
        let key = SigningKey::from_pkcs8_pem(&read(&fixture(file))).unwrap();
        let token = Issuer::new(&key).issue("42", None).unwrap();
        let inspected = run(&["token", "inspect", &token], &[], None);
        assert_eq!(inspected.code, 0, "{}", inspected.stderr);
        assert!(
            inspected
                .stdout
                .contains(&format!("kid {}: the RFC 7638 thumbprint", key.kid())),
            "{}",
            inspected.stdout
        );
    }
}

#[test]
fn token_verify_and_issue_refuse_the_wrong_kind_of_key() {
    let now = T0.to_string();
    // An HS256 token checked against public keys: no key for its algorithm.
    let (secret, _) = strong();
    let refused = run(
        &[
            "token",
            "verify",
            "--public-key",
            &fixture("es256.pub.pem"),
            "--now",
            &now,
            &token(&secret),
        ],
        &[],
        None,
    );
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("HS256"), "{}", refused.stderr);
    // A private key where a public one is expected, and the reverse.
    let refused = run(
        &[
            "token",
            "verify",
            "--public-key",
            &fixture("es256.pem"),
            &token(&secret),
        ],
        &[],
        None,
    );
    assert_eq!(refused.code, 2);
    let refused = run(
        &[
            "token",
            "issue",
            "--sub",
            "42",
            "--private-key",
            &fixture("es256.pub.pem"),
        ],
        &[],
        None,
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("a public key was given"),
        "{}",
        refused.stderr
    );
}
