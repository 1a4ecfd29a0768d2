//! ES256 and EdDSA verification against what a user would otherwise run: `jsonwebtoken::decode`
//! 12 with the same public key, and a FLOOR, the raw signature check alone
//! (`jsonwebtoken::crypto::verify`: the signature's base64url decode and the backend's check).
//! The signature dominates both algorithms, so the crate's policy must cost little beside it.
//!
//! ```sh
//! cargo bench --bench public_keys                  # rust-crypto backend
//! cargo bench --bench public_keys --no-default-features --features aws-lc-rs
//! cargo bench --bench public_keys -- interleaved   # the paired ratios alone, in seconds
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwt_auth::jwks::SigningKey;
use jwt_auth::{Issuer, Verifier};
use serde::Deserialize;

#[derive(Deserialize)]
struct ProductClaims {
    #[allow(dead_code)]
    sub: String,
    #[allow(dead_code)]
    email: Option<String>,
}

/// One algorithm's fixture: the crate's verifier, jsonwebtoken's key and validation, a token.
struct Case {
    name: &'static str,
    alg: Algorithm,
    verifier: Verifier,
    key: DecodingKey,
    validation: Validation,
    token: String,
}

impl Case {
    fn new(name: &'static str, alg: Algorithm, pem_file: &str) -> Self {
        let path = format!(
            "{}/tests/fixtures/keys/{pem_file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let pem = std::fs::read_to_string(path).unwrap();
        let signing = SigningKey::from_pkcs8_pem(&pem).unwrap();
        let token = Issuer::new(&signing)
            .issue("123456", Some("ada@example.com"))
            .unwrap();
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(serde_json::to_value(signing.public_key().to_jwk()).unwrap())
                .unwrap();
        let mut validation = Validation::new(alg);
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            name,
            alg,
            verifier: Verifier::new(signing.public_key()),
            key: DecodingKey::from_jwk(&jwk).unwrap(),
            validation,
            token,
        }
    }

    fn jwt_auth(&self) {
        black_box(self.verifier.verify(black_box(&self.token)).unwrap());
    }

    fn jsonwebtoken(&self) {
        black_box(
            jsonwebtoken::decode::<ProductClaims>(
                black_box(&self.token),
                &self.key,
                &self.validation,
            )
            .unwrap(),
        );
    }

    fn floor(&self) {
        let (message, signature) = self.token.rsplit_once('.').unwrap();
        assert!(
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &self.key, self.alg)
                .unwrap()
        );
    }
}

fn cases() -> [Case; 2] {
    [
        Case::new("ES256", Algorithm::ES256, "es256.pem"),
        Case::new("EdDSA", Algorithm::EdDSA, "ed25519.pem"),
    ]
}

fn bench(c: &mut Criterion, cases: &[Case]) {
    for case in cases {
        let mut group = c.benchmark_group(format!("verify {}", case.name));
        group.throughput(Throughput::Elements(1));
        group.bench_function("jwt-auth", |b| b.iter(|| case.jwt_auth()));
        group.bench_function("jsonwebtoken", |b| b.iter(|| case.jsonwebtoken()));
        group.bench_function("floor", |b| b.iter(|| case.floor()));
        group.finish();
    }
}

/// Rounds that alternate the three, each a batch, and the median of the per-round ratios: a
/// reading other load on the machine disturbs far less than separate criterion runs.
fn interleaved(cases: &[Case]) {
    const ROUNDS: usize = 101;
    const BATCH: u32 = 50;
    let time = |op: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            op();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
    };
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "\nInterleaved ({} backend), medians of {ROUNDS} rounds:",
        jwt_auth::CRYPTO_BACKEND
    );
    for case in cases {
        let (mut ours, mut jwt, mut floor) = (Vec::new(), Vec::new(), Vec::new());
        let (mut per_jwt, mut per_floor) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let o = time(&|| case.jwt_auth());
            let j = time(&|| case.jsonwebtoken());
            let f = time(&|| case.floor());
            per_jwt.push(o / j);
            per_floor.push(o / f);
            ours.push(o);
            jwt.push(j);
            floor.push(f);
        }
        let (per_jwt, per_floor) = (median(per_jwt), median(per_floor));
        println!(
            "  {:<6} jwt-auth {:>6.0} ns | jsonwebtoken::decode {:>6.0} ns | floor {:>6.0} ns",
            case.name,
            median(ours),
            median(jwt),
            median(floor)
        );
        println!(
            "         jwt-auth / jsonwebtoken {per_jwt:.3} (target <= 1.05) {} | jwt-auth / floor {per_floor:.3}",
            if per_jwt <= 1.05 { "met" } else { "MISSED" }
        );
    }
}

fn main() {
    let cases = cases();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench(&mut c, &cases);
    c.final_summary();
    interleaved(&cases);
}
