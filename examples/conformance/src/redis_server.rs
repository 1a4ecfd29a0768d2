//! A real `redis-server` for one test, on a free loopback port, stopped when dropped. (The
//! library's session tests have their own, in `tests/sessions`, which a crate outside the
//! library's tests cannot reach.)

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::free_port;

/// A running `redis-server`, killed when dropped.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    /// Where a persistent server keeps its append-only file; removed when dropped.
    data_dir: Option<PathBuf>,
}

impl RedisServer {
    /// A fresh server without persistence, or `None` (with a message) when `redis-server` is not
    /// installed, except under `CI=true`, where its absence fails the test: `.ci/redis.sh`
    /// installs it.
    pub fn start() -> Option<Self> {
        Self::start_with(None)
    }

    /// A fresh server that writes every command to an append-only file before answering it
    /// (`appendfsync always`), so that one killed and [restarted](Self::restart) has lost
    /// nothing it acknowledged. `None` as for [`start`](Self::start).
    pub fn start_persistent() -> Option<Self> {
        let dir = std::env::temp_dir().join(format!(
            "jwt-auth-redis-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory for redis-server");
        Self::start_with(Some(dir))
    }

    fn start_with(data_dir: Option<PathBuf>) -> Option<Self> {
        if Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "redis-server is not installed (CI runs .ci/redis.sh to install it)"
            );
            eprintln!("skipped: redis-server is not installed (apt-get install redis-server)");
            return None;
        }
        let port = free_port();
        let child = spawn(port, data_dir.as_ref());
        Some(Self {
            child,
            port,
            data_dir,
        })
    }

    /// Its URL, as `REDIS_URL` holds it.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server with SIGKILL, as a crash or an OOM kill would: no shutdown, no goodbye
    /// to its clients.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same port, with the same data (for a persistent one).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(self.port, self.data_dir.as_ref());
    }
}

/// Starts `redis-server` on `port`, persistent in `data_dir` when given, and waits until it
/// accepts connections.
fn spawn(port: u16, data_dir: Option<&PathBuf>) -> Child {
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
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        thread::sleep(Duration::from_millis(10));
    }
    child
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        if let Some(dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
