#!/usr/bin/env bash
# Remote key sets (feature remote-jwks), as CI runs it from the repository root: the feature alone
# (clippy, doc examples, its real-HTTP tests against JWKS servers on loopback), the OpenID Connect
# test against npm oidc-provider (pinned in tests/oidc/package-lock.json, installed here; the test
# fails under CI without it), the integrations with a remote key set, and the default build free
# of any HTTP client.
set -euo pipefail

step() { printf '\n==> %s\n' "$*"; }

step "npm oidc-provider for the OpenID Connect test (npm ci, pinned)"
command -v node >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
node --version
(cd tests/oidc && npm ci --no-audit --no-fund)

features=(--no-default-features --features "rust-crypto,remote-jwks")
step "feature remote-jwks alone: clippy, doc examples, tests (JWKS servers and oidc-provider on loopback)"
cargo clippy --locked --all-targets "${features[@]}" -- -D warnings
cargo test --locked "${features[@]}" --doc jwks
CI=true cargo test --locked "${features[@]}" --test remote_jwks

step "the tower layer and the axum and actix-web extractors with a remote key set"
CI=true cargo test --locked --features "remote-jwks,tower,axum,actix-web" --test remote_jwks web

step "the default build of the library has no HTTP client in its dependency tree"
if cargo tree --locked -p jwt-auth -e normal --prefix none | grep -E '^(reqwest|hyper|rustls|arc-swap) '; then
    echo "error: an HTTP client leaked into jwt-auth's default dependency tree" >&2
    exit 1
fi

step "bench group remote, once in criterion's quick mode (figures in BENCHMARKING.md come from full runs)"
cargo bench --locked --bench verify --features remote-jwks -- --quick remote
