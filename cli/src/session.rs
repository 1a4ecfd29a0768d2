//! `jwt-auth session logout-everywhere`: ends every session of a user through the Redis the
//! services share.

use clap::{Args, Subcommand};
use jwt_auth::store::RedisConfig;
use jwt_auth::{RedisStore, Sessions};
use serde_json::json;

use crate::CommandResult;
use crate::keys;
use crate::output::{Outcome, UsageError};

/// The variable naming the Redis the services keep their sessions in.
const REDIS_URL_VAR: &str = "REDIS_URL";
/// Instead of `REDIS_URL`, the seed nodes of the Redis Cluster the sessions live in,
/// comma-separated, as the example services read it.
const REDIS_CLUSTER_URLS_VAR: &str = "REDIS_CLUSTER_URLS";

#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Refuse every token of a user issued until now, on every service sharing the Redis in
    /// REDIS_URL, or the Redis Cluster in REDIS_CLUSTER_URLS (after a password change or a
    /// compromise): their sessions' access and refresh tokens, and tokens of other issuers by
    /// their iat (tokens without iat too). A login afterwards works.
    ///
    /// Reads REDIS_URL or REDIS_CLUSTER_URLS (comma-separated seed nodes; one reachable is
    /// enough), and JWT_SECRET (the key ring the services' sessions use). Exit 1 when Redis
    /// cannot be reached: nothing was revoked then.
    LogoutEverywhere(LogoutEverywhereArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LogoutEverywhereArgs {
    /// The subject: the user id, as in the tokens' sub.
    #[arg(long, value_name = "ID")]
    sub: String,
}

pub(crate) fn run(command: SessionCommand) -> CommandResult {
    match command {
        SessionCommand::LogoutEverywhere(args) => logout_everywhere(&args),
    }
}

fn logout_everywhere(args: &LogoutEverywhereArgs) -> CommandResult {
    if args.sub.is_empty() {
        return Err(UsageError::new("--sub is empty: give the user id"));
    }
    let config = redis_config()?;
    let ring = match keys::load(false)? {
        Ok(ring) => ring,
        Err(refusal) => return Ok(refusal),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| UsageError::new(format!("cannot start the async runtime: {err}")))?;
    // The URL is never printed: it may carry a password.
    let revoked = runtime.block_on(async {
        let store = RedisStore::new(config)?;
        Sessions::new(&ring.keys, store)
            .logout_everywhere(&args.sub)
            .await
    });
    let sub = &args.sub;
    Ok(match revoked {
        Ok(()) => Outcome::success(
            format!(
                "logged out everywhere: every token of sub {sub:?} issued until now is refused\n"
            ),
            json!({ "sub": sub, "logged_out_everywhere": true }),
        ),
        Err(err) => Outcome::refused(
            format!("cannot log sub {sub:?} out: {err}; nothing was revoked\n"),
            json!({ "sub": sub, "logged_out_everywhere": false, "error": err.to_string() }),
        ),
    })
}

/// A variable's value, `None` when unset or blank (as a blank line in an env file gives).
fn variable(name: &str) -> Result<Option<String>, UsageError> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(UsageError::new(format!("{name} is not valid UTF-8")))
        }
    }
}

/// One Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_URLS`), as the services read
/// them: exactly one of the two.
fn redis_config() -> Result<RedisConfig, UsageError> {
    match (variable(REDIS_URL_VAR)?, variable(REDIS_CLUSTER_URLS_VAR)?) {
        (Some(_), Some(_)) => Err(UsageError::new(format!(
            "{REDIS_URL_VAR} and {REDIS_CLUSTER_URLS_VAR} are both set: set {REDIS_URL_VAR} for \
             one Redis, or {REDIS_CLUSTER_URLS_VAR} for a Redis Cluster"
        ))),
        (Some(url), None) => Ok(RedisConfig::new(url)),
        (None, Some(urls)) => Ok(RedisConfig::cluster(urls.split(','))),
        (None, None) => Err(UsageError::new(format!(
            "{REDIS_URL_VAR} is not set: export the URL of the Redis the services share \
             (redis://host:port/db), or {REDIS_CLUSTER_URLS_VAR} with the seed nodes of their \
             Redis Cluster (comma-separated)"
        ))),
    }
}
