//! The verification policy of DESIGN.md, one test (or more) per rule, each asserting the exact
//! error variant.

mod common;

use common::*;
use jwt_auth::{Audience, FixedClock, MAX_TOKEN_LEN, Secret, TokenPart, Verifier, VerifyError};
use time::Duration;

#[test]
fn a_product_token_verifies_with_exact_claims() {
    let claims = verifier()
        .verify(&token_with_payload(&product_payload()))
        .unwrap();
    assert_eq!(claims.sub, "42");
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.iat, Some(T0));
    assert_eq!(claims.exp, T0 + Duration::days(7));
    assert_eq!(
        (claims.nbf, claims.iss, claims.aud, claims.jti),
        (None, None, None, None)
    );
}

// --- algorithm and header -----------------------------------------------------------------

#[test]
fn only_hs256_is_accepted() {
    for alg in [
        "none", "None", "NONE", "nOnE", "HS512", "HS384", "RS256", "ES256", "hs256", "PS256",
    ] {
        let token = token_with_header(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        assert_eq!(
            verifier().verify(&token),
            Err(VerifyError::UnsupportedAlgorithm {
                alg: alg.to_owned()
            }),
            "alg {alg}"
        );
    }
}

#[test]
fn alg_none_with_an_empty_signature_is_refused_for_its_algorithm() {
    let token = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(product_payload()));
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::UnsupportedAlgorithm { alg: "none".into() })
    );
}

#[test]
fn a_missing_or_non_string_alg_is_refused() {
    assert_eq!(
        verifier().verify(&token_with_header(r#"{"typ":"JWT"}"#)),
        Err(VerifyError::UnsupportedAlgorithm { alg: String::new() })
    );
    assert_eq!(
        verifier().verify(&token_with_header(r#"{"alg":256}"#)),
        Err(VerifyError::UnsupportedAlgorithm {
            alg: "(not a string)".into()
        })
    );
}

#[test]
fn an_escaped_hs256_is_still_hs256() {
    let token = token_with_header(r#"{"alg":"HS\u0032\u0035\u0036"}"#);
    assert_eq!(verifier().verify(&token).unwrap().sub, "42");
}

#[test]
fn a_long_alg_is_echoed_truncated() {
    let alg = "X".repeat(500);
    let token = token_with_header(&format!(r#"{{"alg":"{alg}"}}"#));
    let Err(VerifyError::UnsupportedAlgorithm { alg: echoed }) = verifier().verify(&token) else {
        panic!("expected UnsupportedAlgorithm");
    };
    assert_eq!(echoed, format!("{}…", "X".repeat(64)));
}

#[test]
fn crit_is_refused() {
    let token = token_with_header(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#);
    assert_eq!(verifier().verify(&token), Err(VerifyError::CriticalHeader));
}

#[test]
fn typ_must_be_jwt_when_present() {
    for typ in ["JWT", "jwt"] {
        let token = token_with_header(&format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#));
        assert!(verifier().verify(&token).is_ok(), "typ {typ}");
    }
    assert!(
        verifier()
            .verify(&token_with_header(r#"{"alg":"HS256"}"#))
            .is_ok()
    );
    let token = token_with_header(r#"{"alg":"HS256","typ":"at+jwt"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::UnexpectedType {
            typ: "at+jwt".into()
        })
    );
}

#[test]
fn key_locating_headers_are_never_followed() {
    // Each names a key the attacker controls; the token is signed with that key, not ours.
    let attacker_key = b"attacker-controlled-key-material-0123456789";
    let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(attacker_key));
    for extra in [
        r#""kid":"../../dev/null""#.to_owned(),
        r#""jku":"https://attacker.example/jwks.json""#.to_owned(),
        r#""x5u":"https://attacker.example/cert.pem""#.to_owned(),
        format!(r#""jwk":{jwk}"#),
    ] {
        let header = format!(r#"{{"alg":"HS256",{extra}}}"#);
        let forged = sign_raw(&header, &product_payload(), attacker_key);
        assert_eq!(
            verifier().verify(&forged),
            Err(VerifyError::InvalidSignature),
            "{extra}"
        );
        // ...and with our key they change nothing.
        assert!(
            verifier().verify(&token_with_header(&header)).is_ok(),
            "{extra}"
        );
    }
}

#[test]
fn a_duplicate_header_name_is_refused() {
    let token = token_with_header(r#"{"alg":"HS256","alg":"none"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::DuplicateMember {
            part: TokenPart::Header,
            name: "alg".into()
        })
    );
}

// --- signature ----------------------------------------------------------------------------

#[test]
fn a_token_from_another_secret_fails_the_signature_check_and_says_what_to_do() {
    let token = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &product_payload(),
        OTHER_SECRET.as_bytes(),
    );
    let err = verifier().verify(&token).unwrap_err();
    assert_eq!(err, VerifyError::InvalidSignature);
    let message = err.to_string();
    assert!(message.contains("different secret"), "{message}");
    assert!(message.contains("Secret::fingerprint()"), "{message}");
}

#[test]
fn an_altered_payload_fails_the_signature_check() {
    let token = token_with_payload(&product_payload());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = b64(product_payload().replace("\"42\"", "\"1\""));
    assert_eq!(
        verifier().verify(&parts.join(".")),
        Err(VerifyError::InvalidSignature)
    );
}

#[test]
fn a_signature_of_the_wrong_length_is_refused() {
    let token = token_with_payload(&product_payload());
    let (input, sig) = token.rsplit_once('.').unwrap();
    for bad in [String::new(), sig[..42].to_owned(), format!("{sig}AAAA")] {
        assert_eq!(
            verifier().verify(&format!("{input}.{bad}")),
            Err(VerifyError::InvalidSignature),
            "{bad}"
        );
    }
}

// --- encoding -----------------------------------------------------------------------------

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
    let huge = "a".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(
        verifier().verify(&huge),
        Err(VerifyError::TooLarge {
            len: MAX_TOKEN_LEN + 1,
            max: MAX_TOKEN_LEN
        })
    );
    let padding = "x".repeat(MAX_TOKEN_LEN);
    let big =
        token_with_payload(&product_payload().replace('}', &format!(r#","pad":"{padding}"}}"#)));
    assert!(matches!(
        verifier().verify(&big),
        Err(VerifyError::TooLarge { .. })
    ));
}

// --- JSON ---------------------------------------------------------------------------------

fn is_json_error(err: &VerifyError, in_part: TokenPart) -> bool {
    matches!(err, VerifyError::Json { part, .. } if *part == in_part)
}

#[test]
fn a_payload_that_is_not_an_object_is_refused() {
    for payload in ["[]", "42", r#""sub""#, "null", ""] {
        let err = verifier().verify(&token_with_payload(payload)).unwrap_err();
        assert!(
            is_json_error(&err, TokenPart::Payload),
            "{payload:?}: {err:?}"
        );
    }
}

#[test]
fn trailing_garbage_after_the_json_is_refused() {
    for payload in [
        format!("{} x", product_payload()),
        format!("{}{{}}", product_payload()),
    ] {
        let err = verifier()
            .verify(&token_with_payload(&payload))
            .unwrap_err();
        assert!(is_json_error(&err, TokenPart::Payload), "{err:?}");
    }
    let err = verifier()
        .verify(&token_with_header(r#"{"alg":"HS256"},"#))
        .unwrap_err();
    assert!(is_json_error(&err, TokenPart::Header), "{err:?}");
}

#[test]
fn invalid_utf8_is_refused() {
    let payload = b"{\"sub\":\"\xff\xfe\",\"exp\":1767830400}";
    let token = sign_segments(&b64(r#"{"alg":"HS256"}"#), &b64(payload), SECRET.as_bytes());
    let err = verifier().verify(&token).unwrap_err();
    assert!(is_json_error(&err, TokenPart::Payload), "{err:?}");
}

#[test]
fn duplicate_claims_are_refused_whichever_claim_repeats() {
    let exp = T0_UNIX + 600;
    for (payload, name) in [
        (format!(r#"{{"sub":"42","sub":"1","exp":{exp}}}"#), "sub"),
        (
            format!(r#"{{"sub":"42","exp":{exp},"exp":9999999999}}"#),
            "exp",
        ),
        (
            format!(r#"{{"sub":"42","exp":{exp},"role":"user","role":"admin"}}"#),
            "role",
        ),
        (
            format!(r#"{{"sub":"42","exp":{exp},"email":"a@x","\u0065mail":"b@x"}}"#),
            "email",
        ),
    ] {
        assert_eq!(
            verifier().verify(&token_with_payload(&payload)),
            Err(VerifyError::DuplicateMember {
                part: TokenPart::Payload,
                name: name.into()
            }),
            "{payload}"
        );
    }
}

// --- claims -------------------------------------------------------------------------------

#[test]
fn exp_is_required() {
    let token = token_with_payload(r#"{"sub":"42","email":"ada@example.com"}"#);
    assert_eq!(
        verifier().verify(&token),
        Err(VerifyError::MissingClaim { claim: "exp" })
    );
}

#[test]
fn sub_is_required_unless_allowed() {
    let payload = format!(r#"{{"exp":{}}}"#, T0_UNIX + 600);
    assert_eq!(
        verifier().verify(&token_with_payload(&payload)),
        Err(VerifyError::MissingClaim { claim: "sub" })
    );
    let payload = format!(r#"{{"sub":"","exp":{}}}"#, T0_UNIX + 600);
    assert_eq!(
        verifier().verify(&token_with_payload(&payload)),
        Err(VerifyError::MissingClaim { claim: "sub" })
    );
    let claims = verifier()
        .allow_missing_subject()
        .verify(&token_with_payload(&payload))
        .unwrap();
    assert_eq!(claims.sub, "");
}

#[test]
fn time_claims_must_be_integer_numeric_dates() {
    for (claim, value) in [
        ("exp", "1767830400.5"),
        ("exp", "1.7678304e9"),
        ("exp", r#""1767830400""#),
        ("exp", "null"),
        ("exp", "99999999999999"),
        ("exp", "18446744073709551615"),
        ("iat", "1767225600.0"),
        ("iat", "true"),
        ("nbf", "[1767225600]"),
    ] {
        let mut payload = format!(r#"{{"sub":"42","exp":{}}}"#, T0_UNIX + 600);
        if claim == "exp" {
            payload = format!(r#"{{"sub":"42","exp":{value}}}"#);
        } else {
            payload.insert_str(payload.len() - 1, &format!(r#","{claim}":{value}"#));
        }
        assert_eq!(
            verifier().verify(&token_with_payload(&payload)),
            Err(VerifyError::InvalidNumericDate {
                claim: if claim == "exp" { "exp" } else { claim }
            }),
            "{payload}"
        );
    }
}

#[test]
fn wrongly_typed_claims_are_refused_with_the_parser_reason() {
    let payload = format!(r#"{{"sub":42,"exp":{}}}"#, T0_UNIX + 600);
    let err = verifier()
        .verify(&token_with_payload(&payload))
        .unwrap_err();
    let VerifyError::InvalidClaims { reason } = err else {
        panic!("{err:?}")
    };
    assert!(
        reason.contains("invalid type: integer `42`, expected a string"),
        "{reason}"
    );
}

// --- time ---------------------------------------------------------------------------------

fn at(offset_seconds: i64) -> Verifier {
    Verifier::new(&secret()).with_clock(FixedClock::new(T0 + Duration::seconds(offset_seconds)))
}

#[test]
fn expiry_is_exclusive_after_the_leeway() {
    let token = token_with_payload(&product_payload()); // exp = T0 + 7 d
    let exp = T0 + Duration::days(7);
    let week = 604_800;
    assert!(at(week + 59).verify(&token).is_ok());
    let now = T0 + Duration::seconds(week + 60);
    assert_eq!(
        at(week + 60).verify(&token),
        Err(VerifyError::Expired { exp, now })
    );
    let strict = at(week).with_leeway(Duration::ZERO);
    assert_eq!(
        strict.verify(&token),
        Err(VerifyError::Expired { exp, now: exp })
    );
    assert!(
        at(week - 1)
            .with_leeway(Duration::ZERO)
            .verify(&token)
            .is_ok()
    );
}

#[test]
fn negative_leeway_counts_as_zero() {
    let verifier = at(0).with_leeway(Duration::seconds(-30));
    assert_eq!(verifier.leeway(), Duration::ZERO);
}

#[test]
fn nbf_in_the_future_is_refused() {
    let nbf = T0 + Duration::seconds(61);
    let payload = format!(
        r#"{{"sub":"42","exp":{},"nbf":{}}}"#,
        T0_UNIX + 600,
        T0_UNIX + 61
    );
    let token = token_with_payload(&payload);
    assert_eq!(
        at(0).verify(&token),
        Err(VerifyError::NotYetValid { nbf, now: T0 })
    );
    assert!(at(1).verify(&token).is_ok(), "within the leeway");
}

#[test]
fn iat_in_the_future_beyond_the_leeway_is_refused() {
    let payload = format!(
        r#"{{"sub":"42","iat":{},"exp":{}}}"#,
        T0_UNIX + 61,
        T0_UNIX + 600
    );
    let token = token_with_payload(&payload);
    let iat = T0 + Duration::seconds(61);
    assert_eq!(
        at(0).verify(&token),
        Err(VerifyError::IssuedInFuture { iat, now: T0 })
    );
    assert!(at(1).verify(&token).is_ok());
}

#[test]
fn iat_after_exp_is_refused() {
    let payload = format!(r#"{{"sub":"42","iat":{},"exp":{}}}"#, T0_UNIX, T0_UNIX - 10);
    let token = token_with_payload(&payload);
    let verifier = at(-30);
    assert_eq!(
        verifier.verify(&token),
        Err(VerifyError::IssuedAfterExpiry {
            iat: T0,
            exp: T0 - Duration::seconds(10)
        })
    );
}

#[test]
fn lifetime_beyond_the_maximum_is_refused() {
    let eight_days = T0_UNIX + 8 * 86_400;
    let with_iat = format!(r#"{{"sub":"42","iat":{T0_UNIX},"exp":{eight_days}}}"#);
    assert_eq!(
        at(0).verify(&token_with_payload(&with_iat)),
        Err(VerifyError::LifetimeTooLong {
            lifetime: Duration::days(8),
            max: Duration::days(7)
        })
    );
    // Without iat, the lifetime is measured from now.
    let without_iat = format!(r#"{{"sub":"42","exp":{eight_days}}}"#);
    assert_eq!(
        at(0).verify(&token_with_payload(&without_iat)),
        Err(VerifyError::LifetimeTooLong {
            lifetime: Duration::days(8),
            max: Duration::days(7)
        })
    );
    assert!(at(86_400).verify(&token_with_payload(&without_iat)).is_ok());
    // A longer maximum accepts it.
    let relaxed = at(0).with_max_lifetime(Duration::days(30));
    assert!(relaxed.verify(&token_with_payload(&with_iat)).is_ok());
    // The leeway absorbs a second of difference between separate iat and exp computations.
    let off_by_one = format!(
        r#"{{"sub":"42","iat":{T0_UNIX},"exp":{}}}"#,
        T0_UNIX + 604_801
    );
    assert!(at(0).verify(&token_with_payload(&off_by_one)).is_ok());
}

// --- iss and aud --------------------------------------------------------------------------

fn with(extra: &str) -> String {
    token_with_payload(&format!(r#"{{"sub":"42","exp":{}{extra}}}"#, T0_UNIX + 600))
}

#[test]
fn a_configured_issuer_must_match_exactly() {
    let verifier = verifier().with_issuer("user-service");
    assert!(verifier.verify(&with(r#","iss":"user-service""#)).is_ok());
    for (extra, found) in [
        (r#","iss":"User-Service""#, Some("User-Service")),
        (r#","iss":"user-service ""#, Some("user-service ")),
        ("", None),
    ] {
        assert_eq!(
            verifier.verify(&with(extra)),
            Err(VerifyError::IssuerMismatch {
                expected: "user-service".into(),
                found: found.map(str::to_owned)
            })
        );
    }
    // Without a configured issuer, any iss is accepted.
    assert_eq!(
        common::verifier()
            .verify(&with(r#","iss":"x""#))
            .unwrap()
            .iss
            .as_deref(),
        Some("x")
    );
}

#[test]
fn a_configured_audience_must_match_exactly() {
    let verifier = verifier().with_audience(["catalog", "orders"]);
    let claims = verifier.verify(&with(r#","aud":"catalog""#)).unwrap();
    assert_eq!(claims.aud, Some(Audience::One("catalog".into())));
    let claims = verifier.verify(&with(r#","aud":["x","orders"]"#)).unwrap();
    assert_eq!(
        claims.aud,
        Some(Audience::Many(vec!["x".into(), "orders".into()]))
    );
    let expected = vec!["catalog".to_owned(), "orders".to_owned()];
    assert_eq!(
        verifier.verify(&with(r#","aud":"Catalog""#)),
        Err(VerifyError::AudienceMismatch {
            expected: expected.clone(),
            found: vec!["Catalog".into()]
        })
    );
    assert_eq!(
        verifier.verify(&with("")),
        Err(VerifyError::AudienceMismatch {
            expected,
            found: vec![]
        })
    );
}

#[test]
fn a_single_expected_audience_is_given_as_is() {
    let verifier = verifier().with_audience("catalog");
    assert!(
        verifier
            .verify(&with(r#","aud":["orders","catalog"]"#))
            .is_ok()
    );
    assert_eq!(
        verifier.verify(&with(r#","aud":"orders""#)),
        Err(VerifyError::AudienceMismatch {
            expected: vec!["catalog".into()],
            found: vec!["orders".into()]
        })
    );
}

#[test]
fn a_token_with_an_audience_is_refused_when_none_is_expected() {
    assert_eq!(
        verifier().verify(&with(r#","aud":"catalog""#)),
        Err(VerifyError::UnexpectedAudience {
            found: vec!["catalog".into()]
        })
    );
}

// --- custom claims ------------------------------------------------------------------------

#[test]
fn custom_claims_are_read_through_the_generic_form() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Extra {
        roles: Vec<String>,
        tenant: u32,
    }
    let token = with(r#","roles":["admin"],"tenant":7"#);
    let claims = verifier().verify_as::<Extra>(&token).unwrap();
    assert_eq!(
        claims.custom,
        Extra {
            roles: vec!["admin".into()],
            tenant: 7
        }
    );
    assert_eq!(claims.sub, "42");
    // The default form ignores them.
    assert!(verifier().verify(&token).is_ok());
    // A payload that does not fit the custom type is refused.
    let err = verifier().verify_as::<Extra>(&with("")).unwrap_err();
    assert!(matches!(err, VerifyError::InvalidClaims { .. }), "{err:?}");
}

#[test]
fn a_verifier_is_bound_to_its_secret_at_construction() {
    let other = Secret::new(OTHER_SECRET).unwrap();
    let token = token_with_payload(&product_payload());
    let verifier = Verifier::new(&other).with_clock(clock());
    assert_eq!(verifier.verify(&token), Err(VerifyError::InvalidSignature));
}

// --- payload decoding -----------------------------------------------------------------------

#[test]
fn small_and_large_payloads_verify_alike() {
    for size in [10, 400, 600, 4_000] {
        let payload = format!(
            r#"{{"sub":"42","exp":{},"pad":"{}"}}"#,
            T0_UNIX + 600,
            "x".repeat(size)
        );
        let claims = verifier()
            .verify_as::<serde_json::Value>(&token_with_payload(&payload))
            .unwrap();
        assert_eq!(
            claims.custom["pad"].as_str().map(str::len),
            Some(size),
            "{size}"
        );
    }
}

#[test]
fn a_signed_but_non_canonical_payload_is_refused() {
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // One payload decoded on the stack, one on the heap.
    for size in [10, 4_000] {
        // Pad so that the last character carries two spare bits, which must be zero.
        let canonical = (size..size + 3)
            .map(|n| {
                b64(format!(
                    r#"{{"sub":"42","exp":{},"p":"{}"}}"#,
                    T0_UNIX + 600,
                    "x".repeat(n)
                ))
            })
            .find(|encoded| encoded.len() % 4 == 3)
            .unwrap();
        assert!(
            verifier()
                .verify(&sign_segments(&header, &canonical, SECRET.as_bytes()))
                .is_ok()
        );
        let last = alphabet.find(canonical.chars().last().unwrap()).unwrap();
        let sloppy = alphabet.chars().nth(last | 1).unwrap();
        let stray_bits = format!("{}{sloppy}", &canonical[..canonical.len() - 1]);
        for bad in [stray_bits, format!("{canonical}="), format!("{canonical} ")] {
            assert_eq!(
                verifier().verify(&sign_segments(&header, &bad, SECRET.as_bytes())),
                Err(VerifyError::Base64 {
                    part: TokenPart::Payload
                }),
                "{size}"
            );
        }
    }
}

// --- what errors echo -------------------------------------------------------------------------

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
