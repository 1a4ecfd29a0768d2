//! `jwt-auth token issue | verify | inspect`.

mod inspect;

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use jwt_auth::jwks::{IssuerKey, KeySet};
use jwt_auth::time::{Duration, OffsetDateTime};
use jwt_auth::{Claims, FixedClock, Issuer, KeyRing, Verifier, VerifyError};
use serde_json::{Map, Value, json};

use crate::duration::{format_duration, parse_duration, parse_positive_duration};
use crate::input::{self, Source};
use crate::keys::{self, Ring};
use crate::output::{Outcome, UsageError, rfc3339, seconds, when, when_json};
use crate::verdict::{Context, explain};
use crate::{Clock, CommandResult};

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Sign a token with the secret in JWT_SECRET (its fingerprint is the token's kid), or with
    /// --private-key (ES256, EdDSA). The token alone goes to standard output.
    Issue(IssueArgs),
    /// Verify a token with the key ring of JWT_SECRET and JWT_SECRET_FALLBACKS, or with
    /// --public-key / --jwks (ES256, EdDSA), under the crate's policy, and say which key signed
    /// it.
    ///
    /// Exit 0 and the claims when it is valid; exit 1 and the exact cause with the next step
    /// when it is rejected.
    Verify(VerifyArgs),
    /// Decode a token WITHOUT verifying it: header, payload and times, labelled UNVERIFIED.
    ///
    /// Needs no secret; with JWT_SECRET (and JWT_SECRET_FALLBACKS) set, says which of their keys
    /// the token's kid names. Exit 1 when the token cannot be decoded.
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
    /// Set `iss`, the issuer (the library's `with_issuer`).
    #[arg(long, value_name = "ISS")]
    issuer: Option<String>,
    /// Set `aud` (the library's `with_audience`); repeat it for several, written as an array.
    #[arg(long, value_name = "AUD")]
    audience: Vec<String>,
    /// A custom claim, NAME=JSON; repeatable. The value is JSON: --claim level=3,
    /// --claim 'role="admin"', --claim 'groups=["a","b"]'. Registered names (sub, email, iss,
    /// aud, exp, nbf, iat, jti) are refused: --sub, --email, --issuer, --audience and --ttl set
    /// theirs.
    #[arg(long = "claim", value_name = "NAME=JSON", value_parser = parse_claim)]
    claims: Vec<(String, Value)>,
    /// Lifetime: 7d, 12h, 30m, 45s, or a sum such as 1h30m.
    #[arg(long, default_value = "7d", value_parser = parse_positive_duration)]
    ttl: Duration,
    /// Use JWT_SECRET even when it fails the strength check (with a loud warning).
    #[arg(long, conflicts_with = "private_key")]
    allow_weak_secret: bool,
    /// Sign ES256 or EdDSA with this PKCS#8 PEM private key instead of JWT_SECRET; the kid is
    /// its public key's RFC 7638 thumbprint.
    #[arg(long, value_name = "FILE")]
    private_key: Option<std::path::PathBuf>,
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
    /// The longest lifetime accepted (`exp - iat`), the library's `with_max_ttl`.
    #[arg(long, default_value = "7d", value_parser = parse_positive_duration)]
    max_ttl: Duration,
    /// Require this `iss`.
    #[arg(long, value_name = "ISS")]
    issuer: Option<String>,
    /// Accept this `aud` (repeatable). Without it, tokens with an `aud` are refused.
    #[arg(long, value_name = "AUD")]
    audience: Vec<String>,
    /// Use JWT_SECRET and JWT_SECRET_FALLBACKS even when a key fails the strength check (with a
    /// loud warning).
    #[arg(long)]
    allow_weak_secret: bool,
    /// Verify ES256 or EdDSA tokens with this public key (SPKI PEM) instead of JWT_SECRET;
    /// repeatable.
    #[arg(long, value_name = "FILE")]
    public_key: Vec<std::path::PathBuf>,
    /// Verify ES256 or EdDSA tokens with the public keys of this JWKS document (a saved
    /// /.well-known/jwks.json) instead of JWT_SECRET.
    #[arg(long, value_name = "FILE")]
    jwks: Option<std::path::PathBuf>,
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

/// The claims `Claims` has a field for, or the issuer sets: a custom claim of the same name would
/// be written twice or contradict it.
const REGISTERED: [&str; 8] = ["sub", "email", "iss", "aud", "exp", "nbf", "iat", "jti"];

/// `NAME=JSON` for `--claim`.
fn parse_claim(text: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err("expected NAME=JSON, such as level=3 or 'role=\"admin\"'".to_owned());
    };
    if name.is_empty() {
        return Err("the claim name is empty: expected NAME=JSON".to_owned());
    }
    if REGISTERED.contains(&name) {
        let instead = match name {
            "sub" => "use --sub",
            "email" => "use --email",
            "iss" => "use --issuer",
            "aud" => "use --audience",
            "exp" | "iat" => "the issuer sets it from --ttl and --now",
            _ => "the CLI does not set it",
        };
        return Err(format!(
            "`{name}` is a registered claim, not a custom one: {instead}"
        ));
    }
    let value = serde_json::from_str(value).map_err(|e| {
        format!(
            "the value of `{name}` is not JSON ({e}); a string needs quotes: \
             --claim '{name}=\"{value}\"'"
        )
    })?;
    Ok((name.to_owned(), value))
}

pub(crate) fn run(command: TokenCommand) -> CommandResult {
    match command {
        TokenCommand::Issue(args) => issue(&args),
        TokenCommand::Verify(args) => verify(&args),
        TokenCommand::Inspect(args) => {
            let (token, _) = input::token(args.token.as_deref())?;
            let now = crate::now(args.clock)?;
            Ok(inspect::inspect(&token, now, ring_for_inspect().as_ref()))
        }
    }
}

/// The ring `inspect` compares a `kid` with: `None` without `JWT_SECRET`, the reason when the
/// variables cannot be used. Weak keys are not fingerprinted here: `inspect` has no
/// `--allow-weak-secret`.
fn ring_for_inspect() -> Option<Result<Ring, String>> {
    std::env::var_os(jwt_auth::AuthConfig::SECRET_VAR)?;
    Some(match keys::load(false) {
        Ok(Ok(ring)) => Ok(ring),
        Ok(Err(_)) => {
            Err("a key fails the strength check (`jwt-auth secret check` says which)".to_owned())
        }
        Err(error) => Err(error.message().to_owned()),
    })
}

fn issue(args: &IssueArgs) -> CommandResult {
    let now = crate::now(args.clock)?;
    let mut custom = Map::new();
    for (name, value) in &args.claims {
        if custom.insert(name.clone(), value.clone()).is_some() {
            return Err(UsageError::new(format!(
                "--claim {name} is given twice: a claim has one value"
            )));
        }
    }
    let (key, kid_note): (IssuerKey, String) = if let Some(file) = &args.private_key {
        let key = crate::pubkey::signing_key(file)?;
        let note = format!(
            "the RFC 7638 thumbprint of the {} key in {}",
            key.algorithm(),
            file.display()
        );
        (key.into(), note)
    } else {
        let candidate = input::secret_from_env()?;
        match crate::secret::load(&candidate, args.allow_weak_secret) {
            Ok(secret) => (secret.into(), "the fingerprint of JWT_SECRET".to_owned()),
            Err(refusal) => return Ok(refusal),
        }
    };
    let kid = key.kid();
    let mut issuer = Issuer::new(key)
        .with_ttl(args.ttl)
        .with_clock(FixedClock::new(now));
    if let Some(iss) = &args.issuer {
        issuer = issuer.with_issuer(iss);
    }
    match args.audience.as_slice() {
        [] => {}
        [one] => issuer = issuer.with_audience(one.clone()),
        many => issuer = issuer.with_audience(many.to_vec()),
    }
    let signed = issuer
        .claims_for(&args.sub)
        .map(|claims| {
            let claims = match &args.email {
                Some(email) => claims.with_email(email),
                None => claims,
            };
            claims.with_custom(custom)
        })
        .and_then(|claims| Ok((issuer.issue_claims(&claims)?, claims)));
    let (token, claims) = match signed {
        Ok(pair) => pair,
        Err(error) => return Err(UsageError::new(format!("cannot issue the token: {error}"))),
    };
    let mut notes = vec![format!(
        "issued for sub {:?}{}, exp {}, kid {kid} ({kid_note})",
        claims.sub,
        claims
            .email
            .as_ref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default(),
        expiry(claims.exp, now),
    )];
    if args.ttl > Issuer::DEFAULT_TTL {
        notes.push(format!(
            "warning: a {} lifetime is over the {} verifiers accept by default \
             (JWT_EXPIRES_MIN): they will reject this token",
            format_duration(args.ttl),
            format_duration(Issuer::DEFAULT_TTL)
        ));
    }
    Ok(Outcome::success(
        format!("{token}\n"),
        json!({
            "token": token,
            "kid": kid,
            "claims": claims_json(&claims),
            "times": times_json(&claims, now),
        }),
    )
    .with_notes(notes))
}

fn verify(args: &VerifyArgs) -> CommandResult {
    let now = crate::now(args.clock)?;
    let (token, _source): (String, Source) = input::token(args.token.as_deref())?;
    if !args.public_key.is_empty() || args.jwks.is_some() {
        return verify_public(args, &token, now);
    }
    let ring = match keys::load(args.allow_weak_secret)? {
        Ok(ring) => ring,
        Err(refusal) => return Ok(refusal),
    };
    let policy_json = policy_json(args, now);
    match policy(args, now, ring.keys.clone()).verify_as::<Map<String, Value>>(&token) {
        Ok(claims) => {
            // The ring does not say which key matched; each key alone, under the same policy,
            // does. With a `kid` only that key can; without, the first that matches is the one
            // the ring used, since it tries them in the same order.
            let key = ring.members().iter().copied().find(|member| {
                ring.keys
                    .get(member.fingerprint.as_str())
                    .is_some_and(|secret| {
                        policy(args, now, KeyRing::new(secret.clone()))
                            .verify_as::<Map<String, Value>>(&token)
                            .is_ok()
                    })
            });
            let signer = key.map_or_else(
                || format!("a key of the ring ({})", ring.summary()),
                |key| key.to_string(),
            );
            Ok(valid(
                &format!("{signer}; HS256"),
                &key.map_or(Value::Null, keys::Member::json),
                &claims,
                &ring.json(),
                &policy_json,
                now,
            ))
        }
        Err(error) => {
            let ctx = Context {
                leeway: args.leeway,
                ring: &ring,
            };
            let explanation = explain(&error, &ctx);
            let mut json = json!({
                "valid": false,
                "reason": explanation.reason,
                "cause": explanation.cause,
                "next_step": explanation.next_step,
                "error": error.to_string(),
                "keys": ring.json(),
                "policy": policy_json,
            });
            if let (VerifyError::UnknownKeyId { kid, known }, Value::Object(map)) =
                (&error, &mut json)
            {
                map.insert("kid".into(), kid.clone().into());
                let known: Vec<String> = known.iter().map(ToString::to_string).collect();
                map.insert("known".into(), known.into());
            }
            Ok(Outcome::refused(
                format!(
                    "rejected: {}\nnext step: {}\n",
                    explanation.cause, explanation.next_step
                ),
                json,
            ))
        }
    }
}

/// The verifier `token verify` applies to `keys`: its flags' leeway, maximum ttl, issuer and
/// audience, at `now`.
fn policy(args: &VerifyArgs, now: OffsetDateTime, keys: impl Into<KeySet>) -> Verifier {
    let mut verifier = Verifier::new(keys)
        .with_clock(FixedClock::new(now))
        .with_leeway(args.leeway)
        .with_max_ttl(args.max_ttl);
    if let Some(issuer) = &args.issuer {
        verifier = verifier.with_expected_issuer(issuer);
    }
    if !args.audience.is_empty() {
        verifier = verifier.with_expected_audience(args.audience.clone());
    }
    verifier
}

/// That policy as the JSON output reports it.
fn policy_json(args: &VerifyArgs, now: OffsetDateTime) -> Value {
    json!({
        "leeway_seconds": seconds(args.leeway),
        "max_ttl_seconds": seconds(args.max_ttl),
        "now": rfc3339(now),
    })
}

/// `token verify --public-key FILE… | --jwks FILE`: the same policy, with public keys.
fn verify_public(args: &VerifyArgs, token: &str, now: OffsetDateTime) -> CommandResult {
    let (keys, names) = crate::pubkey::verifying_keys(&args.public_key, args.jwks.as_deref())?;
    let policy_json = policy_json(args, now);
    let keys_json: Vec<Value> = keys
        .public_keys()
        .iter()
        .map(|key| json!({ "alg": key.algorithm().as_str(), "kid": key.kid() }))
        .collect();
    match policy(args, now, keys.clone()).verify_as::<Map<String, Value>>(token) {
        Ok(claims) => {
            // The set does not say which key matched; each key alone, under the same policy,
            // does: with a kid only the key it names can, without, the first that matches is the
            // one the set used, since it tries them in the same order.
            let signer = keys.public_keys().iter().find(|key| {
                policy(args, now, KeySet::from(*key))
                    .verify_as::<Map<String, Value>>(token)
                    .is_ok()
            });
            let signer_text = signer.map_or_else(
                || "one of the given keys".to_owned(),
                |key| format!("the {} key {}", key.algorithm(), key.kid()),
            );
            Ok(valid(
                &signer_text,
                &signer.map_or(
                    Value::Null,
                    |key| json!({ "alg": key.algorithm().as_str(), "kid": key.kid() }),
                ),
                &claims,
                &Value::from(keys_json),
                &policy_json,
                now,
            ))
        }
        Err(error) => {
            let next_step = match &error {
                VerifyError::UnknownPublicKeyId { .. } => {
                    "the token names a key not given here: fetch the issuer's current \
                     /.well-known/jwks.json and pass it with --jwks"
                }
                VerifyError::NoKeyForAlgorithm { .. } => {
                    "the token's alg has no key here: an HS256 token is verified with JWT_SECRET \
                     (no --public-key or --jwks), an ES256 or EdDSA one with that algorithm's key"
                }
                VerifyError::InvalidSignature => {
                    "the signature does not match: the token was signed with another key, or \
                     altered after signing"
                }
                _ => "see the cause; `jwt-auth token inspect` shows the token's header and times",
            };
            Ok(Outcome::refused(
                format!(
                    "rejected: {error}\nnext step: {next_step}\nkeys: {}\n",
                    names.join("; ")
                ),
                json!({
                    "valid": false,
                    "error": error.to_string(),
                    "next_step": next_step,
                    "keys": keys_json,
                    "policy": policy_json,
                }),
            ))
        }
    }
}

/// A valid token's outcome, whichever keys verified it: who signed it (`signed_with`, and `key`
/// for the JSON), its claims and times, the keys and the policy it was checked against.
fn valid(
    signed_with: &str,
    key: &Value,
    claims: &Claims<Map<String, Value>>,
    keys: &Value,
    policy: &Value,
    now: OffsetDateTime,
) -> Outcome {
    let mut text = format!(
        "valid: signed with {signed_with}; checked at {}\n",
        rfc3339(now)
    );
    text.push_str(&claims_text(claims, now));
    Outcome::success(
        text,
        json!({
            "valid": true,
            "key": key,
            "claims": claims_json(claims),
            "times": times_json(claims, now),
            "keys": keys,
            "policy": policy,
        }),
    )
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

/// `2026-01-08T00:00:00Z (expires in 6 d 23 h)`, or `(expired 20 s ago)` within the leeway.
pub(crate) fn expiry(exp: OffsetDateTime, now: OffsetDateTime) -> String {
    let left = exp - now;
    if left.is_positive() {
        format!("{} (expires in {})", rfc3339(exp), format_duration(left))
    } else {
        format!("{} (expired {} ago)", rfc3339(exp), format_duration(left))
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
    assert!(Verifier::DEFAULT_LEEWAY.whole_seconds() == 60);
    assert!(Issuer::DEFAULT_TTL.whole_days() == 7);
};
