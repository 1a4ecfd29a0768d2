//! N requests through one route of the bench's routers, in-process, for callgrind to count
//! (`benches/e2e/callgrind.sh`): the instructions a request costs, and where they go.
//!
//! `request_loop ROUTE N`, ROUTE one of `/open`, `/jwt-auth`, `/jsonwebtoken`,
//! `/axum-jwt-auth` (axum 0.8), `0.7/open`, `0.7/jwt-authorizer` (axum 0.7).

use std::hint::black_box;

use jwt_auth_e2e_bench::{AppState, ready, request, router, router_07};
use tower::ServiceExt as _;

/// The loop callgrind counts (`--toggle-collect=request_loop::requests`).
#[inline(never)]
fn requests(route: &str, n: usize, token: &str, app: &axum::Router, app_07: &axum07::Router) {
    for _ in 0..n {
        if let Some(path) = route.strip_prefix("0.7") {
            let response = ready(
                app_07
                    .clone()
                    .oneshot(request::<axum07::body::Body>(path, token)),
            );
            assert_eq!(response.unwrap().status(), 200);
        } else {
            let response = ready(
                app.clone()
                    .oneshot(request::<axum::body::Body>(route, token)),
            );
            assert_eq!(black_box(response.unwrap()).status(), 200);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let route = args.next().expect("usage: request_loop ROUTE N");
    let n: usize = args
        .next()
        .map_or(10_000, |n| n.parse().expect("N is a number"));
    let (_, secret) = jwt_auth::Secret::generate();
    let state = AppState::new(&secret);
    let token = state.token();
    let app = router(state);
    let app_07 = ready(router_07(&secret)).expect("jwt-authorizer starts");
    requests(&route, n, &token, &app, &app_07);
}
