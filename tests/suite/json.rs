//! JSON: one object in UTF-8, nothing after it, no repeated claim names.

use crate::common::*;
use jwt_auth::{TokenPart, VerifyError};

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

type Custom = serde_json::Map<String, serde_json::Value>;

/// A claim may nest 127 levels (as many as `serde_json` reads into the caller's type); one more
/// is refused with its own error, in the header and the payload, in a short token and a long one,
/// closed or not, before any custom type sees it.
#[test]
fn nesting_beyond_the_depth_cap_is_refused() {
    assert_eq!(jwt_auth::Verifier::MAX_JSON_DEPTH, 128);
    for pad in [0, 4_000] {
        let nested = |depth: usize, closed: bool| {
            format!(
                r#","pad":"{}","x":{}0{}"#,
                "p".repeat(pad),
                r#"{"a":["#.repeat(depth / 2) + &"[".repeat(depth % 2),
                if closed {
                    "]".repeat(depth % 2) + &"]}".repeat(depth / 2)
                } else {
                    String::new()
                }
            )
        };
        let deepest = verifier()
            .verify_as::<Custom>(&with(&nested(127, true)))
            .unwrap();
        assert!(deepest.custom["x"].is_object());
        for closed in [true, false] {
            let token = with(&nested(128, closed));
            let too_deep = Err(VerifyError::NestingTooDeep {
                part: TokenPart::Payload,
                max: 128,
            });
            assert_eq!(
                verifier().verify(&token).map(drop),
                too_deep,
                "{pad} {closed}"
            );
            assert_eq!(verifier().verify_as::<Custom>(&token).map(drop), too_deep);
        }
    }
    // Unclosed, to fit within the header cap.
    let header = format!(r#"{{"alg":"HS256","x":{}"#, "[".repeat(128));
    assert_eq!(
        verifier().verify(&token_with_header(&header)),
        Err(VerifyError::NestingTooDeep {
            part: TokenPart::Header,
            max: 128,
        })
    );
}

/// At most 64 top-level claims: the 65th is refused whatever follows it (here a repeated name),
/// and members of nested objects do not count.
#[test]
fn more_claims_than_the_cap_are_refused() {
    assert_eq!(jwt_auth::Verifier::MAX_JSON_MEMBERS, 64);
    let claims = |count: usize| -> String {
        (2..count)
            .map(|i| format!(r#","c{i}":{i}"#))
            .collect::<Vec<_>>()
            .concat()
    };
    let at_cap = verifier().verify_as::<Custom>(&with(&claims(64))).unwrap();
    assert_eq!(at_cap.custom.len(), 62);
    let over = Err(VerifyError::TooManyMembers {
        part: TokenPart::Payload,
        max: 64,
    });
    assert_eq!(verifier().verify(&with(&claims(65))), over);
    assert_eq!(
        verifier().verify(&with(&format!(r#"{},"sub":"1""#, claims(64)))),
        over
    );
    let nested: Vec<String> = (0..200).map(|i| format!(r#""n{i}":{i}"#)).collect();
    let wide = verifier()
        .verify_as::<Custom>(&with(&format!(r#","x":{{{}}}"#, nested.join(","))))
        .unwrap();
    assert_eq!(
        wide.custom["x"].as_object().map(serde_json::Map::len),
        Some(200)
    );
}

/// At most 512 values in all, at any depth, arrays and objects included.
#[test]
fn more_values_than_the_cap_are_refused() {
    assert_eq!(jwt_auth::Verifier::MAX_JSON_VALUES, 512);
    // `sub` and `exp` are two values and `x` one more.
    let zeros = |count: usize| with(&format!(r#","x":[{}]"#, vec!["0"; count].join(",")));
    let at_cap = verifier().verify_as::<Custom>(&zeros(509)).unwrap();
    assert_eq!(at_cap.custom["x"].as_array().map(Vec::len), Some(509));
    let over = Err(VerifyError::TooManyValues {
        part: TokenPart::Payload,
        max: 512,
    });
    assert_eq!(verifier().verify(&zeros(510)).map(drop), over);
    let empties = with(&format!(r#","x":[{}]"#, vec!["[]"; 510].join(",")));
    assert_eq!(verifier().verify_as::<Custom>(&empties).map(drop), over);
    let mut values = serde_json::Value::Null;
    for _ in 0..4 {
        values = serde_json::Value::Array(vec![values; 6]);
    }
    let mut custom = Custom::new();
    custom.insert("x".into(), values);
    assert_eq!(
        issuer().issue_claims(&issuer().claims_for("42").unwrap().with_custom(custom)),
        Err(jwt_auth::IssueError::TooManyValues { max: 512 })
    );
}

/// The issuer refuses to sign what every verifier would refuse.
#[test]
fn the_issuer_refuses_claims_beyond_the_caps() {
    let issuer = issuer();
    let base = issuer.claims_for("42").unwrap();
    let registered = serde_json::to_value(&base)
        .unwrap()
        .as_object()
        .unwrap()
        .len();
    let mut many = Custom::new();
    for i in registered..64 {
        many.insert(format!("c{i}"), i.into());
    }
    assert!(
        issuer
            .issue_claims(&base.clone().with_custom(many.clone()))
            .is_ok()
    );
    many.insert("one-more".into(), 0.into());
    assert_eq!(
        issuer.issue_claims(&base.clone().with_custom(many)),
        Err(jwt_auth::IssueError::TooManyClaims { max: 64 })
    );
    let mut deep = serde_json::Value::Null;
    for _ in 0..127 {
        deep = serde_json::Value::Array(vec![deep]);
    }
    let mut custom = Custom::new();
    custom.insert("x".into(), deep.clone());
    assert!(
        issuer
            .issue_claims(&base.clone().with_custom(custom.clone()))
            .is_ok()
    );
    custom.insert("x".into(), serde_json::Value::Array(vec![deep]));
    assert_eq!(
        issuer.issue_claims(&base.with_custom(custom)),
        Err(jwt_auth::IssueError::NestingTooDeep { max: 128 })
    );
}

/// Lone surrogates are refused however deep they sit, in names and values, with `verify` (which
/// ignores custom claims) as with a custom type.
#[test]
fn lone_surrogates_are_refused_at_any_depth() {
    for extra in [
        r#","x":"\ud800""#,
        r#","x":"\udc00\ud800""#,
        r#","x":[{"a":["\ud83d"]}]"#,
        r#","x":{"\ud83d":1}"#,
        r#","\ud83dx":1"#,
        r#","x":"\ud83d\u0041""#,
    ] {
        for result in [
            verifier().verify(&with(extra)).map(drop),
            verifier().verify_as::<Custom>(&with(extra)).map(drop),
        ] {
            assert!(
                matches!(&result, Err(e) if is_json_error(e, TokenPart::Payload)),
                "{extra}: {result:?}"
            );
        }
    }
    let pair = verifier()
        .verify_as::<Custom>(&with(r#","x":["\ud83d\ude00"]"#))
        .unwrap();
    assert_eq!(pair.custom["x"][0], "\u{1F600}");
}

/// Custom claims are read into the caller's type only once every other rule has passed: an
/// expired token whose custom claims do not fit is refused as expired.
#[test]
fn custom_claims_are_read_after_every_other_rule() {
    #[derive(Debug, serde::Deserialize)]
    struct Strict {
        #[allow(dead_code)]
        tenant: u32,
    }
    let misfit = r#","tenant":"not a number""#;
    assert!(matches!(
        verifier().verify_as::<Strict>(&with(misfit)),
        Err(VerifyError::CustomClaims { .. })
    ));
    let expired = token_with_payload(&format!(
        r#"{{"sub":"42","exp":{}{misfit}}}"#,
        T0_UNIX - 3_600
    ));
    assert!(matches!(
        verifier().verify_as::<Strict>(&expired),
        Err(VerifyError::Expired { .. })
    ));
}
