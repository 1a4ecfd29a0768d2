//! What a remote key set tells `metrics`: each fetch counted by outcome, and the age of the keys,
//! read from metrics-util's `DebuggingRecorder` installed for the test's thread (the fetch runs on
//! the same thread, in a current-thread runtime).

use std::collections::BTreeMap;

use jwt_auth::jwks::RemoteKeySet;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

use crate::keys::{ed25519, jwks};
use crate::server::{JwksServer, Reply};

#[test]
fn fetches_are_counted_by_outcome_and_the_age_is_a_gauge() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            let server = JwksServer::start(Reply::json(jwks([&ed25519()]))).await;
            let remote = RemoteKeySet::jwks_url(server.url()).build().unwrap();
            remote.refresh().await.unwrap();
            server.set_jwks(Reply::Raw {
                status: 500,
                body: b"down".to_vec(),
            });
            assert!(remote.refresh().await.is_err());
        });
    });
    let mut counters = BTreeMap::new();
    let mut gauges = BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let labels: Vec<String> = key
            .key()
            .labels()
            .map(|label| format!("{}={}", label.key(), label.value()))
            .collect();
        let name = format!("{}{:?}", key.key().name(), labels);
        match value {
            DebugValue::Counter(count) => {
                counters.insert(name, count);
            }
            DebugValue::Gauge(value) => {
                gauges.insert(name, value.into_inner());
            }
            DebugValue::Histogram(_) => {}
        }
    }
    assert_eq!(
        counters,
        BTreeMap::from([
            (r#"jwt_auth_jwks_fetches_total["outcome=ok"]"#.to_owned(), 1),
            (
                r#"jwt_auth_jwks_fetches_total["outcome=status"]"#.to_owned(),
                1
            ),
        ])
    );
    let age = gauges["jwt_auth_jwks_age_seconds[]"];
    assert!((0.0..60.0).contains(&age), "{age}");
}
