//! A JWKS (and discovery) server on a free loopback port: it answers each path with the reply set
//! for it, and counts the requests per path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the server answers on a path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a JSON body and an optional `Cache-Control`.
    Json {
        body: String,
        cache_control: Option<&'static str>,
    },
    /// Any status and body.
    Raw { status: u16, body: Vec<u8> },
    /// A 302 to `location`.
    Redirect(String),
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Self::Json {
            body: body.into(),
            cache_control: None,
        }
    }
}

#[derive(Default)]
struct Shared {
    replies: Mutex<HashMap<String, Reply>>,
    hits: Mutex<HashMap<String, usize>>,
}

/// The running server; dropping it stops it.
pub struct JwksServer {
    pub base: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

pub const JWKS_PATH: &str = "/.well-known/jwks.json";

impl JwksServer {
    /// Serves `reply` at [`JWKS_PATH`] on `host` (an address of 127.0.0.0/8, or `localhost`).
    pub async fn start_on(host: &str, reply: Reply) -> Self {
        let listener = TcpListener::bind((host, 0))
            .await
            .expect("a free loopback port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        shared
            .replies
            .lock()
            .unwrap()
            .insert(JWKS_PATH.to_owned(), reply);
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the test server runs");
        });
        Self {
            base: format!("http://{host}:{port}"),
            shared,
            task,
        }
    }

    pub async fn start(reply: Reply) -> Self {
        Self::start_on("127.0.0.1", reply).await
    }

    /// The JWKS URL.
    pub fn url(&self) -> String {
        format!("{}{JWKS_PATH}", self.base)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.shared
            .replies
            .lock()
            .unwrap()
            .insert(path.to_owned(), reply);
    }

    pub fn set_jwks(&self, reply: Reply) {
        self.set(JWKS_PATH, reply);
    }

    /// Requests answered on `path`.
    pub fn hits_on(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Requests answered on the JWKS path.
    pub fn hits(&self) -> usize {
        self.hits_on(JWKS_PATH)
    }

    /// Stops listening: connections are refused from now on.
    pub async fn stop(&self) {
        self.task.abort();
        wait_finished(&self.task).await;
    }
}

/// Waits until an aborted task has finished, so that its listener is closed.
async fn wait_finished(task: &JoinHandle<()>) {
    while !task.is_finished() {
        tokio::task::yield_now().await;
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let path = request.uri().path().to_owned();
    *shared.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = shared.replies.lock().unwrap().get(&path).cloned();
    let mut response = Response::new(Body::empty());
    match reply {
        None => *response.status_mut() = StatusCode::NOT_FOUND,
        Some(Reply::Json {
            body,
            cache_control,
        }) => {
            *response.body_mut() = Body::from(body);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            if let Some(value) = cache_control {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
            }
        }
        Some(Reply::Raw { status, body }) => {
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            *response.body_mut() = Body::from(body);
        }
        Some(Reply::Redirect(location)) => {
            *response.status_mut() = StatusCode::FOUND;
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::try_from(location).unwrap());
        }
    }
    response
}
