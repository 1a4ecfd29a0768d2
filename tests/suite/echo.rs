//! What errors repeat from a token: bounded and escaped, so logs stay readable and honest.

use crate::common::*;
use jwt_auth::{TokenPart, VerifyError};

/// A header needs no key to reach the verifier's error messages, which end up in logs.
fn unsigned(header: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header),
        b64(product_payload()),
        "A".repeat(43)
    )
}

#[test]
fn attacker_chosen_names_cannot_forge_log_lines() {
    let token = unsigned(
        r#"{"alg":"HS256","x\nERROR admin login ok\u001b[0m":1,"x\nERROR admin login ok\u001b[0m":2}"#,
    );
    let err = verifier().verify(&token).unwrap_err();
    assert_eq!(
        err,
        VerifyError::DuplicateMember {
            part: TokenPart::Header,
            name: "x\\nERROR admin login ok\\u{1b}[0m".into()
        }
    );
    let message = err.to_string();
    assert!(
        !message.contains('\n') && !message.contains('\u{1b}'),
        "{message}"
    );
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)] // read only to fail
struct Numbered {
    n: u64,
}

#[test]
fn parser_messages_are_bounded() {
    let token = with(&format!(r#","n":"{}""#, "Z".repeat(3_000)));
    let err = verifier().verify_as::<Numbered>(&token).unwrap_err();
    let VerifyError::CustomClaims { reason } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.starts_with("invalid type: string \"ZZZ"), "{reason}");
    assert!(
        reason.chars().count() <= 201,
        "{} characters",
        reason.chars().count()
    );
    assert!(err.to_string().len() < 300);
}

#[test]
fn invalid_utf8_is_refused_however_deeply_nested() {
    let header = b64(b"{\"alg\":\"HS256\",\"x\":[\"\xff\"]}");
    let token = sign_segments(&header, &b64(product_payload()), SECRET.as_bytes());
    assert!(is_json_error(
        &verifier().verify(&token).unwrap_err(),
        TokenPart::Header
    ));
    let payload = format!(
        "{{\"sub\":\"42\",\"exp\":{},\"x\":[\"\u{fffd}\"]}}",
        T0_UNIX + 600
    )
    .replace('\u{fffd}', "\u{0}")
    .into_bytes()
    .into_iter()
    .map(|b| if b == 0 { 0xff } else { b })
    .collect::<Vec<u8>>();
    let token = sign_segments(
        &b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        &b64(payload),
        SECRET.as_bytes(),
    );
    assert!(is_json_error(
        &verifier().verify(&token).unwrap_err(),
        TokenPart::Payload
    ));
}

#[test]
fn escaped_lone_surrogates_in_the_header_are_refused() {
    let header = r#"{"alg":"HS256","x":["\ud800"]}"#;
    let token = sign_raw(header, &product_payload(), SECRET.as_bytes());
    assert!(is_json_error(
        &verifier().verify(&token).unwrap_err(),
        TokenPart::Header
    ));
}

/// U+2028 and U+2029 end a line for JavaScript and many log viewers; the bidirectional controls
/// reorder what a reader sees around them. A parser message that quotes them gets them escaped.
#[test]
fn line_and_direction_controls_are_escaped_in_messages() {
    let controls = "\u{2028}\u{2029}\u{85}\u{200e}\u{200f}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}";
    let token = with(&format!(r#","n":"ok{controls}""#));
    let err = verifier().verify_as::<Numbered>(&token).unwrap_err();
    let message = err.to_string();
    for c in controls.chars() {
        assert!(!message.contains(c), "raw {c:?} in {message:?}");
    }
    assert!(
        message.contains(r"ok\u{2028}\u{2029}\u{85}\u{200e}"),
        "{message}"
    );
    let token = unsigned(&format!(
        r#"{{"alg":"HS256","x{controls}":1,"x{controls}":2}}"#
    ));
    let Err(VerifyError::DuplicateMember { name, .. }) = verifier().verify(&token) else {
        panic!("expected DuplicateMember");
    };
    assert!(name.starts_with(r"x\u{2028}\u{2029}"), "{name}");
    assert!(!controls.chars().any(|c| name.contains(c)), "{name:?}");
}

/// Issuer and audience mismatches repeat what the token says, bounded like every other value.
#[test]
fn issuer_and_audience_are_echoed_bounded() {
    let long = "I".repeat(1_000);
    let token = with(&format!(
        r#","iss":"{long}\u2028","aud":["{long}","{long}"]"#
    ));
    let Err(VerifyError::IssuerMismatch {
        found: Some(found), ..
    }) = verifier().with_expected_issuer("users").verify(&token)
    else {
        panic!("expected IssuerMismatch");
    };
    assert_eq!(found, format!("{}…", "I".repeat(64)));
    let Err(VerifyError::AudienceMismatch { found, .. }) =
        verifier().with_expected_audience("catalog").verify(&token)
    else {
        panic!("expected AudienceMismatch");
    };
    assert_eq!(
        found,
        [
            format!("{}…", "I".repeat(64)),
            format!("{}…", "I".repeat(64))
        ]
    );
}
