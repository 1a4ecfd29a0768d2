//! Verify, issue and authenticate throughput, against the baselines users would otherwise have:
//! `jsonwebtoken::decode` as a user writes it, and a FLOOR (the least work any verifier must do).
//!
//! ```sh
//! cargo bench --bench verify                       # rust-crypto backend
//! cargo bench --bench verify --no-default-features --features aws-lc-rs
//! cargo bench --bench verify --features metrics    # and a verify reporting to a recorder
//! ```
//!
//! After the measurements it prints the medians and the ratios the crate targets (issues 5 and
//! 16), from criterion's medians and from interleaved rounds (see [`Interleaved`]), the reading
//! to trust on a shared machine. The interleaved rounds alone, in a few seconds:
//!
//! ```sh
//! cargo bench --bench verify -- interleaved       # a filter no criterion benchmark matches
//! ```
//!
//! With feature `remote-jwks`, group `remote` times an ES256 verify through a remote key set
//! (fetched once from a JWKS server on loopback) against the same key held locally:
//!
//! ```sh
//! cargo bench --bench verify --features remote-jwks -- remote
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, Throughput};
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};
use jwt_auth::{Issuer, KeyRing, Secret, Verifier};
use serde::{Deserialize, Serialize};

mod common;

use common::{MacKey, median_ns};

/// `openssl rand -hex 32`, as in production.
const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
/// The product's token shape: 217 characters, its header naming the key (`kid`).
const SUB: &str = "123456";
const EMAIL: &str = "ada@example.com";

#[derive(Serialize, Deserialize)]
struct ProductClaims {
    sub: String,
    email: Option<String>,
    iat: i64,
    exp: i64,
}

/// The floor: HMAC-SHA256 with a precomputed key, one base64url decode of the signature and one of
/// the payload (by `base64-simd`, the decoder the verifier uses), one `serde_json` parse, one read
/// of the system clock and the `exp` check. Nothing else: no header, no policy. Uses the same
/// crypto crate as the backend under test.
mod floor {
    use super::*;

    pub(crate) struct Key(MacKey);

    impl Key {
        pub(crate) fn new(secret: &[u8]) -> Self {
            Self(MacKey::new(secret))
        }

        pub(crate) fn verify_tag(&self, message: &[u8], tag: &[u8]) -> bool {
            self.0.verify_tag(message, tag)
        }

        pub(crate) fn tag(&self, message: &[u8]) -> [u8; 32] {
            self.0.tag(message)
        }

        pub(crate) fn verify(&self, token: &str) -> Option<ProductClaims> {
            let (signing_input, signature) = token.rsplit_once('.')?;
            let (_, payload) = signing_input.split_once('.')?;
            let mut tag = [0_u8; 32];
            base64_simd::URL_SAFE_NO_PAD
                .decode(signature.as_bytes(), base64_simd::Out::from_slice(&mut tag))
                .ok()?;
            if !self.0.verify_tag(signing_input.as_bytes(), &tag) {
                return None;
            }
            let json = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(payload).ok()?;
            let claims: ProductClaims = serde_json::from_slice(&json).ok()?;
            // The cheapest read of the time a verifier can do.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            (u64::try_from(claims.exp).ok()? > now).then_some(claims)
        }

        /// The issuing floor: serialize, base64url, HMAC, base64url.
        pub(crate) fn issue(&self, claims: &ProductClaims) -> String {
            let mut token = String::from("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.");
            URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims).unwrap(), &mut token);
            let tag = self.tag(token.as_bytes());
            token.push('.');
            URL_SAFE_NO_PAD.encode_string(tag, &mut token);
            token
        }
    }
}

struct Fixture {
    /// What the product's Python service signs: no `kid`.
    token: String,
    /// What this crate's issuer signs: the same claims, with `kid`.
    token_with_kid: String,
    /// The product's token signed by each key of `ring`: current, first and second fallback.
    ring_tokens: [String; 3],
    ring: Verifier,
    headers: HeaderMap,
    verifier: Verifier,
    issuer: Issuer,
    floor: floor::Key,
    jwt_key: jsonwebtoken::DecodingKey,
    jwt_validation: jsonwebtoken::Validation,
}

/// A tag no key produces for the signing inputs here: the reference HMAC check fails, as it does
/// for each ring key a token passes.
const WRONG_TAG: [u8; 32] = [0; 32];

/// Two more strong secrets, the ring's fallbacks.
const FALLBACKS: [&str; 2] = [
    "5b1f0c9e7d3a6428e1f4b7c0a9d2e5f8c3b6a1d4e7f0a3c6b9d2e5f8a1c4b7d0",
    "9a3e61c0f7d24b58e1c6a0f3d7b2e5c8a1f4d7b0e3c6a9f2d5b8e1c4a7f0d3b6",
];

fn product_claims() -> ProductClaims {
    let iat = time::OffsetDateTime::now_utc().unix_timestamp();
    ProductClaims {
        sub: SUB.into(),
        email: Some(EMAIL.into()),
        iat,
        exp: iat + 604_800,
    }
}

fn fixture() -> Fixture {
    let secret = Secret::new(SECRET).unwrap();
    let issuer = Issuer::new(&secret);
    let floor = floor::Key::new(SECRET.as_bytes());
    let token = floor.issue(&product_claims());
    assert_eq!(token.len(), 183, "the product's token shape");
    let token_with_kid = issuer.issue(SUB, Some(EMAIL)).unwrap();
    let mut ring = KeyRing::new(secret.clone());
    for fallback in FALLBACKS {
        ring = ring.with_fallback(Secret::new(fallback).unwrap()).unwrap();
    }
    let ring_tokens = [SECRET, FALLBACKS[0], FALLBACKS[1]]
        .map(|key| floor::Key::new(key.as_bytes()).issue(&product_claims()));
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    Fixture {
        verifier: Verifier::new(&secret),
        issuer,
        floor,
        token_with_kid,
        ring_tokens,
        ring: Verifier::new(ring),
        jwt_key: jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes())
            .expect("a non-empty key"),
        jwt_validation: jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256),
        token,
        headers,
    }
}

fn verify(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("jwt-auth", |b| {
        b.iter(|| f.verifier.verify(black_box(&f.token)).unwrap());
    });
    group.bench_function("floor", |b| {
        b.iter(|| f.floor.verify(black_box(&f.token)).unwrap());
    });
    group.bench_function("jwt-auth, own token with kid", |b| {
        b.iter(|| f.verifier.verify(black_box(&f.token_with_kid)).unwrap());
    });
    group.bench_function("jsonwebtoken", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<ProductClaims>(
                black_box(&f.token),
                &f.jwt_key,
                &f.jwt_validation,
            )
            .unwrap()
        });
    });
    group.finish();
}

/// With feature `metrics`: a verify that reports to a recorder, metrics-exporter-prometheus's as
/// the example services install it, set for this thread only. `verify/jwt-auth` in the same build
/// is a verify with the feature on and no recorder; in a build without the feature, the same
/// verify with nothing to report.
#[cfg(feature = "metrics")]
fn metrics(c: &mut Criterion, f: &Fixture) {
    const ROUNDS: usize = 201;
    const BATCH: u32 = 500;
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let mut group = c.benchmark_group("metrics");
    group.throughput(Throughput::Elements(1));
    metrics::with_local_recorder(&recorder, || {
        group.bench_function("verify, Prometheus recorder", |b| {
            b.iter(|| f.verifier.verify(black_box(&f.token)).unwrap());
        });
    });
    group.finish();

    // The same comparison in interleaved rounds (see `Interleaved`): a batch without the
    // recorder, then one with it, milliseconds apart; the median of the rounds' ratios.
    let batch = || {
        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(f.verifier.verify(black_box(&f.token)).unwrap());
        }
        start.elapsed().as_secs_f64()
    };
    let (mut ratios, mut extra_ns) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let without = batch();
        let with = metrics::with_local_recorder(&recorder, batch);
        ratios.push(with / without);
        extra_ns.push((with - without) / f64::from(BATCH) * 1e9);
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "  verify with a Prometheus recorder / without, interleaved   {:.3}  ({:+.0} ns per verify)",
        median(ratios),
        median(extra_ns)
    );
}

/// A token without `kid` is tried against each key of the ring in turn: each key passed costs
/// one HMAC check of the signing input (the tag computed, then compared in constant time), and
/// nothing else. The reference is such a check that fails, as it does for a key passed.
fn ring(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("ring");
    group.throughput(Throughput::Elements(1));
    for (i, token) in f.ring_tokens.iter().enumerate() {
        group.bench_function(format!("kid-less, key {}", i + 1), |b| {
            b.iter(|| f.ring.verify(black_box(token)).unwrap());
        });
    }
    let signing_input = f.token.rsplit_once('.').unwrap().0.as_bytes();
    group.bench_function("one HMAC check of the signing input", |b| {
        b.iter(|| f.floor.verify_tag(black_box(signing_input), &WRONG_TAG));
    });
    group.finish();
}

fn issue(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("issue");
    group.throughput(Throughput::Elements(1));
    group.bench_function("jwt-auth", |b| {
        b.iter(|| f.issuer.issue(black_box(SUB), Some(EMAIL)).unwrap());
    });
    group.bench_function("floor", |b| {
        b.iter(|| {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let claims = ProductClaims {
                sub: black_box(SUB).to_owned(),
                email: Some(EMAIL.to_owned()),
                iat: now,
                exp: now + 604_800,
            };
            f.floor.issue(&claims)
        });
    });
    group.finish();
}

fn authenticate(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("authenticate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("jwt-auth", |b| {
        b.iter(|| f.verifier.authenticate(black_box(&f.headers)).unwrap());
    });
    group.finish();
}

/// Verifications per second with 1 and 2 threads sharing one `Verifier`.
fn threads(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("threads");
    group.throughput(Throughput::Elements(1));
    for threads in [1_u64, 2] {
        group.bench_function(format!("{threads}"), |b| {
            b.iter_custom(|iters| {
                let per_thread = iters.div_ceil(threads);
                let start = Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..threads {
                        scope.spawn(|| {
                            for _ in 0..per_thread {
                                black_box(f.verifier.verify(black_box(&f.token)).unwrap());
                            }
                        });
                    }
                });
                start.elapsed()
            });
        });
    }
    group.finish();
}

/// Medians of per-round ratios, each round timing one batch of every operation back to back.
///
/// Criterion measures each benchmark in its own window of seconds; on a shared machine (a VM
/// whose neighbours come and go) two windows can see different contention, so a ratio of two
/// criterion medians mixes the code's cost with the machine's mood. Within a round the batches
/// run milliseconds apart, so contention mostly cancels out of their ratio.
struct Interleaved {
    /// Medians of the rounds' batches, in nanoseconds per operation: verify, floor, jsonwebtoken.
    ns: [f64; 3],
    verify_per_floor: f64,
    verify_per_jsonwebtoken: f64,
    /// (key 3 - key 1) / 2 / one HMAC check: what each ring key passed adds, in HMAC checks.
    per_key_per_hmac: f64,
}

fn interleaved(f: &Fixture) -> Interleaved {
    const ROUNDS: usize = 201;
    const BATCH: u32 = 500;
    let time = |op: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            op();
        }
        start.elapsed().as_secs_f64()
    };
    let signing_input = f.token.rsplit_once('.').unwrap().0.as_bytes();
    let median = |mut ratios: Vec<f64>| {
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    };
    let (mut verify_per_floor, mut verify_per_jwt, mut per_key) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut ns = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        let verify = time(&|| {
            black_box(f.verifier.verify(black_box(&f.token)).unwrap());
        });
        let floor = time(&|| {
            black_box(f.floor.verify(black_box(&f.token)).unwrap());
        });
        let jwt = time(&|| {
            black_box(
                jsonwebtoken::decode::<ProductClaims>(
                    black_box(&f.token),
                    &f.jwt_key,
                    &f.jwt_validation,
                )
                .unwrap(),
            );
        });
        let key1 = time(&|| {
            black_box(f.ring.verify(black_box(&f.ring_tokens[0])).unwrap());
        });
        let key3 = time(&|| {
            black_box(f.ring.verify(black_box(&f.ring_tokens[2])).unwrap());
        });
        let hmac = time(&|| {
            black_box(f.floor.verify_tag(black_box(signing_input), &WRONG_TAG));
        });
        for (ns, batch) in ns.iter_mut().zip([verify, floor, jwt]) {
            ns.push(batch * 1e9 / f64::from(BATCH));
        }
        verify_per_floor.push(verify / floor);
        verify_per_jwt.push(verify / jwt);
        per_key.push((key3 - key1) / 2.0 / hmac);
    }
    Interleaved {
        ns: ns.map(median),
        verify_per_floor: median(verify_per_floor),
        verify_per_jsonwebtoken: median(verify_per_jwt),
        per_key_per_hmac: median(per_key),
    }
}

fn check(label: &str, ratio: f64, target: &str, ok: bool) {
    println!(
        "  {label:<34} {ratio:>5.2}  (target {target}) {}",
        if ok { "met" } else { "MISSED" }
    );
}

/// The interleaved ratios, which need no criterion run: `cargo bench --bench verify -- interleaved`
/// (a filter no criterion benchmark matches) prints only these.
fn interleaved_summary(f: &Fixture) {
    let paired = interleaved(f);
    println!(
        "\nInterleaved ({} backend), medians of per-round ratios:",
        jwt_auth::CRYPTO_BACKEND
    );
    let [verify, floor, jwt] = paired.ns;
    println!(
        "  per operation (median batch)       verify {verify:.0} ns | floor {floor:.0} ns | jsonwebtoken::decode {jwt:.0} ns"
    );
    check(
        "verify / floor, interleaved",
        paired.verify_per_floor,
        "<= 1.20",
        paired.verify_per_floor <= 1.2,
    );
    check(
        "verify / jsonwebtoken, interleaved",
        paired.verify_per_jsonwebtoken,
        "<= 0.50",
        paired.verify_per_jsonwebtoken <= 0.5,
    );
    check(
        "per key / HMAC check, interleaved",
        paired.per_key_per_hmac,
        "<= 1.00 (+noise)",
        paired.per_key_per_hmac <= 1.1,
    );
}

fn summary(started: SystemTime) {
    let m = |group, name| median_ns(group, name, started);
    let (
        Some(verify),
        Some(floor),
        Some(jwt),
        Some(issue),
        Some(issue_floor),
        Some(auth),
        Some(t1),
        Some(t2),
    ) = (
        m("verify", "jwt-auth"),
        m("verify", "floor"),
        m("verify", "jsonwebtoken"),
        m("issue", "jwt-auth"),
        m("issue", "floor"),
        m("authenticate", "jwt-auth"),
        m("threads", "1"),
        m("threads", "2"),
    )
    else {
        println!("\n(no criterion summary: run the whole bench, without a filter, to get it)");
        return;
    };
    println!(
        "\nSummary ({} backend), criterion medians of this run:",
        jwt_auth::CRYPTO_BACKEND
    );
    println!(
        "  verify        jwt-auth {verify:>7.0} ns | floor {floor:>6.0} ns | jsonwebtoken::decode {jwt:>6.0} ns"
    );
    println!("  issue         jwt-auth {issue:>7.0} ns | floor {issue_floor:>6.0} ns");
    println!("  authenticate  jwt-auth {auth:>7.0} ns");
    println!("  threads       1: {t1:.0} ns/verify, 2: {t2:.0} ns/verify");
    check(
        "verify / floor",
        verify / floor,
        "<= 1.20",
        verify / floor <= 1.2,
    );
    check(
        "verify / jsonwebtoken::decode",
        verify / jwt,
        "<= 0.50",
        verify / jwt <= 0.5,
    );
    check(
        "issue / issue floor",
        issue / issue_floor,
        "<= 1.30",
        issue / issue_floor <= 1.3,
    );
    check("2-thread speed-up", t1 / t2, ">= 1.90", t1 / t2 >= 1.9);
    if let (Some(k1), Some(k3), Some(hmac), Some(kid)) = (
        m("ring", "kid-less, key 1"),
        m("ring", "kid-less, key 3"),
        m("ring", "one HMAC check of the signing input"),
        m("verify", "jwt-auth, own token with kid"),
    ) {
        println!(
            "  ring of 3      kid-less key 1 {k1:.0} ns, key 3 {k3:.0} ns | one HMAC check {hmac:.0} ns | own token with kid {kid:.0} ns"
        );
        let per_key = (k3 - k1) / 2.0 / hmac;
        check(
            "per key passed / HMAC check",
            per_key,
            "<= 1.00 (+noise)",
            per_key <= 1.1,
        );
    }
}

fn main() {
    let started = SystemTime::now();
    let f = fixture();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    verify(&mut c, &f);
    #[cfg(feature = "metrics")]
    metrics(&mut c, &f);
    ring(&mut c, &f);
    issue(&mut c, &f);
    authenticate(&mut c, &f);
    threads(&mut c, &f);
    #[cfg(feature = "remote-jwks")]
    let remote_ratio = remote::bench(&mut c);
    c.final_summary();
    summary(started);
    interleaved_summary(&f);
    #[cfg(feature = "remote-jwks")]
    if let Some((local, remote, ratio)) = remote_ratio {
        println!(
            "\nES256 verify, interleaved medians: local key {local:.0} ns, remote key set {remote:.0} ns"
        );
        check("remote / local", ratio, "<= 1.05", ratio <= 1.05);
    }
}

/// A verify through a remote key set against one with the same key held locally: the set's
/// keys are read from an `arc_swap` snapshot, which should cost nothing next to the signature.
#[cfg(feature = "remote-jwks")]
mod remote {
    use super::{Criterion, EMAIL, Instant, Issuer, SUB, Throughput, Verifier, black_box};
    use jwt_auth::jwks::{Jwks, KeySet, RemoteKeySet, SigningKey};

    const KEY: &str = include_str!("../tests/fixtures/keys/es256.pem");

    /// Runs group `remote`; returns the interleaved medians (local, remote, ratio) when the
    /// group was selected.
    pub(crate) fn bench(c: &mut Criterion) -> Option<(f64, f64, f64)> {
        let key = SigningKey::from_pkcs8_pem(KEY).unwrap();
        let document = serde_json::to_string(&Jwks::from_keys([key.public_key()])).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let remote = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
            let app = axum::Router::new().route(
                "/jwks.json",
                axum::routing::get(move || std::future::ready(document.clone())),
            );
            tokio::spawn(async move { axum::serve(listener, app).await });
            let remote = RemoteKeySet::jwks_url(url).build().unwrap();
            remote.refresh().await.unwrap();
            remote
        });
        let token = Issuer::new(&key).issue(SUB, Some(EMAIL)).unwrap();
        let local = Verifier::new(KeySet::from(&key));
        let through_remote = Verifier::new(&remote);
        let mut group = c.benchmark_group("remote");
        group.throughput(Throughput::Elements(1));
        let mut ran = false;
        group.bench_function("ES256, key held locally", |b| {
            ran = true;
            b.iter(|| local.verify(black_box(&token)).unwrap());
        });
        group.bench_function("ES256, key from a remote key set", |b| {
            b.iter(|| through_remote.verify(black_box(&token)).unwrap());
        });
        group.finish();
        ran.then(|| interleaved(&local, &through_remote, &token))
    }

    /// Medians of per-round times, alternating the two verifiers round by round.
    fn interleaved(local: &Verifier, remote: &Verifier, token: &str) -> (f64, f64, f64) {
        const ROUNDS: usize = 101;
        const BATCH: u32 = 50;
        let time = |verifier: &Verifier| {
            let start = Instant::now();
            for _ in 0..BATCH {
                black_box(verifier.verify(black_box(token)).unwrap());
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
        };
        let (mut l, mut r, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let (a, b) = (time(local), time(remote));
            l.push(a);
            r.push(b);
            ratios.push(b / a);
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        (median(l), median(r), median(ratios))
    }
}
