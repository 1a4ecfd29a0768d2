//! `jwt-auth token verify`: the policy, and each rejection explained.

use jwt_auth::Issuer;
use jwt_auth::time::{Duration, OffsetDateTime};

use crate::{T0, at, run, strong, token, with_header};

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
fn a_peers_own_kid_that_no_key_verifies_is_named_as_a_label() {
    let (secret, hex) = strong();
    let foreign = with_header(r#"{"alg":"HS256","typ":"JWT","kid":"2026-11"}"#);
    let out = run(
        &["token", "verify", &foreign],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(&format!(
            "rejected: signed with key \"2026-11\", the issuer's own label, and no key of the ring \
             here verifies it (its keys: {} (current))\nnext step: the issuing service signs with \
             a secret this ring does not hold: run `jwt-auth secret fingerprint` on its JWT_SECRET",
            secret.fingerprint()
        )),
        "{}",
        out.stderr
    );
    let out = run(
        &["--json", "token", "verify", &foreign],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(out.json()["reason"], "unknown_key");
    assert_eq!(out.json()["kid"], "2026-11");
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
