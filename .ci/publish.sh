#!/usr/bin/env bash
# The library and the CLI package and build as crates.io would see them: only the files their
# manifests include, the CLI against the packaged library.
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo unpacks the packages it verifies into a local overlay source under CARGO_HOME (a
# `registry/src/-<hash>` folder named after the target directory) and, on a later run with the
# same version, reuses that unpacked copy instead of the new tarball: the CLI would then be
# verified against an old library. Remove our packages' earlier copies first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/jwt-auth-[0-9]* \
    "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/jwt-auth-cli-[0-9]*
cargo publish --locked --dry-run -p jwt-auth -p jwt-auth-cli
