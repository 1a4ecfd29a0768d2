//! The counters and the gauge, read from metrics-util's `DebuggingRecorder` installed for the
//! test's thread only, so that tests running at once count apart.

use std::collections::BTreeMap;

use http::{HeaderMap, header};
use jwt_auth::{MemoryStore, SessionError, Sessions};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

use crate::Tokens;
use crate::common::{secret, verifier};

/// Every counter as `name{label=value}` → its value. A snapshot takes the counts (the next one
/// starts from zero), so a test reads them once.
fn counters(snapshotter: &Snapshotter) -> BTreeMap<String, u64> {
    read(snapshotter).0
}

/// Every counter and every gauge as `name{label=value}` → its value.
fn read(snapshotter: &Snapshotter) -> (BTreeMap<String, u64>, BTreeMap<String, f64>) {
    let mut counters = BTreeMap::new();
    let mut gauges = BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        match value {
            DebugValue::Counter(count) => {
                counters.insert(name(key.key()), count);
            }
            DebugValue::Gauge(value) => {
                gauges.insert(name(key.key()), value.into_inner());
            }
            DebugValue::Histogram(_) => {}
        }
    }
    (counters, gauges)
}

fn name(key: &metrics::Key) -> String {
    let labels: Vec<String> = key
        .labels()
        .map(|label| format!("{}={}", label.key(), label.value()))
        .collect();
    if labels.is_empty() {
        key.name().to_owned()
    } else {
        format!("{}{{{}}}", key.name(), labels.join(","))
    }
}

fn expect(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(name, count)| ((*name).to_owned(), *count))
        .collect()
}

#[test]
fn verifications_are_counted_by_outcome() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let tokens = Tokens::new();
    metrics::with_local_recorder(&recorder, || {
        let verifier = verifier();
        verifier.verify(&tokens.valid).unwrap();
        verifier.verify(&tokens.expired).unwrap_err();
        verifier.verify(&tokens.forged).unwrap_err();
        verifier.verify(&tokens.foreign).unwrap_err();
        // Through `authenticate`: counted once, like `verify`.
        let mut headers = HeaderMap::new();
        let bearer = format!("Bearer {}", tokens.valid);
        headers.insert(header::AUTHORIZATION, bearer.parse().unwrap());
        verifier.authenticate(&headers).unwrap();
        // No token at all: nothing was verified, nothing is counted.
        verifier.authenticate(&HeaderMap::new()).unwrap_err();
        // Nor is a header that holds no token68: a malformed request, not a refused token.
        headers.insert(header::AUTHORIZATION, "Bearer a.b c".parse().unwrap());
        verifier.authenticate(&headers).unwrap_err();
        // A token68 that is not a JWT is a token, refused.
        headers.insert(header::AUTHORIZATION, "Bearer a~b".parse().unwrap());
        verifier.authenticate(&headers).unwrap_err();
    });
    assert_eq!(
        counters(&snapshotter),
        expect(&[
            ("jwt_auth_verifications_total{outcome=expired}", 1),
            ("jwt_auth_verifications_total{outcome=invalid_signature}", 1),
            ("jwt_auth_verifications_total{outcome=ok}", 2),
            ("jwt_auth_verifications_total{outcome=segment_count}", 1),
            ("jwt_auth_verifications_total{outcome=unknown_key_id}", 1),
        ])
    );
}

#[tokio::test]
async fn refreshes_reuse_and_store_errors_are_counted() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);

    let sessions = Sessions::new(secret(), MemoryStore::new());
    let first = sessions.login("42", None).await.unwrap();
    let second = sessions.refresh(&first.refresh_token).await.unwrap();
    sessions.refresh(&second.refresh_token).await.unwrap();
    // `first` is a grandparent now: reuse, and the session is revoked.
    let err = sessions.refresh(&first.refresh_token).await.unwrap_err();
    assert!(matches!(err, SessionError::Reused { .. }));
    let err = sessions.refresh("not a refresh token").await.unwrap_err();
    assert_eq!(err, SessionError::Malformed);

    // A full memory store fails the login with a store error: one family fits, not two.
    let full = Sessions::new(secret(), MemoryStore::new().with_max_entries(1));
    full.login("42", None).await.unwrap();
    let err = full.login("43", None).await.unwrap_err();
    assert_eq!(err.cause_name(), "store");

    assert_eq!(
        counters(&snapshotter),
        expect(&[
            ("jwt_auth_refresh_reuse_total", 1),
            ("jwt_auth_refreshes_total{outcome=malformed}", 1),
            ("jwt_auth_refreshes_total{outcome=ok}", 2),
            ("jwt_auth_refreshes_total{outcome=reused}", 1),
            ("jwt_auth_store_errors_total{operation=start}", 1),
        ])
    );
}

/// On a real Redis: a refresh while Redis is down counts a store error on `rotate` and a refresh
/// whose outcome is `store`; the mirror's lag gauge stays under a second while Redis answers and
/// passes the staleness bound once it does not.
#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_outage_counts_store_errors_and_the_mirror_lag_grows() {
    use jwt_auth::RedisStore;
    use jwt_auth::store::RedisConfig;
    use jwt_auth_test_support::RedisServer;
    use time::Duration;

    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);

    let bound = Duration::seconds(1);
    let store =
        RedisStore::new(RedisConfig::new(server.url()).with_staleness_bound(bound)).unwrap();
    assert!(store.mirror().wait_synced(Duration::seconds(5)).await);
    let sessions = Sessions::new(secret(), store);
    let pair = sessions.login("42", None).await.unwrap();
    // Two heartbeats (500 ms apart) have reported by now.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (counted, gauges) = read(&snapshotter);
    assert_eq!(counted, BTreeMap::new());
    let lag = gauges["jwt_auth_revocation_mirror_lag_seconds"];
    assert!((0.0..1.0).contains(&lag), "lag {lag} s while Redis answers");

    server.kill();
    let err = sessions.refresh(&pair.refresh_token).await.unwrap_err();
    assert_eq!(err.cause_name(), "store");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (counted, gauges) = read(&snapshotter);
    let lag = gauges["jwt_auth_revocation_mirror_lag_seconds"];
    assert!(lag > 1.0, "lag {lag} s with Redis down for 1.5 s");
    assert_eq!(
        counted,
        expect(&[
            ("jwt_auth_refreshes_total{outcome=store}", 1),
            ("jwt_auth_store_errors_total{operation=rotate}", 1),
        ])
    );
}
