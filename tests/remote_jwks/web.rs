//! The tower layer and the axum and actix-web extractors with a verifier whose keys come from a
//! remote key set: the first token waits for the first fetch, a rotated key for one refresh, an
//! unknown kid is 401 after a fresh answer and 503 while the source is down.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use http::{Request, Response, header::AUTHORIZATION};
use jwt_auth::jwks::RemoteKeySet;
use jwt_auth::{Claims, Verifier};
use tower::{ServiceBuilder, ServiceExt as _, service_fn};

use crate::keys::{es256, es256_next, jwks, token, unknown_kid_token};
use crate::server::{JwksServer, Reply};

/// A request's status and `Retry-After`.
type Answer = (u16, Option<String>);

async fn scenario<F, Fut>(server: &JwksServer, call: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Answer>,
{
    assert_eq!(
        call(token(&es256())).await,
        (200, None),
        "the first token waits for the first fetch"
    );
    assert_eq!(server.hits(), 1);
    assert_eq!(
        call(unknown_kid_token("forged")).await.0,
        401,
        "a fresh answer lacks the kid"
    );
    server.set_jwks(Reply::json(jwks([&es256(), &es256_next()])));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        call(token(&es256_next())).await,
        (200, None),
        "a rotated key: one refresh"
    );
    assert_eq!(server.hits(), 2);
    server.stop().await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        call(unknown_kid_token("rotated")).await,
        (503, Some("5".to_owned())),
        "an unknown kid while the source is down"
    );
    assert_eq!(
        call(token(&es256())).await,
        (200, None),
        "cached keys keep serving"
    );
}

async fn verifier() -> (JwksServer, Verifier) {
    let server = JwksServer::start(Reply::json(jwks([&es256()]))).await;
    let remote = RemoteKeySet::jwks_url(server.url())
        .with_cooldown(Duration::from_secs(2))
        .build()
        .unwrap();
    (server, Verifier::new(remote))
}

fn answer<B>(response: &Response<B>) -> Answer {
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tower_layer_waits_for_a_refresh_only_when_needed() {
    let (server, verifier) = verifier().await;
    let service = ServiceBuilder::new()
        .layer(jwt_auth::tower::AuthLayer::required(verifier))
        .service(service_fn(|request: Request<String>| async move {
            let sub = request
                .extensions()
                .get::<Claims>()
                .map(|claims| claims.sub.clone());
            Ok::<_, Infallible>(Response::new(sub.unwrap_or_default()))
        }));
    scenario(&server, |token| {
        let service = service.clone();
        async move {
            let request = Request::builder()
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .body(String::new())
                .unwrap();
            answer(&service.oneshot(request).await.unwrap())
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_axum_extractor_waits_for_a_refresh_only_when_needed() {
    async fn me(jwt_auth::axum::Authenticated(claims): jwt_auth::axum::Authenticated) -> String {
        claims.sub
    }
    let (server, verifier) = verifier().await;
    let app = axum::Router::new()
        .route("/me", axum::routing::get(me))
        .with_state(verifier);
    scenario(&server, |token| {
        let app = app.clone();
        async move {
            let request = Request::builder()
                .uri("/me")
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            answer(&app.oneshot(request).await.unwrap())
        }
    })
    .await;
}

#[actix_web::test]
async fn the_actix_web_extractor_waits_for_a_refresh_only_when_needed() {
    use actix_web::{App, test, web};

    async fn me(
        jwt_auth::actix_web::Authenticated(claims): jwt_auth::actix_web::Authenticated,
    ) -> String {
        claims.sub
    }
    let (server, verifier) = verifier().await;
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(verifier))
            .route("/me", web::get().to(me)),
    )
    .await;
    scenario(&server, |token| {
        let request = test::TestRequest::get()
            .uri("/me")
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request();
        let app = &app;
        async move {
            let response = test::call_service(app, request).await;
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap().to_owned());
            (response.status().as_u16(), retry_after)
        }
    })
    .await;
}
