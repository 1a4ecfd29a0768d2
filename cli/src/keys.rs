//! The key ring the services build from `JWT_SECRET` (the current key, which signs) and
//! `JWT_SECRET_FALLBACKS` (keys that only verify), each key named by where it came from.

use std::fmt;

use jwt_auth::{AuthConfig, Fingerprint, KeyRing};
use serde_json::{Value, json};

use crate::input::{self, Source};
use crate::output::{Outcome, UsageError};

const SECRET_FALLBACKS_VAR: &str = AuthConfig::SECRET_FALLBACKS_VAR;

/// A ring and, for each of its keys, where it came from.
#[derive(Debug)]
pub(crate) struct Ring {
    pub(crate) keys: KeyRing,
    /// One per key of `keys`, in the ring's order: the current key first.
    members: Vec<Member>,
}

/// A key of the ring, for output: its fingerprint and where it came from. Never the secret.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub(crate) fingerprint: Fingerprint,
    pub(crate) source: Source,
}

impl Member {
    pub(crate) fn is_current(self) -> bool {
        self.source == Source::Env
    }

    /// `{"fingerprint": "…", "role": "current", "source": "JWT_SECRET"}`, with `"entry"` for a
    /// fallback.
    pub(crate) fn json(self) -> Value {
        let mut value = json!({
            "fingerprint": self.fingerprint.to_string(),
            "role": if self.is_current() { "current" } else { "fallback" },
            "source": self.source.name(),
        });
        if let (Some(entry), Value::Object(map)) = (self.source.entry(), &mut value) {
            map.insert("entry".into(), entry.into());
        }
        value
    }

    /// `the current key, JWT_SECRET` or `a fallback key, JWT_SECRET_FALLBACKS entry 2`.
    pub(crate) fn role(self) -> String {
        if self.is_current() {
            format!("the current key, {}", self.source)
        } else {
            format!("a fallback key, {}", self.source)
        }
    }
}

/// `the current key, JWT_SECRET (fingerprint …)`.
impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (fingerprint {})", self.role(), self.fingerprint)
    }
}

impl Ring {
    /// The ring's keys, the current one first.
    pub(crate) fn members(&self) -> &[Member] {
        &self.members
    }

    /// The key whose fingerprint is `kid`.
    pub(crate) fn member(&self, kid: &str) -> Option<Member> {
        self.members
            .iter()
            .copied()
            .find(|member| member.fingerprint.as_str() == kid)
    }

    /// Every key, for JSON.
    pub(crate) fn json(&self) -> Value {
        self.members.iter().map(|member| member.json()).collect()
    }

    /// `a1b2… (current), c3d4… (fallback)`.
    pub(crate) fn summary(&self) -> String {
        self.members
            .iter()
            .map(|member| {
                let role = if member.is_current() {
                    "current"
                } else {
                    "fallback"
                };
                format!("{} ({role})", member.fingerprint)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads `JWT_SECRET` and `JWT_SECRET_FALLBACKS` and builds the ring. A weak key is a refusal
/// (`Ok(Err(refusal))`) unless `allow_weak`; a missing, empty or malformed variable, or more
/// fallbacks than a ring holds, is a usage error.
pub(crate) fn load(allow_weak: bool) -> Result<Result<Ring, Outcome>, UsageError> {
    let current = input::secret_from_env()?;
    let fallbacks = input::fallbacks_from_env()?;
    let secret = match crate::secret::load(&current, allow_weak) {
        Ok(secret) => secret,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut members = vec![Member {
        fingerprint: secret.fingerprint(),
        source: current.source,
    }];
    let mut keys = KeyRing::new(secret);
    for candidate in &fallbacks {
        let secret = match crate::secret::load(candidate, allow_weak) {
            Ok(secret) => secret,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let fingerprint = secret.fingerprint();
        keys = keys.with_fallback(secret).map_err(|error| {
            UsageError::new(format!(
                "{SECRET_FALLBACKS_VAR} lists {} secrets: {error}",
                fallbacks.len()
            ))
        })?;
        // The ring keeps one copy of a key listed twice; so does the list of members.
        if !members
            .iter()
            .any(|member| member.fingerprint == fingerprint)
        {
            members.push(Member {
                fingerprint,
                source: candidate.source,
            });
        }
    }
    Ok(Ok(Ring { keys, members }))
}
