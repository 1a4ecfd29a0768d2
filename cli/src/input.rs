//! Where secrets and tokens come from: `JWT_SECRET`, `JWT_SECRET_FALLBACKS`, standard input, or
//! (tokens only) an argument.
//!
//! Secrets are never read from arguments: those end up in shell history and process lists.

use std::fmt;
use std::io::{IsTerminal as _, Read as _};

use jwt_auth::{AuthConfig, Verifier};

use crate::output::UsageError;

const SECRET_FALLBACKS_VAR: &str = AuthConfig::SECRET_FALLBACKS_VAR;

/// Standard input is read up to this many bytes for a secret.
const MAX_SECRET_INPUT: u64 = 64 * 1024;

/// A candidate secret and where it came from. `Debug` does not show it.
pub(crate) struct SecretInput {
    pub(crate) bytes: Vec<u8>,
    pub(crate) source: Source,
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretInput")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Where an input came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Env,
    /// An entry of `JWT_SECRET_FALLBACKS`, counted from 1.
    Fallback(usize),
    Stdin,
    Argument,
}

impl Source {
    /// For JSON: `"JWT_SECRET"`, `"JWT_SECRET_FALLBACKS"` (with [`Source::entry`]), `"stdin"`,
    /// `"argument"`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Env => AuthConfig::SECRET_VAR,
            Self::Fallback(_) => AuthConfig::SECRET_FALLBACKS_VAR,
            Self::Stdin => "stdin",
            Self::Argument => "argument",
        }
    }

    /// Which entry of `JWT_SECRET_FALLBACKS`, counted from 1.
    pub(crate) fn entry(self) -> Option<usize> {
        match self {
            Self::Fallback(entry) => Some(entry),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env => f.write_str(AuthConfig::SECRET_VAR),
            Self::Fallback(entry) => write!(f, "{SECRET_FALLBACKS_VAR} entry {entry}"),
            Self::Stdin => f.write_str("standard input"),
            Self::Argument => f.write_str("the argument"),
        }
    }
}

/// Reads the secret for `secret check` and `secret fingerprint`:
///
/// 1. with `--stdin`, standard input;
/// 2. else `JWT_SECRET` when it is set (even empty), byte for byte as the services see it;
/// 3. else standard input when it is not a terminal (a pipe or a file);
/// 4. else a usage error: nothing is ever awaited from a terminal.
///
/// From standard input exactly one trailing newline (`\n` or `\r\n`) is removed, the one `echo`
/// and here-documents add.
pub(crate) fn secret_for_check(force_stdin: bool) -> Result<SecretInput, UsageError> {
    if !force_stdin && let Some(value) = std::env::var_os(AuthConfig::SECRET_VAR) {
        return env_secret(value);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let why = if force_stdin {
            "--stdin was given but standard input is a terminal"
        } else {
            "JWT_SECRET is not set and standard input is a terminal"
        };
        return Err(UsageError::new(format!(
            "{why}: set JWT_SECRET, or pipe the secret in (for example \
             `jwt-auth secret check < /run/secrets/jwt`); it is never read from an argument or \
             typed at a prompt"
        )));
    }
    let mut bytes = read_limited(&stdin, MAX_SECRET_INPUT, "secret")?;
    if bytes.is_empty() {
        return Err(UsageError::new(
            "standard input is empty: there is no secret to read (set JWT_SECRET, or pipe the \
             secret in)",
        ));
    }
    strip_one_newline(&mut bytes);
    if bytes.is_empty() {
        return Err(UsageError::new(
            "standard input holds only a newline: the secret is empty",
        ));
    }
    if std::str::from_utf8(&bytes).is_err() {
        return Err(UsageError::new(
            "the secret on standard input is not valid UTF-8; services read JWT_SECRET as text",
        ));
    }
    Ok(SecretInput {
        bytes,
        source: Source::Stdin,
    })
}

/// Reads `JWT_SECRET` for signing and verifying (standard input may carry the token).
pub(crate) fn secret_from_env() -> Result<SecretInput, UsageError> {
    match std::env::var_os(AuthConfig::SECRET_VAR) {
        Some(value) => env_secret(value),
        None => Err(UsageError::new(
            "JWT_SECRET is not set: export the secret the services share, read from where they \
             read it (for example `export JWT_SECRET=\"$(cat /run/secrets/jwt)\"`), so that it \
             stays out of shell history",
        )),
    }
}

/// Reads each entry of `JWT_SECRET_FALLBACKS` as the library's `AuthConfig` does: comma-separated,
/// spaces around entries ignored, unset or blank meaning none, an empty entry an error.
pub(crate) fn fallbacks_from_env() -> Result<Vec<SecretInput>, UsageError> {
    let Some(value) = std::env::var_os(AuthConfig::SECRET_FALLBACKS_VAR) else {
        return Ok(Vec::new());
    };
    let value = value.into_string().map_err(|_| {
        UsageError::new(format!(
            "{SECRET_FALLBACKS_VAR} is not valid UTF-8; services read it as text"
        ))
    })?;
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    value
        .split(',')
        .enumerate()
        .map(|(i, entry)| {
            let source = Source::Fallback(i + 1);
            let entry = entry.trim();
            if entry.is_empty() {
                return Err(UsageError::new(format!(
                    "{source} is empty: list the secrets that still verify, separated by commas \
                     (`a,b`), with nothing between two commas"
                )));
            }
            Ok(SecretInput {
                bytes: entry.as_bytes().to_vec(),
                source,
            })
        })
        .collect()
}

fn env_secret(value: std::ffi::OsString) -> Result<SecretInput, UsageError> {
    let value = value
        .into_string()
        .map_err(|_| UsageError::new("JWT_SECRET is not valid UTF-8; services read it as text"))?;
    if value.is_empty() {
        return Err(UsageError::new(
            "JWT_SECRET is set but empty: set it to the secret the services share, or generate \
             one with `jwt-auth secret generate`",
        ));
    }
    Ok(SecretInput {
        bytes: value.into_bytes(),
        source: Source::Env,
    })
}

/// Reads a token: the argument, or standard input for `-` or no argument. Surrounding
/// whitespace and a leading `Bearer ` (a pasted `Authorization` value) are removed.
pub(crate) fn token(argument: Option<&str>) -> Result<(String, Source), UsageError> {
    let (raw, source) = match argument {
        Some(token) if token != "-" => (token.to_owned(), Source::Argument),
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(UsageError::new(
                    "no token: pass it as an argument, or pipe it in (`-` reads standard input, \
                     which is a terminal here)",
                ));
            }
            // Room for whitespace around the longest token the verifier looks at, and more, so
            // that an oversized token is reported as such rather than cut.
            let bytes = read_limited(&stdin, 4 * Verifier::MAX_TOKEN_LEN as u64, "token")?;
            let text = String::from_utf8(bytes).map_err(|_| {
                UsageError::new("standard input is not text: a token is ASCII (base64url and dots)")
            })?;
            (text, Source::Stdin)
        }
    };
    let trimmed = raw.trim();
    let token = match trimmed.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
        _ => trimmed,
    };
    if token.is_empty() {
        return Err(UsageError::new(match source {
            Source::Stdin => "standard input is empty: there is no token to read",
            _ => "the token argument is empty",
        }));
    }
    Ok((token.to_owned(), source))
}

fn read_limited(stdin: &std::io::Stdin, limit: u64, what: &str) -> Result<Vec<u8>, UsageError> {
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError::new(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(UsageError::new(format!(
            "standard input is over {limit} bytes: that is not a {what}"
        )));
    }
    Ok(bytes)
}

/// Removes one trailing `\n` or `\r\n`, no more.
fn strip_one_newline(bytes: &mut Vec<u8>) {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn strips_exactly_one_newline() {
        for (input, expected) in [
            (&b"abc\n"[..], &b"abc"[..]),
            (b"abc\r\n", b"abc"),
            (b"abc\n\n", b"abc\n"),
            (b"abc", b"abc"),
            (b"abc\r", b"abc\r"),
            (b" abc \n", b" abc "),
        ] {
            let mut bytes = input.to_vec();
            strip_one_newline(&mut bytes);
            assert_eq!(bytes, expected);
        }
    }
}
