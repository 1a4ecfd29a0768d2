#!/usr/bin/env bash
# The library and the CLI package and build as crates.io would see them: only the files their
# manifests include, the CLI against the packaged library.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo publish --locked --dry-run -p jwt-auth -p jwt-auth-cli
