//! Runs the actix-web example service on `127.0.0.1:$PORT`; see `example_common::config` for the
//! environment it reads.

use std::net::Ipv4Addr;
use std::process::ExitCode;

use actix_web::{HttpServer, web};
use jwt_auth_actix_web_example::app;

#[actix_web::main]
async fn main() -> ExitCode {
    let (settings, backend) = match example_common::start_up() {
        Ok(started) => started,
        Err(exit_code) => return exit_code,
    };
    let backend = web::Data::new(backend);
    let origins = settings.cors_allowed_origins.clone();

    // actix-web stops gracefully on Ctrl-C and SIGTERM by itself.
    let server = HttpServer::new(move || app(backend.clone(), &origins));
    let server = match server.bind((Ipv4Addr::LOCALHOST, settings.port)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {err}", settings.port);
            return ExitCode::FAILURE;
        }
    };
    for address in server.addrs() {
        tracing::info!("listening on http://{address}");
    }
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
