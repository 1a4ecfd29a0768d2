//! The server `benches/e2e.sh` loads (the routes are in the library, `src/lib.rs`). It prints
//! `listening on ADDRESS` for the axum 0.8 router and `listening (axum 0.7) on ADDRESS` for the
//! other, both on 127.0.0.1 with a free port, and serves both on one Tokio worker thread, so that
//! the process's CPU time is all the server's work.
//!
//! `cargo run --release --manifest-path benches/e2e/Cargo.toml`

use jwt_auth::Secret;
use jwt_auth_e2e_bench::{AppState, router, router_07};

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_, secret) = Secret::generate();
    let app = router(AppState::new(&secret));
    let app_07 = router_07(&secret).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let listener_07 = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    println!("listening (axum 0.7) on {}", listener_07.local_addr()?);
    let server_07 =
        tokio::spawn(async move { axum07::serve(listener_07, app_07.into_make_service()).await });
    axum::serve(listener, app).await?;
    server_07.await??;
    Ok(())
}
