//! Runs the built `jwt-auth` binary for every subcommand, with a controlled environment and
//! standard input, and checks its output and exit status.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_auth::{FixedClock, Issuer, Secret};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_jwt-auth");

/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Neither stream shows `secret`.
    fn assert_hides(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret),
            "secret on stdout: {}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(secret),
            "secret on stderr: {}",
            self.stderr
        );
        self
    }
}

/// Runs the binary with only `env` in its environment and `stdin` (or nothing: `/dev/null`).
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = command.spawn().expect("run jwt-auth");
    if let Some(input) = stdin {
        // The binary may exit without reading its input (JWT_SECRET won, a usage error): a
        // closed pipe is then expected.
        match child.stdin.take().unwrap().write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            result => result.unwrap(),
        }
    }
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().expect("exit status"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

fn strong() -> (Secret, String) {
    let (secret, shareable) = Secret::generate();
    (
        secret,
        jwt_auth::secrecy::ExposeSecret::expose_secret(&shareable).to_owned(),
    )
}

fn at(seconds: i64) -> FixedClock {
    FixedClock::at_unix(seconds).unwrap()
}

/// A token for sub 42 / ada@example.com issued at `T0` with a 7-day lifetime.
fn token(secret: &Secret) -> String {
    Issuer::new(secret)
        .with_clock(at(T0))
        .issue("42", Some("ada@example.com"))
        .unwrap()
}

/// A token with `header` as its header and a garbage signature.
fn with_header(header: &str) -> String {
    let payload = format!(r#"{{"sub":"42","iat":{T0},"exp":{}}}"#, T0 + 3600);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode([7_u8; 32])
    )
}

/// The peers' recorded tokens and secrets (`tests/fixtures/peers.json` of the library).
fn peers() -> Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/peers.json"
    )))
    .unwrap()
}

fn weak_fingerprint(weak: &str) -> String {
    jwt_auth::dangerous::insecure_secret(weak)
        .unwrap()
        .0
        .fingerprint()
        .to_string()
}

mod inspect;
mod issue;
mod keys;
mod ring;
mod secret;
mod session;
mod usage;
mod verify;
