//! The tower layer with `GrpcRejection` in front of a real tonic service (tonic's health
//! service, whose generated code needs no protoc), called by a real tonic client: the statuses a
//! gRPC client gets for each rejection.

use std::net::SocketAddr;

use jwt_auth::store::{RevocationStatus, RevocationView};
use jwt_auth::tower::{AuthLayer, GrpcRejection};
use jwt_auth::{Verifier, time};
use tokio::net::TcpListener;
use tonic::Code;
use tonic::transport::server::TcpIncoming;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::scenarios::{Roles, admin_token, expired_token, secret, token};

/// Serves tonic's health service behind `layer` on a loopback port.
async fn serve<L>(layer: L) -> SocketAddr
where
    L: tower::Layer<tonic::service::Routes> + Clone + Send + Sync + 'static,
    L::Service: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as tower::Service<http::Request<tonic::body::Body>>>::Future: Send,
{
    let (_reporter, health) = tonic_health::server::health_reporter();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tonic::transport::Server::builder()
        .layer(layer)
        .add_service(health)
        .serve_with_incoming(TcpIncoming::from(listener));
    tokio::spawn(async move { server.await.unwrap() });
    address
}

/// `grpc.health.v1.Health/Check` with `authorization` metadata, when given.
async fn check(
    address: SocketAddr,
    authorization: Option<&str>,
) -> Result<HealthCheckResponse, tonic::Status> {
    let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = HealthClient::new(channel);
    let mut request = tonic::Request::new(HealthCheckRequest {
        service: String::new(),
    });
    if let Some(value) = authorization {
        request
            .metadata_mut()
            .insert("authorization", value.parse().unwrap());
    }
    client.check(request).await.map(tonic::Response::into_inner)
}

fn assert_status(result: Result<HealthCheckResponse, tonic::Status>, code: Code, message: &str) {
    let status = result.unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (code, message),
        "{status:?}"
    );
}

#[tokio::test]
async fn a_tonic_service_answers_rejections_as_grpc_statuses() {
    let address =
        serve(AuthLayer::required(Verifier::new(secret())).with_rejection(GrpcRejection)).await;

    let served = check(address, Some(&format!("Bearer {}", token()))).await;
    assert_eq!(served.unwrap().status(), ServingStatus::Serving);

    let invalid_token = "The access token is invalid or has expired";
    assert_status(
        check(address, None).await,
        Code::Unauthenticated,
        "Missing bearer credentials",
    );
    assert_status(
        check(address, Some(&format!("Bearer {}", expired_token()))).await,
        Code::Unauthenticated,
        invalid_token,
    );
    assert_status(
        check(address, Some("Bearer not.a.token")).await,
        Code::Unauthenticated,
        invalid_token,
    );
    assert_status(
        check(address, Some("Bearer")).await,
        Code::Unauthenticated,
        "The authorization metadata is malformed",
    );
}

#[tokio::test]
async fn a_token_without_the_claims_the_service_needs_is_permission_denied() {
    let layer = AuthLayer::required(Verifier::new(secret()))
        .with_claims::<Roles>()
        .with_rejection(GrpcRejection);
    let address = serve(layer).await;
    assert_eq!(
        check(address, Some(&format!("Bearer {}", admin_token())))
            .await
            .unwrap()
            .status(),
        ServingStatus::Serving
    );
    assert_status(
        check(address, Some(&format!("Bearer {}", token()))).await,
        Code::PermissionDenied,
        "The access token does not grant access to this resource",
    );
}

/// A revocation view that has lost its source.
#[derive(Debug)]
struct Stale;

impl RevocationView for Stale {
    fn status(
        &self,
        _: &str,
        _: Option<&str>,
        _: Option<&str>,
        _: Option<i64>,
    ) -> RevocationStatus {
        RevocationStatus::Unavailable {
            stale_for: time::Duration::seconds(30),
        }
    }

    fn subject_cutoff(&self, _: &str) -> Option<time::OffsetDateTime> {
        None
    }
}

#[tokio::test]
async fn an_outage_is_unavailable_never_unauthenticated() {
    let verifier = Verifier::new(secret()).with_revocation(Stale);
    let address = serve(AuthLayer::required(verifier).with_rejection(GrpcRejection)).await;
    assert_status(
        check(address, Some(&format!("Bearer {}", token()))).await,
        Code::Unavailable,
        "The token cannot be checked right now; retry later",
    );
}
