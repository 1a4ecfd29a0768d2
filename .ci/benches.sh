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
# The end-to-end bench's server and its in-process benches (benches/e2e/, its own workspace, so
# that the peers it is measured against stay out of the library's lock file): formatted, and
# built by clippy with warnings denied, so that neither rots; benches/e2e.sh itself needs wrk and
# minutes of load, so it is run by hand (BENCHMARKING.md).
cargo fmt --manifest-path benches/e2e/Cargo.toml -- --check
cargo clippy --locked --manifest-path benches/e2e/Cargo.toml --all-targets -- -D warnings
bash -n benches/e2e.sh benches/e2e/callgrind.sh
