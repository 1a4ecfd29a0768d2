//! `jwt-auth secret generate | check | fingerprint`.

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use jwt_auth::{Secret, WeakSecret, secrecy::ExposeSecret, strength::SecretProblem};
use serde_json::{Value, json};

use crate::CommandResult;
use crate::input::{self, SecretInput, Source};
use crate::output::{Outcome, UsageError};

#[derive(Debug, Subcommand)]
pub(crate) enum SecretCommand {
    /// Print a new random secret (64 hex characters) and its fingerprint. The only command that
    /// prints a secret.
    Generate,
    /// Check the secret in JWT_SECRET (or on standard input), and every entry of
    /// JWT_SECRET_FALLBACKS with it, against every strength rule.
    ///
    /// Exit 0 when every one is strong, 1 when one is weak (every failed rule is listed with its
    /// fix).
    Check(SecretSource),
    /// Print the fingerprint of the secret in JWT_SECRET (or on standard input), and of every
    /// entry of JWT_SECRET_FALLBACKS with it, to compare secrets across hosts without revealing
    /// them.
    Fingerprint(FingerprintArgs),
}

/// Where the secret is read from. Never an argument: that would leak into shell history.
#[derive(Debug, Args)]
#[command(after_help = "\
The secret is read from standard input with --stdin (or -); otherwise from JWT_SECRET when it is set \
(taken byte for byte, as the services see it); otherwise from standard input when that is a pipe \
or a file. From standard input, one trailing newline (\\n or \\r\\n) is removed. With JWT_SECRET, \
each entry of JWT_SECRET_FALLBACKS (comma-separated, spaces around entries ignored) is read too.")]
pub(crate) struct SecretSource {
    /// Read the secret from standard input even when JWT_SECRET is set.
    #[arg(long)]
    stdin: bool,
    /// `-` is the same as `--stdin`. Anything else is caught only to refuse it without echoing
    /// it, as clap's own error would.
    #[arg(hide = true, value_name = "SECRET")]
    argument: Option<String>,
}

impl SecretSource {
    /// The secret, and the fallbacks when the secret is the environment's.
    fn read(&self) -> Result<(SecretInput, Vec<SecretInput>), UsageError> {
        if self
            .argument
            .as_deref()
            .is_some_and(|argument| argument != "-")
        {
            return Err(UsageError::new(
                "secrets are never taken as arguments: they end up in shell history and process \
                 lists. Set JWT_SECRET, or pipe the secret in (`jwt-auth secret check < file`). \
                 If that argument was a real secret, it is now in your shell history: treat it \
                 as exposed",
            ));
        }
        let secret = input::secret_for_check(self.stdin || self.argument.is_some())?;
        // A secret on standard input is a copy being compared, not a service's configuration.
        let fallbacks = if secret.source == Source::Env {
            input::fallbacks_from_env()?
        } else {
            Vec::new()
        };
        Ok((secret, fallbacks))
    }
}

#[derive(Debug, Args)]
pub(crate) struct FingerprintArgs {
    #[command(flatten)]
    source: SecretSource,
    /// Fingerprint a secret that fails the strength check anyway (with a loud warning). A
    /// fingerprint of a guessable secret lets anyone who sees it confirm a guess offline.
    #[arg(long)]
    allow_weak_secret: bool,
}

pub(crate) fn run(command: SecretCommand) -> CommandResult {
    match command {
        SecretCommand::Generate => Ok(generate()),
        SecretCommand::Check(source) => {
            let (secret, fallbacks) = source.read()?;
            Ok(check(&secret, &fallbacks))
        }
        SecretCommand::Fingerprint(args) => {
            let (secret, fallbacks) = args.source.read()?;
            Ok(fingerprint(&secret, &fallbacks, args.allow_weak_secret))
        }
    }
}

fn generate() -> Outcome {
    let (secret, shareable) = Secret::generate();
    let shareable = shareable.expose_secret();
    let fingerprint = secret.fingerprint().to_string();
    let mut outcome = Outcome::success(
        format!("secret:      {shareable}\nfingerprint: {fingerprint}\n"),
        json!({ "secret": shareable, "fingerprint": fingerprint }),
    );
    // A hint for the human only: the JSON stays the bare result.
    outcome.notes.push(
        "Set this secret as JWT_SECRET on every service that issues or verifies tokens, byte for \
         byte; then `jwt-auth secret fingerprint` must print the same fingerprint on each host."
            .to_owned(),
    );
    outcome
}

fn check(candidate: &SecretInput, fallbacks: &[SecretInput]) -> Outcome {
    let notes = whitespace_warning(&candidate.bytes);
    let (mut text, mut json, mut all_strong) = check_one(candidate);
    let mut fallbacks_json = Vec::new();
    for fallback in fallbacks {
        let (entry_text, entry_json, strong) = check_one(fallback);
        text.push_str(&entry_text);
        fallbacks_json.push(entry_json);
        all_strong &= strong;
    }
    if let Value::Object(map) = &mut json {
        map.insert("fallbacks".into(), fallbacks_json.into());
    }
    if all_strong {
        Outcome::success(text, json)
    } else {
        Outcome::refused(text, json)
    }
    .with_notes(notes)
}

/// One secret's verdict: text, JSON, and whether it is strong. A weak secret's fingerprint is
/// not shown: it would let anyone who sees it confirm a guess offline.
fn check_one(candidate: &SecretInput) -> (String, Value, bool) {
    let len = candidate.bytes.len();
    let source = candidate.source;
    let mut json = match Secret::new(&candidate.bytes) {
        Ok(secret) => (
            format!(
                "strong: the secret from {source} ({len} bytes) passes every rule\n\
                 fingerprint: {}\n",
                secret.fingerprint()
            ),
            json!({
                "strong": true,
                "source": source.name(),
                "length": len,
                "fingerprint": secret.fingerprint().to_string(),
                "problems": [],
            }),
            true,
        ),
        Err(weak) => (
            format!(
                "weak: the secret from {source} ({len} bytes) {}",
                describe_weak(&weak, source)
            ),
            json!({
                "strong": false,
                "source": source.name(),
                "length": len,
                "problems": problems_json(&weak),
                "next_step": next_step(source),
            }),
            false,
        ),
    };
    if let (Some(entry), Value::Object(map)) = (source.entry(), &mut json.1) {
        map.insert("entry".into(), entry.into());
    }
    json
}

fn fingerprint(candidate: &SecretInput, fallbacks: &[SecretInput], allow_weak: bool) -> Outcome {
    let notes = whitespace_warning(&candidate.bytes);
    let mut text = String::new();
    let mut keys = Vec::new();
    for candidate in std::iter::once(candidate).chain(fallbacks) {
        let secret = match load(candidate, allow_weak) {
            Ok(secret) => secret,
            Err(refusal) => return refusal.with_notes(notes),
        };
        let fingerprint = secret.fingerprint().to_string();
        let role = if candidate.source.entry().is_some() {
            "fallback"
        } else {
            "secret"
        };
        let _ = writeln!(text, "{fingerprint}  ({role} from {})", candidate.source);
        let mut key = json!({
            "fingerprint": fingerprint,
            "source": candidate.source.name(),
            "strong": !secret.is_insecure(),
        });
        if let (Some(entry), Value::Object(map)) = (candidate.source.entry(), &mut key) {
            map.insert("entry".into(), entry.into());
        }
        keys.push(key);
    }
    let mut json = keys.remove(0);
    if let Value::Object(map) = &mut json {
        map.insert("fallbacks".into(), keys.into());
    }
    Outcome::success(text, json).with_notes(notes)
}

/// Builds the secret for the commands that use one (fingerprint, issue, verify). A weak secret
/// is a refusal, unless `allow_weak` asks for it by name: then it is used, and this prints the
/// warning (the library prints nothing).
pub(crate) fn load(candidate: &SecretInput, allow_weak: bool) -> Result<Secret, Outcome> {
    let source = candidate.source;
    let result = if allow_weak {
        jwt_auth::dangerous::insecure_secret(&candidate.bytes).map(|(secret, problems)| {
            if !problems.is_empty() {
                eprintln!(
                    "jwt-auth WARNING: using an INSECURE development secret from {source} \
                     (fingerprint {}): {}",
                    secret.fingerprint(),
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            secret
        })
    } else {
        Secret::new(&candidate.bytes)
    };
    result.map_err(|weak| {
        let mut json = json!({
            "error": "weak_secret",
            "source": source.name(),
            "problems": problems_json(&weak),
            "next_step": next_step(source),
        });
        if let (Some(entry), Value::Object(map)) = (source.entry(), &mut json) {
            map.insert("entry".into(), entry.into());
        }
        Outcome::refused(
            format!(
                "refused: the secret from {source} {}(--allow-weak-secret uses it anyway, with a \
                 warning.)\n",
                describe_weak(&weak, source)
            ),
            json,
        )
    })
}

/// What to do about a weak secret: replace the current one; drop a fallback.
fn next_step(source: Source) -> &'static str {
    match source {
        Source::Fallback(_) => FALLBACK_NEXT_STEP,
        _ => NEXT_STEP,
    }
}

const FALLBACK_NEXT_STEP: &str = "remove it from JWT_SECRET_FALLBACKS on every service and \
    restart them: anyone who guesses it can sign tokens they accept. Tokens signed with it stop \
    verifying: their users log in again.";

const NEXT_STEP: &str = "generate a new secret with `jwt-auth secret generate`, set it as \
    JWT_SECRET on every service that issues or verifies tokens, restart them, and check that \
    `jwt-auth secret fingerprint` prints the same value on each host. Tokens signed with the old \
    secret stop verifying: their users log in again.";

/// `fails 2 rules:\n  - …\n    fix: …\nnext step: …\n`
fn describe_weak(weak: &WeakSecret, source: Source) -> String {
    let count = weak.problems.len();
    let mut text = format!("fails {count} rule{}:\n", if count == 1 { "" } else { "s" });
    for problem in &weak.problems {
        let _ = writeln!(text, "  - {problem}\n    fix: {}", fix(problem));
    }
    let _ = writeln!(text, "next step: {}", next_step(source));
    text
}

fn problems_json(weak: &WeakSecret) -> Value {
    weak.problems
        .iter()
        .map(|problem| {
            json!({ "rule": rule(problem), "message": problem.to_string(), "fix": fix(problem) })
        })
        .collect()
}

fn rule(problem: &SecretProblem) -> &'static str {
    match problem {
        SecretProblem::Empty => "empty",
        SecretProblem::TooShort { .. } => "too_short",
        SecretProblem::Published { .. } => "published",
        SecretProblem::LowEntropy { .. } => "low_entropy",
        SecretProblem::Pattern { .. } => "pattern",
        SecretProblem::Repetitive { .. } => "repetitive",
        SecretProblem::LooksLikeKey { .. } => "looks_like_key",
        SecretProblem::Structured { .. } => "structured",
        SecretProblem::EncodedText { .. } => "encoded_text",
        _ => "other",
    }
}

fn fix(problem: &SecretProblem) -> &'static str {
    match problem {
        SecretProblem::Empty => "set it to a generated secret (`jwt-auth secret generate`)",
        SecretProblem::TooShort { .. } => {
            "use at least 32 random bytes; a generated secret is 64 hex characters"
        }
        SecretProblem::Published { .. } => {
            "replace it everywhere now: anyone who has read the same tutorial or code can sign \
             tokens your services accept"
        }
        SecretProblem::LowEntropy { .. }
        | SecretProblem::Pattern { .. }
        | SecretProblem::Repetitive { .. } => {
            "use random bytes, not words or patterns: `jwt-auth secret generate`"
        }
        SecretProblem::LooksLikeKey { .. } => {
            "HS256 needs a shared random string, not a key file; generate one instead"
        }
        SecretProblem::Structured { .. } => {
            "HS256 needs a shared random string, not a token or identifier; generate one instead"
        }
        SecretProblem::EncodedText { .. } => {
            "encoding weak text does not make it random; generate a secret instead"
        }
        _ => "generate a new one with `jwt-auth secret generate`",
    }
}

/// Whitespace at either end survives here but not every `.env` loader or YAML file, so two hosts
/// can end up with different secrets.
fn whitespace_warning(bytes: &[u8]) -> Vec<String> {
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_whitespace);
    if edge(bytes.first()) || edge(bytes.last()) {
        vec![
            "warning: the secret starts or ends with whitespace; some configuration loaders strip \
             it and others keep it, so services can end up with different secrets"
                .to_owned(),
        ]
    } else {
        Vec::new()
    }
}
