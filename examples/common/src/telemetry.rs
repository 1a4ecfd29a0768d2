//! Logging through `tracing`, to standard output.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs a `tracing` subscriber that prints to standard output, filtered by `RUST_LOG`
/// (`target=level` directives such as `info` or `info,actix_server=warn`; default `info`). Records
/// from the `log` crate, which actix-web uses, are forwarded too.
///
/// Nothing the examples log contains a token, an `Authorization` header, a password or the
/// secret: keep it that way when adding fields.
pub fn init() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_ansi(false))
        .with(filter)
        .init();
}
