//! The key ring: `JWT_SECRET_FALLBACKS` read as the library reads it, checked, fingerprinted,
//! and used by `token verify` and `token inspect`.

use std::ffi::OsString;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::AuthConfig;
use serde_json::{Value, json};

use crate::{T0, peers, run, strong, token, weak_fingerprint};

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
    assert_eq!(rules, ["too_short", "published", "low_entropy"]);
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
            .ring()
            .unwrap()
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
         tries each key, the current one first, and refuses the token when none verifies it\n",
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
