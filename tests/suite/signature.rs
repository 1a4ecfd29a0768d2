//! The signature: HMAC-SHA256 with the shared secret, and the diagnosis of a mismatch.

use crate::common::*;
use jwt_auth::VerifyError;

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
    for (bad, len) in [
        (String::new(), 0),
        (sig[..40].to_owned(), 30),
        (format!("{sig}AAAA"), 35),
    ] {
        assert_eq!(
            verifier().verify(&format!("{input}.{bad}")),
            Err(VerifyError::SignatureLength { len, expected: 32 }),
            "{bad}"
        );
    }
}
