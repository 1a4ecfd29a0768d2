//! The service binary as a real process on a free loopback port, spoken to over plain HTTP/1.1.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http::{Response, StatusCode};
use jwt_auth::{ConfigError, Secret, secrecy::ExposeSecret};
use jwt_auth_test_support::RedisServer;

use example_common::{DEMO_EMAIL, DEMO_PASSWORD};

use super::{ALLOWED_ORIGIN, ROUTES, TestKit, header_str};

/// How long a debug build may take to start listening, or to exit.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a test waits for a server that should have timed a client out after one second: far
/// longer, so that only a server that holds the connection forever fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running service, killed when dropped.
#[derive(Debug)]
pub struct Service {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Service {
    /// Starts `binary` on a free port with exactly the environment `vars` (plus `PORT`).
    pub fn start(binary: &str, vars: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut child = Command::new(binary)
            .env_clear()
            .envs(vars.iter().copied())
            .env("PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Self {
            child,
            port,
            stdout,
            stderr,
        }
    }

    /// Waits until `GET /health` answers 200.
    pub fn wait_until_healthy(&mut self) {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "service exited with {status} before listening; output:\n{}",
                    self.output()
                );
            }
            if let Ok(response) = send(self.port, "GET", "/health", &[], "") {
                assert_eq!(response.status(), StatusCode::OK);
                return;
            }
            assert!(
                Instant::now() < deadline,
                "service not healthy in time:\n{}",
                self.output()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the process to exit by itself.
    pub fn wait_for_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the pipes.
                thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "service did not exit:\n{}",
                self.output()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a request to the service.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response<String> {
        send(self.port, method, path, headers, body).unwrap()
    }

    /// Stops the service and returns everything it printed (standard output, then standard
    /// error).
    pub fn stop(mut self) -> String {
        self.kill();
        thread::sleep(Duration::from_millis(100));
        self.output()
    }

    /// What it printed on standard output so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// What it printed on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn output(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

/// A port nobody listens on right now, on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request over a fresh connection to 127.0.0.1:`port` (`Connection: close`).
///
/// # Errors
/// When the connection fails, for instance because nothing listens yet.
pub fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Response<String>> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        write!(request, "{name}: {value}\r\n").unwrap();
    }
    write!(request, "\r\n{body}").unwrap();
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(parse(&String::from_utf8(raw).expect("UTF-8 response")))
}

fn parse(raw: &str) -> Response<String> {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let mut builder = Response::builder().status(status);
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        chunked |= name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked");
        builder = builder.header(name, value.trim());
    }
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    builder.body(body).unwrap()
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

/// A weak `JWT_SECRET` stops start-up: exit code 1, the crate's message on standard error.
pub fn weak_secret_stops_start_up(binary: &str) {
    let weak = "dev-secret-change-me";
    let mut service = Service::start(binary, &[("JWT_SECRET", weak)]);
    let status = service.wait_for_exit();
    assert_eq!(status.code(), Some(1), "{status}");
    let expected = ConfigError::Weak {
        var: "JWT_SECRET".to_owned(),
        source: Secret::new(weak).unwrap_err(),
    };
    assert_eq!(service.stderr(), format!("error: {expected}\n"));
    assert!(!service.stdout().contains(weak));
}

/// Without `JWT_SECRET` the service starts with a generated secret and says so, with its
/// fingerprint.
pub fn unset_secret_is_generated_and_announced(binary: &str) {
    let mut service = Service::start(binary, &[]);
    service.wait_until_healthy();
    let output = service.stop();
    assert!(
        output.contains("JWT_SECRET is not set: generated a random secret for this process"),
        "{output}"
    );
    let fingerprint = output
        .split("fingerprint=")
        .nth(1)
        .expect("a fingerprint")
        .get(..16)
        .unwrap();
    assert!(
        fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
        "{output}"
    );
}

/// With `JWT_SECRET_FALLBACKS`, the start-up log names every key's fingerprint, the signing key's
/// and each fallback's, with its role, and never a secret.
pub fn every_keys_fingerprint_is_logged_at_start_up(binary: &str) {
    let keys: Vec<(Secret, String)> = (0..3)
        .map(|_| {
            let (secret, shareable) = Secret::generate();
            (secret, shareable.expose_secret().to_owned())
        })
        .collect();
    let fallbacks = format!("{},{}", keys[1].1, keys[2].1);
    let mut service = Service::start(
        binary,
        &[
            ("JWT_SECRET", &keys[0].1),
            ("JWT_SECRET_FALLBACKS", &fallbacks),
        ],
    );
    service.wait_until_healthy();
    let output = service.stop();
    let line_with = |needle: &str| {
        output
            .lines()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{output}"))
    };
    let current = line_with("JWT secret read from JWT_SECRET");
    assert!(
        current.ends_with(&format!("fingerprint={}", keys[0].0.fingerprint())),
        "{current}"
    );
    for (entry, (fallback, _)) in keys[1..].iter().enumerate() {
        let line = line_with(&format!(
            "JWT secret fallback: JWT_SECRET_FALLBACKS entry {} (verifies, never signs)",
            entry + 1
        ));
        assert!(
            line.ends_with(&format!("fingerprint={}", fallback.fingerprint())),
            "{line}"
        );
    }
    assert_eq!(output.matches("fingerprint=").count(), 3, "{output}");
    for (_, shareable) in &keys {
        assert!(!output.contains(shareable.as_str()), "a secret in the log");
    }
}

/// The crate's fixture keys (`tests/fixtures/keys/` at the repository's root).
fn key_fixture(name: &str) -> String {
    format!(
        "{}/../../tests/fixtures/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// With `JWT_ALGORITHM` and `JWT_PRIVATE_KEY_FILE` (and `JWT_SECRET`, the dual stack): login
/// answers tokens of that algorithm whose `kid` is in the service's own
/// `/.well-known/jwks.json`, they verify against that document alone and open `GET /me`, and
/// the shared secret's HS256 tokens still do; the log names the key's `kid`, never the key.
pub fn public_key_end_to_end(binary: &str, alg: &str, key_file: &str) {
    let kit = TestKit::new();
    let key_path = key_fixture(key_file);
    let mut service = Service::start(
        binary,
        &[
            ("JWT_ALGORITHM", alg),
            ("JWT_PRIVATE_KEY_FILE", &key_path),
            ("JWT_SECRET", &kit.shareable_secret),
            ("RUST_LOG", "info"),
        ],
    );
    service.wait_until_healthy();

    let jwks = service.send("GET", "/.well-known/jwks.json", &[], "");
    assert_eq!(jwks.status(), StatusCode::OK);
    assert_eq!(header_str(&jwks, "content-type"), Some("application/json"));
    assert_eq!(
        header_str(&jwks, "cache-control"),
        Some("public, max-age=300")
    );
    let document: serde_json::Value = serde_json::from_str(jwks.body()).unwrap();
    let entries = document["keys"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{document}");
    assert_eq!(entries[0]["alg"], alg);
    assert_eq!(entries[0]["use"], "sig");
    assert!(
        entries[0].get("d").is_none(),
        "a private member: {document}"
    );
    let kid = entries[0]["kid"].as_str().unwrap().to_owned();

    let body = serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
    let login = service.send(
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(login.status(), StatusCode::OK, "{login:?}");
    let pair: serde_json::Value = serde_json::from_str(login.body()).unwrap();
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], alg);
    assert_eq!(header["kid"], kid.as_str());

    // Another service holding only the published document verifies it.
    let keys = jwt_auth::jwks::Jwks::parse(jwks.body())
        .unwrap()
        .into_key_set()
        .unwrap();
    let claims = jwt_auth::Verifier::new(keys).verify(&token).unwrap();
    assert_eq!(claims.email.as_deref(), Some(DEMO_EMAIL));

    let bearer = format!("Bearer {token}");
    let me = service.send("GET", "/me", &[("Authorization", &bearer)], "");
    assert_eq!(me.status(), StatusCode::OK, "{me:?}");
    // The dual stack: a token of the shared secret, from a service still on HS256.
    let (legacy, _) = kit.token();
    let legacy_bearer = format!("Bearer {legacy}");
    let me = service.send("GET", "/me", &[("Authorization", &legacy_bearer)], "");
    assert_eq!(me.status(), StatusCode::OK, "{me:?}");

    let output = service.stop();
    assert!(output.contains(&format!("kid={kid}")), "{output}");
    let pem = std::fs::read_to_string(&key_path).unwrap();
    let key_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!output.contains(&key_body), "the private key in the log");
    assert!(
        !output.contains(&kit.shareable_secret),
        "a secret in the log"
    );
}

/// An encrypted key, a SEC1 key, a public key, a key of the other algorithm, a missing file:
/// each stops start-up with a message naming `JWT_PRIVATE_KEY_FILE`.
pub fn a_bad_private_key_file_stops_start_up(binary: &str) {
    for (alg, file, says) in [
        ("ES256", "es256.enc.pem", "the private key is encrypted"),
        ("ES256", "es256.sec1.pem", "not PKCS#8"),
        ("ES256", "es256.pub.pem", "a public key was given"),
        (
            "ES256",
            "ed25519.pem",
            "holds an EdDSA key, but JWT_ALGORITHM is ES256",
        ),
        ("EdDSA", "missing.pem", "no file at"),
    ] {
        let path = key_fixture(file);
        let mut service = Service::start(
            binary,
            &[("JWT_ALGORITHM", alg), ("JWT_PRIVATE_KEY_FILE", &path)],
        );
        let status = service.wait_for_exit();
        assert!(!status.success(), "{file}: started");
        let output = service.stop();
        assert!(output.contains("JWT_PRIVATE_KEY_FILE"), "{file}: {output}");
        assert!(output.contains(says), "{file}: {output}");
    }
}

/// Login and `/me` over real HTTP, then the logs: the fingerprint is there, the secret, the
/// password and the tokens are not.
pub fn serves_over_real_http(binary: &str) {
    let kit = TestKit::new();
    let mut service = Service::start(
        binary,
        &[
            ("JWT_SECRET", &kit.shareable_secret),
            ("CORS_ALLOWED_ORIGINS", ALLOWED_ORIGIN),
            ("RUST_LOG", "debug"),
        ],
    );
    service.wait_until_healthy();

    let body = serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
    let login = service.send(
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(login.status(), StatusCode::OK, "{login:?}");
    let token: serde_json::Value = serde_json::from_str(login.body()).unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    let bearer = format!("Bearer {token}");
    let me = service.send(
        "GET",
        "/me",
        &[("Authorization", &bearer), ("Origin", ALLOWED_ORIGIN)],
        "",
    );
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(
        header_str(&me, "access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    let exp = kit
        .settings
        .auth
        .verifier()
        .verify(&token)
        .unwrap()
        .exp
        .unix_timestamp();
    assert_eq!(
        me.body(),
        &format!(r#"{{"sub":"1","email":"ada@example.com","exp":{exp}}}"#)
    );

    for &(method, path, status) in ROUTES {
        let response = service.send(method, path, &[], "");
        assert_eq!(response.status(), status, "{method} {path} over HTTP");
    }

    let tampered_token = kit.tampered_token();
    let tampered = format!("Bearer {tampered_token}");
    let rejected = service.send("GET", "/me", &[("Authorization", &tampered)], "");
    assert_eq!(rejected.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header_str(&rejected, "www-authenticate"),
        Some(
            r#"Bearer error="invalid_token", error_description="The access token is invalid or has expired""#
        )
    );

    let output = service.stop();
    assert!(
        output.contains(&kit.settings.auth.signing_kid()),
        "{output}"
    );
    assert!(output.contains("login succeeded"), "{output}");
    assert!(
        output.contains("request rejected") && output.contains("signature does not match"),
        "{output}"
    );
    for secret in [
        &kit.shareable_secret,
        DEMO_PASSWORD,
        &token,
        &tampered_token,
    ] {
        assert!(
            !output.contains(secret),
            "the logs leak {secret}:\n{output}"
        );
    }
    // No fragment of a token either: each of its segments is long and distinctive.
    for segment in token.split('.').skip(1) {
        assert!(
            !output.contains(segment),
            "the logs leak part of a token:\n{output}"
        );
    }
}

/// With `METRICS=1`, `GET /metrics` answers jwt-auth's counters as Prometheus text, and after a
/// scripted mix of requests each counter holds exactly what the mix did; without `METRICS`, there
/// is no such route.
pub fn metrics_count_a_scripted_mix(binary: &str) {
    let kit = TestKit::new();
    let mut without = Service::start(binary, &[("JWT_SECRET", &kit.shareable_secret)]);
    without.wait_until_healthy();
    assert_eq!(
        without.send("GET", "/metrics", &[], "").status(),
        StatusCode::NOT_FOUND
    );
    drop(without);

    let mut service = Service::start(
        binary,
        &[
            ("JWT_SECRET", &kit.shareable_secret),
            ("METRICS", "1"),
            ("LOGIN_ATTEMPTS_PER_MINUTE", "10000"),
        ],
    );
    service.wait_until_healthy();
    let get_me = |token: &str| me_status(&service, token);

    // Valid: two issued here, and a session's access tokens.
    let (valid, _) = kit.token();
    assert_eq!(get_me(&valid), StatusCode::OK);
    assert_eq!(get_me(&valid), StatusCode::OK);
    let (access, first_refresh) = log_in(&service);
    assert_eq!(get_me(&access), StatusCode::OK);
    // Expired, three times; forged (a payload changed under its signature), twice.
    for _ in 0..3 {
        assert_eq!(get_me(&kit.expired_token()), StatusCode::UNAUTHORIZED);
    }
    for _ in 0..2 {
        assert_eq!(get_me(&kit.tampered_token()), StatusCode::UNAUTHORIZED);
    }
    // No token at all: nothing is verified, nothing counted.
    assert_eq!(
        service.send("GET", "/me", &[], "").status(),
        StatusCode::UNAUTHORIZED
    );
    // Refreshed twice; the new access token works.
    let (_, second_refresh) =
        crate::token_pair(&post_refresh_token(&service, "/refresh", &first_refresh));
    let (refreshed, _) =
        crate::token_pair(&post_refresh_token(&service, "/refresh", &second_refresh));
    assert_eq!(get_me(&refreshed), StatusCode::OK);
    // The first refresh token again: reuse, the session is revoked, its access token with it.
    let reused = post_refresh_token(&service, "/refresh", &first_refresh);
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(get_me(&refreshed), StatusCode::UNAUTHORIZED);
    // Not a refresh token at all.
    let malformed = post_refresh_token(&service, "/refresh", "not-a-refresh-token");
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    let page = service.send("GET", "/metrics", &[], "");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        header_str(&page, "content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let samples: Vec<&str> = page
        .body()
        .lines()
        .filter(|line| line.starts_with("jwt_auth_"))
        .collect();
    let mut expected = vec![
        r#"jwt_auth_verifications_total{outcome="ok"} 4"#,
        r#"jwt_auth_verifications_total{outcome="expired"} 3"#,
        r#"jwt_auth_verifications_total{outcome="invalid_signature"} 2"#,
        r#"jwt_auth_verifications_total{outcome="revoked"} 1"#,
        r#"jwt_auth_refreshes_total{outcome="ok"} 2"#,
        r#"jwt_auth_refreshes_total{outcome="reused"} 1"#,
        r#"jwt_auth_refreshes_total{outcome="malformed"} 1"#,
        "jwt_auth_refresh_reuse_total 1",
    ];
    let mut samples = samples;
    samples.sort_unstable();
    expected.sort_unstable();
    assert_eq!(samples, expected, "{}", page.body());
    // The help text `describe_metrics` gives.
    assert!(
        page.body()
            .contains("# HELP jwt_auth_refresh_reuse_total Used refresh tokens presented again"),
        "{}",
        page.body()
    );
}

/// `SESSION_ACCESS_TTL_SECS` sets the lifetime of the access tokens that a login and a refresh
/// answer; one longer than the verifier accepts (`JWT_EXPIRES_MIN` plus `JWT_LEEWAY_SECS`) stops
/// start-up.
pub fn session_access_ttl_is_configurable(binary: &str) {
    let kit = TestKit::new();
    let mut service = Service::start(
        binary,
        &[
            ("JWT_SECRET", &kit.shareable_secret),
            ("SESSION_ACCESS_TTL_SECS", "2"),
        ],
    );
    service.wait_until_healthy();
    let body = serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
    let login = service.send(
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(login.status(), StatusCode::OK, "{login:?}");
    let login: serde_json::Value = serde_json::from_str(login.body()).unwrap();
    let refresh_token = login["refresh_token"].as_str().unwrap();
    let refreshed = post_refresh_token(&service, "/refresh", refresh_token);
    assert_eq!(refreshed.status(), StatusCode::OK, "{refreshed:?}");
    let refreshed: serde_json::Value = serde_json::from_str(refreshed.body()).unwrap();
    for pair in [&login, &refreshed] {
        assert_eq!(pair["expires_in"], 2, "{pair}");
        let claims = kit
            .settings
            .auth
            .verifier()
            .verify(pair["access_token"].as_str().unwrap())
            .unwrap();
        assert_eq!(claims.exp - claims.iat.unwrap(), time::Duration::seconds(2));
    }
    drop(service);

    let mut refused = Service::start(
        binary,
        &[
            ("JWT_SECRET", &kit.shareable_secret),
            ("JWT_EXPIRES_MIN", "1"),
            ("JWT_LEEWAY_SECS", "0"),
            ("SESSION_ACCESS_TTL_SECS", "61"),
        ],
    );
    let status = refused.wait_for_exit();
    assert_eq!(status.code(), Some(1), "{status}");
    assert_eq!(
        refused.stderr(),
        "error: SESSION_ACCESS_TTL_SECS is 61 seconds (900 when unset), longer than \
         JWT_EXPIRES_MIN and JWT_LEEWAY_SECS allow (60 seconds): the service would refuse every \
         access token it issues; lower SESSION_ACCESS_TTL_SECS or raise JWT_EXPIRES_MIN\n"
    );
}

/// Writes `head` on a fresh connection and reads until the server closes it. Panics when the
/// server still holds the connection after [`PATIENCE`].
fn send_raw_until_closed(port: u16, head: &str) -> String {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset is the server closing too.
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(err) => panic!(
                "the server still holds the connection after {PATIENCE:?} ({err}); it sent:\n{}",
                String::from_utf8_lossy(&raw)
            ),
        }
    }
    String::from_utf8_lossy(&raw).into_owned()
}

/// The status codes of the responses in `raw`, in order.
fn statuses(raw: &str) -> Vec<u16> {
    raw.split("HTTP/1.1 ")
        .skip(1)
        .filter_map(|rest| rest.get(..3)?.parse().ok())
        .collect()
}

/// A client that declares a body (`Content-Length: 10`) and never sends it is answered and let
/// go once `REQUEST_TIMEOUT_SECS` passes: a 408 where the route reads the body, the route's own
/// answer where it does not, and the connection closed either way.
pub fn a_declared_body_that_never_comes_times_out(binary: &str) {
    let mut service = Service::start(binary, &[("REQUEST_TIMEOUT_SECS", "1")]);
    service.wait_until_healthy();
    let port = service.port;
    for (method, path, expected) in [
        ("POST", "/login", 408),
        ("GET", "/me", 401),
        ("GET", "/health", 200),
    ] {
        let raw = send_raw_until_closed(
            port,
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
                 Content-Type: application/json\r\nContent-Length: 10\r\n\r\n"
            ),
        );
        let found = statuses(&raw);
        assert!(
            found.is_empty() || found == [expected],
            "{method} {path}: expected a {expected} or a closed connection, got:\n{raw}"
        );
    }
    // The service is still serving others.
    assert_eq!(
        service.send("GET", "/health", &[], "").status(),
        StatusCode::OK
    );
}

/// A client that starts a request and never finishes its headers is let go (a 408 at most)
/// once `REQUEST_TIMEOUT_SECS` passes.
pub fn headers_that_never_end_time_out(binary: &str) {
    let mut service = Service::start(binary, &[("REQUEST_TIMEOUT_SECS", "1")]);
    service.wait_until_healthy();
    let port = service.port;
    let raw = send_raw_until_closed(
        port,
        &format!("GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: "),
    );
    let found = statuses(&raw);
    assert!(
        found.is_empty() || found == [408],
        "expected a 408 or a closed connection, got:\n{raw}"
    );
}

/// The demo login over HTTP: the `(access_token, refresh_token)` of its answer.
fn log_in(service: &Service) -> (String, String) {
    let body = serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
    let login = service.send(
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    crate::token_pair(&login)
}

fn post_refresh_token(service: &Service, path: &str, token: &str) -> Response<String> {
    let body = serde_json::json!({ "refresh_token": token }).to_string();
    service.send("POST", path, &[("Content-Type", "application/json")], &body)
}

fn me_status(service: &Service, token: &str) -> StatusCode {
    me(service, token).status()
}

/// Starts `binary` on the Redis at `url`, sharing `kit`'s secret, with a login quota no test
/// reaches.
fn start_on_redis(binary: &str, kit: &TestKit, url: &str) -> Service {
    start_on(binary, kit, "REDIS_URL", url)
}

/// As [`start_on_redis`], with the Redis named by `var` (`REDIS_URL` or `REDIS_CLUSTER_URLS`).
fn start_on(binary: &str, kit: &TestKit, var: &str, value: &str) -> Service {
    let mut service = Service::start(
        binary,
        &[
            ("JWT_SECRET", &kit.shareable_secret),
            (var, value),
            ("LOGIN_ATTEMPTS_PER_MINUTE", "10000"),
            ("RUST_LOG", "info"),
        ],
    );
    service.wait_until_healthy();
    service
}

/// With `REDIS_URL` pointing where nothing answers, the service starts (it connects lazily),
/// and the session routes answer 503 with `Retry-After`, never 401 or 400.
pub fn redis_outage_is_503(binary: &str) {
    let kit = TestKit::new();
    let url = format!("redis://127.0.0.1:{}/", free_port());
    let service = start_on_redis(binary, &kit, &url);
    let body = serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
    let login = service.send(
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    crate::assert_unavailable(&login);
    // Well-formed, so that only the store can answer it.
    let handle = "A".repeat(64);
    crate::assert_unavailable(&post_refresh_token(&service, "/refresh", &handle));
    crate::assert_unavailable(&post_refresh_token(&service, "/logout", &handle));
    let output = service.stop();
    assert!(output.contains("sessions: in Redis"), "{output}");
    assert!(!output.contains(&url), "the logs show REDIS_URL:\n{output}");
}

/// Redis killed (SIGKILL) under a running service, then started again with its data. While it
/// is down: refresh and logout answer 503 with `Retry-After`; a valid access token keeps working
/// and a logged-out one stays refused (401) for as long as the revocation mirror is within its
/// staleness bound (10 seconds by default), after which every authenticated call answers 503,
/// never 401. Once Redis is back the service carries on: the session refreshes with the refresh
/// token it held, and the logout made before the outage still holds.
pub fn redis_killed_and_restarted(binary: &str) {
    let Some(mut redis) = RedisServer::start_persistent() else {
        return;
    };
    let kit = TestKit::new();
    let service = start_on_redis(binary, &kit, &redis.url());
    let (access, refresh) = log_in(&service);
    let (gone_access, gone_refresh) = log_in(&service);
    let logout = post_refresh_token(&service, "/logout", &gone_refresh);
    assert_eq!(logout.status(), StatusCode::NO_CONTENT, "{logout:?}");
    wait_for(&service, &gone_access, StatusCode::UNAUTHORIZED, PATIENCE);
    assert_eq!(me_status(&service, &access), StatusCode::OK);

    redis.kill();
    let killed = Instant::now();
    // Within the bound, verifying needs no Redis: the mirror answers from memory.
    assert_eq!(me_status(&service, &access), StatusCode::OK);
    assert_eq!(me_status(&service, &gone_access), StatusCode::UNAUTHORIZED);
    crate::assert_unavailable(&post_refresh_token(&service, "/refresh", &refresh));
    crate::assert_unavailable(&post_refresh_token(&service, "/logout", &refresh));
    assert!(
        killed.elapsed() < Duration::from_secs(5),
        "the checks within the staleness bound took {:?}",
        killed.elapsed()
    );
    // Past it, the mirror cannot vouch for any token: 503, for the revoked one too.
    wait_for(&service, &access, StatusCode::SERVICE_UNAVAILABLE, PATIENCE);
    for token in [&access, &gone_access] {
        let response = me(&service, token);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            header_str(&response, "retry-after"),
            Some("5"),
            "{response:?}"
        );
        assert_eq!(
            header_str(&response, "www-authenticate"),
            None,
            "{response:?}"
        );
        assert_eq!(
            response.body(),
            r#"{"error":"temporarily_unavailable","error_description":"The token cannot be checked right now; retry later"}"#
        );
    }

    redis.restart();
    let deadline = Instant::now() + PATIENCE;
    let refreshed = loop {
        let response = post_refresh_token(&service, "/refresh", &refresh);
        if response.status() != StatusCode::SERVICE_UNAVAILABLE {
            break response;
        }
        assert!(Instant::now() < deadline, "still 503 after Redis came back");
        thread::sleep(Duration::from_millis(100));
    };
    // Nothing was lost: the session refreshes with the token it held before the outage.
    let (new_access, _) = crate::token_pair(&refreshed);
    wait_for(&service, &new_access, StatusCode::OK, PATIENCE);
    assert_eq!(me_status(&service, &gone_access), StatusCode::UNAUTHORIZED);
    let output = service.stop();
    assert!(!output.contains(&refresh), "the logs show a refresh token");
}

/// `GET /me` with `token`.
fn me(service: &Service, token: &str) -> Response<String> {
    let bearer = format!("Bearer {token}");
    service.send("GET", "/me", &[("Authorization", &bearer)], "")
}

/// Polls `GET /me` with `token` until it answers `status`, failing after `patience`; any status
/// but `status`, 200 and 503 fails at once.
fn wait_for(service: &Service, token: &str, status: StatusCode, patience: Duration) {
    let deadline = Instant::now() + patience;
    loop {
        let got = me_status(service, token);
        if got == status {
            return;
        }
        assert!(
            matches!(got, StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE),
            "GET /me answered {got} while waiting for {status}"
        );
        assert!(
            Instant::now() < deadline,
            "GET /me still {got}, not {status}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Two processes of `binary` on one real Redis: a session started on one refreshes on the
/// other, and a logout on one is refused on the other. Measures, over 50 logouts, the time from
/// sending `POST /logout` to one process until the other first answers 401 to the session's
/// access token, and prints p50/p99; asserts only that each arrives before a generous timeout.
pub fn two_processes_share_sessions(binary: &str) {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let kit = TestKit::new();
    let first = start_on_redis(binary, &kit, &redis.url());
    let second = start_on_redis(binary, &kit, &redis.url());
    let tokens = share_sessions(&first, &second, "on one Redis");
    let output = first.stop() + &second.stop();
    assert_no_token(&output, &tokens);
}

/// Two processes of `binary` on a real three-master Redis Cluster (`REDIS_CLUSTER_URLS`), as
/// [`two_processes_share_sessions`] on one Redis: the same sessions across them, the logout
/// propagation measured the same way; then every master holds session families, a
/// logout-everywhere on one process ends the user's sessions on the other, and with one master
/// killed every answer is 200 (204 for a logout) or 503 with `Retry-After`, never 401, while
/// the cluster notices the loss and after.
pub fn two_processes_share_sessions_on_a_cluster(binary: &str) {
    /// Sessions kept open to see where the families land: with 30, a master holding none
    /// happens once in some 60,000 runs when the slots split in three.
    const OPEN: usize = 30;

    let Some(mut cluster) = jwt_auth_test_support::cluster::start("conformance") else {
        return;
    };
    let urls = cluster.urls().join(",");
    let kit = TestKit::new();
    let first = start_on(binary, &kit, "REDIS_CLUSTER_URLS", &urls);
    let second = start_on(binary, &kit, "REDIS_CLUSTER_URLS", &urls);
    let mut tokens = share_sessions(&first, &second, "on a three-master Redis Cluster");

    let open: Vec<(String, String)> = (0..OPEN)
        .map(|i| log_in(if i % 2 == 0 { &first } else { &second }))
        .collect();
    for index in 0..cluster.nodes.len() {
        let families = cluster
            .keys(index)
            .iter()
            .filter(|key| key.ends_with(":family"))
            .count();
        assert!(
            families > 0,
            "master {index} holds no session family after {OPEN} logins"
        );
    }

    // Logout everywhere through one process: the other refuses every session of the user.
    let everywhere = log_in(&second);
    let bearer = format!("Bearer {}", everywhere.0);
    let response = first.send(
        "POST",
        "/logout-everywhere",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{response:?}");
    for (access, refresh) in open.iter().chain([&everywhere]) {
        wait_for(&second, access, StatusCode::UNAUTHORIZED, PATIENCE);
        crate::assert_invalid_grant(&post_refresh_token(&second, "/refresh", refresh));
    }
    tokens.extend(
        open.into_iter()
            .flat_map(|(access, refresh)| [access, refresh]),
    );

    one_master_down(&mut cluster, &first, &second, &mut tokens);
    let output = first.stop() + &second.stop();
    assert_no_token(&output, &tokens);
}

/// One master of `cluster` killed under `first` and `second`: the operations on its slots
/// answer 503, the others keep working, and nothing answers 401 to a good token. Checked
/// before and after the cluster agrees the master has failed (`NODE_TIMEOUT_MS`). Adds the
/// tokens it saw to `tokens`.
fn one_master_down(
    cluster: &mut jwt_auth_test_support::cluster::RedisCluster,
    first: &Service,
    second: &Service,
    tokens: &mut Vec<String>,
) {
    /// Sessions refreshed after the kill: all twelve on one master happens once in some
    /// 180,000 runs.
    const SPREAD: usize = 12;

    let (live_access, mut live_refresh) = log_in(first);
    // Sessions whose families are, with near certainty, on more than one master: after the
    // kill, those on the dead one refresh with 503 and the others with 200.
    let spread: Vec<(String, String)> = (0..SPREAD).map(|_| log_in(second)).collect();
    cluster.nodes[0].kill();
    let killed = Instant::now();
    let mut answers = std::collections::BTreeMap::<(&str, u16), usize>::new();
    while killed.elapsed()
        < Duration::from_millis(3 * jwt_auth_test_support::cluster::NODE_TIMEOUT_MS)
    {
        for (on, other) in [(first, second), (second, first)] {
            let body =
                serde_json::json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }).to_string();
            let login = on.send(
                "POST",
                "/login",
                &[("Content-Type", "application/json")],
                &body,
            );
            let refreshed = post_refresh_token(other, "/refresh", &live_refresh);
            let checked = me(other, &live_access);
            for (what, response) in [("login", &login), ("refresh", &refreshed), ("me", &checked)] {
                if response.status() == StatusCode::SERVICE_UNAVAILABLE {
                    assert_retry_later(response);
                } else {
                    assert_eq!(response.status(), StatusCode::OK, "{what}: {response:?}");
                }
                *answers
                    .entry((what, response.status().as_u16()))
                    .or_default() += 1;
            }
            if refreshed.status() == StatusCode::OK {
                let (access, refresh) = crate::token_pair(&refreshed);
                assert_ne!(me_status(on, &access), StatusCode::UNAUTHORIZED);
                tokens.push(access);
                live_refresh = refresh;
            }
            if login.status() == StatusCode::OK {
                let (access, refresh) = crate::token_pair(&login);
                let logout = post_refresh_token(other, "/logout", &refresh);
                assert!(
                    matches!(
                        logout.status(),
                        StatusCode::NO_CONTENT | StatusCode::SERVICE_UNAVAILABLE
                    ),
                    "{logout:?}"
                );
                tokens.extend([access, refresh]);
            }
        }
    }
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for (i, (access, refresh)) in spread.into_iter().enumerate() {
        let on = if i % 2 == 0 { first } else { second };
        let refreshed = post_refresh_token(on, "/refresh", &refresh);
        match refreshed.status() {
            StatusCode::OK => tokens.extend(<[String; 2]>::from(crate::token_pair(&refreshed))),
            _ => assert_retry_later(&refreshed),
        }
        *by_status.entry(refreshed.status().as_u16()).or_default() += 1;
        assert_ne!(me_status(on, &access), StatusCode::UNAUTHORIZED);
        tokens.extend([access, refresh]);
    }
    assert!(
        by_status.contains_key(&200) && by_status.contains_key(&503),
        "{SPREAD} sessions refreshed with master 0 down, by status: {by_status:?}"
    );
    println!(
        "with master 0 killed, the answers by (route, status): {answers:?}; {SPREAD} sessions \
         refreshed after {:?}, by status: {by_status:?}",
        killed.elapsed()
    );
    tokens.extend([live_access, live_refresh]);
}

/// 503 with `Retry-After` and no challenge: "try again", never "your token is bad".
fn assert_retry_later(response: &Response<String>) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        header_str(response, "retry-after"),
        Some("5"),
        "{response:?}"
    );
    assert_eq!(
        header_str(response, "www-authenticate"),
        None,
        "{response:?}"
    );
}

/// The logs of the processes hold none of `tokens`.
fn assert_no_token(output: &str, tokens: &[String]) {
    for token in tokens {
        assert!(
            !output.contains(token.as_str()),
            "the logs leak a token:\n{output}"
        );
    }
}

/// A session started on `first` refreshes on `second`, and its reuse is detected on `first`;
/// then 50 logouts, alternately on each, each refused on the other: the time from sending
/// `POST /logout` until the other first answers 401 to the session's access token, printed as
/// p50/p99 (`on` says where the sessions live). Returns every token it saw, for the log check.
fn share_sessions(first: &Service, second: &Service, on: &str) -> Vec<String> {
    const LOGOUTS: usize = 50;
    /// Far above the 100 ms target: only a revocation that never arrives fails.
    const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(10);

    // The store is shared: log in on one, refresh on the other, reuse detected on the first.
    let (_, refresh) = log_in(first);
    let (access, next) = crate::token_pair(&post_refresh_token(second, "/refresh", &refresh));
    assert_eq!(me_status(first, &access), StatusCode::OK);
    crate::token_pair(&post_refresh_token(first, "/refresh", &next));
    crate::assert_invalid_grant(&post_refresh_token(second, "/refresh", &refresh));
    // The process that saw the reuse says so, as a warning to alert on (its pipe is read by a
    // thread of ours: give it a moment).
    let deadline = Instant::now() + Duration::from_secs(5);
    while !second.stdout().contains("WARN")
        || !second
            .stdout()
            .contains("refresh token reused: session revoked")
    {
        assert!(
            Instant::now() < deadline,
            "no reuse warning:\n{}",
            second.stdout()
        );
        thread::sleep(Duration::from_millis(10));
    }

    let mut tokens = vec![refresh, next];
    let mut delays = Vec::with_capacity(LOGOUTS);
    for i in 0..LOGOUTS {
        let (on, off) = if i % 2 == 0 {
            (first, second)
        } else {
            (second, first)
        };
        let (access, refresh) = log_in(on);
        assert_eq!(me_status(off, &access), StatusCode::OK);
        let started = Instant::now();
        let logout = post_refresh_token(on, "/logout", &refresh);
        assert_eq!(logout.status(), StatusCode::NO_CONTENT, "{logout:?}");
        loop {
            match me_status(off, &access) {
                StatusCode::UNAUTHORIZED => break,
                StatusCode::OK => {}
                other => panic!("GET /me answered {other} while the logout propagated"),
            }
            assert!(
                started.elapsed() < PROPAGATION_TIMEOUT,
                "logout {i} not seen by the other process after {PROPAGATION_TIMEOUT:?}"
            );
        }
        delays.push(started.elapsed());
        crate::assert_invalid_grant(&post_refresh_token(off, "/refresh", &refresh));
        tokens.push(refresh);
        tokens.push(access);
    }
    delays.sort();
    let p50 = delays[LOGOUTS / 2];
    let p99 = delays[(LOGOUTS * 99).div_ceil(100) - 1];
    let within = delays
        .iter()
        .filter(|d| **d <= Duration::from_millis(100))
        .count();
    println!(
        "logout propagation between two processes {on}, {LOGOUTS} logouts, from sending \
         POST /logout to the other process's first 401: p50 {p50:?}, p99 {p99:?}, max {:?}; \
         {within}/{LOGOUTS} within 100 ms",
        delays[LOGOUTS - 1]
    );
    tokens
}
