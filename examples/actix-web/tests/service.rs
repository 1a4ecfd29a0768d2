//! The actix-web service against the shared scenarios: in-process through `actix_web::test`, and
//! as a real process over HTTP.

use actix_web::http::Method;
use actix_web::{test, web};
use example_common::{AccountStore, Backend, Settings};
use example_conformance::{Client, PEER};
use http::{Request, Response, StatusCode};

struct ActixClient {
    backend: web::Data<Backend>,
    settings: Settings,
}

impl Client for ActixClient {
    const DISALLOWED_PREFLIGHT_STATUS: StatusCode = StatusCode::BAD_REQUEST;

    async fn start(settings: &Settings) -> Self {
        let backend = Backend::new(settings, AccountStore::with_demo_account().unwrap()).unwrap();
        Self {
            backend: web::Data::new(backend),
            settings: settings.clone(),
        }
    }

    async fn send(&self, request: Request<String>) -> Response<String> {
        // The app is rebuilt for each request, as each server worker builds its own; the state,
        // rate limiter included, is shared through `web::Data` as it is when serving.
        let app = jwt_auth_actix_web_example::app(self.backend.clone(), &self.settings);
        let app = test::init_service(app).await;
        let (parts, body) = request.into_parts();
        let mut actix_request = test::TestRequest::default()
            .method(Method::from_bytes(parts.method.as_str().as_bytes()).unwrap())
            .uri(&parts.uri.to_string())
            .peer_addr(PEER)
            .set_payload(body);
        for (name, value) in &parts.headers {
            actix_request = actix_request.append_header((name.as_str(), value.as_bytes()));
        }
        let response = test::call_service(&app, actix_request.to_request()).await;
        let mut converted = Response::builder().status(response.status().as_u16());
        for (name, value) in response.headers() {
            converted = converted.header(name.as_str(), value.as_bytes());
        }
        let body = test::read_body(response).await;
        converted
            .body(String::from_utf8(body.to_vec()).unwrap())
            .unwrap()
    }
}

example_conformance::conformance_tests!(
    #[actix_web::test]
    ActixClient
);

example_conformance::process_tests!(env!("CARGO_BIN_EXE_jwt-auth-actix-web-example"));
