//! The scenarios on `MemoryStore`, and what is particular to it or independent of the store.

use http::StatusCode;
use jwt_auth::store::{RevocationStatus, RevocationView, RevokedBy, SessionStore, StoreError};
use jwt_auth::{
    AuthError, MemoryStore, SessionError, Sessions, Verifier, VerifyError, secrecy::ExposeSecret,
};
use time::Duration;

use crate::clock::ManualClock;
use crate::common::{SECRET, T0, T0_UNIX, secret, sign_raw};
use crate::scenarios::{self, sessions};

fn store(clock: &ManualClock) -> MemoryStore {
    MemoryStore::new().with_clock(clock.clone())
}

fn t0_store() -> MemoryStore {
    store(&ManualClock::at(T0))
}

#[tokio::test]
async fn rotation_and_reuse() {
    scenarios::rotation_and_reuse(t0_store()).await;
}

#[tokio::test]
async fn grace_window() {
    scenarios::grace_window(t0_store()).await;
}

#[tokio::test]
async fn absolute_and_idle_expiry() {
    scenarios::absolute_and_idle_expiry(t0_store).await;
}

#[tokio::test]
async fn logout_everywhere() {
    scenarios::logout_everywhere(t0_store()).await;
}

#[tokio::test]
async fn logout_and_revocations() {
    scenarios::logout_and_revocations(t0_store()).await;
}

#[tokio::test]
async fn retry_after_a_lost_answer() {
    scenarios::retry_after_a_lost_answer(t0_store()).await;
}

#[tokio::test]
async fn revoked_family_without_its_entry() {
    scenarios::revoked_family_without_its_entry(t0_store()).await;
}

#[tokio::test]
async fn forged_tokens_revoke_nothing() {
    scenarios::forged_tokens_revoke_nothing(t0_store()).await;
}

/// What the Node and Python services will see: the access token is the product's token plus
/// `jti` and `sid`; the refresh token is no JWT at all.
#[tokio::test]
async fn token_shapes() {
    let clock = ManualClock::at(T0);
    let (sessions, verifier, _) = sessions(store(&clock), &clock);
    let pair = sessions.login("42", Some("ada@example.com")).await.unwrap();
    let claims = verifier
        .verify_as::<serde_json::Map<String, serde_json::Value>>(&pair.access_token)
        .unwrap();
    assert_eq!(claims.iat.unwrap().unix_timestamp(), T0_UNIX);
    assert_eq!(claims.exp.unix_timestamp(), T0_UNIX + 900);
    assert_eq!(claims.jti.as_ref().unwrap().len(), 22);
    assert!(claims.custom.is_empty(), "{:?}", claims.custom);
    assert_eq!(claims.sid.as_deref(), Some(pair.sid.as_str()));
    assert_eq!(pair.sid.len(), 22);
    assert_eq!(pair.expires_in, 900);

    let refresh = pair.refresh_token.expose_secret();
    assert_eq!(refresh.len(), 64);
    assert!(
        refresh
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    // Not a JWT: the verifier refuses it as an access token, before any key is tried.
    assert_eq!(
        verifier.verify(refresh).unwrap_err(),
        VerifyError::SegmentCount { found: 1 }
    );
    let json = serde_json::to_value(&pair).unwrap();
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["access_token", "expires_in", "refresh_token", "token_type"]
    );
    for shown in [
        format!("{pair:?}"),
        format!("{sessions:?}"),
        SessionError::Reused {
            sub: "42".into(),
            sid: pair.sid.clone(),
        }
        .to_string(),
    ] {
        assert!(!shown.contains(refresh), "{shown}");
        assert!(!shown.contains(&pair.access_token), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

/// A view that has lost its source.
#[derive(Debug)]
struct Stale;
impl RevocationView for Stale {
    fn status(
        &self,
        _: &str,
        _: Option<&str>,
        _: Option<&str>,
        _: Option<i64>,
    ) -> RevocationStatus {
        RevocationStatus::Unavailable {
            stale_for: Duration::seconds(30),
        }
    }
    fn subject_cutoff(&self, _: &str) -> Option<time::OffsetDateTime> {
        None
    }
}

/// A store error is never a 401: refresh answers 503 with Retry-After, and so does the
/// verifier when its view cannot tell.
#[tokio::test]
async fn outages_are_503_with_retry_after() {
    let full = MemoryStore::new().with_max_entries(1);
    let sessions = Sessions::new(secret(), full.clone());
    sessions.login("42", None).await.unwrap();
    let err = sessions.login("43", None).await.unwrap_err();
    assert_eq!(err, SessionError::Store(StoreError::Full { max: 1 }));
    let response = err.to_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "5");
    assert_eq!(response.body(), r#"{"error":"temporarily_unavailable"}"#);

    let token = jwt_auth::Issuer::new(secret()).issue("42", None).unwrap();
    let err = Verifier::new(secret())
        .with_revocation(Stale)
        .verify(&token)
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::RevocationUnavailable {
            stale_for: Duration::seconds(30)
        }
    );
    let response = AuthError::from(err).to_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "5");
    assert!(response.headers().get("www-authenticate").is_none());

    let revoked = AuthError::from(VerifyError::Revoked {
        by: RevokedBy::Session,
    });
    assert_eq!(revoked.status_code(), StatusCode::UNAUTHORIZED);
    assert_eq!(revoked.error_code(), Some("invalid_token"));
}

/// Full means full of live entries: expired families are dropped to make room, live ones never.
#[tokio::test]
async fn the_cap_drops_only_expired_families() {
    let clock = ManualClock::at(T0);
    let store = MemoryStore::new()
        .with_max_entries(2)
        .with_clock(clock.clone());
    let sessions = Sessions::new(secret(), store.clone())
        .with_clock(clock.clone())
        .with_idle_ttl(Duration::hours(1));
    let first = sessions.login("1", None).await.unwrap();
    sessions.login("2", None).await.unwrap();
    assert!(matches!(
        sessions.login("3", None).await,
        Err(SessionError::Store(StoreError::Full { max: 2 }))
    ));
    assert!(
        sessions.refresh(&first.refresh_token).await.is_ok(),
        "nothing live evicted"
    );
    clock.advance(Duration::hours(2));
    assert!(sessions.login("3", None).await.is_ok());
    assert_eq!(store.families(), 1);
}

/// Tokens of other issuers (the Python service: no `sid`, maybe no `iat`) under a subject
/// cutoff: judged by `iat` in whole seconds, the cutoff's own second refused; no `iat`, refused.
#[tokio::test]
async fn cutoff_and_tokens_from_other_issuers() {
    let clock = ManualClock::at(T0 + Duration::milliseconds(500));
    let store = store(&clock);
    let verifier = Verifier::new(secret())
        .with_clock(clock.clone())
        .with_revocation(store.revocations());
    let sessions = Sessions::new(secret(), store).with_clock(clock.clone());
    let token = |payload: String| {
        sign_raw(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &payload,
            SECRET.as_bytes(),
        )
    };
    let exp = T0_UNIX + 3600;
    let no_iat = token(format!(r#"{{"sub":"42","exp":{exp}}}"#));
    let same_second = token(format!(r#"{{"sub":"42","iat":{T0_UNIX},"exp":{exp}}}"#));
    let next_second = token(format!(
        r#"{{"sub":"42","iat":{},"exp":{exp}}}"#,
        T0_UNIX + 1
    ));
    let foreign_sid = token(format!(
        r#"{{"sub":"42","iat":{},"exp":{exp},"sid":"python-session"}}"#,
        T0_UNIX - 10
    ));
    for t in [&no_iat, &same_second, &foreign_sid] {
        assert!(verifier.verify(t).is_ok());
    }
    sessions.logout_everywhere("42").await.unwrap();
    for t in [&no_iat, &same_second, &foreign_sid] {
        assert_eq!(
            verifier.verify(t).unwrap_err(),
            VerifyError::Revoked {
                by: RevokedBy::Subject
            }
        );
    }
    clock.advance(Duration::seconds(1));
    assert!(verifier.verify(&next_second).is_ok());
}

/// Revocation entries are bounded too, and leave when the tokens they cover have expired.
#[tokio::test]
async fn revocation_entries_expire() {
    let clock = ManualClock::at(T0);
    let store = MemoryStore::new()
        .with_max_entries(1)
        .with_clock(clock.clone());
    let sessions = Sessions::new(secret(), store.clone()).with_clock(clock.clone());
    sessions.revoke_token("a").await.unwrap();
    assert_eq!(
        sessions.revoke_token("b").await.unwrap_err(),
        SessionError::Store(StoreError::Full { max: 1 })
    );
    // 15 minutes of access token and 60 s of leeway later, "a" covers nothing any more.
    clock.advance(Duration::minutes(16));
    sessions.revoke_token("b").await.unwrap();
    assert_eq!(store.revocation_entries(), 1);
    let view = store.revocations();
    assert_eq!(
        view.status("42", None, Some("b"), Some(T0_UNIX)),
        RevocationStatus::Revoked(RevokedBy::Token)
    );
    assert_eq!(
        view.status("42", None, Some("a"), Some(T0_UNIX)),
        RevocationStatus::Active
    );
}

/// The verifiers' leeway and the sessions' cannot drift apart: built from one `AuthConfig`, a
/// logged-out session's access token stays refused for the whole leeway past its expiry, which
/// only holds when the revocation entry outlives the token by the verifier's leeway (a sessions
/// leeway of its own, the default 60 s, would let it back in after a minute).
#[tokio::test]
async fn revocations_outlive_tokens_by_the_configs_leeway() {
    let clock = ManualClock::at(T0);
    let config = jwt_auth::AuthConfig::new(secret())
        .with_leeway(Duration::minutes(5))
        .with_clock(clock.clone());
    // One revocation entry at most: a new one makes the store drop what has expired first.
    let sessions = Sessions::from_config(&config, store(&clock).with_max_entries(1));
    assert_eq!(sessions.leeway(), Duration::minutes(5));
    assert_eq!(sessions.verifier().leeway(), config.verifier().leeway());

    let pair = sessions.login("42", None).await.unwrap();
    sessions.logout(&pair.refresh_token).await.unwrap();
    // Past the token's expiry, within the leeway: the config's verifier alone (no revocations)
    // still takes it, so only the revocation entry keeps it out.
    clock.advance(sessions.access_ttl() + Duration::minutes(4));
    assert_eq!(
        config.verifier().verify(&pair.access_token).unwrap().sub,
        "42"
    );
    // The session's entry has not expired, so the full store cannot take another one.
    assert_eq!(
        sessions.revoke_token("another").await,
        Err(SessionError::Store(StoreError::Full { max: 1 }))
    );
    assert!(matches!(
        sessions.verifier().verify(&pair.access_token),
        Err(VerifyError::Revoked { .. })
    ));
}
