//! Runs the built `jwt-auth` binary for every subcommand, with a controlled environment and
//! standard input, and checks its output and exit status.

use std::ffi::OsString;
use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::time::{Duration, OffsetDateTime};
use jwt_auth::{AuthConfig, FixedClock, Issuer, Secret, Verifier};
use serde_json::{Map, Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_jwt-auth");

/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Neither stream shows `secret`.
    fn assert_hides(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret),
            "secret on stdout: {}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(secret),
            "secret on stderr: {}",
            self.stderr
        );
        self
    }
}

/// Runs the binary with only `env` in its environment and `stdin` (or nothing: `/dev/null`).
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = command.spawn().expect("run jwt-auth");
    if let Some(input) = stdin {
        // The binary may exit without reading its input (JWT_SECRET won, a usage error): a
        // closed pipe is then expected.
        match child.stdin.take().unwrap().write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            result => result.unwrap(),
        }
    }
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().expect("exit status"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

fn strong() -> (Secret, String) {
    let (secret, shareable) = Secret::generate();
    (
        secret,
        jwt_auth::ExposeSecret::expose_secret(&shareable).to_owned(),
    )
}

fn at(seconds: i64) -> FixedClock {
    FixedClock::at_unix(seconds).unwrap()
}

/// A token for sub 42 / ada@example.com issued at `T0` with a 7-day lifetime.
fn token(secret: &Secret) -> String {
    Issuer::new(secret)
        .with_clock(at(T0))
        .issue("42", Some("ada@example.com"))
        .unwrap()
}

/// A token with `header` as its header and a garbage signature.
fn with_header(header: &str) -> String {
    let payload = format!(r#"{{"sub":"42","iat":{T0},"exp":{}}}"#, T0 + 3600);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode([7_u8; 32])
    )
}

// --- secret generate -------------------------------------------------------------------------

#[test]
fn secret_generate_prints_a_strong_secret_and_its_fingerprint() {
    let out = run(&["secret", "generate"], &[], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    let hex = lines[0].strip_prefix("secret:      ").expect("secret line");
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    let secret = Secret::new(hex).expect("generated secret is strong");
    assert_eq!(lines[1], format!("fingerprint: {}", secret.fingerprint()));
    assert!(
        out.stderr
            .contains("Set this secret as JWT_SECRET on every service")
    );

    let out = run(&["--json", "secret", "generate"], &[], None);
    assert_eq!(out.code, 0);
    let json = out.json();
    let hex = json["secret"].as_str().unwrap();
    assert_eq!(
        json["fingerprint"],
        Secret::new(hex).unwrap().fingerprint().to_string()
    );
}

// --- secret check ----------------------------------------------------------------------------

#[test]
fn secret_check_accepts_a_strong_secret_from_jwt_secret() {
    let (secret, hex) = strong();
    let out = run(&["secret", "check"], &[("JWT_SECRET", &hex)], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "strong: the secret from JWT_SECRET (64 bytes) passes every rule\nfingerprint: {}\n",
            secret.fingerprint()
        )
    );
    assert_eq!(out.stderr, "");
    out.assert_hides(&hex);
}

#[test]
fn secret_check_lists_every_failed_rule_with_its_fix() {
    let weak = "dev-secret-change-me";
    let out = run(&["secret", "check"], &[("JWT_SECRET", weak)], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    let err = &out.stderr;
    assert!(
        err.starts_with("weak: the secret from JWT_SECRET (20 bytes) fails 3 rules:\n"),
        "{err}"
    );
    assert!(err.contains("  - it is 20 bytes; HS256 needs at least 32\n    fix: use at least 32"));
    assert!(err.contains("  - it is a published secret"));
    assert!(err.contains("  - it reads as 4 words: even drawn at random from a 7,776-word list"));
    assert_eq!(err.matches("    fix: ").count(), 3);
    assert!(err.contains("next step: generate a new secret with `jwt-auth secret generate`"));
    out.assert_hides(weak);

    let out = run(
        &["--json", "secret", "check"],
        &[("JWT_SECRET", weak)],
        None,
    );
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["strong"], false);
    assert_eq!(json["source"], "JWT_SECRET");
    let rules: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["too_short", "published", "passphrase"]);
    assert!(json["problems"][0]["fix"].is_string());
    out.assert_hides(weak);
}

#[test]
fn secret_check_reads_standard_input_and_strips_one_newline() {
    let (secret, hex) = strong();
    let expected = format!("fingerprint: {}\n", secret.fingerprint());
    for input in [format!("{hex}\n"), format!("{hex}\r\n"), hex.clone()] {
        let out = run(&["secret", "check"], &[], Some(input.as_bytes()));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout
                .starts_with("strong: the secret from standard input (64 bytes)")
        );
        assert!(out.stdout.ends_with(&expected));
        out.assert_hides(&hex);
    }
    // Only one newline goes: a second one is part of the secret, and is warned about.
    let out = run(
        &["secret", "check"],
        &[],
        Some(format!("{hex}\n\n").as_bytes()),
    );
    assert!(out.stdout.contains("(65 bytes)"), "{}", out.stdout);
    assert!(!out.stdout.ends_with(&expected));
    assert!(
        out.stderr
            .contains("warning: the secret starts or ends with whitespace")
    );
}

#[test]
fn jwt_secret_wins_over_piped_input_unless_stdin_is_asked_for() {
    let (env_secret, env_hex) = strong();
    let (piped_secret, piped_hex) = strong();
    let env = [("JWT_SECRET", env_hex.as_str())];
    let piped = format!("{piped_hex}\n");

    let out = run(&["secret", "fingerprint"], &env, Some(piped.as_bytes()));
    assert_eq!(
        out.stdout,
        format!("{}  (secret from JWT_SECRET)\n", env_secret.fingerprint())
    );

    for force in ["--stdin", "-"] {
        let out = run(
            &["secret", "fingerprint", force],
            &env,
            Some(piped.as_bytes()),
        );
        let expected = format!(
            "{}  (secret from standard input)\n",
            piped_secret.fingerprint()
        );
        assert_eq!(out.stdout, expected, "{force}");
    }
}

#[test]
fn empty_input_is_a_usage_error() {
    for args in [
        &["secret", "check"][..],
        &["secret", "fingerprint"],
        &["secret", "check", "--stdin"],
    ] {
        let out = run(args, &[], Some(b""));
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            "jwt-auth: error: standard input is empty: there is no secret to read (set \
             JWT_SECRET, or pipe the secret in)\n"
        );
    }
    let out = run(&["secret", "check"], &[], Some(b"\n"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("standard input holds only a newline: the secret is empty")
    );

    let out = run(&["secret", "check"], &[("JWT_SECRET", "")], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("jwt-auth: error: JWT_SECRET is set but empty")
    );
}

#[test]
fn a_secret_given_as_an_argument_is_refused_without_being_echoed() {
    let (_, hex) = strong();
    for command in ["check", "fingerprint"] {
        let out = run(&["secret", command, &hex], &[], None);
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.contains("secrets are never taken as arguments"),
            "{}",
            out.stderr
        );
        out.assert_hides(&hex);
    }
}

// --- secret fingerprint ----------------------------------------------------------------------

#[test]
fn secret_fingerprint_matches_the_library_and_refuses_weak_secrets() {
    let (secret, hex) = strong();
    let out = run(
        &["--json", "secret", "fingerprint"],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["fingerprint"], secret.fingerprint().to_string());
    out.assert_hides(&hex);

    let weak = "dev-secret-change-me";
    let out = run(&["secret", "fingerprint"], &[("JWT_SECRET", weak)], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("refused: the secret from JWT_SECRET fails 3 rules:")
    );
    assert!(out.stderr.contains("--allow-weak-secret"));

    let out = run(
        &["secret", "fingerprint", "--allow-weak-secret"],
        &[("JWT_SECRET", weak)],
        None,
    );
    assert_eq!(out.code, 0);
    let fingerprint = jwt_auth::dangerous::insecure_secret(weak)
        .unwrap()
        .0
        .fingerprint();
    assert_eq!(
        out.stdout,
        format!("{fingerprint}  (secret from JWT_SECRET)\n")
    );
    assert!(out.stderr.contains("INSECURE"));
    out.assert_hides(weak);
}

// --- token issue -----------------------------------------------------------------------------

#[test]
fn token_issue_signs_with_jwt_secret() {
    let (secret, hex) = strong();
    let now = T0.to_string();
    let args = [
        "token",
        "issue",
        "--sub",
        "42",
        "--email",
        "ada@example.com",
        "--now",
        &now,
    ];
    let out = run(&args, &[("JWT_SECRET", &hex)], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // HS256 is deterministic: the same claims and secret give the same token.
    assert_eq!(out.stdout, format!("{}\n", token(&secret)));
    assert_eq!(
        out.stderr,
        format!(
            "issued for sub \"42\" (ada@example.com), exp 2026-01-08T00:00:00Z (expires in \
             7 d), kid {} (the fingerprint of JWT_SECRET)\n",
            secret.fingerprint()
        )
    );
    out.assert_hides(&hex);

    // Issued now, with a lifetime: the library accepts it.
    let out = run(
        &["token", "issue", "--sub", "7", "--ttl", "12h"],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let claims = Verifier::new(&secret)
        .verify(out.stdout.trim_end())
        .unwrap();
    assert_eq!(claims.sub, "7");
    assert_eq!(claims.email, None);
    assert_eq!(claims.exp - claims.iat.unwrap(), Duration::hours(12));

    let out = run(
        &["--json", "token", "issue", "--sub", "7", "--now", &now],
        &[("JWT_SECRET", &hex)],
        None,
    );
    let json = out.json();
    assert_eq!(json["claims"]["exp"], T0 + 7 * 86_400);
    assert_eq!(json["times"]["exp"]["utc"], "2026-01-08T00:00:00Z");
    assert_eq!(json["kid"], secret.fingerprint().to_string());
    Verifier::new(&secret)
        .with_clock(at(T0))
        .verify(json["token"].as_str().unwrap())
        .unwrap();
}

#[test]
fn token_issue_usage_errors_and_weak_secrets() {
    let (_, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let out = run(&["token", "issue", "--sub", "42"], &[], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("jwt-auth: error: JWT_SECRET is not set")
    );

    let out = run(&["token", "issue"], &env, None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--sub <ID>"), "{}", out.stderr);

    let out = run(
        &["token", "issue", "--sub", "42", "--ttl", "60"],
        &env,
        None,
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("\"60\" has no unit: write 60s for seconds"),
        "{}",
        out.stderr
    );

    let out = run(
        &["token", "issue", "--sub", "42", "--ttl", "0s"],
        &env,
        None,
    );
    assert_eq!(out.code, 2);

    let out = run(&["token", "issue", "--sub", ""], &env, None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the subject (`sub`) is empty"));

    let out = run(
        &["token", "issue", "--sub", "42"],
        &[("JWT_SECRET", "dev-secret-change-me")],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("refused: the secret from JWT_SECRET fails 3 rules:")
    );

    let out = run(
        &["token", "issue", "--sub", "42", "--ttl", "30d"],
        &env,
        None,
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stderr
            .contains("warning: a 30 d lifetime is over the 7 d verifiers accept")
    );
}

// --- token verify ----------------------------------------------------------------------------

#[test]
fn token_verify_prints_the_claims_with_utc_and_relative_times() {
    let (secret, hex) = strong();
    let token = token(&secret);
    let now = (T0 + 3600).to_string();
    let out = run(
        &["token", "verify", &token, "--now", &now],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "valid: signed with the current key, JWT_SECRET (fingerprint {}); HS256; checked \
             at 2026-01-01T01:00:00Z\n  \
             sub    42\n  \
             email  ada@example.com\n  \
             iat    2026-01-01T00:00:00Z (1 h ago)\n  \
             exp    2026-01-08T00:00:00Z (expires in 6 d 23 h)\n",
            secret.fingerprint()
        )
    );
    assert_eq!(out.stderr, "");
    out.assert_hides(&hex);

    let out = run(
        &["--json", "token", "verify", &token, "--now", &now],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0);
    let json = out.json();
    assert_eq!(json["valid"], true);
    assert_eq!(json["claims"]["sub"], "42");
    assert_eq!(json["claims"]["email"], "ada@example.com");
    assert_eq!(json["times"]["exp"]["relative"], "in 6 d 23 h");
    assert_eq!(json["times"]["exp"]["seconds_from_now"], 7 * 86_400 - 3600);
    assert_eq!(json["policy"]["leeway_seconds"], 60);
}

#[test]
fn token_verify_reads_standard_input() {
    let (secret, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let token = token(&secret);
    let now = T0.to_string();
    for input in [format!("{token}\n"), format!("Bearer {token}\r\n")] {
        for args in [
            &["token", "verify", "--now", &now][..],
            &["token", "verify", "-", "--now", &now],
        ] {
            let out = run(args, &env, Some(input.as_bytes()));
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            assert!(out.stdout.starts_with("valid: "));
        }
    }
    let out = run(&["token", "verify", "-"], &env, Some(b""));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "jwt-auth: error: standard input is empty: there is no token to read\n"
    );
    let out = run(&["token", "verify"], &env, None);
    assert_eq!(out.code, 2);
}

#[test]
fn an_expired_token_says_when_and_how_long_ago() {
    let (secret, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let token = token(&secret); // expires 2026-01-08T00:00:00Z
    let now = (T0 + 9 * 86_400 + 3 * 3600).to_string();
    let out = run(&["token", "verify", &token, "--now", &now], &env, None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with(
            "rejected: expired at 2026-01-08T00:00:00Z, 2 d 3 h ago (now \
             2026-01-10T03:00:00Z, leeway 1 min)\nnext step: the holder needs a new token: log in again"
        ),
        "{}",
        out.stderr
    );

    // With the real clock: a token from 2020 is long expired.
    let old = Issuer::new(&secret)
        .with_clock(at(1_577_836_800))
        .issue("42", None)
        .unwrap();
    let out = run(&["--json", "token", "verify", &old], &env, None);
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["reason"], "expired");
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .starts_with("expired at 2020-01-08T00:00:00Z, ")
    );
    // Every time in JSON is RFC 3339 UTC, the library's message included.
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .starts_with("token expired at 2020-01-08T00:00:00Z (now 20"),
        "{}",
        json["error"]
    );
    assert!(json["policy"]["now"].as_str().unwrap().ends_with('Z'));

    // Inside the leeway it passes; with no leeway it does not.
    let just_after = (T0 + 7 * 86_400 + 30).to_string();
    let out = run(
        &["token", "verify", &token, "--now", &just_after],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("(expired 30 s ago)"));
    let out = run(
        &[
            "token",
            "verify",
            &token,
            "--now",
            &just_after,
            "--leeway",
            "0s",
        ],
        &env,
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("rejected: expired at 2026-01-08T00:00:00Z, 30 s ago")
    );
}

#[test]
fn a_token_from_a_different_secret_says_compare_fingerprints() {
    let (secret, hex) = strong();
    let (other, _) = strong();
    let out = run(
        &["token", "verify", &token(&other)],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with(&format!(
        "rejected: signed with key {}, which is not in the key ring here (its keys: {} \
         (current))\nnext step: the issuing service's JWT_SECRET has fingerprint {0}",
        other.fingerprint(),
        secret.fingerprint()
    )));
    assert!(out.stderr.contains(
        "set the same JWT_SECRET everywhere and restart, or, during a rotation, list that secret \
         in JWT_SECRET_FALLBACKS here"
    ));
    out.assert_hides(&hex);

    let out = run(
        &["--json", "token", "verify", &token(&other)],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.json()["reason"], "unknown_key");
}

#[test]
fn a_wrong_algorithm_is_named() {
    let (_, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let out = run(
        &[
            "token",
            "verify",
            &with_header(r#"{"alg":"HS512","typ":"JWT"}"#),
        ],
        &env,
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with(
        "rejected: wrong algorithm: the token uses \"HS512\"; only HS256 is accepted\nnext step: \
         the issuing service must sign with HS256"
    ));
    let out = run(
        &[
            "--json",
            "token",
            "verify",
            &with_header(r#"{"alg":"none"}"#),
        ],
        &env,
        None,
    );
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["reason"], "wrong_algorithm");
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .contains("an unsigned token")
    );
}

#[test]
fn a_token_not_yet_valid_says_from_when() {
    let (secret, hex) = strong();
    let issuer = Issuer::new(&secret).with_clock(at(T0));
    let nbf = OffsetDateTime::from_unix_timestamp(T0 + 2 * 3600).unwrap();
    let token = issuer
        .issue_claims(&issuer.claims_for("42").unwrap().with_not_before(nbf))
        .unwrap();
    let now = T0.to_string();
    let out = run(
        &["token", "verify", &token, "--now", &now],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "rejected: not yet valid: usable from 2026-01-01T02:00:00Z, in 2 h (now \
             2026-01-01T00:00:00Z, leeway 1 min)"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_lifetime_over_the_maximum_is_refused_unless_allowed() {
    let (secret, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let token = Issuer::new(&secret)
        .with_clock(at(T0))
        .with_ttl(Duration::days(30))
        .issue("42", None)
        .unwrap();
    let now = T0.to_string();
    let out = run(&["token", "verify", &token, "--now", &now], &env, None);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("rejected: lifetime 30 d exceeds the maximum 7 d accepted")
    );
    assert!(out.stderr.contains("--max-ttl 31d"));
    let out = run(
        &["token", "verify", &token, "--now", &now, "--max-ttl", "31d"],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // One term for the lifetime: the old flag name is gone.
    let out = run(
        &["token", "verify", &token, "--max-lifetime", "31d"],
        &env,
        None,
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unexpected argument '--max-lifetime'"));
    let out = run(
        &[
            "--json",
            "token",
            "verify",
            &token,
            "--now",
            &now,
            "--max-ttl",
            "31d",
        ],
        &env,
        None,
    );
    assert_eq!(out.json()["policy"]["max_ttl_seconds"], 31 * 86_400);
}

#[test]
fn garbage_is_malformed_and_says_which_part() {
    let (_, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    let cases = [
        (
            "garbage",
            "rejected: malformed token: it has 1 segment; a JWT has exactly 3",
        ),
        (
            "a.b.c.d.e",
            "rejected: malformed token: it has 5 segments, so it is an encrypted JWE",
        ),
        (
            "e30=.e30.e30",
            "rejected: malformed token: the header is not canonical unpadded base64url",
        ),
        (
            "bm90IGpzb24.e30.e30",
            "rejected: malformed token: the header is not a JSON object",
        ),
    ];
    for (token, expected) in cases {
        let out = run(&["token", "verify", token], &env, None);
        assert_eq!(out.code, 1, "{token}");
        assert!(out.stderr.starts_with(expected), "{token}: {}", out.stderr);
        assert!(out.stderr.contains("\nnext step: "));
    }
    let huge = "a".repeat(9000);
    let out = run(&["--json", "token", "verify", &huge], &env, None);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["reason"], "malformed");
}

#[test]
fn token_verify_needs_jwt_secret() {
    let (secret, _) = strong();
    let out = run(&["token", "verify", &token(&secret)], &[], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("jwt-auth: error: JWT_SECRET is not set")
    );
}

// --- token inspect ---------------------------------------------------------------------------

#[test]
fn token_inspect_decodes_without_verifying_and_says_so() {
    let (other, _) = strong();
    let token = token(&other);
    let now = (T0 + 3600).to_string();
    // No secret at all: inspect never verifies.
    let out = run(&["token", "inspect", &token, "--now", &now], &[], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "UNVERIFIED: decoded without checking the signature; anyone can write these claims. Use \
         `jwt-auth token verify` to trust them.\n\
         header:\n  {{\n    \"alg\": \"HS256\",\n    \"kid\": \"{}\",\n    \"typ\": \"JWT\"\n  }}\n\
         payload:\n  {{\n    \"email\": \"ada@example.com\",\n    \"exp\": 1767830400,\n    \
         \"iat\": 1767225600,\n    \"sub\": \"42\"\n  }}\n\
         times (now 2026-01-01T01:00:00Z):\n  \
         iat  2026-01-01T00:00:00Z (1 h ago)\n  \
         exp  2026-01-08T00:00:00Z (expires in 6 d 23 h)\n\
         key: kid {0} (set JWT_SECRET, and JWT_SECRET_FALLBACKS, to see which of their keys it \
         names)\n\
         signature: 32 bytes, NOT checked\n",
            other.fingerprint()
        )
    );

    let out = run(
        &["--json", "token", "inspect", "-", "--now", &now],
        &[],
        Some(format!("{token}\n").as_bytes()),
    );
    assert_eq!(out.code, 0);
    let json = out.json();
    assert_eq!(json["verified"], false);
    assert_eq!(json["header"]["alg"], "HS256");
    assert_eq!(json["payload"]["sub"], "42");
    assert_eq!(json["times"]["exp"]["utc"], "2026-01-08T00:00:00Z");
}

#[test]
fn token_inspect_shows_what_it_can_of_odd_tokens() {
    // Padded base64 and alg none: shown, with notes; it decodes, so exit 0.
    let token = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(r#"{"sub":"1","exp":"soon"}"#)
    );
    let out = run(&["token", "inspect", &token], &[], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("UNVERIFIED: "));
    assert!(
        out.stdout
            .contains("note: header: not canonical unpadded base64url")
    );
    assert!(
        out.stdout
            .contains("note: alg is \"none\": `token verify` accepts only HS256")
    );
    assert!(
        out.stdout
            .contains("  exp  \"soon\" (not an integer NumericDate)")
    );
}

#[test]
fn token_inspect_reports_garbage() {
    let out = run(&["token", "inspect", "garbage"], &[], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "UNVERIFIED: decoded without checking the signature; anyone can write these claims. Use \
         `jwt-auth token verify` to trust them.\nerror: not a JWT: found 1 segment; a JWT is \
         header.payload.signature\n"
    );

    let out = run(
        &["token", "inspect", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.e30"],
        &[],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("payload (not JSON): not json\n"));
    assert!(out.stderr.contains("error: payload: not JSON"));

    let out = run(&["--json", "token", "inspect", "%%%.e30.e30"], &[], None);
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["decoded"], false);
    assert!(
        json["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("header: not base64url")
    );

    let out = run(&["token", "inspect"], &[], Some(b""));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "jwt-auth: error: standard input is empty: there is no token to read\n"
    );
}

// --- usage -----------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &[][..],
        &["nope"],
        &["secret"],
        &["token", "verify", "--leeway", "60"],
        &["token", "verify", "--now", "x"],
    ] {
        let out = run(args, &[], None);
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    let out = run(&["--help"], &[], None);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit status: 0 success, 1 refused"));
    let out = run(&["--version"], &[], None);
    assert_eq!(
        out.stdout,
        format!("jwt-auth {}\n", env!("CARGO_PKG_VERSION"))
    );
}

// --- token issue: claims, issuer, audience ----------------------------------------------------

#[test]
fn token_issue_sets_custom_claims_issuer_and_audience() {
    let (secret, hex) = strong();
    let now = T0.to_string();
    let out = run(
        &[
            "--json",
            "token",
            "issue",
            "--sub",
            "42",
            "--issuer",
            "users",
            "--audience",
            "catalog",
            "--claim",
            "level=3",
            "--claim",
            r#"role="admin""#,
            "--claim",
            r#"groups=["a","b"]"#,
            "--now",
            &now,
        ],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    // One audience is written as a string, as PyJWT and jsonwebtoken write it.
    assert_eq!(json["claims"]["aud"], "catalog");
    let token = json["token"].as_str().unwrap();
    let claims = Verifier::new(&secret)
        .with_clock(at(T0))
        .with_issuer("users")
        .with_audience("catalog")
        .verify_as::<Map<String, Value>>(token)
        .unwrap();
    assert_eq!(claims.iss.as_deref(), Some("users"));
    assert_eq!(
        Value::Object(claims.custom),
        json!({ "level": 3, "role": "admin", "groups": ["a", "b"] })
    );

    // The CLI's own verify, with the same expectations, shows the custom claims.
    let out = run(
        &[
            "token",
            "verify",
            token,
            "--now",
            &now,
            "--issuer",
            "users",
            "--audience",
            "catalog",
        ],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.ends_with(
        "  iss    users\n  aud    catalog\n  groups [\"a\",\"b\"]\n  level  3\n  role   \"admin\"\n"
    ));

    // Several audiences are an array.
    let out = run(
        &[
            "--json",
            "token",
            "issue",
            "--sub",
            "42",
            "--audience",
            "catalog",
            "--audience",
            "orders",
        ],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["claims"]["aud"], json!(["catalog", "orders"]));
}

#[test]
fn token_issue_refuses_registered_duplicate_and_malformed_claims() {
    let (_, hex) = strong();
    let env = [("JWT_SECRET", hex.as_str())];
    for (name, instead) in [
        ("sub", "use --sub"),
        ("email", "use --email"),
        ("iss", "use --issuer"),
        ("aud", "use --audience"),
        ("exp", "the issuer sets it from --ttl and --now"),
        ("iat", "the issuer sets it from --ttl and --now"),
        ("nbf", "the CLI does not set it"),
        ("jti", "the CLI does not set it"),
    ] {
        let claim = format!("{name}=1");
        let out = run(
            &["token", "issue", "--sub", "42", "--claim", &claim],
            &env,
            None,
        );
        assert_eq!(out.code, 2, "{name}");
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.contains(&format!(
                "invalid value '{claim}' for '--claim <NAME=JSON>': `{name}` is a registered \
                 claim, not a custom one: {instead}\n"
            )),
            "{name}: {}",
            out.stderr
        );
    }
    for (claim, expected) in [
        (
            "role=admin",
            "the value of `role` is not JSON (expected value at line 1 column 1); a string needs \
             quotes: --claim 'role=\"admin\"'",
        ),
        (
            "role",
            "expected NAME=JSON, such as level=3 or 'role=\"admin\"'",
        ),
        ("=1", "the claim name is empty: expected NAME=JSON"),
    ] {
        let out = run(
            &["token", "issue", "--sub", "42", "--claim", claim],
            &env,
            None,
        );
        assert_eq!(out.code, 2, "{claim}");
        assert!(out.stderr.contains(expected), "{claim}: {}", out.stderr);
    }
    let out = run(
        &[
            "token", "issue", "--sub", "42", "--claim", "x=1", "--claim", "x=2",
        ],
        &env,
        None,
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "jwt-auth: error: --claim x is given twice: a claim has one value\n"
    );
}

// --- the key ring: JWT_SECRET_FALLBACKS -------------------------------------------------------

/// The peers' recorded tokens and secrets (`tests/fixtures/peers.json` of the library).
fn peers() -> Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/peers.json"
    )))
    .unwrap()
}

fn weak_fingerprint(weak: &str) -> String {
    jwt_auth::dangerous::insecure_secret(weak)
        .unwrap()
        .0
        .fingerprint()
        .to_string()
}

#[test]
fn secret_check_checks_every_fallback_and_names_each_by_entry() {
    let (current, current_hex) = strong();
    let (old, old_hex) = strong();
    let padded = format!(" {old_hex} ");
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", padded.as_str()),
    ];
    let out = run(&["secret", "check"], &env, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "strong: the secret from JWT_SECRET (64 bytes) passes every rule\n\
             fingerprint: {}\n\
             strong: the secret from JWT_SECRET_FALLBACKS entry 1 (64 bytes) passes every rule\n\
             fingerprint: {}\n",
            current.fingerprint(),
            old.fingerprint()
        )
    );
    out.assert_hides(&current_hex).assert_hides(&old_hex);

    let weak = "dev-secret-change-me";
    let list = format!("{old_hex},{weak}");
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", list.as_str()),
    ];
    let out = run(&["secret", "check"], &env, None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains(
        "weak: the secret from JWT_SECRET_FALLBACKS entry 2 (20 bytes) fails 3 rules:\n  - it is \
         20 bytes"
    ));
    assert!(out.stderr.ends_with(
        "next step: remove it from JWT_SECRET_FALLBACKS on every service and restart them: anyone \
         who guesses it can sign tokens they accept. Tokens signed with it stop verifying: their \
         users log in again.\n"
    ));
    // A weak secret's fingerprint would let anyone confirm a guess: it is not shown.
    out.assert_hides(weak)
        .assert_hides(&weak_fingerprint(weak))
        .assert_hides(&old_hex);

    let out = run(&["--json", "secret", "check"], &env, None);
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["strong"], true);
    assert_eq!(json["fingerprint"], current.fingerprint().to_string());
    let fallbacks = json["fallbacks"].as_array().unwrap();
    assert_eq!(fallbacks.len(), 2);
    assert_eq!(fallbacks[0]["entry"], 1);
    assert_eq!(fallbacks[0]["source"], "JWT_SECRET_FALLBACKS");
    assert_eq!(fallbacks[0]["strong"], true);
    assert_eq!(fallbacks[0]["fingerprint"], old.fingerprint().to_string());
    assert_eq!(fallbacks[1]["entry"], 2);
    assert_eq!(fallbacks[1]["strong"], false);
    assert_eq!(fallbacks[1].get("fingerprint"), None);
    let rules: Vec<&str> = fallbacks[1]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["too_short", "published", "passphrase"]);
    out.assert_hides(weak).assert_hides(&old_hex);

    // A secret on standard input is a copy being compared: the environment's fallbacks are not.
    let out = run(
        &["--json", "secret", "check", "--stdin"],
        &env,
        Some(current_hex.as_bytes()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["fallbacks"], json!([]));
}

#[test]
fn secret_fingerprint_lists_every_key_and_refuses_a_weak_fallback() {
    let (current, current_hex) = strong();
    let (old, old_hex) = strong();
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", old_hex.as_str()),
    ];
    let out = run(&["secret", "fingerprint"], &env, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "{}  (secret from JWT_SECRET)\n{}  (fallback from JWT_SECRET_FALLBACKS entry 1)\n",
            current.fingerprint(),
            old.fingerprint()
        )
    );
    let out = run(&["--json", "secret", "fingerprint"], &env, None);
    assert_eq!(
        out.json(),
        json!({
            "fingerprint": current.fingerprint().to_string(),
            "source": "JWT_SECRET",
            "strong": true,
            "fallbacks": [{
                "fingerprint": old.fingerprint().to_string(),
                "source": "JWT_SECRET_FALLBACKS",
                "entry": 1,
                "strong": true,
            }],
        })
    );
    out.assert_hides(&current_hex).assert_hides(&old_hex);

    let weak = "dev-secret-change-me";
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", weak),
    ];
    let out = run(&["secret", "fingerprint"], &env, None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("refused: the secret from JWT_SECRET_FALLBACKS entry 1 fails 3 rules:\n")
    );
    out.assert_hides(&weak_fingerprint(weak));

    // Allowed by name: the CLI prints the one warning (the library prints nothing).
    let out = run(
        &["secret", "fingerprint", "--allow-weak-secret"],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (insecure, problems) = jwt_auth::dangerous::insecure_secret(weak).unwrap();
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        out.stderr,
        format!(
            "jwt-auth WARNING: using an INSECURE development secret from JWT_SECRET_FALLBACKS \
             entry 1 (fingerprint {}): {}\n",
            insecure.fingerprint(),
            problems.join("; ")
        )
    );
    assert_eq!(
        out.stdout,
        format!(
            "{}  (secret from JWT_SECRET)\n{}  (fallback from JWT_SECRET_FALLBACKS entry 1)\n",
            current.fingerprint(),
            insecure.fingerprint()
        )
    );
    out.assert_hides(weak);
}

#[test]
fn fallbacks_are_read_as_the_library_reads_them() {
    let (current, current_hex) = strong();
    let hexes: Vec<String> = (0..4).map(|_| strong().1).collect();
    let token = token(&current);
    let now = T0.to_string();
    for list in [
        String::new(),
        "  ".to_owned(),
        format!("{},{}", hexes[0], hexes[1]),
        format!(" {} , {} ", hexes[0], hexes[1]),
        // A key listed twice, or the current key listed again, is one key of the ring.
        format!("{},{},{}", hexes[0], hexes[1], hexes[0]),
        format!("{current_hex},{}", hexes[0]),
    ] {
        let vars = [
            ("JWT_SECRET", current_hex.as_str()),
            ("JWT_SECRET_FALLBACKS", &list),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| OsString::from(value))
        };
        let expected: Vec<String> = AuthConfig::from_lookup(lookup)
            .unwrap()
            .keys()
            .fingerprints()
            .iter()
            .map(ToString::to_string)
            .collect();
        let out = run(
            &["--json", "token", "verify", &token, "--now", &now],
            &vars,
            None,
        );
        assert_eq!(out.code, 0, "{list:?}: {}", out.stderr);
        let json = out.json();
        let found: Vec<&str> = json["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|key| key["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(found, expected, "{list:?}");
    }

    // What the library refuses, the CLI refuses, as a usage error.
    let empty_entry = format!("{},,{}", hexes[0], hexes[1]);
    let too_many = hexes.join(",");
    for (list, message) in [
        (
            empty_entry.as_str(),
            "jwt-auth: error: JWT_SECRET_FALLBACKS entry 2 is empty: list the secrets that still \
             verify, separated by commas (`a,b`), with nothing between two commas\n",
        ),
        (
            too_many.as_str(),
            "jwt-auth: error: JWT_SECRET_FALLBACKS lists 4 secrets: a key ring holds at most 3 \
             fallback keys: drop retired keys first\n",
        ),
    ] {
        let vars = [
            ("JWT_SECRET", current_hex.as_str()),
            ("JWT_SECRET_FALLBACKS", list),
        ];
        assert!(
            AuthConfig::from_lookup(|name: &str| {
                vars.iter()
                    .find(|(var, _)| *var == name)
                    .map(|(_, value)| OsString::from(value))
            })
            .is_err()
        );
        let out = run(&["token", "verify", &token], &vars, None);
        assert_eq!(out.code, 2, "{list}");
        assert_eq!(out.stderr, message);
        for hex in &hexes {
            out.assert_hides(hex);
        }
    }
}

#[test]
fn token_verify_says_which_key_of_the_ring_verified() {
    let (current, current_hex) = strong();
    let (old, old_hex) = strong();
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", old_hex.as_str()),
    ];
    let now = (T0 + 3600).to_string();
    let current_key = json!({
        "fingerprint": current.fingerprint().to_string(),
        "role": "current",
        "source": "JWT_SECRET",
    });
    let old_key = json!({
        "fingerprint": old.fingerprint().to_string(),
        "role": "fallback",
        "source": "JWT_SECRET_FALLBACKS",
        "entry": 1,
    });

    let out = run(
        &["token", "verify", &token(&old), "--now", &now],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with(&format!(
        "valid: signed with a fallback key, JWT_SECRET_FALLBACKS entry 1 (fingerprint {}); \
         HS256; checked at 2026-01-01T01:00:00Z\n  sub    42\n",
        old.fingerprint()
    )));
    out.assert_hides(&current_hex).assert_hides(&old_hex);

    let out = run(
        &["--json", "token", "verify", &token(&old), "--now", &now],
        &env,
        None,
    );
    let json = out.json();
    assert_eq!(json["key"], old_key);
    assert_eq!(json["keys"], json!([current_key, old_key]));

    let out = run(
        &["--json", "token", "verify", &token(&current), "--now", &now],
        &env,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["key"], current_key);
}

#[test]
fn a_python_token_without_kid_is_tried_against_each_key() {
    let peers = peers();
    let python = peers["peer_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "pyjwt/int-exp-iat")
        .expect("the PyJWT fixture");
    let token = python["token"].as_str().unwrap();
    let now = python["now"].as_i64().unwrap().to_string();
    let shared = peers["secret"].as_str().unwrap();
    let other = peers["other_secret"].as_str().unwrap();
    let shared_fingerprint = peers["fingerprints"]["python"].as_str().unwrap();
    let other_fingerprint = peers["other_fingerprints"]["python"].as_str().unwrap();

    // The service moved to `other`; the Python service still signs with the shared secret.
    let env = [("JWT_SECRET", other), ("JWT_SECRET_FALLBACKS", shared)];
    let out = run(&["token", "verify", token, "--now", &now], &env, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with(&format!(
        "valid: signed with a fallback key, JWT_SECRET_FALLBACKS entry 1 (fingerprint \
         {shared_fingerprint}); HS256;"
    )));

    // Without the fallback, a token without kid fails on its signature, naming the ring.
    let out = run(
        &["--json", "token", "verify", token, "--now", &now],
        &[("JWT_SECRET", other)],
        None,
    );
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["reason"], "signature_mismatch");
    assert!(json["next_step"].as_str().unwrap().contains(&format!(
        "the keys here have fingerprints {other_fingerprint} (current)."
    )));
    out.assert_hides(other).assert_hides(token);
}

#[test]
fn an_unknown_kid_names_the_kid_and_the_ring() {
    let (current, current_hex) = strong();
    let (old, old_hex) = strong();
    let (stranger, _) = strong();
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", old_hex.as_str()),
    ];
    let out = run(&["token", "verify", &token(&stranger)], &env, None);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with(&format!(
        "rejected: signed with key {}, which is not in the key ring here (its keys: {} \
         (current), {} (fallback))\n",
        stranger.fingerprint(),
        current.fingerprint(),
        old.fingerprint()
    )));

    let out = run(
        &["--json", "token", "verify", &token(&stranger)],
        &env,
        None,
    );
    let json = out.json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["reason"], "unknown_key");
    assert_eq!(json["kid"], stranger.fingerprint().to_string());
    assert_eq!(
        json["known"],
        json!([
            current.fingerprint().to_string(),
            old.fingerprint().to_string()
        ])
    );
    assert_eq!(json["keys"][1]["role"], "fallback");
}

#[test]
fn token_inspect_names_the_key_its_kid_names_without_verifying() {
    let (current, current_hex) = strong();
    let (old, old_hex) = strong();
    let (stranger, _) = strong();
    let env = [
        ("JWT_SECRET", current_hex.as_str()),
        ("JWT_SECRET_FALLBACKS", old_hex.as_str()),
    ];
    let out = run(&["token", "inspect", &token(&old)], &env, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&format!(
        "\nkey: kid {} names a fallback key, JWT_SECRET_FALLBACKS entry 1\nsignature: 32 bytes, \
         NOT checked\n",
        old.fingerprint()
    )));
    out.assert_hides(&current_hex).assert_hides(&old_hex);

    let out = run(&["--json", "token", "inspect", &token(&old)], &env, None);
    let json = out.json();
    assert_eq!(json["verified"], false);
    assert_eq!(json["kid"], old.fingerprint().to_string());
    assert_eq!(json["kid_key"]["role"], "fallback");
    assert_eq!(json["kid_key"]["entry"], 1);
    assert_eq!(
        json["keys"][0]["fingerprint"],
        current.fingerprint().to_string()
    );

    let out = run(&["token", "inspect", &token(&stranger)], &env, None);
    assert!(out.stdout.contains(&format!(
        "\nkey: kid {} is not in the key ring here ({} (current), {} (fallback)): `token verify` \
         refuses it\n",
        stranger.fingerprint(),
        current.fingerprint(),
        old.fingerprint()
    )));
    let out = run(
        &["--json", "token", "inspect", &token(&stranger)],
        &env,
        None,
    );
    assert_eq!(out.json()["kid_key"], Value::Null);

    // A weak JWT_SECRET is not fingerprinted: inspect has no --allow-weak-secret.
    let weak = "dev-secret-change-me";
    let out = run(
        &["token", "inspect", &token(&old)],
        &[("JWT_SECRET", weak)],
        None,
    );
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(&format!(
        "\nkey: kid {}; not compared with JWT_SECRET: a key fails the strength check \
         (`jwt-auth secret check` says which)\n",
        old.fingerprint()
    )));
    out.assert_hides(&weak_fingerprint(weak));

    // A token without kid, as the Python and Node services sign them.
    let peers = peers();
    let kidless = peers["peer_tokens"][0]["token"].as_str().unwrap();
    let out = run(&["token", "inspect", kidless], &env, None);
    assert!(out.stdout.contains(
        "\nkey: no kid: `token verify` tries each key of the ring, the current one first\n"
    ));
    let out = run(&["--json", "token", "inspect", kidless], &[], None);
    let json = out.json();
    assert_eq!(json["kid"], Value::Null);
    assert_eq!(json["keys"], Value::Null);
    let out = run(&["token", "inspect", kidless], &[], None);
    assert!(out.stdout.contains("\nkey: no kid\n"));
}

#[test]
fn a_signature_of_the_wrong_length_is_malformed() {
    let (_, hex) = strong();
    let payload = format!(r#"{{"sub":"42","iat":{T0},"exp":{}}}"#, T0 + 3600);
    let token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode([7_u8; 31])
    );
    let out = run(
        &["--json", "token", "verify", &token],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["reason"], "malformed");
    assert_eq!(
        json["cause"],
        "malformed token: the signature is 31 bytes; an HS256 signature is 32"
    );
}
