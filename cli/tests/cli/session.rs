//! `jwt-auth session logout-everywhere`, against a real `redis-server` the test starts on a free
//! loopback port, and a real three-master Redis Cluster (`REDIS_CLUSTER_URLS`), started the same
//! way (skipped with a message when Redis is not installed, except when `CI` is set).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use jwt_auth::store::{RedisConfig, RevocationStatus, RevocationView as _, RevokedBy};
use jwt_auth::{RedisStore, Sessions, Verifier, VerifyError};

use jwt_auth_test_support::{RedisServer, cluster};

use crate::{run, strong};

#[test]
fn logout_everywhere_revokes_the_subjects_sessions_through_redis() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let (secret, hex) = strong();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A service's view of the same Redis: its sessions, its verifier with the mirror.
    let store = runtime.block_on(async { RedisStore::new(RedisConfig::new(redis.url())) });
    let store = store.unwrap();
    let mirror = store.mirror().clone();
    let verifier = Verifier::new(&secret).with_revocation(mirror.clone());
    let sessions = Sessions::new(&secret, store);
    let (ada, bob) = runtime.block_on(async {
        assert!(
            mirror
                .wait_synced(jwt_auth::time::Duration::seconds(5))
                .await
        );
        (
            sessions.login("42", None).await.unwrap(),
            sessions.login("7", None).await.unwrap(),
        )
    });
    assert_eq!(verifier.verify(&ada.access_token).unwrap().sub, "42");

    let out = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[("JWT_SECRET", &hex), ("REDIS_URL", &redis.url())],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "logged out everywhere: every token of sub \"42\" issued until now is refused\n"
    );
    out.assert_hides(&hex);

    runtime.block_on(async {
        // The mirror hears of it by pub/sub; a generous bound, only a lost revocation fails.
        let deadline = Instant::now() + Duration::from_secs(10);
        while mirror.status("42", None, None, Some(0)) == RevocationStatus::Active {
            assert!(Instant::now() < deadline, "the revocation never arrived");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            mirror.status("42", None, None, Some(0)),
            RevocationStatus::Revoked(RevokedBy::Subject)
        );
        assert!(matches!(
            verifier.verify(&ada.access_token),
            Err(VerifyError::Revoked { .. })
        ));
        assert!(sessions.refresh(&ada.refresh_token).await.is_err());
        // Another user is untouched; a new login of the same user works.
        assert_eq!(verifier.verify(&bob.access_token).unwrap().sub, "7");
        let after = sessions.login("42", None).await.unwrap();
        assert_eq!(verifier.verify(&after.access_token).unwrap().sub, "42");
    });

    let json = run(
        &["--json", "session", "logout-everywhere", "--sub", "42"],
        &[("JWT_SECRET", &hex), ("REDIS_URL", &redis.url())],
        None,
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(
        json.json(),
        serde_json::json!({ "sub": "42", "logged_out_everywhere": true })
    );
}

/// On a cluster, the user's sessions spread over the masters (each family in the slot of its
/// `{sid}`): the cutoff the command writes refuses every one of them, through the other
/// instances' mirrors and at refresh.
#[test]
fn logout_everywhere_revokes_the_subjects_sessions_on_a_cluster() {
    const SESSIONS: usize = 12;
    let Some(cluster) = cluster::start("cli") else {
        return;
    };
    let (secret, hex) = strong();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (sessions, mirror, verifier, ada, bob) = runtime.block_on(async {
        let store = RedisStore::new(RedisConfig::cluster(cluster.urls())).unwrap();
        let mirror = store.mirror().clone();
        assert!(
            mirror
                .wait_synced(jwt_auth::time::Duration::seconds(10))
                .await
        );
        let verifier = Verifier::new(&secret).with_revocation(mirror.clone());
        let sessions = Sessions::new(&secret, store);
        let mut ada = Vec::new();
        for _ in 0..SESSIONS {
            ada.push(sessions.login("42", None).await.unwrap());
        }
        let bob = sessions.login("7", None).await.unwrap();
        (sessions, mirror, verifier, ada, bob)
    });
    // The sessions are on more than one master, so one key written by the command has to reach
    // families it does not share a slot with.
    let holding = (0..cluster.nodes.len())
        .filter(|&index| {
            cluster
                .keys(index)
                .iter()
                .any(|key| key.ends_with(":family"))
        })
        .count();
    assert!(holding >= 2, "{SESSIONS} sessions on {holding} master(s)");

    let urls = cluster.urls().join(",");
    let out = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[("JWT_SECRET", &hex), ("REDIS_CLUSTER_URLS", &urls)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "logged out everywhere: every token of sub \"42\" issued until now is refused\n"
    );
    out.assert_hides(&hex);
    for node in &cluster.nodes {
        assert!(!out.stdout.contains(&node.port.to_string()));
    }

    runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(10);
        while mirror.status("42", None, None, Some(0)) == RevocationStatus::Active {
            assert!(Instant::now() < deadline, "the revocation never arrived");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for pair in &ada {
            assert_eq!(
                verifier.verify(&pair.access_token),
                Err(VerifyError::Revoked {
                    by: RevokedBy::Subject
                })
            );
            assert!(sessions.refresh(&pair.refresh_token).await.is_err());
        }
        assert_eq!(verifier.verify(&bob.access_token).unwrap().sub, "7");
        assert!(sessions.refresh(&bob.refresh_token).await.is_ok());
        let after = sessions.login("42", None).await.unwrap();
        assert_eq!(verifier.verify(&after.access_token).unwrap().sub, "42");
    });

    let both = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[
            ("JWT_SECRET", &hex),
            ("REDIS_CLUSTER_URLS", &urls),
            ("REDIS_URL", &cluster.nodes[0].url()),
        ],
        None,
    );
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(
        both.stderr
            .starts_with("jwt-auth: error: REDIS_URL and REDIS_CLUSTER_URLS are both set"),
        "{}",
        both.stderr
    );
}

#[test]
fn logout_everywhere_without_redis_is_refused_and_revokes_nothing() {
    let (_, hex) = strong();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://127.0.0.1:{port}/");
    let out = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[("JWT_SECRET", &hex), ("REDIS_URL", &url)],
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("cannot log sub \"42\" out: ")
            && out.stderr.ends_with("; nothing was revoked\n"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&url), "{}", out.stderr);
}

#[test]
fn logout_everywhere_needs_its_inputs() {
    let (_, hex) = strong();
    let no_url = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[("JWT_SECRET", &hex)],
        None,
    );
    assert_eq!(no_url.code, 2);
    assert!(
        no_url
            .stderr
            .starts_with("jwt-auth: error: REDIS_URL is not set"),
        "{}",
        no_url.stderr
    );
    let no_secret = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[("REDIS_URL", "redis://127.0.0.1:1/")],
        None,
    );
    assert_eq!(no_secret.code, 2);
    assert!(
        no_secret
            .stderr
            .starts_with("jwt-auth: error: JWT_SECRET is not set"),
        "{}",
        no_secret.stderr
    );
    let weak = run(
        &["session", "logout-everywhere", "--sub", "42"],
        &[
            ("REDIS_URL", "redis://127.0.0.1:1/"),
            ("JWT_SECRET", "dev-secret-change-me"),
        ],
        None,
    );
    assert_eq!(weak.code, 1, "{}", weak.stderr);
    let empty = run(
        &["session", "logout-everywhere", "--sub", ""],
        &[("JWT_SECRET", &hex), ("REDIS_URL", "redis://127.0.0.1:1/")],
        None,
    );
    assert_eq!(empty.code, 2, "{}", empty.stderr);
}
