//! Issues a token, verifies it, and shows what a rejection looks like.
//!
//! ```sh
//! cargo run --example quickstart                       # a random secret
//! JWT_SECRET="$(openssl rand -hex 32)" cargo run --example quickstart
//! ```

use std::process::ExitCode;

use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue};
use jwt_auth::{Issuer, Secret, Verifier};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let secret = if std::env::var_os("JWT_SECRET").is_some() {
        Secret::from_env("JWT_SECRET")?
    } else {
        println!("JWT_SECRET is not set: using a random secret for this run");
        Secret::generate().0
    };
    println!(
        "secret fingerprint: {} (crypto backend: {})",
        secret.fingerprint(),
        jwt_auth::CRYPTO_BACKEND
    );

    let issuer = Issuer::new(&secret);
    let verifier = Verifier::new(&secret);

    let token = issuer.issue("42", Some("ada@example.com"))?;
    println!("\nissued:   {token}");

    let claims = verifier.verify(&token)?;
    println!(
        "verified: sub={} email={} lifetime={} s",
        claims.sub,
        claims.email.as_deref().unwrap_or("-"),
        (claims.exp - claims.iat.unwrap_or(claims.exp)).whole_seconds()
    );

    let (other, _) = Secret::generate();
    let forged = Issuer::new(&other).issue("1", Some("mallory@example.com"))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {forged}"))?,
    );
    let Err(rejection) = verifier.authenticate(&headers) else {
        return Err("a token signed with another secret was accepted".into());
    };
    let response = rejection.to_response();
    println!("\nrejected: {rejection}");
    println!(
        "response: {} {}",
        response.status(),
        response.headers()[WWW_AUTHENTICATE].to_str()?
    );
    Ok(())
}
