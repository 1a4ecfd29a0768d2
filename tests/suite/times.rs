//! Time rules: expiry, not-before, issued-at and the maximum lifetime, with the leeway.

use crate::common::*;
use jwt_auth::{FixedClock, Verifier, VerifyError};
use time::Duration;

fn at(offset_seconds: i64) -> Verifier {
    Verifier::new(secret()).with_clock(FixedClock::new(T0 + Duration::seconds(offset_seconds)))
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
        Err(VerifyError::TtlTooLong {
            ttl: Duration::days(8),
            max: Duration::days(7)
        })
    );
    // Without iat, the lifetime is measured from now.
    let without_iat = format!(r#"{{"sub":"42","exp":{eight_days}}}"#);
    assert_eq!(
        at(0).verify(&token_with_payload(&without_iat)),
        Err(VerifyError::TtlTooLong {
            ttl: Duration::days(8),
            max: Duration::days(7)
        })
    );
    assert!(at(86_400).verify(&token_with_payload(&without_iat)).is_ok());
    // A longer maximum accepts it.
    let relaxed = at(0).with_max_ttl(Duration::days(30));
    assert!(relaxed.verify(&token_with_payload(&with_iat)).is_ok());
    // The leeway absorbs a second of difference between separate iat and exp computations.
    let off_by_one = format!(
        r#"{{"sub":"42","iat":{T0_UNIX},"exp":{}}}"#,
        T0_UNIX + 604_801
    );
    assert!(at(0).verify(&token_with_payload(&off_by_one)).is_ok());
}
