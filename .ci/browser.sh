#!/usr/bin/env bash
# The product's front-end flow in a real browser (examples/frontend), as CI runs it from a fresh
# clone: installs chromium (and redis-server) from the system's packages when missing, the pinned
# playwright-core and axios with `npm ci`, builds both example services, then drives the page in
# headless Chromium against each service on its memory store and on a real redis-server that the
# tests start on a free loopback port. Screenshots of a failing test go to
# examples/frontend/test-results/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== browser: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian wrapper script complains on standard error about /dev/shm sizes it cannot parse.
/usr/bin/chromium --version 2>/dev/null
node --version

echo "== browser: the pinned playwright-core and axios"
(cd examples/frontend && npm ci --no-audit --no-fund)

echo "== browser: building the example services"
# The package set and features of .ci/examples.sh, so that its tests reuse these artifacts.
cargo build --locked -p example-common -p example-conformance -p jwt-auth-axum-example \
    -p jwt-auth-actix-web-example --all-features
target=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)

echo "== browser: the front end against both services, memory store and Redis"
cd examples/frontend
AXUM_EXAMPLE_BIN="$target/debug/jwt-auth-axum-example" \
    ACTIX_WEB_EXAMPLE_BIN="$target/debug/jwt-auth-actix-web-example" \
    npm test
