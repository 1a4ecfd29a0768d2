//! The events, recorded by a `tracing-subscriber` layer set as the test thread's default.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use jwt_auth::{MemoryStore, Sessions, secrecy::ExposeSecret};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

use crate::Tokens;
use crate::common::{secret, verifier};

/// One event: its target, level, and every field (the message included) as text.
#[derive(Debug, Clone, PartialEq)]
struct Recorded {
    target: String,
    level: Level,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Recorded>>>);

impl Recorder {
    fn events(&self) -> Vec<Recorded> {
        self.0.lock().unwrap().clone()
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Recorded {
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            fields,
        });
    }
}

fn recorded(target: &str, level: Level, fields: &[(&str, &str)]) -> Recorded {
    Recorded {
        target: target.to_owned(),
        level,
        fields: fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
    }
}

#[test]
fn each_rejection_is_an_event_with_its_cause_and_never_the_token() {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone());
    let tokens = Tokens::new();
    tracing::subscriber::with_default(subscriber, || {
        let verifier = verifier();
        verifier.verify(&tokens.valid).unwrap();
        for token in [&tokens.expired, &tokens.forged, &tokens.foreign] {
            verifier.verify(token).unwrap_err();
        }
    });
    let events = recorder.events();
    let verifier = verifier();
    let expected: Vec<Recorded> = [&tokens.expired, &tokens.forged, &tokens.foreign]
        .into_iter()
        .map(|token| {
            let err = verifier.verify(token).unwrap_err();
            recorded(
                "jwt_auth::verifier",
                Level::DEBUG,
                &[
                    ("cause", err.cause_name()),
                    ("error", &err.to_string()),
                    ("message", "token rejected"),
                ],
            )
        })
        .collect();
    assert_eq!(
        events, expected,
        "one event per rejection, none for the valid token"
    );
    let causes: Vec<&str> = events.iter().map(|e| e.fields["cause"].as_str()).collect();
    assert_eq!(causes, ["expired", "invalid_signature", "unknown_key_id"]);
    for event in &events {
        for value in event.fields.values() {
            for token in [
                &tokens.valid,
                &tokens.expired,
                &tokens.forged,
                &tokens.foreign,
            ] {
                let signature = token.rsplit('.').next().unwrap();
                assert!(!value.contains(signature), "{value:?} quotes a token");
            }
        }
    }
}

#[tokio::test]
async fn reuse_is_a_warning_and_a_store_error_an_error() {
    let recorder = Recorder::default();
    let _default =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(recorder.clone()));
    let sessions = Sessions::new(secret(), MemoryStore::new());
    let first = sessions.login("42", None).await.unwrap();
    let second = sessions.refresh(&first.refresh_token).await.unwrap();
    sessions.refresh(&second.refresh_token).await.unwrap();
    let reused = sessions.refresh(&first.refresh_token).await.unwrap_err();
    let full = Sessions::new(secret(), MemoryStore::new().with_max_entries(1));
    full.login("42", None).await.unwrap();
    let store_error = full.login("43", None).await.unwrap_err();
    let jwt_auth::SessionError::Store(store_error) = store_error else {
        panic!("{store_error:?}")
    };

    assert_eq!(
        recorder.events(),
        [
            recorded(
                "jwt_auth::session",
                Level::WARN,
                &[
                    ("cause", "reused"),
                    ("message", "refresh token reuse: the session is revoked"),
                    ("sid", &first.sid),
                    ("sub", "42"),
                ],
            ),
            recorded(
                "jwt_auth::session",
                Level::DEBUG,
                &[
                    ("cause", "reused"),
                    ("error", &reused.to_string()),
                    ("message", "refresh refused"),
                ],
            ),
            recorded(
                "jwt_auth::store",
                Level::ERROR,
                &[
                    ("error", &store_error.to_string()),
                    ("message", "session store error"),
                    ("operation", "start"),
                ],
            ),
        ]
    );
    for event in recorder.events() {
        for value in event.fields.values() {
            for pair in [&first, &second] {
                assert!(!value.contains(pair.refresh_token.expose_secret()));
                assert!(!value.contains(&pair.access_token));
            }
        }
    }
}

/// On a real Redis: a mirror that loses Redis for longer than its staleness bound warns once, and
/// says once that it is current again when Redis is back.
#[cfg(feature = "redis")]
#[tokio::test]
async fn a_stale_mirror_warns_once_and_recovers_once() {
    use jwt_auth::RedisStore;
    use jwt_auth::store::RedisConfig;
    use jwt_auth_test_support::RedisServer;
    use time::Duration;

    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let recorder = Recorder::default();
    let _default =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(recorder.clone()));
    let config = RedisConfig::new(server.url()).with_staleness_bound(Duration::seconds(1));
    let store = RedisStore::new(config).unwrap();
    assert!(store.mirror().wait_synced(Duration::seconds(5)).await);
    server.kill();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    server.restart();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while recorder.events().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A heartbeat more, which must not repeat either event.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let events = recorder.events();
    let seen: Vec<(&str, Level, &str)> = events
        .iter()
        .map(|e| (e.target.as_str(), e.level, e.fields["message"].as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "jwt_auth::store",
                Level::WARN,
                "revocation mirror is stale: verifications that check revocation answer 503"
            ),
            (
                "jwt_auth::store",
                Level::INFO,
                "revocation mirror is current again"
            ),
        ]
    );
    assert_eq!(events[0].fields["bound_secs"], "1.0");
    let lag: f64 = events[0].fields["lag_secs"].parse().unwrap();
    assert!(lag > 1.0, "{lag}");
    drop(store);
}
