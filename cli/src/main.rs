//! `jwt-auth`: the operator's tool for the shared HS256 secret, ES256 and EdDSA key pairs, and the
//! tokens signed with them.
//!
//! Install it with `cargo install --locked --path cli`. Exit status: 0 when the command
//! succeeded, 1 when it refused something (a weak secret, a rejected or undecodable token), 2 for
//! usage errors (bad arguments, missing or empty input). Human-readable text by default: results
//! on standard output, refusals and errors on standard error. With `--json`, every result and
//! every refusal is one JSON object on standard output; usage errors stay on standard error.

// Doc comments on the clap types are the `--help` text, where backticks would show literally and
// quoted examples (`--claim 'role="admin"'`) are what the user types.
#![allow(clippy::doc_markdown, clippy::doc_link_with_quotes)]

mod duration;
mod input;
mod keys;
mod output;
mod pubkey;
mod secret;
mod session;
mod token;
mod verdict;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use jwt_auth::time::OffsetDateTime;

use crate::output::{Outcome, UsageError};

/// Generate and check the shared JWT secret and ES256/EdDSA key pairs; issue, verify and inspect
/// tokens; print a JWKS; log a user out everywhere.
#[derive(Debug, Parser)]
#[command(name = "jwt-auth", version)]
#[command(after_help = "\
Exit status: 0 success, 1 refused (weak secret, rejected or undecodable token), 2 usage error.
Secrets are read from JWT_SECRET, JWT_SECRET_FALLBACKS or standard input, never from arguments.")]
struct Cli {
    /// Print one JSON object on standard output instead of text (for scripts).
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate, check and fingerprint the shared secret.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// Issue, verify and inspect tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// End sessions through the Redis the services share.
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Make and inspect ES256 and EdDSA key pairs.
    #[command(subcommand)]
    Key(pubkey::KeyCommand),
    /// Print the JWKS document (RFC 7517) of public key files, as a service publishes it at
    /// /.well-known/jwks.json: each key with its kid (RFC 7638 thumbprint), alg and use "sig".
    Jwks(pubkey::JwksArgs),
}

/// `--now`, shared by the commands that read the clock.
#[derive(Debug, Clone, Copy, Args)]
struct Clock {
    /// Use this instant (seconds since 1970, UTC) instead of the system clock, for example to
    /// ask whether a token was valid at the time of an incident.
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    now: Option<i64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Secret(command) => secret::run(command),
        Command::Token(command) => token::run(command),
        Command::Session(command) => session::run(command),
        Command::Key(command) => pubkey::run_key(command),
        Command::Jwks(args) => pubkey::run_jwks(&args),
    };
    match outcome {
        Ok(outcome) => output::emit(&outcome, cli.json),
        Err(error) => output::emit_usage_error(&error),
    }
}

/// The clock a command runs with: `--now` or the system clock.
fn now(clock: Clock) -> Result<OffsetDateTime, UsageError> {
    match clock.now {
        None => Ok(OffsetDateTime::now_utc()),
        Some(seconds) => OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| {
            UsageError::new(format!(
                "--now {seconds} is out of range (years -9999 to 9999)"
            ))
        }),
    }
}

/// The result every command returns.
type CommandResult = Result<Outcome, UsageError>;
