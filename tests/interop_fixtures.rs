//! Interop fixtures: tokens made once by the real peers (PyJWT, python-jose, Node `jsonwebtoken`)
//! and by jwt-auth, with what every peer made of them, committed in `tests/fixtures/peers.json` by
//! `interop/regen-fixtures.sh`. Verified here under a fixed clock, so `cargo test` needs neither
//! Python nor Node. `.ci/interop.sh` regenerates them live and runs this test on the fresh set too
//! (`JWT_AUTH_INTEROP_FIXTURES=<path>` replaces the committed file).

use std::collections::BTreeSet;
use std::ffi::OsString;

use jwt_auth::{
    AuthConfig, Claims, FixedClock, Issuer, KeyRing, Secret, TokenPart, Verifier, VerifyError,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

type Custom = Map<String, Value>;

#[derive(Debug, Deserialize)]
struct Fixtures {
    versions: Map<String, Value>,
    expires_min: i64,
    secret: String,
    other_secret: String,
    fingerprints: Fingerprints,
    other_fingerprints: Fingerprints,
    peer_tokens: Vec<PeerToken>,
    jwt_auth_tokens: Vec<JwtAuthToken>,
}

#[derive(Debug, Deserialize)]
struct Fingerprints {
    rust: String,
    python: String,
    node: String,
}

#[derive(Debug, Deserialize)]
struct PeerToken {
    id: String,
    kind: String,
    now: i64,
    token: String,
    expect: Expect,
    /// Each peer verifier's verdict: "accept", or its error message.
    peers: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Ok(ExpectedClaims),
    Error(Map<String, Value>),
}

/// Claims as the issuing library itself read them back.
#[derive(Debug, Deserialize, PartialEq)]
struct ExpectedClaims {
    sub: String,
    email: Option<String>,
    iat: Option<i64>,
    exp: i64,
    jti: Option<String>,
    custom: Custom,
}

#[derive(Debug, Deserialize)]
struct JwtAuthToken {
    request: IssueRequest,
    token: String,
    claims: ExpectedClaims,
    /// What each peer verifier read from the token.
    peers: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct IssueRequest {
    sub: String,
    email: Option<String>,
    custom: Option<Custom>,
    now: i64,
}

const PEER_VERIFIERS: [&str; 4] = ["pyjwt", "jose", "jsonwebtoken", "jsonwebtoken-default"];

fn fixtures() -> Fixtures {
    let json = match std::env::var_os("JWT_AUTH_INTEROP_FIXTURES") {
        Some(path) => std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.to_string_lossy())),
        None => include_str!("fixtures/peers.json").to_owned(),
    };
    serde_json::from_str(&json).expect("tests/fixtures/peers.json has the expected shape")
}

/// The service's configuration, from the same variables a deployed service reads.
fn config(fixtures: &Fixtures) -> AuthConfig {
    let secret = fixtures.secret.clone();
    let expires_min = fixtures.expires_min.to_string();
    AuthConfig::from_lookup(|name| match name {
        "JWT_SECRET" => Some(OsString::from(&secret)),
        "JWT_EXPIRES_MIN" => Some(OsString::from(&expires_min)),
        _ => None,
    })
    .expect("the fixture secret passes the strength check")
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).expect("fixture times are in range")
}

fn verifier_at(fixtures: &Fixtures, now: i64) -> Verifier {
    config(fixtures)
        .verifier()
        .clone()
        .with_clock(FixedClock::new(at(now)))
}

fn seconds(claims: &Claims<Custom>) -> ExpectedClaims {
    ExpectedClaims {
        sub: claims.sub.clone(),
        email: claims.email.clone(),
        iat: claims.iat.map(OffsetDateTime::unix_timestamp),
        exp: claims.exp.unix_timestamp(),
        jti: claims.jti.clone(),
        custom: claims.custom.clone(),
    }
}

fn case<'a>(fixtures: &'a Fixtures, id: &str) -> &'a PeerToken {
    fixtures
        .peer_tokens
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("fixture {id} is missing"))
}

fn str_field<'a>(expect: &'a Map<String, Value>, name: &str) -> &'a str {
    expect[name]
        .as_str()
        .unwrap_or_else(|| panic!("`{name}` in {expect:?}"))
}

fn int_field(expect: &Map<String, Value>, name: &str) -> i64 {
    expect[name]
        .as_i64()
        .unwrap_or_else(|| panic!("`{name}` in {expect:?}"))
}

fn claim_name(name: &str) -> &'static str {
    match name {
        "exp" => "exp",
        "iat" => "iat",
        "nbf" => "nbf",
        "sub" => "sub",
        other => panic!("unexpected claim name {other}"),
    }
}

/// The exact error a fixture's `expect` describes, at the instant it is verified.
fn expected_error(expect: &Map<String, Value>, now: i64) -> VerifyError {
    match str_field(expect, "kind") {
        "Expired" => VerifyError::Expired {
            exp: at(int_field(expect, "exp")),
            now: at(now),
        },
        "InvalidSignature" => VerifyError::InvalidSignature,
        "UnsupportedAlgorithm" => VerifyError::UnsupportedAlgorithm {
            alg: str_field(expect, "alg").to_owned(),
        },
        "MissingClaim" => VerifyError::MissingClaim {
            claim: claim_name(str_field(expect, "claim")),
        },
        "InvalidNumericDate" => VerifyError::InvalidNumericDate {
            claim: claim_name(str_field(expect, "claim")),
        },
        "DuplicateMember" => {
            assert_eq!(str_field(expect, "part"), "payload");
            VerifyError::DuplicateMember {
                part: TokenPart::Payload,
                name: str_field(expect, "name").to_owned(),
            }
        }
        "TtlTooLong" => VerifyError::TtlTooLong {
            ttl: Duration::seconds(int_field(expect, "ttl")),
            max: Duration::seconds(int_field(expect, "max")),
        },
        "IssuedInFuture" => VerifyError::IssuedInFuture {
            iat: at(int_field(expect, "iat")),
            now: at(now),
        },
        "UnexpectedAudience" => VerifyError::UnexpectedAudience {
            found: expect["found"]
                .as_array()
                .expect("`found` is an array")
                .iter()
                .map(|v| v.as_str().expect("audiences are strings").to_owned())
                .collect(),
        },
        other => panic!("no exact expectation for {other}"),
    }
}

#[test]
fn fixtures_cover_every_peer_and_every_case_the_issue_names() {
    let fixtures = fixtures();
    let ids: BTreeSet<&str> = fixtures.peer_tokens.iter().map(|t| t.id.as_str()).collect();
    for lib in ["pyjwt", "jose"] {
        for kind in [
            "fastapi-datetime-exp",
            "int-exp-iat",
            "datetime-iat-custom",
            "expired",
            "wrong-secret",
            "hs-other",
            "missing-exp",
            "own-kid",
            "own-kid-wrong-secret",
        ] {
            assert!(
                ids.contains(format!("{lib}/{kind}").as_str()),
                "{lib}/{kind}"
            );
        }
    }
    for kind in [
        "expiresin-7d",
        "expiresin-seconds-no-iat",
        "payload-exp",
        "subject-option-custom",
        "expired",
        "wrong-secret",
        "hs-other",
        "rs256",
        "alg-none",
        "missing-exp",
        "duplicate-claim",
        "own-kid",
        "own-kid-wrong-secret",
    ] {
        assert!(
            ids.contains(format!("jsonwebtoken/{kind}").as_str()),
            "{kind}"
        );
    }
    assert_eq!(
        ids.len(),
        fixtures.peer_tokens.len(),
        "fixture ids are unique"
    );
    assert_eq!(fixtures.jwt_auth_tokens.len(), 4);
    for peer in ["PyJWT", "python-jose", "jsonwebtoken"] {
        assert!(
            fixtures.versions[peer].is_string(),
            "{peer} version recorded"
        );
    }
}

#[test]
fn fingerprints_from_the_python_and_node_one_liners_equal_rust() {
    let fixtures = fixtures();
    for (secret, recorded) in [
        (&fixtures.secret, &fixtures.fingerprints),
        (&fixtures.other_secret, &fixtures.other_fingerprints),
    ] {
        let fingerprint = Secret::new(secret)
            .expect("fixture secrets are strong")
            .fingerprint()
            .to_string();
        assert_eq!(fingerprint.len(), 16);
        assert_eq!(recorded.python, fingerprint, "Python one-liner");
        assert_eq!(recorded.node, fingerprint, "Node one-liner");
        assert_eq!(
            recorded.rust, fingerprint,
            "examples/interop at generation time"
        );
    }
    assert_ne!(fixtures.fingerprints.rust, fixtures.other_fingerprints.rust);
}

#[test]
fn tokens_the_peers_issue_verify_with_the_claims_the_peers_read() {
    let fixtures = fixtures();
    let mut accepted = 0;
    for token in &fixtures.peer_tokens {
        let Expect::Ok(expected) = &token.expect else {
            continue;
        };
        let claims = verifier_at(&fixtures, token.now)
            .verify_as::<Custom>(&token.token)
            .unwrap_or_else(|e| panic!("{}: {e}", token.id));
        assert_eq!(&seconds(&claims), expected, "{}", token.id);
        assert_eq!(claims.sub, "1042", "{}", token.id);
        assert_eq!(
            claims.email.as_deref(),
            Some("ada@example.com"),
            "{}",
            token.id
        );
        // The common form (no custom claims) agrees with the generic one.
        let plain = verifier_at(&fixtures, token.now)
            .verify(&token.token)
            .unwrap();
        assert_eq!(
            (plain.sub, plain.exp, plain.iat),
            (claims.sub, claims.exp, claims.iat)
        );
        accepted += 1;
    }
    assert_eq!(accepted, 14);
}

#[test]
fn peer_time_conventions_are_read_exactly() {
    let fixtures = fixtures();
    let week = fixtures.expires_min * 60;
    assert_eq!(week, 604_800);
    let claims = |id: &str| {
        let token = case(&fixtures, id);
        verifier_at(&fixtures, token.now)
            .verify_as::<Custom>(&token.token)
            .unwrap()
    };

    // FastAPI style: `exp = datetime.now(timezone.utc) + timedelta(minutes=JWT_EXPIRES_MIN)`, no iat.
    for id in ["pyjwt/fastapi-datetime-exp", "jose/fastapi-datetime-exp"] {
        let c = claims(id);
        assert_eq!(c.iat, None, "{id}");
        assert_eq!(c.exp, at(case(&fixtures, id).now + week), "{id}");
    }
    // Node `expiresIn: '7d'`: the library sets iat, and exp is exactly 7 days later.
    let c = claims("jsonwebtoken/expiresin-7d");
    assert_eq!(c.exp - c.iat.unwrap(), Duration::days(7));
    let c = claims("jsonwebtoken/expiresin-seconds-no-iat");
    assert_eq!(c.iat, None);
    // Custom claims of every JSON type come through; `subject`/`jwtid` options land in sub/jti.
    let c = claims("pyjwt/datetime-iat-custom");
    assert_eq!(c.custom["roles"], serde_json::json!(["admin", "editor"]));
    assert_eq!(c.custom["email_verified"], Value::Bool(true));
    assert_eq!(c.custom["plan"], serde_json::json!({ "tier": 2 }));
    assert_eq!(c.exp - c.iat.unwrap(), Duration::hours(1));
    let c = claims("jsonwebtoken/subject-option-custom");
    assert_eq!(c.jti.as_deref(), Some("b7e1c0de"));
    assert_eq!(
        c.custom["org"],
        serde_json::json!({ "id": 7, "name": "Acme" })
    );
}

#[test]
fn accepted_tokens_expire_exactly_at_exp_plus_leeway() {
    let fixtures = fixtures();
    let leeway = config(&fixtures).verifier().leeway().whole_seconds();
    assert_eq!(leeway, 60);
    for token in &fixtures.peer_tokens {
        let Expect::Ok(expected) = &token.expect else {
            continue;
        };
        let last_second = expected.exp + leeway - 1;
        assert!(
            verifier_at(&fixtures, last_second)
                .verify(&token.token)
                .is_ok(),
            "{} at exp + leeway - 1s",
            token.id
        );
        assert_eq!(
            verifier_at(&fixtures, last_second + 1).verify(&token.token),
            Err(VerifyError::Expired {
                exp: at(expected.exp),
                now: at(last_second + 1)
            }),
            "{}",
            token.id
        );
    }
}

#[test]
fn tokens_our_policy_rejects_fail_with_the_specific_error() {
    let fixtures = fixtures();
    let mut rejected = 0;
    for token in &fixtures.peer_tokens {
        let Expect::Error(expect) = &token.expect else {
            continue;
        };
        let error = verifier_at(&fixtures, token.now)
            .verify(&token.token)
            .expect_err(&token.id);
        if str_field(expect, "kind") == "UnknownKeyId" {
            // The issuer's own kid, signed with another secret: the error names the kid and the
            // fingerprints of the ring (the fixture secret's, as the peer computed it).
            assert_eq!(token.kind, "own-kid-wrong-secret");
            let VerifyError::UnknownKeyId { kid, known } = &error else {
                panic!("{}: {error:?}", token.id);
            };
            assert_eq!(kid, str_field(expect, "kid"), "{}", token.id);
            assert_eq!(kid, "2026-11", "{}", token.id);
            let known: Vec<String> = known.iter().map(ToString::to_string).collect();
            assert_eq!(
                known,
                std::slice::from_ref(&fixtures.fingerprints.rust),
                "{}",
                token.id
            );
            assert_eq!(expect["known"], serde_json::json!(known), "{}", token.id);
        } else if str_field(expect, "kind") == "InvalidClaims" {
            // Node lets `sub` be a number; jwt-auth (like PyJWT) wants a string.
            assert_eq!(token.kind, "numeric-sub");
            assert!(
                matches!(&error, VerifyError::InvalidClaims { reason }
                    if reason == "`sub`: invalid type: integer `1042`, expected a string"),
                "{}: {error:?}",
                token.id
            );
        } else {
            assert_eq!(error, expected_error(expect, token.now), "{}", token.id);
        }
        rejected += 1;
    }
    assert_eq!(rejected, 27);
}

#[test]
fn a_token_signed_with_another_secret_is_an_invalid_signature_that_points_at_fingerprints() {
    let fixtures = fixtures();
    let other = Secret::new(&fixtures.other_secret).unwrap();
    for id in [
        "pyjwt/wrong-secret",
        "jose/wrong-secret",
        "jsonwebtoken/wrong-secret",
    ] {
        let token = case(&fixtures, id);
        let error = verifier_at(&fixtures, token.now)
            .verify(&token.token)
            .unwrap_err();
        assert_eq!(error, VerifyError::InvalidSignature, "{id}");
        let message = error.to_string();
        assert!(
            message.contains("signed with a different secret"),
            "{message}"
        );
        assert!(
            message.contains(
                "compare `Secret::fingerprint()` on the issuing and the verifying service"
            ),
            "{message}"
        );
        // Nothing else is wrong with the token: with the issuer's secret, it verifies.
        let claims = Verifier::new(&other)
            .with_clock(FixedClock::new(at(token.now)))
            .verify(&token.token)
            .unwrap();
        assert_eq!(claims.sub, "1042");
        // And the fingerprints tell the two secrets apart, as the README's diagnosis relies on.
        assert_eq!(
            other.fingerprint().to_string(),
            fixtures.other_fingerprints.node
        );
        assert_ne!(Some(other.fingerprint()), config(&fixtures).fingerprint());
        // Every peer refuses it too.
        for lib in PEER_VERIFIERS {
            assert_ne!(token.peers[lib], "accept", "{lib} on {id}");
        }
    }
}

#[test]
fn tokens_the_peers_sign_with_their_own_kid_verify_alone_and_as_a_fallback() {
    let fixtures = fixtures();
    let shared = Secret::new(&fixtures.secret).unwrap();
    let other = Secret::new(&fixtures.other_secret).unwrap();
    // Mid-rotation: this service signs with `other` and keeps the peers' secret as a fallback.
    let ring = KeyRing::new(other.clone())
        .with_fallback(shared.clone())
        .unwrap();
    for id in ["pyjwt/own-kid", "jose/own-kid", "jsonwebtoken/own-kid"] {
        let token = case(&fixtures, id);
        let header = token.token.split('.').next().unwrap();
        let header: Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["kid"], "2026-11", "{id}");
        let Expect::Ok(expected) = &token.expect else {
            panic!("{id} is accepted")
        };
        let clock = FixedClock::new(at(token.now));
        for keys in [KeyRing::new(shared.clone()), ring.clone()] {
            let claims = Verifier::new(&keys)
                .with_clock(clock)
                .verify_as::<Custom>(&token.token)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(&seconds(&claims), expected, "{id}");
        }
        for lib in PEER_VERIFIERS {
            assert_eq!(token.peers[lib], "accept", "{lib} on {id}");
        }
    }
    // Signed with `other` and labelled the same way: the ring above accepts it (`other` is its
    // current key); the peers' one-key ring names the label and its key.
    for id in [
        "pyjwt/own-kid-wrong-secret",
        "jose/own-kid-wrong-secret",
        "jsonwebtoken/own-kid-wrong-secret",
    ] {
        let token = case(&fixtures, id);
        let clock = FixedClock::new(at(token.now));
        assert_eq!(
            Verifier::new(&ring)
                .with_clock(clock)
                .verify(&token.token)
                .map(|claims| claims.sub),
            Ok("1042".to_owned()),
            "{id}"
        );
        assert_eq!(
            Verifier::new(&shared)
                .with_clock(clock)
                .verify(&token.token),
            Err(VerifyError::UnknownKeyId {
                kid: "2026-11".to_owned(),
                known: vec![shared.fingerprint()],
            }),
            "{id}"
        );
        for lib in PEER_VERIFIERS {
            assert_ne!(token.peers[lib], "accept", "{lib} on {id}");
        }
    }
}

#[test]
fn where_jwt_auth_is_stricter_the_peers_accepted_the_token() {
    let fixtures = fixtures();
    // kind -> the peer verifiers that accepted it (the README table, as recorded).
    let stricter: [(&str, &[&str]); 8] = [
        ("missing-exp", &PEER_VERIFIERS),
        ("duplicate-claim", &PEER_VERIFIERS),
        ("float-exp", &PEER_VERIFIERS),
        ("long-lifetime", &PEER_VERIFIERS),
        ("hs-other", &["jsonwebtoken-default"]),
        ("audience", &["jsonwebtoken", "jsonwebtoken-default"]),
        (
            "iat-future",
            &["jose", "jsonwebtoken", "jsonwebtoken-default"],
        ),
        ("numeric-sub", &["jsonwebtoken", "jsonwebtoken-default"]),
    ];
    for (kind, accepting) in stricter {
        let tokens: Vec<_> = fixtures
            .peer_tokens
            .iter()
            .filter(|t| t.kind == kind)
            .collect();
        assert!(!tokens.is_empty(), "{kind}");
        for token in tokens {
            assert!(matches!(token.expect, Expect::Error(_)), "{}", token.id);
            for lib in PEER_VERIFIERS {
                let accepted = token.peers[lib] == "accept";
                assert_eq!(accepted, accepting.contains(&lib), "{lib} on {}", token.id);
            }
        }
    }
    // And where it is laxer: its 60 s leeway accepts what the peers (leeway 0) call expired.
    let token = case(&fixtures, "jsonwebtoken/within-leeway");
    let Expect::Ok(expected) = &token.expect else {
        panic!("within-leeway is accepted")
    };
    assert_eq!(token.now - expected.exp, 30);
    for lib in PEER_VERIFIERS {
        assert_ne!(token.peers[lib], "accept", "{lib}");
    }
}

#[test]
fn jwt_auth_reissues_byte_for_byte_the_tokens_the_peers_accepted() {
    let fixtures = fixtures();
    let config = config(&fixtures);
    for recorded in &fixtures.jwt_auth_tokens {
        let request = &recorded.request;
        let issuer: Issuer = config
            .issuer()
            .clone()
            .with_clock(FixedClock::new(at(request.now)));
        let mut claims = issuer.claims_for(&request.sub).unwrap();
        claims.email.clone_from(&request.email);
        let claims = claims.with_custom(request.custom.clone().unwrap_or_default());
        let token = issuer.issue_claims(&claims).unwrap();
        assert_eq!(token, recorded.token, "{request:?}");
        if request.custom.is_none() {
            assert_eq!(
                issuer
                    .issue(&request.sub, request.email.as_deref())
                    .unwrap(),
                recorded.token
            );
        }

        let ours = seconds(&claims);
        assert_eq!(ours, recorded.claims);
        assert_eq!(ours.iat, Some(request.now));
        assert_eq!(ours.exp - request.now, 604_800);
        for lib in PEER_VERIFIERS {
            let read: ExpectedClaims = serde_json::from_value(recorded.peers[lib].clone())
                .unwrap_or_else(|e| panic!("{lib} did not accept {request:?}: {e}"));
            assert_eq!(read, ours, "{lib} read {request:?}");
        }
    }
}
