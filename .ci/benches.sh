#!/usr/bin/env bash
# Builds the benches and runs each once in criterion's quick mode, on both crypto backends, so
# they cannot rot. The figures of a quick run are rough; BENCHMARKING.md's come from full runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked --bench verify -- --quick
cargo bench --locked --bench verify --no-default-features --features aws-lc-rs -- --quick
cargo bench --locked --bench hostile -- --quick
cargo bench --locked --bench public_keys -- --quick
cargo bench --locked --bench public_keys --no-default-features --features aws-lc-rs -- --quick
