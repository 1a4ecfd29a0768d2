#!/usr/bin/env bash
# Observability, each feature alone (`tracing`, `metrics`): clippy on all targets, the doc
# examples of `jwt_auth::observability` and of the cause names, and tests/observability (exact
# counters in a real recorder; events, their fields, never a token) on the memory store and on a
# real redis-server the tests start themselves (installed from the system's packages when
# missing). Each feature pulls in its own crate only. Last, the verify bench's case with a
# recorder, once in quick mode, so it cannot rot (BENCHMARKING.md's figures come from full runs).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v redis-server >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

for pair in "tracing:metrics" "metrics:tracing"; do
    feature=${pair%%:*} other=${pair#*:}
    step "feature $feature alone: clippy, doc examples, tests (memory store and Redis)"
    cargo clippy --locked --all-targets --features "$feature" -- -D warnings
    cargo test --locked --features "$feature" --doc -- observability cause_name
    CI=true cargo test --locked --features "$feature,redis" --test observability
    if cargo tree --locked -p jwt-auth -e normal --prefix none --features "$feature" \
        | grep -E "^$other "; then
        echo "error: feature $feature pulls in $other" >&2
        exit 1
    fi
done

step "the verify bench's case with a recorder installed, once (quick mode)"
cargo bench --locked --features metrics --bench verify -- --quick metrics
