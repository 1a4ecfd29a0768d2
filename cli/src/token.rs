//! `jwt-auth token issue | verify | inspect`.

mod inspect;

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use jwt_auth::time::{Duration, OffsetDateTime};
use jwt_auth::{Claims, DEFAULT_LEEWAY, DEFAULT_TTL, FixedClock, Issuer, Verifier};
use serde_json::{Map, Value, json};

use crate::duration::{format_duration, parse_duration, parse_positive_duration};
use crate::input::{self, Source};
use crate::output::{Outcome, UsageError, seconds, utc, when, when_json};
use crate::verdict::{Context, explain};
use crate::{Clock, CommandResult};

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Sign a token with the secret in JWT_SECRET. The token alone goes to standard output.
    Issue(IssueArgs),
    /// Verify a token with the secret in JWT_SECRET, under the crate's policy.
    ///
    /// Exit 0 and the claims when it is valid; exit 1 and the exact cause with the next step
    /// when it is rejected.
    Verify(VerifyArgs),
    /// Decode a token WITHOUT verifying it: header, payload and times, labelled UNVERIFIED.
    ///
    /// Needs no secret. Exit 1 when the token cannot be decoded.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// The subject: the user id.
    #[arg(long, value_name = "ID")]
    sub: String,
    /// The user's email address.
    #[arg(long, value_name = "E")]
    email: Option<String>,
    /// Lifetime: 7d, 12h, 30m, 45s, or a sum such as 1h30m.
    #[arg(long, default_value = "7d", value_parser = parse_positive_duration)]
    ttl: Duration,
    /// Use JWT_SECRET even when it fails the strength check (with a loud warning).
    #[arg(long)]
    allow_weak_secret: bool,
    #[command(flatten)]
    clock: Clock,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The token; `-` or nothing reads it from standard input. A leading `Bearer ` is ignored.
    #[arg(value_name = "TOKEN | -")]
    token: Option<String>,
    /// Tolerance for clock differences between hosts.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    leeway: Duration,
    /// The longest lifetime accepted (`exp - iat`).
    #[arg(long, default_value = "7d", value_parser = parse_positive_duration)]
    max_lifetime: Duration,
    /// Require this `iss`.
    #[arg(long, value_name = "ISS")]
    issuer: Option<String>,
    /// Accept this `aud` (repeatable). Without it, tokens with an `aud` are refused.
    #[arg(long, value_name = "AUD")]
    audience: Vec<String>,
    /// Use JWT_SECRET even when it fails the strength check (with a loud warning).
    #[arg(long)]
    allow_weak_secret: bool,
    #[command(flatten)]
    clock: Clock,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token; `-` or nothing reads it from standard input. A leading `Bearer ` is ignored.
    #[arg(value_name = "TOKEN | -")]
    token: Option<String>,
    #[command(flatten)]
    clock: Clock,
}

pub(crate) fn run(command: TokenCommand) -> CommandResult {
    match command {
        TokenCommand::Issue(args) => issue(&args),
        TokenCommand::Verify(args) => verify(&args),
        TokenCommand::Inspect(args) => {
            let (token, _) = input::token(args.token.as_deref())?;
            Ok(inspect::inspect(&token, crate::now(args.clock)?))
        }
    }
}

fn issue(args: &IssueArgs) -> CommandResult {
    let now = crate::now(args.clock)?;
    let candidate = input::secret_from_env()?;
    let secret = match crate::secret::load(&candidate, args.allow_weak_secret) {
        Ok(secret) => secret,
        Err(refusal) => return Ok(refusal),
    };
    let issuer = Issuer::new(&secret)
        .with_ttl(args.ttl)
        .with_clock(FixedClock::new(now));
    let signed = issuer
        .claims_for(&args.sub)
        .map(|claims| match &args.email {
            Some(email) => claims.with_email(email),
            None => claims,
        })
        .and_then(|claims| Ok((issuer.issue_claims(&claims)?, claims)));
    let (token, claims) = match signed {
        Ok(pair) => pair,
        Err(error) => return Err(UsageError::new(format!("cannot issue the token: {error}"))),
    };
    let fingerprint = secret.fingerprint().to_string();
    let mut notes = vec![format!(
        "issued for sub {:?}{}, exp {}, signed with the secret of fingerprint {fingerprint}",
        claims.sub,
        claims
            .email
            .as_ref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default(),
        expiry(claims.exp, now),
    )];
    if args.ttl > DEFAULT_TTL {
        notes.push(format!(
            "warning: a {} lifetime is over the {} verifiers accept by default \
             (JWT_EXPIRES_MIN): they will reject this token",
            format_duration(args.ttl),
            format_duration(DEFAULT_TTL)
        ));
    }
    Ok(Outcome::success(
        format!("{token}\n"),
        json!({
            "token": token,
            "claims": claims_json(&claims),
            "times": times_json(&claims, now),
            "secret_fingerprint": fingerprint,
        }),
    )
    .with_notes(notes))
}

fn verify(args: &VerifyArgs) -> CommandResult {
    let now = crate::now(args.clock)?;
    let candidate = input::secret_from_env()?;
    let (token, _source): (String, Source) = input::token(args.token.as_deref())?;
    let secret = match crate::secret::load(&candidate, args.allow_weak_secret) {
        Ok(secret) => secret,
        Err(refusal) => return Ok(refusal),
    };
    let mut verifier = Verifier::new(&secret)
        .with_clock(FixedClock::new(now))
        .with_leeway(args.leeway)
        .with_max_ttl(args.max_lifetime);
    if let Some(issuer) = &args.issuer {
        verifier = verifier.with_issuer(issuer);
    }
    if !args.audience.is_empty() {
        verifier = verifier.with_audience(args.audience.clone());
    }
    let fingerprint = secret.fingerprint();
    let policy = json!({
        "leeway_seconds": seconds(args.leeway),
        "max_lifetime_seconds": seconds(args.max_lifetime),
        "now": crate::output::rfc3339(now),
    });
    match verifier.verify_as::<Map<String, Value>>(&token) {
        Ok(claims) => {
            let mut text = format!(
                "valid: signature matches the secret of fingerprint {fingerprint}; HS256; \
                 checked at {}\n",
                utc(now)
            );
            text.push_str(&claims_text(&claims, now));
            Ok(Outcome::success(
                text,
                json!({
                    "valid": true,
                    "claims": claims_json(&claims),
                    "times": times_json(&claims, now),
                    "secret_fingerprint": fingerprint.to_string(),
                    "policy": policy,
                }),
            ))
        }
        Err(error) => {
            let ctx = Context {
                leeway: args.leeway,
                fingerprint,
            };
            let explanation = explain(&error, &ctx);
            Ok(Outcome::refused(
                format!(
                    "rejected: {}\nnext step: {}\n",
                    explanation.cause, explanation.next_step
                ),
                json!({
                    "valid": false,
                    "reason": explanation.reason,
                    "cause": explanation.cause,
                    "next_step": explanation.next_step,
                    "error": error.to_string(),
                    "secret_fingerprint": fingerprint.to_string(),
                    "policy": policy,
                }),
            ))
        }
    }
}

/// The verified claims, one per line, times in UTC and relative to now.
fn claims_text<C: serde::Serialize>(claims: &Claims<C>, now: OffsetDateTime) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "  sub    {}", claims.sub);
    if let Some(email) = &claims.email {
        let _ = writeln!(text, "  email  {email}");
    }
    if let Some(iat) = claims.iat {
        let _ = writeln!(text, "  iat    {}", when(iat, now));
    }
    if let Some(nbf) = claims.nbf {
        let _ = writeln!(text, "  nbf    {}", when(nbf, now));
    }
    let _ = writeln!(text, "  exp    {}", expiry(claims.exp, now));
    if let Some(iss) = &claims.iss {
        let _ = writeln!(text, "  iss    {iss}");
    }
    if let Some(aud) = &claims.aud {
        let _ = writeln!(text, "  aud    {}", aud.values().join(", "));
    }
    if let Some(jti) = &claims.jti {
        let _ = writeln!(text, "  jti    {jti}");
    }
    if let Ok(Value::Object(custom)) = serde_json::to_value(&claims.custom) {
        for (name, value) in custom {
            let _ = writeln!(text, "  {name:<6} {value}");
        }
    }
    text
}

/// `2026-01-08 00:00:00 UTC (expires in 6 d 23 h)`, or `(expired 20 s ago)` within the leeway.
pub(crate) fn expiry(exp: OffsetDateTime, now: OffsetDateTime) -> String {
    let left = exp - now;
    if left.is_positive() {
        format!("{} (expires in {})", utc(exp), format_duration(left))
    } else {
        format!("{} (expired {} ago)", utc(exp), format_duration(left))
    }
}

fn claims_json<C: serde::Serialize>(claims: &Claims<C>) -> Value {
    serde_json::to_value(claims).unwrap_or(Value::Null)
}

fn times_json<C>(claims: &Claims<C>, now: OffsetDateTime) -> Value {
    let mut times = Map::new();
    for (name, time) in [
        ("iat", claims.iat),
        ("nbf", claims.nbf),
        ("exp", Some(claims.exp)),
    ] {
        if let Some(time) = time {
            times.insert(name.into(), when_json(time, now));
        }
    }
    Value::Object(times)
}

/// Defaults, documented in `--help` through clap's `default_value`; kept next to the library's.
const _: () = {
    assert!(DEFAULT_LEEWAY.whole_seconds() == 60);
    assert!(DEFAULT_TTL.whole_days() == 7);
};
