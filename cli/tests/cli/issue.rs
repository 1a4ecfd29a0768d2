//! `jwt-auth token issue`: signing, custom claims, `iss` and `aud`.

use jwt_auth::Verifier;
use jwt_auth::time::Duration;
use serde_json::{Map, Value, json};

use crate::{T0, at, run, strong, token};

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
        .with_expected_issuer("users")
        .with_expected_audience("catalog")
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
