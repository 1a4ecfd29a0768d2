//! Hostile input: every single-character change to a valid token is rejected, and nothing makes
//! the verifier panic.

use crate::common::*;
use proptest::prelude::*;

fn valid_token() -> String {
    issuer().issue("42", Some("ada@example.com")).unwrap()
}

/// Every position, every base64url character plus the separators and the usual smuggling
/// characters: exhaustive, so no lucky seed is needed.
#[test]
fn every_single_character_substitution_is_rejected() {
    let token = valid_token();
    let verifier = verifier();
    assert!(verifier.verify(&token).is_ok());
    let replacements = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \t\n%";
    for (i, original) in token.char_indices() {
        for replacement in replacements.chars().filter(|&c| c != original) {
            let mut altered = token.clone();
            altered.replace_range(i..=i, replacement.encode_utf8(&mut [0; 4]));
            assert!(
                verifier.verify(&altered).is_err(),
                "position {i}: {original} -> {replacement}"
            );
        }
    }
}

#[test]
fn every_truncation_and_every_deletion_is_rejected() {
    let token = valid_token();
    let verifier = verifier();
    for len in 0..token.len() {
        assert!(verifier.verify(&token[..len]).is_err(), "prefix of {len}");
        let mut deleted = token.clone();
        deleted.remove(len);
        assert!(verifier.verify(&deleted).is_err(), "deleted {len}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_single_character_change_is_rejected(position in 0_usize..1_000, replacement in any::<char>()) {
        let token = valid_token();
        let i = position % token.len();
        prop_assume!(token.as_bytes()[i] != u8::try_from(u32::from(replacement)).unwrap_or(0));
        let mut altered = token.clone();
        altered.replace_range(i..=i, replacement.encode_utf8(&mut [0; 4]));
        prop_assert!(verifier().verify(&altered).is_err());
    }

    #[test]
    fn random_strings_never_panic(input in ".{0,600}") {
        prop_assert!(verifier().verify(&input).is_err());
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let input = String::from_utf8_lossy(&bytes);
        prop_assert!(verifier().verify(&input).is_err());
    }

    #[test]
    fn random_dotted_base64_never_panics(a in "[A-Za-z0-9_-]{0,80}", b in "[A-Za-z0-9_-]{0,200}", c in "[A-Za-z0-9_-]{0,60}") {
        let token = format!("{a}.{b}.{c}");
        prop_assert!(verifier().verify(&token).is_err());
    }

    /// Correctly signed but arbitrary payloads: whatever the JSON, the verifier returns, never
    /// panics. (Signed garbage reaches the claims parser, which unsigned garbage cannot.)
    #[test]
    fn signed_arbitrary_payloads_never_panic(payload in proptest::collection::vec(any::<u8>(), 0..300)) {
        let token = sign_segments(&b64(r#"{"alg":"HS256"}"#), &b64(&payload), SECRET.as_bytes());
        let _ = verifier().verify(&token);
    }

    #[test]
    fn signed_json_shaped_payloads_never_panic(
        exp in any::<i64>(),
        iat in proptest::option::of(any::<i64>()),
        sub in ".{0,20}",
        extra in "[a-z]{1,5}",
    ) {
        let iat = iat.map(|v| format!(r#","iat":{v}"#)).unwrap_or_default();
        let payload = format!(r#"{{"sub":{},"exp":{exp}{iat},"{extra}":[1,{{"a":null}}]}}"#, serde_json::to_string(&sub).unwrap());
        let _ = verifier().verify(&token_with_payload(&payload));
    }
}
