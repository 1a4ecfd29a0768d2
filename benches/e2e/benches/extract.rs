//! Where the cost a route's authentication adds to a request goes: each route's request through
//! its router in-process (no network, no server), next to the pieces of jwt-auth's extractor
//! path (the bearer parse, the verify alone, the verifier taken from the state, the whole
//! extractor) and the peers' equivalents.
//!
//! ```sh
//! cargo bench --manifest-path benches/e2e/Cargo.toml --bench extract
//! ```

use std::hint::black_box;

use axum::extract::{FromRef, FromRequestParts};
use criterion::Criterion;
use jwt_auth::Verifier;
use jwt_auth::axum::Authenticated;
use jwt_auth_e2e_bench::{AppState, HandWritten, UserClaims, ready, request, router, router_07};
use secrecy::SecretString;
use tower::ServiceExt as _;

fn bench(c: &mut Criterion) {
    let (_, secret): (_, SecretString) = jwt_auth::Secret::generate();
    let state = AppState::new(&secret);
    let token = state.token();
    let app = router(state.clone());
    let app_07 = ready(router_07(&secret)).unwrap();
    let (mut parts, ()) = request::<()>("/", &token).into_parts();

    let mut group = c.benchmark_group("request in-process");
    for path in ["/open", "/jwt-auth", "/jsonwebtoken", "/axum-jwt-auth"] {
        let response = ready(
            app.clone()
                .oneshot(request::<axum::body::Body>(path, &token)),
        );
        assert_eq!(response.unwrap().status(), 200, "{path}");
        group.bench_function(format!("axum 0.8 {path}"), |b| {
            b.iter(|| {
                ready(
                    app.clone()
                        .oneshot(request::<axum::body::Body>(path, &token)),
                )
            });
        });
    }
    for path in ["/open", "/jwt-authorizer"] {
        let response = ready(
            app_07
                .clone()
                .oneshot(request::<axum07::body::Body>(path, &token)),
        );
        assert_eq!(response.unwrap().status(), 200, "{path}");
        group.bench_function(format!("axum 0.7 {path}"), |b| {
            b.iter(|| {
                ready(
                    app_07
                        .clone()
                        .oneshot(request::<axum07::body::Body>(path, &token)),
                )
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("jwt-auth pieces");
    group.bench_function("bearer_token", |b| {
        b.iter(|| jwt_auth::bearer_token(black_box(&parts.headers)).map(str::len));
    });
    group.bench_function("Verifier::verify", |b| {
        b.iter(|| state.verifier().verify(black_box(&token)));
    });
    group.bench_function("Verifier::from_ref (a clone)", |b| {
        b.iter(|| Verifier::from_ref(black_box(&state)));
    });
    group.bench_function("Verifier::authenticate (header to claims)", |b| {
        b.iter(|| state.verifier().authenticate(black_box(&parts.headers)));
    });
    group.bench_function("Authenticated extractor", |b| {
        b.iter(|| ready(Authenticated::<()>::from_request_parts(&mut parts, &state)));
    });
    group.finish();

    let mut group = c.benchmark_group("peers' pieces");
    group.bench_function("jsonwebtoken::decode", |b| {
        let keys = state.keys();
        b.iter(|| {
            jsonwebtoken::decode::<UserClaims>(black_box(&token), &keys.key, &keys.validation)
        });
    });
    group.bench_function("hand-written extractor", |b| {
        b.iter(|| ready(HandWritten::from_request_parts(&mut parts, &state)));
    });
    group.bench_function("axum-jwt-auth extractor", |b| {
        b.iter(|| {
            ready(axum_jwt_auth::Claims::<UserClaims>::from_request_parts(
                &mut parts, &state,
            ))
        });
    });
    group.finish();
}

criterion::criterion_group!(benches, bench);
criterion::criterion_main!(benches);
