#!/usr/bin/env bash
# Sessions on a real Redis: installs redis-server from the system's packages when it is missing,
# then runs the session tests with the `redis` feature on both crypto backends. The tests start
# their own redis-server on a free loopback port and stop it; under CI=true a missing
# redis-server fails them instead of skipping. Last, the sessions bench once in quick mode, so it
# cannot rot (its figures are rough; BENCHMARKING.md's come from a full run).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis-server --version
cargo test --locked --features redis --test sessions -- --nocapture
cargo test --locked --no-default-features --features aws-lc-rs,redis --test sessions
cargo test --locked --features redis --doc store::
cargo bench --locked --features redis --bench sessions -- --quick
