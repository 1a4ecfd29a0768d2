//! Issues a token, verifies it, and shows what a rejection looks like.
//!
//! ```sh
//! cargo run --example quickstart                       # a random secret
//! JWT_SECRET="$(openssl rand -hex 32)" cargo run --example quickstart
//! ```

use std::process::ExitCode;

use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue};
use jwt_auth::{AuthConfig, Issuer, Secret};

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
    // A service reads JWT_SECRET, JWT_SECRET_FALLBACKS, JWT_EXPIRES_MIN and JWT_LEEWAY_SECS.
    let config = if std::env::var_os("JWT_SECRET").is_some() {
        AuthConfig::from_env()?
    } else {
        println!("JWT_SECRET is not set: using a random secret for this run");
        AuthConfig::new(Secret::generate().0)
    };
    println!("{config} (crypto backend: {})", jwt_auth::CRYPTO_BACKEND);

    let token = config.issuer().issue("42", Some("ada@example.com"))?;
    println!("\nissued:   {token}");

    let claims = config.verifier().verify(&token)?;
    println!(
        "verified: sub={} email={} lifetime={} s",
        claims.sub,
        claims.email.as_deref().unwrap_or("-"),
        (claims.exp - claims.iat.unwrap_or(claims.exp)).whole_seconds()
    );

    let (other, _) = Secret::generate();
    let foreign = Issuer::new(&other).issue("1", Some("mallory@example.com"))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {foreign}"))?,
    );
    let Err(rejection) = config.verifier().authenticate(&headers) else {
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
