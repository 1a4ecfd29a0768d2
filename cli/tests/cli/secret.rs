//! `jwt-auth secret generate | check | fingerprint`, one secret at a time.

use jwt_auth::Secret;

use crate::{run, strong};

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
    assert!(err.contains("  - it carries about 96 bits of entropy"));
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
    assert_eq!(rules, ["too_short", "published", "low_entropy"]);
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
