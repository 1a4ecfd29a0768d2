//! The scenarios and the failure edges on a real `redis-server`.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use jwt_auth::session::SessionEvent;
use jwt_auth::store::{
    RedisConfig, RevocationStatus, RevocationView, RevokedBy, SessionStore, StoreError,
};
use jwt_auth::{FixedClock, RedisStore, SessionError, Sessions, Verifier, VerifyError};
use time::Duration;

use crate::common::{T0, secret};
use crate::scenarios::{self, refresh_text, sessions};
use jwt_auth_test_support::RedisServer;

/// A store on `server`, its mirror synced. Expired revocation entries are dropped by the
/// scenarios' start time, `T0`.
async fn store(server: &RedisServer) -> RedisStore {
    store_with(server, RedisConfig::new(server.url())).await
}

async fn store_with(server: &RedisServer, config: RedisConfig) -> RedisStore {
    let _ = server;
    let store = RedisStore::new(config.with_clock(FixedClock::new(T0))).unwrap();
    assert!(store.mirror().wait_synced(Duration::seconds(5)).await);
    store
}

macro_rules! scenario {
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            let Some(server) = RedisServer::start() else {
                return;
            };
            scenarios::$name(store(&server).await).await;
        }
    };
}

scenario!(rotation_and_reuse);
scenario!(grace_window);
scenario!(logout_everywhere);
scenario!(logout_and_revocations);
scenario!(forged_tokens_revoke_nothing);
scenario!(retry_after_a_lost_answer);
scenario!(revoked_family_without_its_entry);

/// Redis holds hashes, never a token, and every key of a family carries its `{sid}` hash tag.
#[tokio::test]
async fn redis_holds_no_token() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let sessions = Sessions::new(secret(), store(&server).await);
    let first = sessions.login("42", Some("ada@example.com")).await.unwrap();
    let second = sessions.refresh(&first.refresh_token).await.unwrap();
    let third = sessions.refresh(&second.refresh_token).await.unwrap();
    let client = redis::Client::open(server.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .unwrap();
    let mut dump = String::new();
    for key in &keys {
        let kind: String = redis::cmd("TYPE")
            .arg(key)
            .query_async(&mut connection)
            .await
            .unwrap();
        let values: Vec<String> = match kind.as_str() {
            "hash" => redis::cmd("HGETALL")
                .arg(key)
                .query_async(&mut connection)
                .await
                .unwrap(),
            "list" => redis::cmd("LRANGE")
                .arg(key)
                .arg(0)
                .arg(-1)
                .query_async(&mut connection)
                .await
                .unwrap(),
            _ => Vec::new(),
        };
        dump.push_str(key);
        dump.push_str(&values.join(" "));
        if key.contains(&first.sid) {
            assert!(key.contains(&format!("{{{}}}", first.sid)), "{key}");
        }
    }
    assert_eq!(
        keys.iter()
            .filter(|key| key.contains(&format!("{{{}}}", first.sid)))
            .count(),
        2,
        "{keys:?}"
    );
    for pair in [&first, &second, &third] {
        let token = refresh_text(pair);
        assert!(!dump.contains(&token));
        assert!(!dump.contains(&token[22..]), "not even the secret part");
    }
}

#[tokio::test]
async fn absolute_and_idle_expiry() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let first = store(&server).await;
    let second = store(&server).await;
    let stores = std::sync::Mutex::new(vec![second, first]);
    scenarios::absolute_and_idle_expiry(|| stores.lock().unwrap().pop().unwrap()).await;
}

/// 50 refreshes of one token at once: one rotation, and the other 49 get the very same successor
/// (the grace rule), so every tab succeeds; 50 presentations of an old token at once: the family
/// ends up wholly revoked, whichever of them the store saw first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_simultaneous_refreshes() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = crate::clock::ManualClock::at(T0);
    let (sessions, verifier, events) = sessions(store(&server).await, &clock);
    let sessions = Arc::new(sessions);
    let pair = sessions.login("42", None).await.unwrap();
    let token = refresh_text(&pair);
    let refresh_all = |token: String| {
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (sessions, token) = (Arc::clone(&sessions), token.clone());
                tokio::spawn(async move { sessions.refresh(token.as_str()).await })
            })
            .collect();
        async move {
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        }
    };
    let results = refresh_all(token.clone()).await;
    let successors: std::collections::BTreeSet<String> = results
        .iter()
        .map(|result| refresh_text(result.as_ref().unwrap()))
        .collect();
    assert_eq!(successors.len(), 1, "one rotation, one successor");
    let repeated = events
        .lock()
        .unwrap()
        .iter()
        .filter(|event| matches!(event, SessionEvent::Repeated { .. }))
        .count();
    assert_eq!(repeated, 49);
    let successor = successors.into_iter().next().unwrap();

    // Move the family on twice, then replay the first token 50 times at once.
    clock.advance(Duration::minutes(1));
    let next = sessions.refresh(successor.as_str()).await.unwrap();
    let live = sessions.refresh(&next.refresh_token).await.unwrap();
    let results = refresh_all(token).await;
    for result in &results {
        assert!(
            matches!(
                result,
                Err(SessionError::Reused { .. } | SessionError::Revoked { .. })
            ),
            "{result:?}"
        );
    }
    assert!(
        results
            .iter()
            .any(|result| matches!(result, Err(SessionError::Reused { .. })))
    );
    assert!(matches!(
        sessions.refresh(&live.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
    assert_eq!(
        verifier.verify(&live.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Session
        }
    );
}

/// A frozen Redis (SIGSTOP) behaves as a down one: refresh fails with a timeout (503), verify
/// keeps answering within the staleness bound and refuses with 503 after it; once Redis thaws,
/// the same refresh token works (its successor never reached the client), and the mirror
/// answers again.
#[tokio::test]
async fn hung_redis_then_back() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let config = RedisConfig::new(server.url())
        .with_command_timeout(Duration::milliseconds(200))
        .with_staleness_bound(Duration::seconds(2));
    let store = store_with(&server, config).await;
    let view = store.revocations();
    let verifier = Verifier::new(secret()).with_revocation(view.clone());
    let sessions = Sessions::new(secret(), store);
    let pair = sessions.login("42", None).await.unwrap();

    server.freeze();
    let started = Instant::now();
    let err = sessions.refresh(&pair.refresh_token).await.unwrap_err();
    assert!(
        started.elapsed() < StdDuration::from_secs(2),
        "the timeout holds"
    );
    assert!(
        matches!(err, SessionError::Store(StoreError::Timeout { .. })),
        "{err:?}"
    );
    assert_eq!(err.to_response().status(), 503);
    assert!(
        verifier.verify(&pair.access_token).is_ok(),
        "within the bound"
    );
    tokio::time::sleep(StdDuration::from_millis(2500)).await;
    let err = verifier.verify(&pair.access_token).unwrap_err();
    assert!(
        matches!(err, VerifyError::RevocationUnavailable { .. }),
        "{err:?}"
    );
    assert_eq!(jwt_auth::AuthError::from(err).to_response().status(), 503);

    server.thaw();
    let mut retried = None;
    for _ in 0..100 {
        match sessions.refresh(&pair.refresh_token).await {
            Err(SessionError::Store(_)) => tokio::time::sleep(StdDuration::from_millis(50)).await,
            other => {
                retried = Some(other);
                break;
            }
        }
    }
    let next = retried
        .expect("Redis came back")
        .expect("the retry is no reuse");
    assert!(sessions.refresh(&next.refresh_token).await.is_ok());
    assert!(view.staleness().unwrap() < Duration::seconds(2));
    assert!(verifier.verify(&next.access_token).is_ok());
}

/// A killed Redis: refresh fails with a store error, verify refuses after the bound; when it is
/// back (with its append-only file), sessions and revocations are all there.
#[tokio::test]
async fn killed_redis_then_back() {
    let Some(mut server) = RedisServer::start_persistent() else {
        return;
    };
    let config = RedisConfig::new(server.url())
        .with_command_timeout(Duration::milliseconds(200))
        .with_staleness_bound(Duration::seconds(1));
    let store = store_with(&server, config).await;
    let view = store.revocations();
    let verifier = Verifier::new(secret()).with_revocation(view.clone());
    let sessions = Sessions::new(secret(), store);
    let kept = sessions.login("42", None).await.unwrap();
    let ended = sessions.login("7", None).await.unwrap();
    sessions.logout(&ended.refresh_token).await.unwrap();

    server.kill();
    let err = sessions.refresh(&kept.refresh_token).await.unwrap_err();
    assert!(matches!(err, SessionError::Store(_)), "{err:?}");
    assert_eq!(err.to_response().status(), 503);
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    assert!(matches!(
        verifier.verify(&kept.access_token),
        Err(VerifyError::RevocationUnavailable { .. })
    ));

    server.restart();
    let mut next = None;
    for _ in 0..100 {
        match sessions.refresh(&kept.refresh_token).await {
            Err(SessionError::Store(_)) => tokio::time::sleep(StdDuration::from_millis(50)).await,
            other => {
                next = Some(other.unwrap());
                break;
            }
        }
    }
    let next = next.expect("Redis came back");
    assert!(view.wait_synced(Duration::seconds(5)).await);
    for _ in 0..100 {
        if view
            .staleness()
            .is_some_and(|age| age < Duration::seconds(1))
        {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert!(verifier.verify(&next.access_token).is_ok());
    assert_eq!(
        verifier.verify(&ended.access_token).unwrap_err(),
        VerifyError::Revoked {
            by: RevokedBy::Session
        }
    );
    assert!(matches!(
        sessions.refresh(&ended.refresh_token).await,
        Err(SessionError::Revoked { .. })
    ));
}

/// A revocation made through one store reaches another store's mirror: 100 revocations, the
/// time from the start of the call that writes it until the other mirror refuses the token,
/// printed as p50/p99.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_reach_other_mirrors() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let writer = Sessions::new(secret(), store(&server).await);
    let reader = store(&server).await.revocations();
    let mut micros = Vec::new();
    for i in 0..100 {
        let jti = format!("jti-{i}");
        let written = Instant::now();
        writer.revoke_token(&jti).await.unwrap();
        let deadline = written + StdDuration::from_secs(5);
        while reader.status("42", None, Some(&jti), Some(0)) == RevocationStatus::Active {
            assert!(Instant::now() < deadline, "revocation {i} never arrived");
            tokio::task::yield_now().await;
        }
        micros.push(written.elapsed().as_micros());
        assert_eq!(
            reader.status("42", None, Some(&jti), Some(0)),
            RevocationStatus::Revoked(RevokedBy::Token)
        );
    }
    micros.sort_unstable();
    println!(
        "revocation propagation between two mirrors, {} revocations: p50 {} µs, p99 {} µs, max {} µs",
        micros.len(),
        micros[micros.len() / 2],
        micros[micros.len() * 99 / 100],
        micros[micros.len() - 1]
    );
}
