//! Runs the axum example service on `127.0.0.1:$PORT`; see the README for the environment it
//! reads.

use jwt_auth::time::Duration;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;

use jwt_auth_axum_example::{app, serve};
use tokio::net::TcpListener;

/// How long start-up waits for Redis's revocation entries before serving anyway.
const REDIS_STARTUP_WAIT: Duration = Duration::seconds(2);

#[tokio::main]
async fn main() -> ExitCode {
    let (settings, backend) = match example_common::start_up() {
        Ok(started) => started,
        Err(exit_code) => return exit_code,
    };
    backend.sessions.wait_ready(REDIS_STARTUP_WAIT).await;
    let app = app(Arc::new(backend), &settings);

    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, settings.port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {err}", settings.port);
            return ExitCode::FAILURE;
        }
    };
    if let Ok(address) = listener.local_addr() {
        tracing::info!("listening on http://{address}");
    }
    serve(listener, app, settings.request_timeout, shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
