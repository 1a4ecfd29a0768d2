#!/usr/bin/env bash
# Tests the `jwt-auth` command-line tool (the `jwt-auth-cli` crate in cli/), then installs it the
# way cli/README.md says and runs it once end to end. Run from the repository root; .ci/run has
# already checked formatting and clippy over the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "clap is in the CLI's dependency tree and in none of the library's, whatever its features"
# The positive case proves the pattern matches cargo tree's output, so the negative one means
# something.
cargo tree --locked -p jwt-auth-cli -e normal --prefix none | grep -q '^clap ' || {
    echo "clap not found in jwt-auth-cli's tree: this check no longer sees it" >&2
    exit 1
}
for features in "" "--all-features" "--no-default-features --features aws-lc-rs"; do
    # shellcheck disable=SC2086 # the feature flags are meant to split
    if cargo tree --locked -p jwt-auth $features -e normal --prefix none | grep -q '^clap '; then
        echo "clap is in the library's dependency tree (features: ${features:-default})" >&2
        exit 1
    fi
done

step "tests: the binary's unit tests and cli/tests, which run the built binary"
cargo test --locked -p jwt-auth-cli

step "cargo install --locked --path cli (the command cli/README.md gives), which must not warn"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
# On PATH, so that cargo has no reason to warn that it is not.
export PATH="$root/bin:$PATH"
cargo install --locked --debug --path cli --root "$root" 2>"$root/install.log" || {
    cat "$root/install.log" >&2
    exit 1
}
if grep -qi 'warning' "$root/install.log"; then
    cat "$root/install.log" >&2
    echo "cargo install warned (log above)" >&2
    exit 1
fi
bin="$root/bin/jwt-auth"
"$bin" --version

step "smoke test of the installed binary"
JWT_SECRET="$("$bin" --json secret generate | sed -n 's/^ *"secret": "\([0-9a-f]*\)".*/\1/p')"
export JWT_SECRET
"$bin" secret check
token="$("$bin" token issue --sub 42 --email ada@example.com 2>/dev/null)"
"$bin" token verify "$token"
# A rotation's second step: a new current key, the old one a fallback; the old token still verifies.
JWT_SECRET_FALLBACKS="$JWT_SECRET" JWT_SECRET="$("$bin" --json secret generate | sed -n 's/^ *"secret": "\([0-9a-f]*\)".*/\1/p')" \
    "$bin" token verify "$token" | grep -q '^valid: signed with a fallback key, JWT_SECRET_FALLBACKS entry 1 '
if JWT_SECRET=dev-secret-change-me "$bin" secret check 2>/dev/null; then
    echo "a weak secret passed the check" >&2
    exit 1
fi
echo "CLI checks passed"
