//! The scenarios and the failure edges on a real three-master Redis Cluster, started by the
//! tests themselves (`jwt_auth_test_support::cluster`).

use std::time::{Duration as StdDuration, Instant};

use jwt_auth::store::{
    RedisConfig, RevocationStatus, RevocationView, RevokedBy, SessionStore as _,
};
use jwt_auth::{FixedClock, RedisStore, SessionError, Sessions, TokenPair, Verifier, VerifyError};
use time::Duration;

use crate::common::{T0, secret};
use crate::scenarios;
use jwt_auth_test_support::cluster::{self as redis_cluster, NODE_TIMEOUT_MS, RedisCluster};

/// A store on `cluster` under `prefix`, its mirror synced.
async fn store(
    cluster: &RedisCluster,
    config: impl FnOnce(RedisConfig) -> RedisConfig,
) -> RedisStore {
    let store = RedisStore::new(config(RedisConfig::cluster(cluster.urls()))).unwrap();
    assert!(store.mirror().wait_synced(Duration::seconds(10)).await);
    store
}

/// Every session scenario the single Redis runs, each under its own prefix, on one cluster.
/// Expired revocation entries are dropped by the scenarios' start time, `T0`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_scenarios_on_a_cluster() {
    let Some(cluster) = redis_cluster::start("scenarios") else {
        return;
    };
    let on = |prefix: &'static str| {
        let cluster = &cluster;
        async move {
            store(cluster, |config| {
                config.with_prefix(prefix).with_clock(FixedClock::new(T0))
            })
            .await
        }
    };
    scenarios::rotation_and_reuse(on("rotation").await).await;
    scenarios::grace_window(on("grace").await).await;
    scenarios::logout_everywhere(on("everywhere").await).await;
    scenarios::logout_and_revocations(on("revocations").await).await;
    scenarios::forged_tokens_revoke_nothing(on("forged").await).await;
    scenarios::retry_after_a_lost_answer(on("retry").await).await;
    scenarios::revoked_family_without_its_entry(on("without-entry").await).await;
    let first = on("expiry").await;
    let second = on("expiry").await;
    let stores = std::sync::Mutex::new(vec![second, first]);
    scenarios::absolute_and_idle_expiry(|| stores.lock().unwrap().pop().unwrap()).await;
}

/// Many logins spread over every master, each family's keys in one slot; the revocation
/// entries spread over every master too; and a revocation through one instance reaches another
/// instance's mirror, for each kind (p50/p99 printed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn families_spread_and_revocations_reach_every_mirror() {
    let Some(cluster) = redis_cluster::start("spread") else {
        return;
    };
    let writer = Sessions::new(secret(), store(&cluster, |config| config).await);
    let reader = store(&cluster, |config| config).await.revocations();
    let verifier = Verifier::new(secret()).with_revocation(reader.clone());
    let mut pairs = Vec::new();
    for i in 0..300 {
        pairs.push(writer.login(&format!("user-{i}"), None).await.unwrap());
    }
    for pair in &pairs[..30] {
        writer.refresh(&pair.refresh_token).await.unwrap();
    }
    for (index, node) in cluster.nodes.iter().enumerate() {
        let keys = cluster.keys(index);
        let families = keys.iter().filter(|key| key.ends_with(":family")).count();
        assert!(
            families > 30,
            "master {} holds {families} families",
            node.port
        );
        // Each family's keys are on the master of its `{sid}`.
        for key in keys.iter().filter(|key| key.ends_with(":used")) {
            assert!(keys.contains(&key.replace(":used", ":family")), "{key}");
        }
    }
    // Every kind of revocation, from the writer to the reader's mirror.
    let mut micros = Vec::new();
    for (i, pair) in pairs.iter().enumerate().take(60) {
        let written = Instant::now();
        match i % 3 {
            0 => writer.logout(&pair.refresh_token).await.unwrap(),
            1 => writer
                .logout_everywhere(&format!("user-{i}"))
                .await
                .unwrap(),
            _ => writer.revoke_session(&pair.sid).await.unwrap(),
        }
        let deadline = written + StdDuration::from_secs(5);
        loop {
            match verifier.verify(&pair.access_token) {
                Err(VerifyError::Revoked { by }) => {
                    let expected = if i % 3 == 1 {
                        RevokedBy::Subject
                    } else {
                        RevokedBy::Session
                    };
                    assert_eq!(by, expected);
                    break;
                }
                Ok(_) => {}
                Err(other) => panic!("revocation {i}: {other:?}"),
            }
            assert!(Instant::now() < deadline, "revocation {i} never arrived");
            tokio::task::yield_now().await;
        }
        micros.push(written.elapsed().as_micros());
    }
    for jti in (0..40).map(|i| format!("jti-{i}")) {
        let written = Instant::now();
        writer.revoke_token(&jti).await.unwrap();
        let deadline = written + StdDuration::from_secs(5);
        while reader.status("42", None, Some(&jti), Some(0)) == RevocationStatus::Active {
            assert!(
                Instant::now() < deadline,
                "revocation of {jti} never arrived"
            );
            tokio::task::yield_now().await;
        }
        micros.push(written.elapsed().as_micros());
    }
    // The entries are spread over every master.
    for index in 0..cluster.nodes.len() {
        let shards = cluster
            .keys(index)
            .into_iter()
            .filter(|key| key.starts_with("{jwt-auth:revocations:") && !key.contains("}:"))
            .count();
        assert!(shards > 0, "master {index} holds no revocation shard");
    }
    // The tokens nobody revoked still verify.
    for pair in &pairs[60..] {
        assert!(verifier.verify(&pair.access_token).is_ok());
    }
    micros.sort_unstable();
    println!(
        "revocation propagation between two mirrors on a cluster, {} revocations: p50 {} µs, p99 {} µs, max {} µs",
        micros.len(),
        micros[micros.len() / 2],
        micros[micros.len() * 99 / 100],
        micros[micros.len() - 1]
    );
}

/// Keeps asking until `call` answers something other than a store error, for at most 5 s.
async fn eventually<T, F: Future<Output = Result<T, SessionError>>>(
    mut call: impl FnMut() -> F,
) -> Result<T, SessionError> {
    let deadline = Instant::now() + StdDuration::from_secs(5);
    loop {
        match call().await {
            Err(SessionError::Store(_)) if Instant::now() < deadline => {
                tokio::time::sleep(StdDuration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

/// One master killed: operations on its slots answer a store error (503), the others keep
/// working, before and after the cluster agrees the master failed; a verify through a mirror is
/// never a 401 for a valid token (it is 503 past the staleness bound for the tokens whose
/// revocation shards were on the lost master, and goes on verifying the others).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_down_answers_503_on_its_slots_only() {
    let Some(mut cluster) = redis_cluster::start("master-down") else {
        return;
    };
    let bound = Duration::seconds(2);
    let configure = |config: RedisConfig| {
        config
            .with_command_timeout(Duration::milliseconds(200))
            .with_staleness_bound(bound)
    };
    let sessions = Sessions::new(secret(), store(&cluster, configure).await);
    let view = store(&cluster, configure).await.revocations();
    let verifier = Verifier::new(secret()).with_revocation(view.clone());
    let mut pairs: Vec<TokenPair> = Vec::new();
    for i in 0..90 {
        pairs.push(sessions.login(&format!("user-{i}"), None).await.unwrap());
    }
    let all = pairs.len();
    let victim = 0;
    let (lost, kept): (Vec<TokenPair>, Vec<TokenPair>) = pairs
        .into_iter()
        .partition(|pair| cluster.serves(victim, cluster.slot(&pair.sid)));
    assert!(!lost.is_empty() && !kept.is_empty());

    cluster.nodes[victim].kill();
    let never_401 = |pairs: &[TokenPair]| {
        let mut valid = 0;
        for pair in pairs {
            match verifier.verify(&pair.access_token) {
                Ok(_) => valid += 1,
                Err(err) => {
                    assert!(
                        matches!(err, VerifyError::RevocationUnavailable { .. }),
                        "{err:?}"
                    );
                    assert_eq!(jwt_auth::AuthError::from(err).to_response().status(), 503);
                }
            }
        }
        valid
    };
    assert_eq!(
        never_401(&kept) + never_401(&lost),
        all,
        "within the bound, every token verifies"
    );
    let mut kept = kept.into_iter();
    let mut lost = lost.into_iter();
    // Twice: right after the kill, and once the others have marked the master failed.
    for round in 0..2 {
        if round == 1 {
            tokio::time::sleep(StdDuration::from_millis(3 * NODE_TIMEOUT_MS)).await;
        }
        let pair = lost.next().expect("enough families on the lost master");
        let started = Instant::now();
        let err = sessions.refresh(&pair.refresh_token).await.unwrap_err();
        assert!(
            started.elapsed() < StdDuration::from_secs(2),
            "the timeout holds"
        );
        assert!(matches!(err, SessionError::Store(_)), "{err:?}");
        assert_eq!(err.to_response().status(), 503);
        let err = sessions.logout(&pair.refresh_token).await.unwrap_err();
        assert!(matches!(err, SessionError::Store(_)), "{err:?}");

        let pair = kept.next().expect("enough families on the live masters");
        let next = eventually(|| sessions.refresh(&pair.refresh_token))
            .await
            .expect("a live master's family refreshes");
        assert!(sessions.refresh(&next.refresh_token).await.is_ok());
        never_401(std::slice::from_ref(&next));
    }
    let kept: Vec<TokenPair> = kept.collect();
    let lost: Vec<TokenPair> = lost.collect();

    // Past the staleness bound: the shards on the lost master are stale, the others are not.
    tokio::time::sleep(StdDuration::try_from(bound).unwrap() + StdDuration::from_millis(500)).await;
    let valid = never_401(&kept) + never_401(&lost);
    assert!(valid > 0, "the live masters' shards still verify");
    assert!(
        valid < kept.len() + lost.len(),
        "the lost master's shards refuse"
    );
    // A revocation on a live shard still works and reaches the mirror; one on the lost master's
    // shards answers 503.
    let (mut live, mut dead) = (0, 0);
    for i in 0..40 {
        let jti = format!("after-the-loss-{i}");
        match sessions.revoke_token(&jti).await {
            Ok(()) => {
                live += 1;
                let deadline = Instant::now() + StdDuration::from_secs(5);
                while view.status("42", None, Some(&jti), Some(0))
                    != RevocationStatus::Revoked(RevokedBy::Token)
                {
                    assert!(Instant::now() < deadline, "{jti} never arrived");
                    tokio::time::sleep(StdDuration::from_millis(5)).await;
                }
            }
            Err(SessionError::Store(_)) => dead += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(
        live > 0 && dead > 0,
        "{live} live, {dead} on the lost master"
    );
}
