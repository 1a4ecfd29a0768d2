//! What sessions cost: verify with a revocation view of 100,000 entries against plain verify
//! (target: at most 1.2 times), and refresh throughput against a local Redis with 32 concurrent
//! clients (target: at least 5,000 refreshes a second on 2 cores).
//!
//! ```sh
//! cargo bench --bench sessions --features redis      # needs redis-server on the PATH
//! cargo bench --bench sessions                       # the verify part only
//! ```
//!
//! The Redis part starts its own `redis-server` on a free loopback port and stops it.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use jwt_auth::store::SessionStore;
use jwt_auth::{MemoryStore, Secret, Sessions, Verifier};

const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
const ENTRIES: usize = 100_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A token of a live session, and the same verifier with and without a view holding `ENTRIES`
/// revocations: a third each of `jti`s, `sid`s and subject cutoffs of other users.
fn verify(c: &mut Criterion, rt: &tokio::runtime::Runtime) -> (f64, f64) {
    let secret = Secret::new(SECRET).unwrap();
    let store = MemoryStore::new();
    let sessions = Sessions::new(&secret, store.clone());
    let (token, sid) = rt.block_on(async {
        for i in 0..ENTRIES / 3 {
            sessions.revoke_token(&format!("jti-{i}")).await.unwrap();
            sessions.revoke_session(&format!("sid-{i}")).await.unwrap();
            sessions
                .logout_everywhere(&format!("user-{i}"))
                .await
                .unwrap();
        }
        let pair = sessions.login("42", Some("ada@example.com")).await.unwrap();
        (pair.access_token, pair.sid)
    });
    assert!(store.revocation_entries() >= ENTRIES - 2);
    let plain = Verifier::new(&secret);
    let checked = Verifier::new(&secret).with_revocation(store.revocations());
    assert_eq!(checked.verify(&token).unwrap().sub, "42");
    assert!(!sid.is_empty());

    let mut group = c.benchmark_group("sessions-verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("plain", |b| {
        b.iter(|| plain.verify(black_box(&token)).unwrap());
    });
    group.bench_function("revocation-100k", |b| {
        b.iter(|| checked.verify(black_box(&token)).unwrap());
    });
    group.finish();
    (
        median_ns("sessions-verify", "plain"),
        median_ns("sessions-verify", "revocation-100k"),
    )
}

fn median_ns(group: &str, name: &str) -> f64 {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| std::path::PathBuf::from("target"), Into::into);
    let path = target
        .join("criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|estimates| estimates["median"]["point_estimate"].as_f64())
        .unwrap_or(f64::NAN)
}

#[cfg(feature = "redis")]
mod redis_bench {
    use std::net::{TcpListener, TcpStream};
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;

    use jwt_auth::RedisStore;
    use jwt_auth::store::RedisConfig;

    use std::time::Instant;

    use super::{Criterion, Duration, SECRET, Secret, Sessions, Throughput, median_ns};

    pub(crate) const CLIENTS: u64 = 32;

    pub(crate) struct Server(Child, pub(crate) u16);

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    pub(crate) fn server() -> Option<Server> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .ok()?;
        let server = Server(child, port);
        for _ in 0..500 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(server);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// 32 clients, each refreshing its own session in a loop; the time per refresh is the
    /// wall-clock time of all of them divided by their number.
    pub(crate) fn refresh(c: &mut Criterion, rt: &tokio::runtime::Runtime, port: u16) -> f64 {
        let secret = Secret::new(SECRET).unwrap();
        let sessions = rt.block_on(async {
            let store =
                RedisStore::new(RedisConfig::new(format!("redis://127.0.0.1:{port}/"))).unwrap();
            assert!(store.mirror().wait_synced(time::Duration::seconds(5)).await);
            Arc::new(Sessions::new(&secret, store))
        });
        let tokens: Vec<String> = rt.block_on(async {
            let mut tokens = Vec::new();
            for i in 0..CLIENTS {
                let pair = sessions.login(&format!("user-{i}"), None).await.unwrap();
                tokens.push(
                    jwt_auth::secrecy::ExposeSecret::expose_secret(&pair.refresh_token).to_owned(),
                );
            }
            tokens
        });
        let tokens = Arc::new(std::sync::Mutex::new(tokens));
        let mut group = c.benchmark_group("sessions-refresh");
        group.throughput(Throughput::Elements(1));
        group.sample_size(20);
        group.bench_function("redis-32-clients", |b| {
            b.iter_custom(|iters| {
                let per_client = iters.div_ceil(CLIENTS);
                let start = Instant::now();
                rt.block_on(async {
                    let tasks: Vec<_> = (0..CLIENTS)
                        .map(|i| {
                            let sessions = Arc::clone(&sessions);
                            let tokens = Arc::clone(&tokens);
                            tokio::spawn(async move {
                                let i = usize::try_from(i).unwrap();
                                let mut token = tokens.lock().unwrap()[i].clone();
                                for _ in 0..per_client {
                                    let pair = sessions.refresh(token.as_str()).await.unwrap();
                                    jwt_auth::secrecy::ExposeSecret::expose_secret(
                                        &pair.refresh_token,
                                    )
                                    .clone_into(&mut token);
                                }
                                tokens.lock().unwrap()[i] = token;
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                });
                // `iters` asked for, `per_client * CLIENTS` done: scale to what was asked.
                let done = u32::try_from(per_client * CLIENTS).unwrap_or(u32::MAX);
                let asked = u32::try_from(iters).unwrap_or(u32::MAX);
                start.elapsed() / done * asked
            });
        });
        group.finish();
        median_ns("sessions-refresh", "redis-32-clients")
    }
}

fn main() {
    let rt = runtime();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let (plain, checked) = verify(&mut c, &rt);
    #[cfg(feature = "redis")]
    let refresh = redis_bench::server().map(|server| redis_bench::refresh(&mut c, &rt, server.1));
    #[cfg(feature = "redis")]
    if refresh.is_none() {
        println!("(no redis-server on the PATH: refresh throughput not measured)");
    }
    c.final_summary();
    println!(
        "\nSummary ({} backend), medians of this run:",
        jwt_auth::CRYPTO_BACKEND
    );
    println!(
        "  verify plain {plain:.0} ns | with a 100,000-entry revocation view {checked:.0} ns | ratio {:.2} (target <= 1.20)",
        checked / plain
    );
    #[cfg(feature = "redis")]
    if let Some(refresh) = refresh {
        println!(
            "  refresh against local Redis, {} clients: {refresh:.0} ns each, {:.0} refreshes/s (target >= 5,000)",
            redis_bench::CLIENTS,
            1e9 / refresh
        );
    }
}
