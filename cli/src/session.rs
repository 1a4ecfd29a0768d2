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

#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Refuse every token of a user issued until now, on every service sharing the Redis in
    /// REDIS_URL (after a password change or a compromise): their sessions' access and refresh
    /// tokens, and tokens of other issuers by their iat (tokens without iat too). A login
    /// afterwards works.
    ///
    /// Reads REDIS_URL and JWT_SECRET (the key ring the services' sessions use). Exit 1 when
    /// Redis cannot be reached: nothing was revoked then.
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
    let url = match std::env::var(REDIS_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url,
        Ok(_) => return Err(UsageError::new(format!("{REDIS_URL_VAR} is empty"))),
        Err(std::env::VarError::NotPresent) => {
            return Err(UsageError::new(format!(
                "{REDIS_URL_VAR} is not set: export the URL of the Redis the services share \
                 (redis://host:port/db)"
            )));
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(UsageError::new(format!(
                "{REDIS_URL_VAR} is not valid UTF-8"
            )));
        }
    };
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
        let store = RedisStore::new(RedisConfig::new(url))?;
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
