#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, its own workspace, nightly only) and runs each briefly from its
# committed seeds, so that they cannot rot and a regression of an invariant fails CI. Long runs:
# fuzz/run-long.sh. Installs the pinned cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
CARGO_FUZZ_VERSION=0.13.2
SECONDS_EACH=${FUZZ_SECONDS_EACH:-15}

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "the fuzz targets need a nightly toolchain (rustup toolchain list shows none)" >&2
    exit 1
fi
if ! cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
    cargo +nightly install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# No sanitizer: the crate forbids unsafe code, and an uninstrumented build is faster to build
# and to run.
cargo +nightly fuzz build -O -s none
for target in verify claims bearer secret keys; do
    mkdir -p "corpus/$target"
    echo "fuzz target $target: ${SECONDS_EACH}s"
    cargo +nightly fuzz run -O -s none "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -print_final_stats=1 \
        2>&1 | grep -E '^(stat::number_of_executed_units|Done|SUMMARY|==)|panicked|Test unit' || true
    # A crash leaves an artifact and a non-zero status; `grep` above must not hide it.
    if compgen -G "artifacts/$target/*" >/dev/null; then
        echo "fuzz target $target failed; reproduce with: cargo +nightly fuzz run $target artifacts/$target/<file>" >&2
        exit 1
    fi
done
