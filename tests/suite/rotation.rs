//! Key rotation without logging anyone out: a ring's current key signs and writes its `kid`, a
//! known `kid` selects its key only, and kid-less tokens (the Python and Node services write none)
//! and tokens with a `kid` of the issuer's own (a peer's label) are tried against every key,
//! current first; an unknown `kid` that no key verifies is named.

use crate::common::*;
use jwt_auth::{
    AuthConfig, ConfigError, Issuer, KeyRing, KeyRingError, Secret, Verifier, VerifyError,
};

fn old() -> Secret {
    secret()
}

fn new() -> Secret {
    Secret::new(OTHER_SECRET).unwrap()
}

fn issue(keys: impl Into<KeyRing>) -> String {
    Issuer::new(keys)
        .with_clock(clock())
        .issue("42", None)
        .unwrap()
}

fn verify(keys: impl Into<KeyRing>, token: &str) -> Result<String, VerifyError> {
    Verifier::new(keys)
        .with_clock(clock())
        .verify(token)
        .map(|claims| claims.sub)
}

fn kid(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value = serde_json::from_slice(&b64_decode(header)).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

fn b64_decode(segment: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap()
}

#[test]
fn a_rotation_in_three_steps_logs_no_one_out() {
    let before = issue(old());
    assert_eq!(kid(&before), old().fingerprint().as_str());

    // Step 1: every service adds the new key as a fallback; the old one still signs.
    let step1 = KeyRing::new(old()).with_fallback(new()).unwrap();
    assert_eq!(kid(&issue(&step1)), old().fingerprint().as_str());
    assert_eq!(verify(&step1, &before), Ok("42".into()));

    // Step 2: the issuers sign with the new key; old tokens still verify everywhere.
    let step2 = KeyRing::new(new()).with_fallback(old()).unwrap();
    let after = issue(&step2);
    assert_eq!(kid(&after), new().fingerprint().as_str());
    for ring in [&step1, &step2] {
        assert_eq!(verify(ring, &before), Ok("42".into()));
        assert_eq!(verify(ring, &after), Ok("42".into()));
    }

    // Step 3: the old key is dropped; its tokens fail with an error naming both keys.
    assert_eq!(verify(new(), &after), Ok("42".into()));
    assert_eq!(
        verify(new(), &before),
        Err(VerifyError::UnknownKeyId {
            kid: old().fingerprint().to_string(),
            known: vec![new().fingerprint()],
        })
    );
}

#[test]
fn kid_less_tokens_are_tried_against_each_key() {
    // What the Python service signs: no kid.
    let from_python_old = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &product_payload(),
        SECRET.as_bytes(),
    );
    let from_python_new = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &product_payload(),
        OTHER_SECRET.as_bytes(),
    );
    let ring = KeyRing::new(new()).with_fallback(old()).unwrap();
    assert_eq!(verify(&ring, &from_python_old), Ok("42".into()));
    assert_eq!(verify(&ring, &from_python_new), Ok("42".into()));
    // Neither key: a plain signature mismatch.
    let stranger = sign_raw(
        r#"{"alg":"HS256"}"#,
        &product_payload(),
        b"a-third-secret-that-no-ring-holds-0123456789",
    );
    assert_eq!(verify(&ring, &stranger), Err(VerifyError::InvalidSignature));
}

#[test]
fn a_known_kid_is_checked_against_that_key_only() {
    // Signed with the old key but claiming the new key's kid: not retried with the old key.
    let header = format!(
        r#"{{"alg":"HS256","typ":"JWT","kid":"{}"}}"#,
        new().fingerprint()
    );
    let lying = sign_raw(&header, &product_payload(), SECRET.as_bytes());
    let ring = KeyRing::new(new()).with_fallback(old()).unwrap();
    assert_eq!(verify(&ring, &lying), Err(VerifyError::InvalidSignature));
}

/// What PyJWT and Node sign when their issuer labels its key: `headers={"kid": "2026-11"}`.
const FOREIGN_HEADER: &str = r#"{"alg":"HS256","typ":"JWT","kid":"2026-11"}"#;

#[test]
fn a_foreign_kid_is_tried_against_each_key() {
    let ring = KeyRing::new(new()).with_fallback(old()).unwrap();
    let by_current = sign_raw(FOREIGN_HEADER, &product_payload(), OTHER_SECRET.as_bytes());
    let by_fallback = sign_raw(FOREIGN_HEADER, &product_payload(), SECRET.as_bytes());
    assert_eq!(verify(&ring, &by_current), Ok("42".into()));
    assert_eq!(verify(&ring, &by_fallback), Ok("42".into()));
    // A one-key ring, as `Verifier::new(&secret)` makes.
    assert_eq!(verify(old(), &by_fallback), Ok("42".into()));
    // Not a string either: still only a label.
    let numeric = sign_raw(
        r#"{"alg":"HS256","kid":202611}"#,
        &product_payload(),
        SECRET.as_bytes(),
    );
    assert_eq!(verify(&ring, &numeric), Ok("42".into()));
}

#[test]
fn a_foreign_kid_no_key_verifies_is_an_unknown_key_naming_the_ring() {
    let ring = KeyRing::new(new()).with_fallback(old()).unwrap();
    let stranger = sign_raw(
        FOREIGN_HEADER,
        &product_payload(),
        b"a-third-secret-that-no-ring-holds-0123456789",
    );
    assert_eq!(
        verify(&ring, &stranger),
        Err(VerifyError::UnknownKeyId {
            kid: "2026-11".into(),
            known: vec![new().fingerprint(), old().fingerprint()],
        })
    );
    // Altered after signing by a ring key: no key verifies it either.
    let signed = sign_raw(FOREIGN_HEADER, &product_payload(), SECRET.as_bytes());
    let (signing_input, _) = signed.rsplit_once('.').unwrap();
    let forged = format!("{signing_input}.{}", b64([0_u8; 32]));
    assert_eq!(
        verify(&ring, &forged),
        Err(VerifyError::UnknownKeyId {
            kid: "2026-11".into(),
            known: vec![new().fingerprint(), old().fingerprint()],
        })
    );
}

#[test]
fn a_known_kid_signed_by_another_ring_key_is_not_retried() {
    // Names the old key (a fallback) but is signed with the new, current one.
    let header = format!(
        r#"{{"alg":"HS256","typ":"JWT","kid":"{}"}}"#,
        old().fingerprint()
    );
    let lying = sign_raw(&header, &product_payload(), OTHER_SECRET.as_bytes());
    for ring in [
        KeyRing::new(new()).with_fallback(old()).unwrap(),
        KeyRing::new(old()).with_fallback(new()).unwrap(),
    ] {
        assert_eq!(verify(&ring, &lying), Err(VerifyError::InvalidSignature));
    }
}

#[test]
fn a_ring_holds_a_bounded_number_of_fallbacks_and_no_key_twice() {
    let key = || Secret::generate().0;
    let mut ring = KeyRing::new(old());
    for _ in 0..KeyRing::MAX_FALLBACKS {
        ring = ring.with_fallback(key()).unwrap();
    }
    assert_eq!(
        ring.clone().with_fallback(key()).unwrap_err(),
        KeyRingError::TooManyFallbacks { max: 3 }
    );
    // The current key listed again changes nothing.
    let same = KeyRing::new(old()).with_fallback(old()).unwrap();
    assert_eq!(same.fingerprints(), [old().fingerprint()]);
}

#[test]
fn auth_config_reads_the_fallbacks_each_strength_checked() {
    let config = |fallbacks: &str| {
        let fallbacks = fallbacks.to_owned();
        AuthConfig::from_lookup(move |name| match name {
            "JWT_SECRET" => Some(OTHER_SECRET.into()),
            "JWT_SECRET_FALLBACKS" => Some(fallbacks.clone().into()),
            _ => None,
        })
    };
    let ring = config(&format!(" {SECRET} ")).unwrap();
    assert_eq!(
        ring.keys().ring().unwrap().fingerprints(),
        [new().fingerprint(), old().fingerprint()]
    );
    assert_eq!(
        ring.verifier()
            .clone()
            .with_clock(clock())
            .verify(&issue(old()))
            .unwrap()
            .sub,
        "42"
    );
    assert!(ring.to_string().contains(&format!(
        "signing key {}, fallback keys [{}]",
        new().fingerprint(),
        old().fingerprint()
    )));
    assert_eq!(
        config("")
            .unwrap()
            .keys()
            .ring()
            .unwrap()
            .fallbacks()
            .count(),
        0
    );

    let err = config(&format!("{SECRET},dev-secret-change-me")).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Weak { var, .. } if var == "JWT_SECRET_FALLBACKS (entry 2)"),
        "{err:?}"
    );
    let err = config(&format!("{SECRET},")).unwrap_err();
    assert_eq!(
        err,
        ConfigError::Empty {
            var: "JWT_SECRET_FALLBACKS (entry 2)".into()
        }
    );
    let many: Vec<String> = (0..4)
        .map(|_| jwt_auth::secrecy::ExposeSecret::expose_secret(&Secret::generate().1).to_owned())
        .collect();
    assert!(matches!(
        config(&many.join(",")).unwrap_err(),
        ConfigError::KeyRing {
            source: KeyRingError::TooManyFallbacks { max: 3 },
            ..
        }
    ));
}

#[test]
fn the_unknown_key_error_says_what_to_compare() {
    let err = verify(new(), &issue(old())).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "token is signed with key \"{}\", which this verifier does not have (its keys: [{}]): \
             the issuing service's JWT_SECRET differs from this one's, or the key was retired",
            old().fingerprint(),
            new().fingerprint()
        )
    );
}
