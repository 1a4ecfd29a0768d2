#!/usr/bin/env bash
# Instructions per request through each route of the end-to-end bench's routers, in-process (no
# network, no server loop), counted by callgrind: a figure that does not move with the machine's
# load, and, with the annotation, where a route's instructions go. Counts inside
# `request_loop::requests` of examples/request_loop.rs only.
#
#   bash benches/e2e/callgrind.sh                 # every route
#   N=2000 bash benches/e2e/callgrind.sh /jwt-auth
#
# Needs valgrind. The callgrind output of each route is left in
# $target/callgrind/request_loop-<route>.out, for `callgrind_annotate --inclusive=yes`.
set -euo pipefail
cd "$(dirname "$0")"
n=${N:-5000}
routes=("$@")
[ ${#routes[@]} -gt 0 ] || routes=(/open /jwt-auth /jsonwebtoken /axum-jwt-auth 0.7/open 0.7/jwt-authorizer)
cargo build --quiet --release --locked --example request_loop
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/callgrind"
for route in "${routes[@]}"; do
    out="$target/callgrind/request_loop-$(tr '/.' '__' <<<"$route").out"
    valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='request_loop::requests' \
        "$target/release/examples/request_loop" "$route" "$n" 2>/dev/null
    # awk reads to the end: an early exit would fail the pipe (pipefail).
    total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !t { gsub(",", "", $1); t = $1 } END { print t }')
    printf '%-20s %8d instructions per request\n' "$route" $((total / n))
done
