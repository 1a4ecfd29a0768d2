//! Behaviour every store must give `Sessions`, run against each store with a hand-moved clock.

use std::sync::{Arc, Mutex};

use jwt_auth::session::SessionEvent;
use jwt_auth::store::{RevokedBy, SessionStore, Ttl};
use jwt_auth::{SessionError, Sessions, TokenPair, Verifier, VerifyError, secrecy::ExposeSecret};
use time::Duration;

use crate::clock::ManualClock;
use crate::common::{T0, secret};

pub(crate) type Events = Arc<Mutex<Vec<SessionEvent>>>;

pub(crate) fn sessions<S: SessionStore>(
    store: S,
    clock: &ManualClock,
) -> (Sessions<S>, Verifier, Events) {
    let events: Events = Arc::default();
    let verifier = Verifier::new(secret())
        .with_clock(clock.clone())
        .with_revocation(store.revocations());
    let sessions = Sessions::new(secret(), store)
        .with_clock(clock.clone())
        .with_event_handler({
            let events = Arc::clone(&events);
            move |event| events.lock().unwrap().push(event)
        });
    (sessions, verifier, events)
}

pub(crate) fn refresh_text(pair: &TokenPair) -> String {
    pair.refresh_token.expose_secret().to_owned()
}

/// Each refresh rotates; an old token after its successor was used revokes the whole family,
/// access tokens included, and says so with an error and an event.
pub(crate) async fn rotation_and_reuse<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let (sessions, verifier, events) = sessions(store, &clock);
    let first = sessions.login("42", Some("ada@example.com")).await.unwrap();
    clock.advance(Duration::minutes(14));
    let second = sessions.refresh(&first.refresh_token).await.unwrap();
    assert_eq!(second.sid, first.sid);
    assert_ne!(refresh_text(&second), refresh_text(&first));
    assert_ne!(second.access_token, first.access_token);
    clock.advance(Duration::minutes(14));
    let third = sessions.refresh(&second.refresh_token).await.unwrap();
    let claims = verifier.verify(&third.access_token).unwrap();
    assert_eq!(claims.sub, "42");
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));

    // `first` is a grandparent now: a stolen token.
    let err = sessions.refresh(&first.refresh_token).await.unwrap_err();
    assert_eq!(
        err,
        SessionError::Reused {
            sub: "42".into(),
            sid: first.sid.clone()
        }
    );
    assert_eq!(err.to_response().status(), 400);
    assert_eq!(
        events.lock().unwrap().as_slice(),
        [SessionEvent::Reused {
            sub: "42".into(),
            sid: first.sid.clone()
        }]
    );
    // The whole family is gone: the live refresh token and the live access token.
    assert!(matches!(
        sessions.refresh(&third.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
    assert_eq!(
        verifier.verify(&third.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Session
        }
    );
}

/// The parent of the live token, presented again within the grace window, gets the very same
/// successor refresh token and revokes nothing; after the window it is reuse.
pub(crate) async fn grace_window<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let (sessions, verifier, events) = sessions(store, &clock);
    let first = sessions.login("42", None).await.unwrap();
    let second = sessions.refresh(&first.refresh_token).await.unwrap();
    clock.advance(Duration::seconds(9));
    let again = sessions.refresh(&first.refresh_token).await.unwrap();
    assert_eq!(
        refresh_text(&again),
        refresh_text(&second),
        "the same successor"
    );
    assert_ne!(
        again.access_token, second.access_token,
        "a new access token"
    );
    assert!(verifier.verify(&second.access_token).is_ok());
    assert!(matches!(
        events.lock().unwrap().as_slice(),
        [SessionEvent::Repeated { .. }]
    ));
    // Grace is measured from the parent's first use: 10 s after it, the parent is reuse.
    clock.advance(Duration::seconds(1));
    assert!(matches!(
        sessions.refresh(&first.refresh_token).await,
        Err(SessionError::Reused { .. })
    ));
    assert!(verifier.verify(&again.access_token).is_err());
}

/// Rotation never extends the absolute lifetime; the idle one moves with each refresh.
pub(crate) async fn absolute_and_idle_expiry<S: SessionStore, F: Fn() -> S>(store: F) {
    let clock = ManualClock::at(T0);
    let (absolute, _, _) = sessions(store(), &clock);
    let absolute = absolute
        .with_absolute_ttl(Duration::hours(1))
        .with_idle_ttl(Duration::minutes(20));
    let mut pair = absolute.login("42", None).await.unwrap();
    for _ in 0..3 {
        clock.advance(Duration::minutes(19));
        pair = absolute.refresh(&pair.refresh_token).await.unwrap();
    }
    clock.advance(Duration::minutes(3)); // 60 minutes after login
    assert_eq!(
        absolute.refresh(&pair.refresh_token).await.unwrap_err(),
        SessionError::Expired {
            ttl: Ttl::Absolute,
            at: T0 + Duration::hours(1)
        }
    );

    let clock = ManualClock::at(T0);
    let (idle, _, _) = sessions(store(), &clock);
    let idle = idle.with_idle_ttl(Duration::minutes(20));
    let pair = idle.login("42", None).await.unwrap();
    clock.advance(Duration::minutes(10));
    let pair = idle.refresh(&pair.refresh_token).await.unwrap();
    clock.advance(Duration::minutes(20));
    assert_eq!(
        idle.refresh(&pair.refresh_token).await.unwrap_err(),
        SessionError::Expired {
            ttl: Ttl::Idle,
            at: T0 + Duration::minutes(30)
        }
    );
}

/// Logout everywhere refuses what came before, in the same second too, and lets a login at the
/// very same instant through.
pub(crate) async fn logout_everywhere<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0 + Duration::milliseconds(400));
    let (sessions, verifier, _) = sessions(store, &clock);
    let before = sessions.login("42", None).await.unwrap();
    let other_user = sessions.login("7", None).await.unwrap();
    sessions.logout_everywhere("42").await.unwrap();
    let after = sessions.login("42", None).await.unwrap();
    assert_eq!(
        verifier.verify(&before.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Subject
        }
    );
    assert!(matches!(
        sessions.refresh(&before.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
    assert_eq!(verifier.verify(&after.access_token).unwrap().sub, "42");
    assert!(sessions.refresh(&after.refresh_token).await.is_ok());
    assert!(verifier.verify(&other_user.access_token).is_ok());
}

pub(crate) async fn logout_and_revocations<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let (sessions, verifier, _) = sessions(store, &clock);
    let pair = sessions.login("42", None).await.unwrap();
    let next = sessions.refresh(&pair.refresh_token).await.unwrap();
    // Any token of the family ends it, the parent included.
    sessions.logout(&pair.refresh_token).await.unwrap();
    assert!(matches!(
        sessions.refresh(&next.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
    assert!(matches!(
        verifier.verify(&next.access_token),
        Err(VerifyError::Revoked {
            by: RevokedBy::Session
        })
    ));

    let pair = sessions.login("42", None).await.unwrap();
    let jti = verifier.verify(&pair.access_token).unwrap().jti.unwrap();
    sessions.revoke_token(&jti).await.unwrap();
    assert_eq!(
        verifier.verify(&pair.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Token
        }
    );
    // Only that token: the session lives on.
    let next = sessions.refresh(&pair.refresh_token).await.unwrap();
    assert!(verifier.verify(&next.access_token).is_ok());
    sessions.revoke_session(&next.sid).await.unwrap();
    assert!(verifier.verify(&next.access_token).is_err());
    assert!(matches!(
        sessions.refresh(&next.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
}

/// A well-formed token that no session has (a forgery naming a real session) is refused without
/// revoking anything.
pub(crate) async fn forged_tokens_revoke_nothing<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let (sessions, verifier, _) = sessions(store, &clock);
    let pair = sessions.login("42", None).await.unwrap();
    let text = refresh_text(&pair);
    let forged = format!("{}{}", &text[..22], "A".repeat(42));
    assert_eq!(
        sessions.refresh(forged.as_str()).await.unwrap_err(),
        SessionError::Unknown
    );
    assert_eq!(
        sessions.logout(forged.as_str()).await.unwrap_err(),
        SessionError::Unknown
    );
    assert_eq!(
        sessions.refresh("").await.unwrap_err(),
        SessionError::Malformed
    );
    assert!(verifier.verify(&pair.access_token).is_ok());
    assert!(sessions.refresh(&pair.refresh_token).await.is_ok());
}

/// A store that fails the delivery acknowledgement once, as Redis does when it dies between the
/// rotation and the acknowledgement: the rotation happened, the client got a 503.
pub(crate) struct LosesOneAnswer<S> {
    pub(crate) inner: S,
    pub(crate) fail_next_ack: std::sync::atomic::AtomicBool,
    pub(crate) fail_next_revoke: std::sync::atomic::AtomicBool,
}

impl<S: SessionStore> SessionStore for LosesOneAnswer<S> {
    type View = S::View;

    fn revocations(&self) -> S::View {
        self.inner.revocations()
    }

    async fn start(
        &self,
        family: jwt_auth::store::Family,
    ) -> Result<(), jwt_auth::store::StoreError> {
        self.inner.start(family).await
    }

    async fn rotate(
        &self,
        rotation: jwt_auth::store::Rotation,
    ) -> Result<jwt_auth::store::RotationOutcome, jwt_auth::store::StoreError> {
        self.inner.rotate(rotation).await
    }

    async fn acknowledge(
        &self,
        sid: &str,
        current: jwt_auth::store::TokenHash,
    ) -> Result<(), jwt_auth::store::StoreError> {
        if self
            .fail_next_ack
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Err(jwt_auth::store::StoreError::Unavailable {
                reason: "connection lost".into(),
            });
        }
        self.inner.acknowledge(sid, current).await
    }

    async fn end(
        &self,
        sid: &str,
        presented: jwt_auth::store::TokenHash,
    ) -> Result<jwt_auth::store::EndOutcome, jwt_auth::store::StoreError> {
        self.inner.end(sid, presented).await
    }

    async fn revoke(
        &self,
        revocation: jwt_auth::store::Revocation,
    ) -> Result<(), jwt_auth::store::StoreError> {
        if self
            .fail_next_revoke
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Err(jwt_auth::store::StoreError::Timeout { timeout_ms: 250 });
        }
        self.inner.revoke(revocation).await
    }
}

/// A refresh answered with a store error after the store had rotated is safe to retry with the
/// same refresh token, long after the grace window: its successor never reached anyone. Once
/// delivered, the parent is reuse again past the window.
pub async fn retry_after_a_lost_answer<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let store = LosesOneAnswer {
        inner: store,
        fail_next_ack: false.into(),
        fail_next_revoke: false.into(),
    };
    let (sessions, verifier, _) = sessions(store, &clock);
    let pair = sessions.login("42", None).await.unwrap();
    sessions
        .store()
        .fail_next_ack
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let err = sessions.refresh(&pair.refresh_token).await.unwrap_err();
    assert!(matches!(err, SessionError::Store(_)), "{err:?}");
    assert_eq!(err.to_response().status(), 503);
    clock.advance(Duration::minutes(5));
    let retried = sessions.refresh(&pair.refresh_token).await.unwrap();
    assert!(verifier.verify(&retried.access_token).is_ok());
    // Now delivered: the same parent later is a replay.
    clock.advance(Duration::minutes(5));
    assert!(matches!(
        sessions.refresh(&pair.refresh_token).await,
        Err(SessionError::Reused { .. })
    ));
}

/// A logout whose revocation entry could not be written (503) has still ended the family in the
/// store: the next refresh is refused, and writes the entry that refuses the access tokens.
pub async fn revoked_family_without_its_entry<S: SessionStore>(store: S) {
    let clock = ManualClock::at(T0);
    let store = LosesOneAnswer {
        inner: store,
        fail_next_ack: false.into(),
        fail_next_revoke: true.into(),
    };
    let (sessions, verifier, _) = sessions(store, &clock);
    let pair = sessions.login("42", None).await.unwrap();
    let next = sessions.refresh(&pair.refresh_token).await.unwrap();
    assert!(matches!(
        sessions.logout(&next.refresh_token).await,
        Err(SessionError::Store(_))
    ));
    assert!(verifier.verify(&next.access_token).is_ok(), "no entry yet");
    assert!(matches!(
        sessions.refresh(&next.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
    assert_eq!(
        verifier.verify(&next.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Session
        }
    );
}
