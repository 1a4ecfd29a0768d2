//! Known-answer vectors from Wycheproof (C2SP/wycheproof, Apache-2.0; the files, their licence and
//! their source are in `../shared/data/wycheproof/`), read in place: every HMAC-SHA256 case
//! through the crate's backend, and every HS256 case of the JWS file through [`Verifier`].
//! Where the files are absent the tests say so and skip; when `CI` is set they fail.
//!
//! # Divergences from Wycheproof's verdicts
//!
//! Each is asserted exactly below, so a change in either direction fails a test.
//!
//! HMAC-SHA256 (`hmac_sha256_test.json`, 174 cases):
//! - The 33 valid cases with a 128-bit tag: [`hmac_sha256_verify`] refuses every truncated
//!   tag, as the verifier does (RFC 7518 §3.2: an HS256 signature is the full 256-bit HMAC, and
//!   accepting a prefix would let an attacker guess 16 bytes instead of 32). Their tags are
//!   still checked, as the first 16 bytes of the full HMAC the backend computes.
//!
//! JWS (`json_web_signature_test.json`, the 40 cases of its four HS256 key groups; every other
//! group is an algorithm the verifier refuses by policy). Each case is run three ways, each
//! pinned in a table: the token as published through [`Verifier`] (`JWS_AS_PUBLISHED`); the
//! backend's HMAC over its signing input as sent (`JWS_MAC_MATCHES`); and the token with its
//! header replaced by one naming the verifier's key (`JWS_WITH_OUR_KID`, below).
//! - Every token names Wycheproof's own key in `kid` (`kid-aes-sign`, `hs256-key`, RFC 7520's
//!   `018c0ae5-…`), which is not a key of the verifier's ring: as PyJWT and Node do, the
//!   verifier then tries the token against each key of its ring (here the one), so as published
//!   every rule is reached, and a token no key verifies is refused as
//!   [`VerifyError::UnknownKeyId`] where one without `kid` would be `InvalidSignature`. The third
//!   run takes the path of a `kid` the ring knows: it replaces the header with
//!   `{"alg":"HS256","kid":"<fingerprint>"}` and, where the published signature matched,
//!   re-signs with jsonwebtoken's HMAC (an implementation independent of the backend), keeping
//!   the payload segment byte for byte; where it did not, the published signature segment is kept.
//! - The 8 valid tokens whose payload is not a JWT claims set (`foo`, `Test`, RFC 7520's prose):
//!   Wycheproof checks a JWS library, this crate verifies JWTs. Each is refused with
//!   [`VerifyError::Json`] on the payload, which the verifier reaches only after the signature
//!   matched.
//! - tcId 372 and 373, "valid" tokens with a `?` inserted into the header or the payload, which
//!   a decoder that skips invalid characters ignores (their MAC is over the token without it):
//!   non-canonical base64url is refused ([`VerifyError::Base64`], on the header or the payload),
//!   and the MAC of the bytes as sent does not match.
//! - tcId 367 and 370 ("invalidBase64Padding", "invalid") are byte for byte the token of tcId 357
//!   ("valid") in this copy of the file: the verifier gives all three the same verdict. The test
//!   asserts the three are identical, so a corrected file is noticed.
//! - The key of the `base64` group is 32 zero bytes, which the strength check refuses; its
//!   cases run with a secret built through the development path (`weak_allowed_secret`).
//!
//! [`Verifier`]: jwt_auth::Verifier
//! [`VerifyError::Json`]: jwt_auth::VerifyError::Json
//! [`VerifyError::UnknownKeyId`]: jwt_auth::VerifyError::UnknownKeyId
//! [`VerifyError::Base64`]: jwt_auth::VerifyError::Base64
//! [`hmac_sha256_verify`]: jwt_auth::__private::hmac_sha256_verify

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::__private::{hmac_sha256, hmac_sha256_verify};
use jwt_auth::{Secret, Verifier, VerifyError, dangerous};

use crate::common::{b64, shared_file, sign_segments};
use serde_json::Value;

/// A Wycheproof file, read in place (see [`shared_file`]: absent, the test skips loudly, or fails
/// when `CI` is set).
pub(crate) fn vectors(file: &str) -> Option<Value> {
    shared_file(&format!("data/wycheproof/{file}"))
        .map(|text| serde_json::from_str(&text).expect("Wycheproof files are JSON"))
}

/// A secret from raw key bytes however weak, and whether the strength check refused it. The
/// only place that names the development path.
fn weak_allowed_secret(key: &[u8]) -> (Secret, bool) {
    match Secret::new(key) {
        Ok(secret) => (secret, false),
        Err(_) => (
            dangerous::insecure_secret(key)
                .expect("Wycheproof keys are not empty")
                .0,
            true,
        ),
    }
}

pub(crate) fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn str_field<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("`{name}` in {value}"))
}

#[test]
fn every_hmac_sha256_vector() {
    let Some(file) = vectors("hmac_sha256_test.json") else {
        return;
    };
    let mut cases = 0;
    let mut truncated_valid = 0;
    for group in file["testGroups"].as_array().expect("testGroups") {
        let tag_bytes = usize::try_from(group["tagSize"].as_u64().expect("tagSize")).unwrap() / 8;
        for case in group["tests"].as_array().expect("tests") {
            let id = &case["tcId"];
            let key = hex(str_field(case, "key"));
            let message = hex(str_field(case, "msg"));
            let tag = hex(str_field(case, "tag"));
            let valid = match str_field(case, "result") {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {id}: unexpected result {other}"),
            };
            let ours = hmac_sha256(&key, &message);
            assert_eq!(
                ours[..tag_bytes] == tag[..],
                valid,
                "tcId {id}: computed tag"
            );
            if tag_bytes == 32 {
                assert_eq!(hmac_sha256_verify(&key, &message, &tag), valid, "tcId {id}");
            } else {
                // The divergence: a truncated tag never verifies.
                assert!(!hmac_sha256_verify(&key, &message, &tag), "tcId {id}");
                truncated_valid += usize::from(valid);
            }
            cases += 1;
        }
    }
    assert_eq!((cases, truncated_valid), (174, 33));
}

/// What the verifier made of a token: `"accepted"`, or the name of the [`VerifyError`] variant,
/// with the token part for the variants that name one.
fn outcome(result: &Result<jwt_auth::Claims, VerifyError>) -> String {
    match result {
        Ok(_) => "accepted".to_owned(),
        Err(VerifyError::Base64 { part }) => format!("Base64({part})"),
        Err(VerifyError::Json { part, .. }) => format!("Json({part})"),
        Err(other) => format!("{other:?}")
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The verifier's verdict on every HS256 case as published, by tcId, with Wycheproof's.
const JWS_AS_PUBLISHED: &[(u64, &str, &str)] = &[
    (1, "valid", "Json(payload)"),
    (2, "invalid", "UnknownKeyId"),
    (3, "invalid", "SignatureLength"),
    (4, "invalid", "SegmentCount"),
    (5, "invalid", "UnknownKeyId"),
    (6, "invalid", "UnknownKeyId"),
    (7, "invalid", "SegmentCount"),
    (8, "invalid", "UnknownKeyId"),
    (9, "invalid", "Json(header)"),
    (10, "invalid", "SegmentCount"),
    (11, "invalid", "Json(header)"),
    (12, "invalid", "SegmentCount"),
    (13, "invalid", "SegmentCount"),
    (14, "invalid", "SegmentCount"),
    (15, "invalid", "SegmentCount"),
    (16, "invalid", "UnsupportedAlgorithm"),
    (17, "invalid", "SegmentCount"),
    (348, "valid", "Json(payload)"),
    (352, "valid", "Json(payload)"),
    (357, "valid", "Json(payload)"),
    (358, "valid", "Json(payload)"),
    (359, "valid", "Json(payload)"),
    (360, "invalid", "Base64(signature)"),
    (361, "invalid", "Base64(signature)"),
    (362, "invalid", "Base64(signature)"),
    (363, "invalid", "Base64(signature)"),
    (364, "invalid", "Base64(signature)"),
    (365, "invalid", "Base64(header)"),
    (366, "invalid", "Base64(header)"),
    (367, "invalid", "Json(payload)"),
    (368, "invalid", "Base64(payload)"),
    (369, "invalid", "Base64(payload)"),
    (370, "invalid", "Json(payload)"),
    (371, "invalid", "Base64(payload)"),
    (372, "valid", "Base64(header)"),
    (373, "valid", "Base64(payload)"),
    (374, "invalid", "Base64(payload)"),
    (375, "invalid", "Base64(payload)"),
    (376, "valid", "Json(payload)"),
    (377, "valid", "Json(payload)"),
];

/// The cases whose signature segment decodes to the backend's HMAC of their signing input as
/// sent: every valid one but 372 and 373, and invalid ones whose fault is in the encoding of
/// the header or payload, not in the MAC (365 to 371, 375).
const JWS_MAC_MATCHES: &[u64] = &[
    1, 348, 352, 357, 358, 359, 365, 366, 367, 368, 369, 370, 371, 375, 376, 377,
];

/// The verifier's verdict on the cases that have a payload segment, with the header replaced by
/// one naming the verifier's key (re-signed when the published MAC matched).
const JWS_WITH_OUR_KID: &[(u64, &str)] = &[
    (1, "Json(payload)"),
    (2, "InvalidSignature"),
    (3, "SignatureLength"),
    (5, "InvalidSignature"),
    (6, "InvalidSignature"),
    (8, "InvalidSignature"),
    (9, "InvalidSignature"),
    (11, "SignatureLength"),
    (16, "SignatureLength"),
    (348, "Json(payload)"),
    (352, "Json(payload)"),
    (357, "Json(payload)"),
    (358, "Json(payload)"),
    (359, "Json(payload)"),
    (360, "Base64(signature)"),
    (361, "Base64(signature)"),
    (362, "Base64(signature)"),
    (363, "Base64(signature)"),
    (364, "Base64(signature)"),
    (365, "Json(payload)"),
    (366, "Json(payload)"),
    (367, "Json(payload)"),
    (368, "Base64(payload)"),
    (369, "Base64(payload)"),
    (370, "Json(payload)"),
    (371, "Base64(payload)"),
    (372, "InvalidSignature"),
    (373, "Base64(payload)"),
    (374, "Base64(payload)"),
    (375, "Base64(payload)"),
    (376, "Json(payload)"),
    (377, "Json(payload)"),
];

#[test]
fn every_hs256_jws_vector() {
    let Some(file) = vectors("json_web_signature_test.json") else {
        return;
    };
    let mut as_published = Vec::new();
    let mut mac_matches = Vec::new();
    let mut with_our_kid = Vec::new();
    let mut tokens = std::collections::HashMap::new();
    let mut weak_keys = Vec::new();
    for group in file["testGroups"].as_array().expect("testGroups") {
        let key = group
            .get("private")
            .or_else(|| group.get("public"))
            .expect("a key");
        if key["kty"] != "oct" || key["alg"] != "HS256" {
            continue;
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(str_field(key, "k"))
            .expect("k is base64url");
        let (secret, weak) = weak_allowed_secret(&bytes);
        if weak {
            weak_keys.push(str_field(group, "comment").to_owned());
        }
        let our_header = b64(format!(
            r#"{{"alg":"HS256","kid":"{}"}}"#,
            secret.fingerprint()
        ));
        let verifier = Verifier::new(secret);
        for case in group["tests"].as_array().expect("tests") {
            let id = case["tcId"].as_u64().expect("tcId");
            let token = match &case["jws"] {
                Value::String(token) => token.clone(),
                other => other.to_string(),
            };
            let verdict = str_field(case, "result").to_owned();
            as_published.push((id, verdict, outcome(&verifier.verify(&token))));
            let segments: Vec<&str> = token.split('.').collect();
            if let [header, payload, signature] = segments[..] {
                let mac_matches_here = URL_SAFE_NO_PAD.decode(signature).is_ok_and(|tag| {
                    hmac_sha256_verify(&bytes, format!("{header}.{payload}").as_bytes(), &tag)
                });
                let rekeyed = if mac_matches_here {
                    mac_matches.push(id);
                    sign_segments(&our_header, payload, &bytes)
                } else {
                    format!("{our_header}.{payload}.{signature}")
                };
                with_our_kid.push((id, outcome(&verifier.verify(&rekeyed))));
            }
            tokens.insert(id, token);
        }
    }
    let owned = |table: &[(u64, &str, &str)]| -> Vec<(u64, String, String)> {
        table
            .iter()
            .map(|&(id, verdict, ours)| (id, verdict.to_owned(), ours.to_owned()))
            .collect()
    };
    assert_eq!(as_published, owned(JWS_AS_PUBLISHED));
    assert_eq!(mac_matches, JWS_MAC_MATCHES);
    let expected: Vec<(u64, String)> = JWS_WITH_OUR_KID
        .iter()
        .map(|&(id, ours)| (id, ours.to_owned()))
        .collect();
    assert_eq!(with_our_kid, expected);
    assert!(as_published.iter().all(|(_, _, ours)| ours != "accepted"));
    assert!(with_our_kid.iter().all(|(_, ours)| ours != "accepted"));
    assert_eq!(weak_keys, ["base64"]);
    assert_eq!(tokens[&367], tokens[&357]);
    assert_eq!(tokens[&370], tokens[&357]);
}
