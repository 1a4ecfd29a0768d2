//! Test helpers shared by the jwt-auth workspace's tests (the library's session tests, the example
//! services' conformance harness, the CLI's tests). Not published.
//!
//! [`RedisServer`] starts a real `redis-server` for one test, on a free loopback port, and stops
//! it when dropped; [`cluster`] starts a real three-master Redis Cluster the same way.

pub mod cluster;

use std::ffi::OsString;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `redis-server` may take to accept connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `redis-server` on 127.0.0.1, killed (and its data directory removed) when dropped.
///
/// ```no_run
/// let Some(redis) = jwt_auth_test_support::RedisServer::start() else {
///     return; // not installed, and not under CI: the test skips
/// };
/// assert_eq!(redis.url(), format!("redis://127.0.0.1:{}/", redis.port()));
/// ```
#[derive(Debug)]
pub struct RedisServer {
    /// `None` only between a [`kill`](Self::kill) and a [`restart`](Self::restart).
    child: Option<Child>,
    port: u16,
    /// Where a persistent server keeps its append-only file.
    data_dir: Option<PathBuf>,
}

impl RedisServer {
    /// A fresh server without persistence, or `None` (with a note on standard error) when
    /// `redis-server` is not installed. When the `CI` variable is set its absence fails the test
    /// instead: CI installs it (`.ci/run`, `.ci/redis.sh`).
    ///
    /// # Panics
    /// When `redis-server` is missing under CI, or does not accept connections within 10 s.
    pub fn start() -> Option<Self> {
        installed().then(|| Self::launch(None))
    }

    /// As [`start`](Self::start), with an append-only file fsynced before every answer
    /// (`appendfsync always`) in a fresh temporary directory, so that a server
    /// [killed](Self::kill) and [restarted](Self::restart) has lost nothing it acknowledged.
    ///
    /// # Panics
    /// As [`start`](Self::start), and when the temporary directory cannot be made.
    pub fn start_persistent() -> Option<Self> {
        if !installed() {
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "jwt-auth-redis-{}-{}",
            std::process::id(),
            free_port()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory for redis-server");
        Some(Self::launch(Some(dir)))
    }

    fn launch(data_dir: Option<PathBuf>) -> Self {
        let mut server = Self {
            child: None,
            port: free_port(),
            data_dir,
        };
        server.spawn();
        server
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its URL, as `REDIS_URL` holds it: `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server with SIGKILL, as a crash or an OOM kill would: no shutdown, no goodbye to
    /// its clients. Nothing happens when it is not running.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, with the same data for a persistent one
    /// (killing it first if it runs).
    ///
    /// # Panics
    /// When it does not accept connections within 10 s.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Freezes it (SIGSTOP): connections stay open and nothing answers, as a hung server.
    ///
    /// # Panics
    /// When it is not running, or `kill` fails.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Thaws a [frozen](Self::freeze) server (SIGCONT).
    ///
    /// # Panics
    /// As [`freeze`](Self::freeze).
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("redis-server is running").id();
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} {pid}: {status}");
    }

    /// Starts `redis-server` on its port, persistent in its data directory when it has one, and
    /// waits until it accepts connections.
    fn spawn(&mut self) {
        self.child = Some(spawn(self.port, self.data_dir.as_deref()));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A frozen server must be thawed to die cleanly.
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .stderr(Stdio::null())
                .status();
        }
        self.kill();
        if let Some(dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn spawn(port: u16, data_dir: Option<&Path>) -> Child {
    let mut command = Command::new("redis-server");
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", ""]);
    match data_dir {
        Some(dir) => command
            .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
            .arg(dir),
        None => command.args(["--appendonly", "no"]),
    };
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("redis-server did not accept connections on port {port} within 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Whether `redis-server` can be run; when it cannot, fails under CI and says so otherwise.
fn installed() -> bool {
    if Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
    {
        return true;
    }
    let ci: Option<OsString> = std::env::var_os("CI");
    assert!(
        ci.is_none(),
        "redis-server is not installed, and CI is set (CI runs .ci/redis.sh to install it)"
    );
    eprintln!("SKIPPED: redis-server is not installed (apt-get install redis-server)");
    false
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
