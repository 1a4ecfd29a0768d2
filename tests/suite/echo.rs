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

#[test]
fn parser_messages_are_bounded() {
    let token = unsigned(&format!(r#""{}""#, "Z".repeat(3_000)));
    let err = verifier().verify(&token).unwrap_err();
    let VerifyError::Json {
        part: TokenPart::Header,
        reason,
    } = &err
    else {
        panic!("{err:?}")
    };
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
