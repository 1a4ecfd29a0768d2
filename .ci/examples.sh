#!/usr/bin/env bash
# Tests the example services (examples/axum, examples/actix-web), what they share at run time
# (examples/common) and the scenarios both must pass (examples/conformance), as CI runs it: from a
# fresh clone, with the repository root as the working directory. The tests start the built
# binaries on free loopback ports. Formatting and clippy for the whole workspace are in .ci/run;
# that the library's default dependency tree has no web framework is checked by .ci/integration.sh.
set -euo pipefail

packages=(-p example-common -p example-conformance -p jwt-auth-axum-example -p jwt-auth-actix-web-example)

step() { printf '\n==> %s\n' "$*"; }

# Two service processes share a real Redis, and a real Redis Cluster, in the process tests
# (.ci/redis.sh, which would install it too, runs after this script).
if ! command -v redis-server >/dev/null; then
    step "installing redis-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

step "tests: in-process scenarios, real processes (two on one Redis, two on a three-master Redis Cluster), timeouts over raw connections"
# --nocapture: the logout propagation figures between two processes are printed. The cluster
# needs redis-cli too (`--cluster create`), which Debian's redis-server package pulls in.
cargo test --locked "${packages[@]}" --all-features -- --nocapture
