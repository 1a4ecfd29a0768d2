//! The Rust side of the interop cross-check (`interop/crosscheck.py`, `.ci/interop.sh`).
//!
//! The secret and the lifetime come from the environment exactly as in a service
//! ([`AuthConfig::from_env`]: `JWT_SECRET`, `JWT_EXPIRES_MIN`, `JWT_LEEWAY_SECS`). Requests are
//! JSON objects, one per line on standard input; each gets one JSON line on standard output.
//!
//! ```text
//! cargo run -p jwt-auth-interop -- fingerprint
//! echo '{"sub":"42","email":"ada@example.com"}' | cargo run -p jwt-auth-interop -- issue
//! echo '{"token":"eyJ…"}' | cargo run -p jwt-auth-interop -- verify
//! ```
//!
//! - `fingerprint`: prints `{"fingerprint": "<16 hex>"}` for `JWT_SECRET`.
//! - `issue`: `{"sub": …, "email"?: …, "custom"?: {…}, "now"?: <unix seconds>}` →
//!   `{"token": …, "claims": {…}}`. Without `now`, the system clock is used.
//! - `verify`: `{"token": …, "now"?: <unix seconds>}` → `{"ok": true, "claims": {…}}` or
//!   `{"ok": false, "error": {"kind": "<VerifyError variant>", …fields}, "message": "…"}`.
//! - `refresh-token`: no input; logs `{"sub": "42", "email": "ada@example.com"}` in with
//!   `Sessions` on a `MemoryStore` and prints the pair as the RFC 6749 §5.1 token response,
//!   `{"access_token", "token_type", "expires_in", "refresh_token"}`, for the check that the peers
//!   accept the access token and refuse the refresh token (`interop/sessions_check.py`).
//!
//! - `jwks`: no input; prints the key set the configuration publishes (`AuthConfig::jwks`), for a
//!   service on `JWT_ALGORITHM=ES256` or `EdDSA` with `JWT_PRIVATE_KEY_FILE`
//!   (`interop/public_keys.py` serves it to PyJWT's `PyJWKClient` and Node).
//! - `verify-jwks FILE`: as `verify`, against the public keys of the JWKS document in `FILE`
//!   alone (`Jwks::parse`), as a service fetching a peer's key set holds them.
//!
//! The secret itself is never printed (the tokens are test tokens of a throw-away secret).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use jwt_auth::jwks::Jwks;
use jwt_auth::{
    AuthConfig, Claims, FixedClock, MemoryStore, Sessions, TokenPart, Verifier, VerifyError,
};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

type Custom = Map<String, Value>;

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let config = match AuthConfig::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("interop: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match command.as_str() {
        "fingerprint" => {
            println!("{}", json!({ "fingerprint": config.signing_kid() }));
            Ok(())
        }
        "issue" => each_line(|request| issue(&config, request)),
        "verify" => each_line(|request| verify(&config, request)),
        "refresh-token" => refresh_token(&config),
        "jwks" => serde_json::to_string(&config.jwks())
            .map(|jwks| println!("{jwks}"))
            .map_err(|e| format!("serializing the key set: {e}")),
        "verify-jwks" => jwks_verifier(&config, std::env::args().nth(2))
            .and_then(|verifier| each_line(|request| verify_with(&verifier, request))),
        _ => Err(
            "usage: interop (fingerprint | issue | verify | refresh-token | jwks | verify-jwks FILE) \
             < requests.jsonl"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("interop: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints a login's token pair from `Sessions` on a `MemoryStore`, signed with the config's keys.
fn refresh_token(config: &AuthConfig) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let sessions = Sessions::from_config(config, MemoryStore::new());
    let pair = runtime
        .block_on(sessions.login("42", Some("ada@example.com")))
        .map_err(|e| format!("login failed: {e}"))?;
    let json = serde_json::to_string(&pair).map_err(|e| format!("serializing the pair: {e}"))?;
    println!("{json}");
    Ok(())
}

/// Answers each non-empty line of standard input with one line of standard output.
fn each_line(mut answer: impl FnMut(&Value) -> Result<Value, String>) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("reading standard input: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Value =
            serde_json::from_str(&line).map_err(|e| format!("request is not JSON: {e}"))?;
        let response = answer(&request)?;
        writeln!(out, "{response}").map_err(|e| format!("writing standard output: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("writing standard output: {e}"))
}

fn fixed_clock(request: &Value) -> Result<Option<FixedClock>, String> {
    match request.get("now") {
        None | Some(Value::Null) => Ok(None),
        Some(now) => {
            let seconds = now.as_i64().ok_or("`now` must be integer unix seconds")?;
            FixedClock::at_unix(seconds)
                .map(Some)
                .map_err(|e| format!("`now`: {e}"))
        }
    }
}

fn issue(config: &AuthConfig, request: &Value) -> Result<Value, String> {
    let sub = request
        .get("sub")
        .and_then(Value::as_str)
        .ok_or("`sub` must be a string")?;
    let email = match request.get("email") {
        None | Some(Value::Null) => None,
        Some(email) => Some(email.as_str().ok_or("`email` must be a string")?),
    };
    let custom = match request.get("custom") {
        None | Some(Value::Null) => Custom::new(),
        Some(Value::Object(custom)) => custom.clone(),
        Some(_) => return Err("`custom` must be an object".to_owned()),
    };
    let mut issuer = config.issuer().clone();
    if let Some(clock) = fixed_clock(request)? {
        issuer = issuer.with_clock(clock);
    }
    let mut claims = issuer.claims_for(sub).map_err(|e| e.to_string())?;
    claims.email = email.map(str::to_owned);
    let claims = claims.with_custom(custom);
    let token = issuer.issue_claims(&claims).map_err(|e| e.to_string())?;
    Ok(json!({ "token": token, "claims": claims_json(&claims) }))
}

/// A verifier holding the keys of the JWKS document at `path`, with the config's lifetime bound.
fn jwks_verifier(config: &AuthConfig, path: Option<String>) -> Result<Verifier, String> {
    let path = path.ok_or("usage: interop verify-jwks FILE")?;
    let document = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let jwks = Jwks::parse(&document).map_err(|e| format!("{path}: {e}"))?;
    if let Some(skipped) = jwks.skipped().first() {
        return Err(format!(
            "{path}: entry {} skipped: {}",
            skipped.index, skipped.reason
        ));
    }
    let keys = jwks.into_key_set().map_err(|e| format!("{path}: {e}"))?;
    Ok(Verifier::new(keys).with_max_ttl(config.verifier().max_ttl()))
}

fn verify(config: &AuthConfig, request: &Value) -> Result<Value, String> {
    verify_with(config.verifier(), request)
}

fn verify_with(verifier: &Verifier, request: &Value) -> Result<Value, String> {
    let token = request
        .get("token")
        .and_then(Value::as_str)
        .ok_or("`token` must be a string")?;
    let mut verifier = verifier.clone();
    if let Some(clock) = fixed_clock(request)? {
        verifier = verifier.with_clock(clock);
    }
    Ok(match verifier.verify_as::<Custom>(token) {
        Ok(claims) => json!({ "ok": true, "claims": claims_json(&claims) }),
        Err(e) => json!({ "ok": false, "error": error_json(&e), "message": e.to_string() }),
    })
}

fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn claims_json(claims: &Claims<Custom>) -> Value {
    json!({
        "sub": claims.sub,
        "email": claims.email,
        "iat": claims.iat.map(unix),
        "exp": unix(claims.exp),
        "nbf": claims.nbf.map(unix),
        "iss": claims.iss,
        "aud": claims.aud.as_ref().map(|aud| aud.values().to_vec()),
        "jti": claims.jti,
        "custom": claims.custom,
    })
}

fn part_name(part: TokenPart) -> String {
    part.to_string()
}

/// The variant and its fields, so the cross-check can compare them exactly.
fn error_json(error: &VerifyError) -> Value {
    match error {
        VerifyError::TooLarge { len, max } => json!({ "kind": "TooLarge", "len": len, "max": max }),
        VerifyError::SegmentCount { found } => json!({ "kind": "SegmentCount", "found": found }),
        VerifyError::Base64 { part } => json!({ "kind": "Base64", "part": part_name(*part) }),
        VerifyError::Json { part, reason } => {
            json!({ "kind": "Json", "part": part_name(*part), "reason": reason })
        }
        VerifyError::DuplicateMember { part, name } => {
            json!({ "kind": "DuplicateMember", "part": part_name(*part), "name": name })
        }
        VerifyError::UnsupportedAlgorithm { alg } => {
            json!({ "kind": "UnsupportedAlgorithm", "alg": alg })
        }
        VerifyError::CriticalHeader => json!({ "kind": "CriticalHeader" }),
        VerifyError::UnexpectedType { typ } => json!({ "kind": "UnexpectedType", "typ": typ }),
        VerifyError::UnknownKeyId { kid, known } => {
            let known: Vec<String> = known.iter().map(ToString::to_string).collect();
            json!({ "kind": "UnknownKeyId", "kid": kid, "known": known })
        }
        VerifyError::InvalidSignature => json!({ "kind": "InvalidSignature" }),
        VerifyError::MissingClaim { claim } => json!({ "kind": "MissingClaim", "claim": claim }),
        VerifyError::InvalidNumericDate { claim } => {
            json!({ "kind": "InvalidNumericDate", "claim": claim })
        }
        VerifyError::InvalidClaims { reason } => {
            json!({ "kind": "InvalidClaims", "reason": reason })
        }
        VerifyError::Expired { exp, now } => {
            json!({ "kind": "Expired", "exp": unix(*exp), "now": unix(*now) })
        }
        VerifyError::NotYetValid { nbf, now } => {
            json!({ "kind": "NotYetValid", "nbf": unix(*nbf), "now": unix(*now) })
        }
        VerifyError::IssuedInFuture { iat, now } => {
            json!({ "kind": "IssuedInFuture", "iat": unix(*iat), "now": unix(*now) })
        }
        VerifyError::IssuedAfterExpiry { iat, exp } => {
            json!({ "kind": "IssuedAfterExpiry", "iat": unix(*iat), "exp": unix(*exp) })
        }
        VerifyError::TtlTooLong { ttl, max } => json!({
            "kind": "TtlTooLong",
            "ttl": ttl.whole_seconds(),
            "max": max.whole_seconds(),
        }),
        VerifyError::IssuerMismatch { expected, found } => {
            json!({ "kind": "IssuerMismatch", "expected": expected, "found": found })
        }
        VerifyError::AudienceMismatch { expected, found } => {
            json!({ "kind": "AudienceMismatch", "expected": expected, "found": found })
        }
        VerifyError::UnexpectedAudience { found } => {
            json!({ "kind": "UnexpectedAudience", "found": found })
        }
        // `VerifyError` is non-exhaustive: a new variant still reports its name.
        other => {
            let debug = format!("{other:?}");
            let kind = debug
                .split([' ', '{', '('])
                .next()
                .unwrap_or_default()
                .to_owned();
            json!({ "kind": kind })
        }
    }
}
