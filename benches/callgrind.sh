#!/usr/bin/env bash
# Instructions per verify of the product's token, counted by callgrind: deterministic whatever
# else runs on the machine, unlike a wall clock. Counts inside `verify_n` of
# examples/verify_loop.rs only (so not the secret's strength check nor the signing), divided by N.
#
#   benches/callgrind.sh                                              # rust-crypto
#   benches/callgrind.sh --no-default-features --features aws-lc-rs   # aws-lc-rs
#   N=20000 benches/callgrind.sh                                      # fewer verifies (default 10000)
#
# Needs valgrind. Prints the instructions per verify; the callgrind output, annotated by function
# (`callgrind_annotate`), is left in target/callgrind/.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000}
cargo build --quiet --release --example verify_loop "$@"
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/callgrind"
out="$target/callgrind/verify_loop.out"
valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='verify_loop::verify_n' \
    "$target/release/examples/verify_loop" "$n" 2>/dev/null
annotate=$(callgrind_annotate --inclusive=no --threshold=100 "$out" 2>/dev/null)
total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' <<<"$annotate")
# SHA-256's block function runs in software under valgrind, which has no SHA-NI; natively the
# processor's SHA extensions (or aws-lc's assembly) do it in a fraction of those instructions.
sha=$(awk '/sha256|sha2::|block_data_order/ && $1 ~ /^[0-9,]+$/ { gsub(",", "", $1); s += $1 } END { print s + 0 }' <<<"$annotate")
echo "instructions per verify: $((total / n)), of which SHA-256 blocks $((sha / n)), the rest $(((total - sha) / n)) ($n verifies${*:+, $*})"
