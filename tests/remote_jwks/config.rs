//! `AuthConfig::from_lookup` with `JWT_JWKS_URL`, `JWT_OIDC_ISSUER` and `JWT_JWKS_COOLDOWN_SECS`.

use std::ffi::OsString;

use jwt_auth::{AuthConfig, ConfigError, Issuer, VerifyError};

use crate::keys::{ed25519, jwks, token};
use crate::server::{JwksServer, Reply};

const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";

fn from(vars: &[(&str, &str)]) -> Result<AuthConfig, ConfigError> {
    AuthConfig::from_lookup(|name| {
        vars.iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| OsString::from(value))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_secret_and_jwt_jwks_url_together_are_dual_stack() {
    let server = JwksServer::start(Reply::json(jwks([&ed25519()]))).await;
    let url = server.url();
    let config = from(&[("JWT_SECRET", SECRET), ("JWT_JWKS_URL", &url)]).unwrap();
    let hs256 = config.issuer().issue("7", None).unwrap();
    assert_eq!(
        config.verifier().verify_fresh(&hs256).await.unwrap().sub,
        "7"
    );
    assert_eq!(server.hits(), 0);
    let eddsa = token(&ed25519());
    assert_eq!(
        config.verifier().verify_fresh(&eddsa).await.unwrap().sub,
        "42"
    );
    assert_eq!(server.hits(), 1);
    // The config's own issuer keeps signing HS256.
    assert_eq!(config.issuer().keys().algorithm().as_str(), "HS256");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_oidc_issuer_discovers_the_keys() {
    let server = JwksServer::start(Reply::json(jwks([&ed25519()]))).await;
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(
            serde_json::json!({"issuer": server.base, "jwks_uri": server.url()}).to_string(),
        ),
    );
    let config = from(&[
        ("JWT_SECRET", SECRET),
        ("JWT_OIDC_ISSUER", &server.base),
        ("JWT_JWKS_COOLDOWN_SECS", "5"),
    ])
    .unwrap();
    // The provider's tokens carry its issuer, which JWT_ISSUER defaults to.
    let from_provider = Issuer::new(ed25519())
        .with_issuer(&server.base)
        .issue("42", None)
        .unwrap();
    assert_eq!(
        config
            .verifier()
            .verify_fresh(&from_provider)
            .await
            .unwrap()
            .iss
            .as_deref(),
        Some(server.base.as_str())
    );
    assert_eq!(server.hits_on("/.well-known/openid-configuration"), 1);
    assert!(matches!(
        config.verifier().verify_fresh(&token(&ed25519())).await,
        Err(VerifyError::IssuerMismatch { .. })
    ));
    // JWT_ISSUER, when set, wins.
    let config = from(&[
        ("JWT_SECRET", SECRET),
        ("JWT_OIDC_ISSUER", &server.base),
        ("JWT_ISSUER", "https://elsewhere.example"),
    ])
    .unwrap();
    assert!(matches!(
        config.verifier().verify_fresh(&from_provider).await,
        Err(VerifyError::IssuerMismatch { .. })
    ));
}

#[test]
fn errors_name_the_variable_and_the_fix() {
    let insecure = from(&[
        ("JWT_SECRET", SECRET),
        ("JWT_JWKS_URL", "http://keys.example.com/jwks.json"),
    ])
    .unwrap_err();
    assert!(
        matches!(&insecure, ConfigError::InvalidUrl { var, .. } if var == "JWT_JWKS_URL"),
        "{insecure}"
    );
    assert!(
        insecure
            .to_string()
            .starts_with("JWT_JWKS_URL=\"http://keys.example.com/jwks.json\" is not usable"),
        "{insecure}"
    );
    assert!(
        insecure
            .to_string()
            .ends_with("set it to an https:// URL (plain http:// only on a loopback address)")
    );
    let garbage = from(&[("JWT_SECRET", SECRET), ("JWT_OIDC_ISSUER", "not a url")]).unwrap_err();
    assert!(
        matches!(&garbage, ConfigError::InvalidUrl { var, .. } if var == "JWT_OIDC_ISSUER"),
        "{garbage}"
    );
    let both = from(&[
        ("JWT_SECRET", SECRET),
        ("JWT_JWKS_URL", "https://a.example.com/jwks.json"),
        ("JWT_OIDC_ISSUER", "https://a.example.com"),
    ])
    .unwrap_err();
    assert!(
        matches!(&both, ConfigError::Conflicting { var, other, .. } if var == "JWT_JWKS_URL" && other == "JWT_OIDC_ISSUER"),
        "{both}"
    );
    for cooldown in ["0", "-1", "3601", "soon"] {
        let refused = from(&[
            ("JWT_SECRET", SECRET),
            ("JWT_JWKS_URL", "https://a.example.com/jwks.json"),
            ("JWT_JWKS_COOLDOWN_SECS", cooldown),
        ])
        .unwrap_err();
        assert!(
            matches!(&refused, ConfigError::InvalidNumber { var, .. } if var == "JWT_JWKS_COOLDOWN_SECS"),
            "{cooldown}: {refused}"
        );
    }
    // A remote key set is an addition: JWT_SECRET is still what the config signs with.
    let missing = from(&[("JWT_JWKS_URL", "https://a.example.com/jwks.json")]).unwrap_err();
    assert!(matches!(missing, ConfigError::Missing { .. }));
}
