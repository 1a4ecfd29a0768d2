//! RFC 7515 Appendix A.1: the specification's HS256 example verifies, byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::{FixedClock, Secret, Verifier, VerifyError};

const TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
    .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
    .dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// The JWK's `k`, base64url: decoded here only, since this crate never decodes secrets.
const JWK_K: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

/// `exp` is 1300819380 (2011-03-22T18:43:00Z); verify an hour before.
const EXP: i64 = 1_300_819_380;

fn verifier(at: i64) -> Verifier {
    let key = URL_SAFE_NO_PAD.decode(JWK_K).unwrap();
    Verifier::new(Secret::new(key).unwrap())
        .with_clock(FixedClock::at_unix(at).unwrap())
        .allow_missing_subject()
}

#[test]
fn the_appendix_a1_token_verifies() {
    type Extra = serde_json::Map<String, serde_json::Value>;
    let claims = verifier(EXP - 3600).verify_as::<Extra>(TOKEN).unwrap();
    assert_eq!(claims.iss.as_deref(), Some("joe"));
    assert_eq!(claims.exp.unix_timestamp(), EXP);
    assert_eq!(claims.sub, "");
    assert_eq!(
        claims.custom.get("http://example.com/is_root"),
        Some(&serde_json::Value::Bool(true))
    );
    assert_eq!(claims.custom.len(), 1);
}

#[test]
fn the_appendix_a1_token_expires_on_time() {
    assert!(matches!(
        verifier(EXP + 60).verify(TOKEN),
        Err(VerifyError::Expired { .. })
    ));
}

#[test]
fn the_appendix_a1_token_needs_the_subject_leniency() {
    let strict = verifier(EXP - 3600);
    let key = URL_SAFE_NO_PAD.decode(JWK_K).unwrap();
    let strict_default = Verifier::new(Secret::new(key).unwrap())
        .with_clock(FixedClock::at_unix(EXP - 3600).unwrap());
    assert!(strict.verify(TOKEN).is_ok());
    assert_eq!(
        strict_default.verify(TOKEN),
        Err(VerifyError::MissingClaim { claim: "sub" })
    );
}
