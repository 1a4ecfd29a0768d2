//! Segments and their encoding: exactly three, canonical unpadded base64url, under the size cap.

use crate::common::*;
use jwt_auth::{FixedClock, TokenPart, Verifier, VerifyError};
use time::Duration;

#[test]
fn wrong_segment_counts_are_refused() {
    let token = token_with_payload(&product_payload());
    assert_eq!(
        verifier().verify(""),
        Err(VerifyError::SegmentCount { found: 1 })
    );
    assert_eq!(
        verifier().verify("abc"),
        Err(VerifyError::SegmentCount { found: 1 })
    );
    assert_eq!(
        verifier().verify("a.b"),
        Err(VerifyError::SegmentCount { found: 2 })
    );
    assert_eq!(
        verifier().verify(&format!("{token}.")),
        Err(VerifyError::SegmentCount { found: 4 })
    );
    let five = format!("{token}.{}", b64("x").repeat(2));
    assert_eq!(
        verifier().verify(&five),
        Err(VerifyError::SegmentCount { found: 4 })
    );
}

#[test]
fn padding_whitespace_and_standard_base64_are_refused() {
    let token = token_with_payload(&product_payload());
    let parts: Vec<&str> = token.split('.').collect();
    let header = parts[0]; // 36 chars: no padding needed, add some anyway
    for bad_header in [
        format!("{header}=="),
        format!(" {header}"),
        format!("{header}\n"),
        header.replace('z', "+"),
    ] {
        let bad = format!("{bad_header}.{}.{}", parts[1], parts[2]);
        assert_eq!(
            verifier().verify(&bad),
            Err(VerifyError::Base64 {
                part: TokenPart::Header
            }),
            "{bad_header:?}"
        );
    }
}

#[test]
fn non_canonical_trailing_bits_are_refused_in_the_signature() {
    let token = token_with_payload(&product_payload());
    let (input, sig) = token.rsplit_once('.').unwrap();
    // The 43rd character carries 4 bits of the tag and 2 bits that must be zero.
    let last = sig.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).unwrap();
    let sloppy = alphabet.chars().nth(index | 1).unwrap();
    assert_ne!(
        sloppy, last,
        "the canonical last character has its low bits clear"
    );
    let bad = format!("{input}.{}{sloppy}", &sig[..42]);
    assert_eq!(
        verifier().verify(&bad),
        Err(VerifyError::Base64 {
            part: TokenPart::Signature
        })
    );
}

#[test]
fn an_oversized_token_is_refused_before_anything_else() {
    let huge = "a".repeat(Verifier::MAX_TOKEN_LEN + 1);
    assert_eq!(
        verifier().verify(&huge),
        Err(VerifyError::TooLarge {
            len: Verifier::MAX_TOKEN_LEN + 1,
            max: Verifier::MAX_TOKEN_LEN
        })
    );
    let padding = "x".repeat(Verifier::MAX_TOKEN_LEN);
    let big =
        token_with_payload(&product_payload().replace('}', &format!(r#","pad":"{padding}"}}"#)));
    assert!(matches!(
        verifier().verify(&big),
        Err(VerifyError::TooLarge { .. })
    ));
}

#[test]
fn each_malformed_segment_is_diagnosed_as_what_it_is() {
    let token = token_with_payload(&product_payload());
    let [header, payload, signature]: [&str; 3] =
        token.split('.').collect::<Vec<_>>().try_into().unwrap();
    // Padding or a stray character is a malformed segment, not a secret mismatch.
    for (token, part) in [
        (
            format!("{header}.{payload}=.{signature}"),
            TokenPart::Payload,
        ),
        (
            format!("{header}.{payload} .{signature}"),
            TokenPart::Payload,
        ),
        (
            format!("{header}.{payload}.{signature}="),
            TokenPart::Signature,
        ),
        (
            format!("{header}.{payload}.{signature}+"),
            TokenPart::Signature,
        ),
        (
            format!("{header}=.{payload}.{signature}"),
            TokenPart::Header,
        ),
    ] {
        assert_eq!(
            verifier().verify(&token),
            Err(VerifyError::Base64 { part }),
            "{token}"
        );
    }
}

#[test]
fn rejections_show_times_as_rfc_3339_utc() {
    let err = verifier()
        .with_clock(FixedClock::new(T0 + Duration::days(8)))
        .verify(&token_with_payload(&product_payload()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "token expired at 2026-01-08T00:00:00Z (now 2026-01-09T00:00:00Z)"
    );
}

/// A large payload is checked for canonical base64url before the HMAC, like a small one, though
/// it is decoded only after it: a malformed segment is still diagnosed as what it is.
#[test]
fn a_large_malformed_payload_is_diagnosed_before_the_signature() {
    let payload = product_payload().replace('}', &format!(r#","pad":"{}"}}"#, "x".repeat(2_000)));
    let token = token_with_payload(&payload);
    assert_eq!(verifier().verify(&token).unwrap().sub, "42");
    let [header, payload, signature]: [&str; 3] =
        token.split('.').collect::<Vec<_>>().try_into().unwrap();
    for bad in [
        format!("{payload}="),
        format!("{payload} "),
        format!("{}+{}", &payload[..100], &payload[101..]),
    ] {
        assert_eq!(
            verifier().verify(&format!("{header}.{bad}.{signature}")),
            Err(VerifyError::Base64 {
                part: TokenPart::Payload
            }),
            "{}",
            bad.len()
        );
    }
}
