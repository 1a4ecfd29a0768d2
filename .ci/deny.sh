#!/usr/bin/env bash
# Supply chain: licences, banned and duplicate crates, and sources, as deny.toml sets them
# (.ci/rust-version.sh, which .ci/run also runs, checks the `rust-version` floor). cargo-deny is
# installed when missing or at another version; the install builds it from crates.io, about
# 6 CPU-minutes (see the commit that added this script). Advisories are not checked: see
# deny.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.20.2
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $version" ]; then
    echo "installing cargo-deny $version"
    cargo install --locked cargo-deny --version "$version"
fi

cargo deny --locked check licenses bans sources
