//! A remote key set against a real JWKS server: fetching, rotation, single flight, outages, bad
//! documents, and the scheme rule.

use std::sync::Arc;
use std::time::Duration;

use jwt_auth::jwks::{JwksError, KeyError, KeySet, RemoteError, RemoteKeySet};
use jwt_auth::{AuthError, Issuer, Secret, VerifyError};

use crate::keys::{self, ed25519, ed25519_next, es256, es256_next, jwks, token, unknown_kid_token};
use crate::server::{JwksServer, Reply};

/// What a refused document's error must be.
type Expected = fn(&RemoteError) -> bool;

/// Short enough for a quick test, long enough that a loaded machine gets its checks within it.
const COOLDOWN: Duration = Duration::from_secs(2);

/// A little past the cooldown.
async fn after_cooldown() {
    tokio::time::sleep(COOLDOWN + Duration::from_millis(100)).await;
}

fn remote(server: &JwksServer) -> RemoteKeySet {
    RemoteKeySet::jwks_url(server.url())
        .with_cooldown(COOLDOWN)
        .build()
        .unwrap()
}

fn is_503(error: &VerifyError) {
    let response = AuthError::from(error.clone()).to_response();
    assert_eq!(response.status(), 503, "{error}");
    assert_eq!(response.headers()["retry-after"], "5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn es256_and_eddsa_tokens_verify_through_a_fetched_key_set() {
    let server = JwksServer::start(Reply::json(jwks([&es256(), &ed25519()]))).await;
    let remote = remote(&server);
    let verifier = keys::verifier(&remote);
    // Nothing fetched yet: the synchronous path asks for a refresh and says so (503), the
    // asynchronous one waits for it.
    let refused = verifier.verify(&token(&es256())).unwrap_err();
    assert!(
        matches!(refused, VerifyError::KeySetRefreshing { .. }),
        "{refused}"
    );
    is_503(&refused);
    assert_eq!(
        verifier.verify_fresh(&token(&es256())).await.unwrap().sub,
        "42"
    );
    assert_eq!(verifier.verify(&token(&ed25519())).unwrap().sub, "42");
    assert_eq!(server.hits(), 1);
    let status = remote.status();
    assert_eq!(status.keys.len(), 2);
    assert_eq!(status.jwks_uri.as_deref(), Some(server.url().as_str()));
    assert!(status.last_error.is_none() && status.fetched_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_is_fetched_once_the_cooldown_is_over() {
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    let remote = remote(&server);
    let verifier = keys::verifier(&remote);
    verifier.verify_fresh(&token(&es256())).await.unwrap();
    // The issuer rotates: the new key is published, and tokens signed with it arrive at once.
    server.set_jwks(Reply::json(jwks([
        &es256(),
        &es256_next(),
        &ed25519_next(),
    ])));
    let within = verifier
        .verify_fresh(&token(&es256_next()))
        .await
        .unwrap_err();
    assert!(
        matches!(&within, VerifyError::UnknownPublicKeyId { kid, .. } if kid == es256_next().kid()),
        "a fresh answer without the kid is a bad token: {within}"
    );
    assert_eq!(AuthError::from(within).status_code(), 401);
    assert_eq!(server.hits(), 1, "no fetch within the cooldown");
    after_cooldown().await;
    assert_eq!(
        verifier
            .verify_fresh(&token(&es256_next()))
            .await
            .unwrap()
            .sub,
        "42"
    );
    assert_eq!(verifier.verify(&token(&ed25519_next())).unwrap().sub, "42");
    assert_eq!(server.hits(), 2);
    // The old key is withdrawn: its tokens stop verifying at the next refresh (the background
    // one, or this one).
    server.set_jwks(Reply::json(jwks([&es256_next()])));
    assert_eq!(
        verifier.verify_fresh(&token(&es256())).await.unwrap().sub,
        "42"
    );
    remote.refresh().await.unwrap();
    let withdrawn = verifier.verify_fresh(&token(&es256())).await.unwrap_err();
    assert!(
        matches!(withdrawn, VerifyError::UnknownPublicKeyId { .. }),
        "{withdrawn}"
    );
    assert_eq!(server.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_unknown_kids_costs_one_fetch_then_none_within_the_cooldown() {
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    let remote = RemoteKeySet::jwks_url(server.url())
        .with_cooldown(Duration::from_secs(20))
        .build()
        .unwrap();
    let verifier = keys::verifier(&remote);
    // A thousand first requests, before anything is fetched: one fetch.
    let burst = |tokens: Vec<String>| {
        let verifier = verifier.clone();
        async move {
            let tasks: Vec<_> = tokens
                .into_iter()
                .map(|token| {
                    let verifier = verifier.clone();
                    tokio::spawn(async move { verifier.verify_fresh(&token).await })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        }
    };
    let results = burst(vec![token(&es256()); 1000]).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.hits(), 1);
    // A thousand requests with new kids, once the cooldown is over: one fetch, each a 401. (A
    // cooldown of seconds, so that a loaded machine gets through each burst within it.)
    let cooldown = Duration::from_secs(5);
    let after_cooldown = || tokio::time::sleep(cooldown + Duration::from_millis(100));
    let remote = RemoteKeySet::jwks_url(server.url())
        .with_cooldown(cooldown)
        .build()
        .unwrap();
    remote.refresh().await.unwrap();
    assert_eq!(server.hits(), 2);
    after_cooldown().await;
    let verifier = keys::verifier(&remote);
    let kids = |from: usize| {
        (from..from + 1000)
            .map(|i| unknown_kid_token(&format!("new-{i}")))
            .collect()
    };
    let verifier_burst = {
        let verifier = verifier.clone();
        move |tokens: Vec<String>| {
            let verifier = verifier.clone();
            async move {
                let tasks: Vec<_> = tokens
                    .into_iter()
                    .map(|token| {
                        let verifier = verifier.clone();
                        tokio::spawn(async move { verifier.verify_fresh(&token).await })
                    })
                    .collect();
                let mut results = Vec::new();
                for task in tasks {
                    results.push(task.await.unwrap());
                }
                results
            }
        }
    };
    let results = verifier_burst(kids(0)).await;
    assert_eq!(server.hits(), 3, "one fetch for the whole burst");
    for result in &results {
        assert!(
            matches!(result, Err(VerifyError::UnknownPublicKeyId { .. })),
            "{result:?}"
        );
    }
    // And none for more of them within the cooldown, on either path.
    let results = verifier_burst(kids(1000)).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(VerifyError::UnknownPublicKeyId { .. })))
    );
    for i in 0..1000 {
        let refused = verifier
            .verify(&unknown_kid_token(&format!("sync-{i}")))
            .unwrap_err();
        assert!(
            matches!(refused, VerifyError::UnknownPublicKeyId { .. }),
            "{refused}"
        );
    }
    assert_eq!(server.hits(), 3);
    // The synchronous path past the cooldown: a thousand answers of 503, one fetch.
    after_cooldown().await;
    for i in 0..1000 {
        let refused = verifier
            .verify(&unknown_kid_token(&format!("late-{i}")))
            .unwrap_err();
        assert!(
            matches!(
                refused,
                VerifyError::KeySetRefreshing { .. } | VerifyError::UnknownPublicKeyId { .. }
            ),
            "{refused}"
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.hits(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_goes_down_keeps_serving_cached_keys_up_to_the_staleness_bound() {
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    let staleness = Duration::from_secs(6);
    let remote = RemoteKeySet::jwks_url(server.url())
        .with_cooldown(COOLDOWN)
        .with_max_staleness(staleness)
        .build()
        .unwrap();
    let verifier = keys::verifier(&remote);
    remote.refresh().await.unwrap();
    server.stop().await;
    after_cooldown().await;
    // Cached keys keep verifying.
    assert_eq!(
        verifier.verify_fresh(&token(&es256())).await.unwrap().sub,
        "42"
    );
    // An unknown kid while the source is down: 503, never 401.
    let unknown = verifier
        .verify_fresh(&unknown_kid_token("rotated"))
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, VerifyError::KeySetUnreachable { kid: Some(kid), .. } if kid == "rotated"),
        "{unknown}"
    );
    is_503(&unknown);
    assert!(matches!(
        remote.status().last_error,
        Some(RemoteError::Unreachable { .. })
    ));
    // Within the cooldown, the synchronous path says the same without a fetch.
    let again = verifier
        .verify(&unknown_kid_token("rotated-2"))
        .unwrap_err();
    assert!(
        matches!(again, VerifyError::KeySetUnreachable { .. }),
        "{again}"
    );
    assert_eq!(verifier.verify(&token(&es256())).unwrap().sub, "42");
    // Past the staleness bound: 503 for every token.
    tokio::time::sleep(staleness).await;
    let stale = verifier.verify_fresh(&token(&es256())).await.unwrap_err();
    assert!(matches!(stale, VerifyError::KeySetStale { .. }), "{stale}");
    is_503(&stale);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_refused_whole_keeps_the_cached_keys_and_says_why() {
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    let other_host = JwksServer::start_on("localhost", Reply::json(jwks([&es256_next()]))).await;
    let remote = remote(&server);
    let verifier = keys::verifier(&remote);
    remote.refresh().await.unwrap();
    let too_many = format!(
        r#"{{"keys":[{}]}}"#,
        vec![serde_json::to_string(&es256().public_key().to_jwk()).unwrap(); 33].join(",")
    );
    let cases: Vec<(Reply, Expected)> = vec![
        (
            Reply::Raw {
                status: 200,
                body: b"<html>not json</html>".to_vec(),
            },
            |e| {
                matches!(
                    e,
                    RemoteError::Document {
                        reason: JwksError::NotJson { .. },
                        ..
                    }
                )
            },
        ),
        (
            Reply::Raw {
                status: 200,
                body: vec![b' '; 64 * 1024 + 1],
            },
            |e| {
                matches!(
                    e,
                    RemoteError::Document {
                        reason: JwksError::TooLarge { max: 65536, .. },
                        ..
                    }
                )
            },
        ),
        (Reply::json(too_many), |e| {
            matches!(
                e,
                RemoteError::Document {
                    reason: JwksError::TooManyKeys { count: 33, max: 32 },
                    ..
                }
            )
        }),
        (Reply::json(r#"{"kids":[]}"#), |e| {
            matches!(
                e,
                RemoteError::Document {
                    reason: JwksError::NoKeys,
                    ..
                }
            )
        }),
        (
            Reply::Redirect(other_host.url()),
            |e| matches!(e, RemoteError::RedirectToOtherHost { location, .. } if location.starts_with("http://localhost:")),
        ),
        (
            Reply::Raw {
                status: 500,
                body: Vec::new(),
            },
            |e| matches!(e, RemoteError::Status { status: 500, .. }),
        ),
    ];
    for (reply, expected) in cases {
        server.set_jwks(reply.clone());
        let error = remote.refresh().await.unwrap_err();
        assert!(expected(&error), "{reply:?}: {error}");
        assert_eq!(remote.status().last_error.as_ref(), Some(&error));
        assert_eq!(
            verifier.verify(&token(&es256())).unwrap().sub,
            "42",
            "{reply:?}"
        );
        assert_eq!(remote.status().keys.len(), 1);
    }
    assert_eq!(
        other_host.hits(),
        0,
        "a redirect to another host is not followed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_it_cannot_use_are_skipped_with_their_reasons() {
    let mut private = serde_json::to_value(ed25519().public_key().to_jwk()).unwrap();
    private["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A".into();
    let document = serde_json::json!({"keys": [
        {"kty": "RSA", "kid": "rsa-1", "n": "AQAB", "e": "AQAB"},
        serde_json::to_value(es256().public_key().to_jwk()).unwrap(),
        private,
    ]});
    let server = JwksServer::start(Reply::json(document.to_string())).await;
    let remote = remote(&server);
    remote.refresh().await.unwrap();
    let verifier = keys::verifier(&remote);
    assert_eq!(verifier.verify(&token(&es256())).unwrap().sub, "42");
    let status = remote.status();
    assert_eq!(status.keys.len(), 1);
    let skipped: Vec<(usize, bool)> = status
        .skipped
        .iter()
        .map(|s| {
            (
                s.index,
                matches!(s.reason, KeyError::UnsupportedKeyType { .. }),
            )
        })
        .collect();
    assert_eq!(skipped, [(0, true), (2, false)]);
    assert!(matches!(
        status.skipped[1].reason,
        KeyError::PrivateMember { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_control_max_age_schedules_the_background_refresh() {
    let server = JwksServer::start(Reply::Json {
        body: jwks([&es256()]),
        cache_control: Some("public, max-age=1"),
    })
    .await;
    // A refresh never comes sooner than the cooldown: the shortest, for max-age=1 to show.
    let remote = RemoteKeySet::jwks_url(server.url())
        .with_cooldown(RemoteKeySet::MIN_COOLDOWN)
        .with_refresh_bounds(Duration::from_secs(1), Duration::from_secs(600))
        .build()
        .unwrap();
    remote.refresh().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2600)).await;
    let hits = server.hits();
    assert!(
        (2..=4).contains(&hits),
        "refreshed in the background: {hits} fetches"
    );
    // Without max-age, the default keeps it from refreshing within seconds.
    server.set_jwks(Reply::json(jwks([&es256()])));
    // The refresh scheduled by the last max-age answer fetches the new one.
    tokio::time::sleep(2 * COOLDOWN + Duration::from_millis(500)).await;
    let settled = server.hits();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(server.hits(), settled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dual_stack_verifies_hs256_without_the_remote_set_and_public_keys_through_it() {
    let server = JwksServer::start(Reply::json(jwks([&ed25519()]))).await;
    let (secret, _) = Secret::generate();
    let verifier = keys::verifier(KeySet::from(&secret).with_remote(remote(&server)));
    let hs256 = Issuer::new(&secret).issue("7", None).unwrap();
    assert_eq!(verifier.verify(&hs256).unwrap().sub, "7");
    assert_eq!(verifier.verify_fresh(&hs256).await.unwrap().sub, "7");
    assert_eq!(
        server.hits(),
        0,
        "an HS256 token never reaches the remote set"
    );
    assert_eq!(
        verifier.verify_fresh(&token(&ed25519())).await.unwrap().sub,
        "42"
    );
    assert_eq!(server.hits(), 1);
    // Another secret's token is still the ring's business alone.
    let hs256_other = Issuer::new(&Secret::generate().0).issue("7", None).unwrap();
    assert!(matches!(
        verifier.verify(&hs256_other),
        Err(VerifyError::UnknownKeyId { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_but_for_loopback_and_named_hosts() {
    for url in [
        "http://keys.example.com/jwks.json",
        "http://192.0.2.1/jwks.json",
        "ftp://127.0.0.1/jwks.json",
    ] {
        let refused = RemoteKeySet::jwks_url(url).build().unwrap_err();
        assert!(
            matches!(refused, RemoteError::InsecureUrl { .. }),
            "{url}: {refused}"
        );
    }
    assert!(
        RemoteKeySet::jwks_url("http://sidecar:8080/jwks.json")
            .allow_insecure_http_host("sidecar")
            .build()
            .is_ok()
    );
    assert!(
        RemoteKeySet::oidc_issuer("http://idp.example.com")
            .build()
            .is_err()
    );
    // An issuer on loopback whose discovery document points at plain http elsewhere.
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(
            serde_json::json!({"issuer": server.base, "jwks_uri": "http://keys.example.com/jwks.json"})
                .to_string(),
        ),
    );
    let remote = RemoteKeySet::oidc_issuer(&server.base).build().unwrap();
    let refused = remote.refresh().await.unwrap_err();
    assert!(
        matches!(refused, RemoteError::InsecureUrl { .. }),
        "{refused}"
    );
    // And one whose document names another issuer.
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(
            serde_json::json!({"issuer": "https://evil.example.com", "jwks_uri": server.url()})
                .to_string(),
        ),
    );
    let refused = remote.refresh().await.unwrap_err();
    assert!(
        matches!(&refused, RemoteError::IssuerMismatch { found: Some(found), .. } if found == "https://evil.example.com"),
        "{refused}"
    );
    // A good one is followed to its keys.
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(
            serde_json::json!({"issuer": server.base, "jwks_uri": server.url()}).to_string(),
        ),
    );
    remote.refresh().await.unwrap();
    assert_eq!(
        keys::verifier(&remote)
            .verify(&token(&es256()))
            .unwrap()
            .sub,
        "42"
    );
    assert_eq!(
        remote.status().jwks_uri.as_deref(),
        Some(server.url().as_str())
    );
}

/// Without a Tokio runtime nothing can be fetched: 503, never a panic.
#[test]
fn outside_a_runtime_the_set_is_unreachable() {
    let remote = RemoteKeySet::jwks_url("http://127.0.0.1:9/jwks.json")
        .build()
        .unwrap();
    let refused = keys::verifier(Arc::new(remote).as_ref())
        .verify(&token(&es256()))
        .unwrap_err();
    assert!(
        matches!(refused, VerifyError::KeySetUnreachable { .. }),
        "{refused}"
    );
}

/// The background task dies with its runtime; the next runtime that uses the set starts another,
/// so that the synchronous path still gets its refreshes.
#[test]
fn a_set_outlives_the_runtime_it_started_on() {
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server_runtime.block_on(JwksServer::start(Reply::json(jwks([&es256()]))));
    let verifier = keys::verifier(remote(&server));
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    runtime().block_on(async {
        assert_eq!(
            verifier.verify_fresh(&token(&es256())).await.unwrap().sub,
            "42"
        );
    });
    server.set_jwks(Reply::json(jwks([&es256(), &es256_next()])));
    std::thread::sleep(COOLDOWN + Duration::from_millis(100));
    runtime().block_on(async {
        let pending = verifier.verify(&token(&es256_next())).unwrap_err();
        assert!(
            matches!(pending, VerifyError::KeySetRefreshing { .. }),
            "{pending}"
        );
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if server.hits() == 2 {
                break;
            }
        }
        assert_eq!(verifier.verify(&token(&es256_next())).unwrap().sub, "42");
    });
    assert_eq!(server.hits(), 2);
}

/// A body without a length, longer than the cap, is read only up to the cap: a server that
/// streams for ever costs no more than 64 KiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_body_is_read_only_up_to_the_cap() {
    use tokio::io::AsyncWriteExt as _;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        // 16 MiB in 4 KiB chunks, unless the client hangs up first.
        let chunk = format!("1000\r\n{}\r\n", " ".repeat(4096));
        for _ in 0..4096 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let remote = RemoteKeySet::jwks_url(url).build().unwrap();
    let error = remote.refresh().await.unwrap_err();
    assert!(
        matches!(error, RemoteError::Document { reason: JwksError::TooLarge { len, max: 65536 }, .. } if len <= 65536 + 4096),
        "{error}"
    );
}
