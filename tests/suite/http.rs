//! Bearer parsing and the RFC 6750 §3.1 mapping: exact statuses, challenges and bodies.

use crate::common::*;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use jwt_auth::{AuthError, Authorization, BearerError, VerifyError, bearer_token};

const INVALID_TOKEN: &str = r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#;
const INVALID_REQUEST: &str =
    r#"Bearer error="invalid_request", error_description="The Authorization header is malformed""#;

fn headers(values: &[&[u8]]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for value in values {
        map.append(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
    }
    map
}

#[test]
fn the_scheme_is_case_insensitive_and_the_token_is_returned_as_is() {
    for value in [
        "Bearer abc.def.ghi",
        "bearer abc.def.ghi",
        "BEARER  abc.def.ghi",
        "Bearer abc.def.ghi ",
    ] {
        assert_eq!(
            bearer_token(&headers(&[value.as_bytes()])),
            Ok("abc.def.ghi"),
            "{value:?}"
        );
    }
    assert_eq!(
        bearer_token(&headers(&[b"Bearer dG9rZW4="])),
        Ok("dG9rZW4=")
    );
}

#[test]
fn each_malformed_header_has_its_own_error() {
    let cases: &[(&[&[u8]], BearerError)] = &[
        (&[], BearerError::Missing),
        (&[b"Basic dXNlcjpwYXNz"], BearerError::OtherScheme),
        (&[b"Basic \xc3\xa9t\xc3\xa9"], BearerError::OtherScheme),
        (&[b"Bearer\tabc.def.ghi"], BearerError::InvalidCharacters),
        (&[b"Bearer \tabc.def.ghi"], BearerError::InvalidCharacters),
        (&[b"Bearerabc.def.ghi"], BearerError::OtherScheme),
        (&[b"Bearer"], BearerError::MissingToken),
        (&[b"Bearer   "], BearerError::MissingToken),
        (&[b""], BearerError::MissingToken),
        (
            &[b"Bearer a.b.c", b"Bearer d.e.f"],
            BearerError::MultipleHeaders,
        ),
        (&[b"Bearer a.b.c d"], BearerError::InvalidCharacters),
        (&[b"Bearer a,b"], BearerError::InvalidCharacters),
        (&[b"Bearer ==="], BearerError::InvalidCharacters),
        (&[b"Bearer a=b"], BearerError::InvalidCharacters),
        (&[b"Bearer \xe2\x82\xac"], BearerError::InvalidCharacters),
    ];
    for (values, expected) in cases {
        assert_eq!(bearer_token(&headers(values)), Err(*expected), "{values:?}");
    }
}

/// Every byte value, at the start, in the middle and at the end of a long token (long enough
/// for the check to run in vector-wide blocks, and past them): accepted exactly when RFC 7235's
/// token68 allows it there.
#[test]
fn each_byte_of_a_token_is_checked_wherever_it_is() {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    let body = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(7);
    for b in 0..=u8::MAX {
        // A header value cannot hold control characters (bar tab) or a newline at all.
        if (b < 0x20 && b != b'\t') || b == 0x7f {
            continue;
        }
        for at in [0, 100, body.len() - 1] {
            let mut token = body.clone().into_bytes();
            token[at] = b;
            let value = [b"Bearer ".as_slice(), &token].concat();
            let map = headers(&[&value]);
            let got = bearer_token(&map);
            // `=` is padding, allowed only at the end; at the start, the rest makes it invalid.
            let expected = allowed(b) || (b == b'=' && at == body.len() - 1);
            // Whitespace at the end is trimmed off the header's value, and spaces after the
            // scheme are skipped: neither is part of the token.
            let trimmed =
                (at == body.len() - 1 && (b == b' ' || b == b'\t')) || (at == 0 && b == b' ');
            assert_eq!(
                got.is_ok(),
                expected || trimmed,
                "byte {b:#04x} at {at}: {got:?}"
            );
            if !expected && !trimmed {
                assert_eq!(
                    got,
                    Err(BearerError::InvalidCharacters),
                    "byte {b:#04x} at {at}"
                );
            }
        }
    }
}

/// The verifier accepts only tokens of base64url segments and dots, so `authenticate` applies the
/// token68 rule only to what it refuses: every byte, anywhere in a valid token, still makes a
/// header that is not a token68 a malformed request, and one that is a refused token.
#[test]
fn authenticate_tells_a_malformed_header_from_a_refused_token_at_every_byte() {
    let verifier = verifier();
    let token = issuer().issue("42", None).unwrap();
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    let dots: Vec<usize> = token.match_indices('.').map(|(at, _)| at).collect();
    for b in 0..=u8::MAX {
        // A header value cannot hold control characters (bar tab) or a newline at all; spaces
        // and tabs at either end are not part of the token.
        if b < 0x20 || b == 0x7f || b == b' ' {
            continue;
        }
        for at in [1, dots[0] + 1, dots[1] - 1, token.len() - 2] {
            let mut changed = token.clone().into_bytes();
            changed[at] = b;
            let value = [b"Bearer ".as_slice(), &changed].concat();
            let got = verifier.authenticate(Authorization::from_values([value.as_slice()]));
            let unchanged = changed == token.as_bytes();
            match got {
                Ok(_) => assert!(unchanged, "byte {b:#04x} at {at}"),
                Err(AuthError::Token(_)) => assert!(allowed(b), "byte {b:#04x} at {at}"),
                Err(AuthError::Bearer(BearerError::InvalidCharacters)) => {
                    assert!(!allowed(b), "byte {b:#04x} at {at}");
                }
                Err(other) => panic!("byte {b:#04x} at {at}: {other:?}"),
            }
        }
    }
    // Padding is token68 at the end only.
    let padded = format!("Bearer {token}==");
    assert!(matches!(
        verifier.authenticate(&headers(&[padded.as_bytes()])),
        Err(AuthError::Token(VerifyError::Base64 { .. }))
    ));
    let inner = format!("Bearer {token}==x");
    assert_eq!(
        verifier.authenticate(&headers(&[inner.as_bytes()])),
        Err(AuthError::Bearer(BearerError::InvalidCharacters))
    );
}

/// `Authorization`'s `Debug` output never holds the token.
#[test]
fn an_authorization_never_prints_its_token() {
    let token = issuer().issue("42", None).unwrap();
    let value = format!("Bearer {token}");
    let authorization = Authorization::from_values([value.as_bytes()]);
    let printed = format!("{authorization:?}");
    assert_eq!(printed, r#"Authorization { token: Ok("<redacted>") }"#);
    let segment = token.split('.').nth(1).unwrap();
    assert!(!printed.contains(segment));
    assert_eq!(
        format!(
            "{:?}",
            Authorization::from_values([b"Bearer a b".as_slice()])
        ),
        "Authorization { token: Err(InvalidCharacters) }"
    );
}

fn rejection(values: &[&[u8]]) -> AuthError {
    verifier().authenticate(&headers(values)).unwrap_err()
}

#[test]
fn no_credentials_get_a_bare_challenge_and_no_error_code() {
    for values in [&[][..], &[&b"Basic dXNlcjpwYXNz"[..]][..]] {
        let response = rejection(values).to_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        assert!(response.headers().get(CONTENT_TYPE).is_none());
        assert_eq!(response.body(), "");
    }
}

#[test]
fn a_malformed_header_is_a_400_invalid_request() {
    for values in [
        &[&b"Bearer"[..]][..],
        &[b"Bearer a.b.c", b"Bearer a.b.c"],
        &[b"Bearer a b"],
    ] {
        let err = rejection(values);
        assert_eq!(err.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(err.error_code(), Some("invalid_request"));
        let response = err.to_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], INVALID_REQUEST);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            response.body(),
            r#"{"error":"invalid_request","error_description":"The Authorization header is malformed"}"#
        );
    }
}

#[test]
fn every_token_failure_is_a_generic_401_invalid_token() {
    let expired = issuer()
        .with_ttl(time::Duration::seconds(1))
        .issue("42", None)
        .unwrap();
    let verifier = verifier().with_clock(jwt_auth::FixedClock::new(T0 + time::Duration::hours(1)));
    let other = sign_raw(
        r#"{"alg":"HS256"}"#,
        &product_payload(),
        OTHER_SECRET.as_bytes(),
    );
    for token in [expired.as_str(), other.as_str(), "a.b.c", "not-a-jwt"] {
        let mut map = HeaderMap::new();
        map.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        let err = verifier.authenticate(&map).unwrap_err();
        assert!(matches!(err, AuthError::Token(_)), "{err:?}");
        let response = err.to_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], INVALID_TOKEN);
        assert_eq!(
            response.body(),
            r#"{"error":"invalid_token","error_description":"The access token is invalid or has expired"}"#
        );
    }
}

#[test]
fn the_precise_cause_stays_in_the_error_for_logs() {
    let other = sign_raw(
        r#"{"alg":"HS256"}"#,
        &product_payload(),
        OTHER_SECRET.as_bytes(),
    );
    let mut map = HeaderMap::new();
    map.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {other}")).unwrap(),
    );
    let err = verifier().authenticate(&map).unwrap_err();
    assert_eq!(err, AuthError::Token(VerifyError::InvalidSignature));
    assert!(
        err.to_string()
            .starts_with("token rejected: signature does not match")
    );
    assert!(
        !err.to_string().contains(&other),
        "the token never appears in messages"
    );
}

#[test]
fn a_valid_bearer_token_authenticates() {
    let token = issuer().issue("42", Some("ada@example.com")).unwrap();
    let mut map = HeaderMap::new();
    map.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("bearer {token}")).unwrap(),
    );
    let claims = verifier().authenticate(&map).unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.email.as_deref()),
        ("42", Some("ada@example.com"))
    );
}

#[test]
fn optional_authentication_is_none_only_without_a_header() {
    let verifier = verifier();
    assert_eq!(verifier.authenticate_optional(&headers(&[])), Ok(None));
    let token = issuer().issue("42", None).unwrap();
    let good = format!("Bearer {token}");
    assert_eq!(
        verifier
            .authenticate_optional(&headers(&[good.as_bytes()]))
            .unwrap()
            .map(|claims| claims.sub),
        Some("42".into())
    );
    // Anything else is the same rejection as for a required route: an expired client must
    // learn to sign in again rather than be served as anonymous.
    for values in [
        &[&b"Bearer not.a.token"[..]][..],
        &[b"Bearer"],
        &[good.as_bytes(), good.as_bytes()],
    ] {
        assert_eq!(
            verifier.authenticate_optional(&headers(values)),
            Err(verifier.authenticate(&headers(values)).unwrap_err())
        );
    }
    // Another scheme is not a bearer attempt, but it is a header: refused as without credentials.
    assert_eq!(
        verifier.authenticate_optional(&headers(&[b"Basic dXNlcjpwYXNz"])),
        Err(AuthError::Bearer(BearerError::OtherScheme))
    );
}

#[test]
fn raw_header_bytes_authenticate_without_a_header_map() {
    let token = issuer().issue("42", None).unwrap();
    let value = format!("bearer {token}");
    let claims = verifier()
        .authenticate(Authorization::from_values([value.as_bytes()]))
        .unwrap();
    assert_eq!(claims.sub, "42");
}
