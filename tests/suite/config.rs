//! `AuthConfig`: the environment variables the product already uses, and a distinct error for each
//! way they can be wrong.

use std::collections::HashMap;
use std::ffi::OsString;

use crate::common::SECRET;
use jwt_auth::{AuthConfig, ConfigError, strength::SecretProblem};
use time::Duration;

fn config(vars: &[(&str, &str)]) -> Result<AuthConfig, ConfigError> {
    let vars: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    AuthConfig::from_lookup(|name| vars.get(name).cloned())
}

#[test]
fn defaults_match_the_python_service() {
    let config = config(&[("JWT_SECRET", SECRET)]).unwrap();
    assert_eq!(config.issuer().ttl(), Duration::minutes(10_080));
    assert_eq!(config.verifier().leeway(), Duration::seconds(60));
    assert_eq!(config.verifier().max_ttl(), Duration::minutes(10_080));
    assert_eq!(
        config.fingerprint().map(|f| f.to_string()).as_deref(),
        Some("c610b726621f2885")
    );
    let token = config.issuer().issue("42", None).unwrap();
    assert_eq!(config.verifier().verify(&token).unwrap().sub, "42");
}

#[test]
fn lifetime_and_leeway_are_read() {
    let config = config(&[
        ("JWT_SECRET", SECRET),
        ("JWT_EXPIRES_MIN", "60"),
        ("JWT_LEEWAY_SECS", "0"),
    ])
    .unwrap();
    assert_eq!(config.issuer().ttl(), Duration::hours(1));
    assert_eq!(config.verifier().max_ttl(), Duration::hours(1));
    assert_eq!(config.verifier().leeway(), Duration::ZERO);
}

#[test]
fn missing_empty_and_weak_secrets_are_distinct_errors_naming_the_variable() {
    let missing = config(&[]).unwrap_err();
    assert_eq!(
        missing,
        ConfigError::Missing {
            var: "JWT_SECRET".into()
        }
    );
    assert!(missing.to_string().starts_with("JWT_SECRET is not set"));
    let empty = config(&[("JWT_SECRET", "")]).unwrap_err();
    assert_eq!(
        empty,
        ConfigError::Empty {
            var: "JWT_SECRET".into()
        }
    );
    assert!(empty.to_string().contains("openssl rand -hex 32"));
    let weak = config(&[("JWT_SECRET", "dev-secret-change-me")]).unwrap_err();
    let ConfigError::Weak { var, source } = &weak else {
        panic!("{weak:?}")
    };
    assert_eq!(var, "JWT_SECRET");
    assert!(
        source
            .problems
            .contains(&SecretProblem::TooShort { len: 20, min: 32 })
    );
    assert!(
        weak.to_string()
            .starts_with("JWT_SECRET: weak secret: it is 20 bytes")
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_secret_is_its_own_error() {
    use std::os::unix::ffi::OsStringExt;
    let err = AuthConfig::from_lookup(|name| {
        (name == "JWT_SECRET").then(|| OsString::from_vec(vec![0xff; 40]))
    })
    .unwrap_err();
    assert_eq!(
        err,
        ConfigError::NotUnicode {
            var: "JWT_SECRET".into()
        }
    );
    for var in ["JWT_ALGORITHM", "JWT_ISSUER", "JWT_AUDIENCE"] {
        let err = AuthConfig::from_lookup(|name| match name {
            "JWT_SECRET" => Some(crate::common::SECRET.into()),
            _ if name == var => Some(OsString::from_vec(vec![0xff; 4])),
            _ => None,
        })
        .unwrap_err();
        assert_eq!(err, ConfigError::NotUnicode { var: var.into() });
    }
}

#[test]
fn bad_numbers_are_clear_errors_not_defaults() {
    for (var, value) in [
        ("JWT_EXPIRES_MIN", "abc"),
        ("JWT_EXPIRES_MIN", "0"),
        ("JWT_EXPIRES_MIN", "-5"),
        ("JWT_EXPIRES_MIN", "10080.5"),
        ("JWT_EXPIRES_MIN", "99999999999999999999"),
        ("JWT_EXPIRES_MIN", ""),
        ("JWT_LEEWAY_SECS", "-1"),
        ("JWT_LEEWAY_SECS", "3601"),
        ("JWT_LEEWAY_SECS", "1m"),
    ] {
        let err = config(&[("JWT_SECRET", SECRET), (var, value)]).unwrap_err();
        let ConfigError::InvalidNumber {
            var: named,
            value: held,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((named.as_str(), held.as_str()), (var, value));
        assert!(err.to_string().starts_with(&format!(
            "{var}={value:?} is invalid: expected a whole number"
        )));
    }
}
