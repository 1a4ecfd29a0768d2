//! The axum service against the shared scenarios: in-process through `tower::ServiceExt`, and as
//! a real process over HTTP.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, Response, StatusCode};
use example_common::{AccountStore, Backend, Settings};
use example_conformance::{Client, PEER};
use tower::ServiceExt as _;

struct AxumClient(Router);

impl Client for AxumClient {
    const DISALLOWED_PREFLIGHT_STATUS: StatusCode = StatusCode::OK;

    async fn start(settings: &Settings) -> Self {
        let backend = Backend::new(settings, AccountStore::with_demo_account().unwrap()).unwrap();
        let app = jwt_auth_axum_example::app(Arc::new(backend), settings);
        // What `serve` provides when serving for real.
        Self(app.layer(MockConnectInfo(PEER)))
    }

    async fn send(&self, request: Request<String>) -> Response<String> {
        let response = self
            .0
            .clone()
            .oneshot(request.map(Body::from))
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        Response::from_parts(parts, String::from_utf8(body.to_vec()).unwrap())
    }
}

example_conformance::conformance_tests!(
    #[tokio::test]
    AxumClient
);

example_conformance::process_tests!(env!("CARGO_BIN_EXE_jwt-auth-axum-example"));
