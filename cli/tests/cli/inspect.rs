//! `jwt-auth token inspect`: decoded without verifying, and said so.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{T0, run, strong, token};

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
