#!/usr/bin/env bash
# The framework integration features (tower, axum, actix-web), as CI runs it from the repository
# root: each feature alone (clippy, its doc examples, its real-HTTP tests), the default build free
# of any web framework, and the README's axum service identical to the example CI builds.
set -euo pipefail

step() { printf '\n==> %s\n' "$*"; }

for feature in tower axum actix-web; do
    features=(--no-default-features --features "rust-crypto,$feature")
    step "feature $feature alone: clippy, doc examples, integration tests"
    cargo clippy --locked --all-targets "${features[@]}" -- -D warnings
    cargo test --locked "${features[@]}" --doc integration
    cargo test --locked "${features[@]}" --test integration
done

step "the ready session routes on a real redis-server, stopped mid-test (503, never 401)"
# .ci/examples.sh and .ci/redis.sh install redis-server; the tests fail under CI without it.
command -v redis-server >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}
CI=true cargo test --locked --features "axum,actix-web,redis" --test integration sessions

step "the default build of the library has no web framework, tracing or metrics in its dependency tree"
if cargo tree --locked -p jwt-auth -e normal --prefix none | grep -E '^(axum|actix|tokio|tower|hyper|governor|argon2|tracing|metrics)'; then
    echo "error: a framework, tracing or metrics leaked into jwt-auth's default dependency tree" >&2
    exit 1
fi
# Each feature pulls in its framework only (axum is built on tower's traits, so those may appear
# with it; the `axum` feature takes axum itself for its session routes' `Router`, never its server:
# no hyper, no Tokio).
for pair in "tower:axum|actix|hyper|tokio" "axum:actix|hyper|tokio" "actix-web:axum|tower"; do
    feature=${pair%%:*} forbidden=${pair#*:}
    if cargo tree --locked -p jwt-auth -e normal --prefix none --no-default-features \
        --features "rust-crypto,$feature" | grep -E "^($forbidden)"; then
        echo "error: feature $feature pulls in more than its framework" >&2
        exit 1
    fi
done
echo ok

step "the README's axum service is examples/axum_service.rs (which clippy builds above)"
readme_copy=$(awk '/^<!-- examples\/axum_service.rs -->$/ {getline; grab=1; next} grab && /^```$/ {exit} grab' README.md)
if [ "$readme_copy" != "$(tail -n +2 examples/axum_service.rs)" ]; then
    diff <(echo "$readme_copy") <(tail -n +2 examples/axum_service.rs) >&2 || true
    echo "error: the README's axum service differs from examples/axum_service.rs" >&2
    exit 1
fi
lines=$(printf '%s\n' "$readme_copy" | wc -l)
[ "$lines" -lt 30 ] || { echo "error: the README's axum service is $lines lines, not under 30" >&2; exit 1; }
echo "ok: $lines lines"
