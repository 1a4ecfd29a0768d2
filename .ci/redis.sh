#!/usr/bin/env bash
# Sessions on a real Redis and on a real Redis Cluster: installs redis-server (and redis-cli, which
# its package pulls in) from the system's packages when either is missing, then runs the session
# tests with the `redis` feature on both crypto backends. The tests start their own redis-server
# on a free loopback port, and their own three-master cluster (tests/sessions/cluster.rs:
# `redis-server --cluster-enabled yes` and `redis-cli --cluster create`), and stop them; under
# CI=true a missing redis-server or redis-cli fails them instead of skipping (and the cluster's
# tests fail on a Redis older than 7.0, which has no sharded pub/sub). Last, the sessions bench
# once in quick mode, so it cannot rot (its figures are rough; BENCHMARKING.md's come from a full
# run).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis-server --version
redis-cli --version
# One Redis (`redis::`) and the cluster (`cluster::`).
cargo test --locked --features redis --test sessions -- --nocapture
cargo test --locked --no-default-features --features aws-lc-rs,redis --test sessions
cargo test --locked --features redis --doc store::
cargo bench --locked --features redis --bench sessions -- --quick
