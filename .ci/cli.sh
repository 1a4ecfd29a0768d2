#!/usr/bin/env bash
# Tests the `jwt-auth` command-line tool (the `cli` feature), then installs it the way the README
# says and runs it once end to end. Run from the repository root; .ci/run has already checked
# formatting and clippy over every feature.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "the library does not depend on clap when the cli feature is off"
if cargo tree --locked -e normal --prefix none | grep -q '^clap '; then
    echo "clap is in the library's dependency tree without the cli feature" >&2
    exit 1
fi

step "tests: unit tests of the binary and tests/cli.rs, which run the built binary"
cargo test --locked --features cli --bin jwt-auth --test cli

step "cargo install --path . --features cli"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
cargo install --locked --debug --quiet --path . --features cli --root "$root"
bin="$root/bin/jwt-auth"
"$bin" --version

step "smoke test of the installed binary"
JWT_SECRET="$("$bin" --json secret generate | sed -n 's/^ *"secret": "\([0-9a-f]*\)".*/\1/p')"
export JWT_SECRET
"$bin" secret check
token="$("$bin" token issue --sub 42 --email ada@example.com 2>/dev/null)"
"$bin" token verify "$token"
if JWT_SECRET=dev-secret-change-me "$bin" secret check 2>/dev/null; then
    echo "a weak secret passed the check" >&2
    exit 1
fi
echo "CLI checks passed"
