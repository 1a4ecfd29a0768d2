//! A real three-master Redis Cluster for one test, on free loopback ports, stopped when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a master may stay silent before the others mark it failed. Short, so that a test
/// sees the cluster after the failure is agreed as well as before.
pub const NODE_TIMEOUT_MS: u64 = 1000;

/// One `redis-server` of the cluster.
#[derive(Debug)]
pub struct Node {
    /// Its loopback port.
    pub port: u16,
    child: Option<Child>,
}

impl Node {
    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the node (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The cluster's three masters, killed (and their directory removed) when dropped.
#[derive(Debug)]
pub struct RedisCluster {
    /// The masters, in the order they were started.
    pub nodes: Vec<Node>,
    dir: PathBuf,
}

/// Whether `redis-server` and `redis-cli` are installed: `false` (with a message) when they are
/// not, except under CI, where their absence fails the test: `.ci/redis.sh` installs them.
fn installed() -> bool {
    let runs = |program: &str| {
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if runs("redis-server") && runs("redis-cli") {
        // Sharded pub/sub (`SPUBLISH`, `SSUBSCRIBE`), which the store uses on a cluster, is 7.0.
        let version = Command::new("redis-server")
            .arg("--version")
            .output()
            .expect("redis-server runs");
        let version = String::from_utf8_lossy(&version.stdout).into_owned();
        let major = version
            .split_whitespace()
            .find_map(|word| word.strip_prefix("v="))
            .and_then(|v| v.split('.').next()?.parse::<u32>().ok());
        assert!(
            major.is_some_and(|major| major >= 7),
            "a Redis Cluster store needs Redis 7.0 or later: {version}"
        );
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "redis-server or redis-cli is not installed (CI runs .ci/redis.sh to install them)"
    );
    eprintln!("skipped: redis-server or redis-cli is not installed (apt-get install redis-server)");
    false
}

/// A free loopback port whose cluster bus port (the port plus 10000) is free too.
fn free_port(taken: &[u16]) -> u16 {
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        if port < 55_535
            && !taken.contains(&port)
            && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok()
        {
            return port;
        }
    }
}

fn cli(port: u16, args: &[&str]) -> String {
    let output = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stderr(Stdio::null())
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Three masters, no replicas, every slot assigned, `cluster_state:ok` on each; `None` when
/// Redis is not installed (outside CI).
///
/// The masters run with `cluster-require-full-coverage no`, as a cluster that must keep serving
/// the slots of its live masters when one is lost (and has no replica to fail over to) does.
///
/// # Panics
/// When the cluster cannot be started or does not become ready: the test cannot run.
pub fn start(name: &str) -> Option<RedisCluster> {
    if !installed() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("jwt-auth-cluster-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cluster = RedisCluster {
        nodes: Vec::new(),
        dir,
    };
    let mut ports = Vec::new();
    for _ in 0..3 {
        ports.push(free_port(&ports));
    }
    for &port in &ports {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--cluster-enabled", "yes"])
            .args(["--cluster-config-file", &format!("nodes-{port}.conf")])
            .args(["--cluster-node-timeout", &NODE_TIMEOUT_MS.to_string()])
            .args(["--cluster-require-full-coverage", "no"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&cluster.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        cluster.nodes.push(Node {
            port,
            child: Some(child),
        });
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for &port in &ports {
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let addresses: Vec<String> = ports
        .iter()
        .map(|port| format!("127.0.0.1:{port}"))
        .collect();
    let status = Command::new("redis-cli")
        .arg("--cluster")
        .arg("create")
        .args(&addresses)
        .args(["--cluster-replicas", "0", "--cluster-yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("redis-cli runs");
    assert!(status.success(), "redis-cli --cluster create failed");
    let deadline = Instant::now() + Duration::from_secs(30);
    for &port in &ports {
        while !cli(port, &["cluster", "info"]).contains("cluster_state:ok") {
            assert!(Instant::now() < deadline, "the cluster did not become ok");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Some(cluster)
}

impl RedisCluster {
    /// The seed URLs, as `REDIS_CLUSTER_URLS` lists them.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(Node::url).collect()
    }

    /// The keys node `index` holds (fine for a test's few thousand).
    pub fn keys(&self, index: usize) -> Vec<String> {
        cli(self.nodes[index].port, &["--scan"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The slot of `key`, as the cluster computes it.
    ///
    /// # Panics
    /// When every node is killed, or the answer is not a slot.
    pub fn slot(&self, key: &str) -> u16 {
        let port = self
            .nodes
            .iter()
            .find(|node| node.child.is_some())
            .unwrap()
            .port;
        cli(port, &["cluster", "keyslot", key])
            .trim()
            .parse()
            .unwrap()
    }

    /// Whether node `index` serves `slot`, by the node's own view.
    ///
    /// # Panics
    /// When the node does not describe itself.
    pub fn serves(&self, index: usize, slot: u16) -> bool {
        let port = self.nodes[index].port;
        // `CLUSTER SHARDS` is 7.0; `CLUSTER NODES`'s own line ends with its slot ranges.
        cli(port, &["cluster", "nodes"])
            .lines()
            .find(|line| line.contains("myself"))
            .unwrap()
            .split_whitespace()
            .skip(8)
            .any(|range| {
                let (low, high) = range.split_once('-').unwrap_or((range, range));
                match (low.parse::<u16>(), high.parse::<u16>()) {
                    (Ok(low), Ok(high)) => (low..=high).contains(&slot),
                    _ => false,
                }
            })
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
