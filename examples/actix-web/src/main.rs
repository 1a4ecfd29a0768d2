//! Runs the actix-web example service on `127.0.0.1:$PORT`; see the README for the environment
//! it reads.

use jwt_auth::time::Duration;
use std::process::ExitCode;

use actix_web::web;
use jwt_auth_actix_web_example::server;

/// How long start-up waits for Redis's revocation entries before serving anyway.
const REDIS_STARTUP_WAIT: Duration = Duration::seconds(2);

#[actix_web::main]
async fn main() -> ExitCode {
    let (settings, backend) = match example_common::start_up() {
        Ok(started) => started,
        Err(exit_code) => return exit_code,
    };
    backend.sessions.wait_ready(REDIS_STARTUP_WAIT).await;
    // actix-web stops gracefully on Ctrl-C and SIGTERM by itself.
    let server = match server(web::Data::new(backend), &settings) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {err}", settings.port);
            return ExitCode::FAILURE;
        }
    };
    match server.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
