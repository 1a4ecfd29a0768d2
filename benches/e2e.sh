#!/usr/bin/env bash
# End-to-end cost of authentication over loopback: wrk (Debian package `wrk`) loads the same axum
# handler with authentication (`/auth`: bearer parsing, HS256 verification, the claims) and
# without it (`/open`), sending the same token to both, in alternating rounds, and prints the
# median requests per second of each and what authentication costs. The server
# (examples/e2e_server.rs) runs one worker thread and wrk one thread, so each has a core of a
# 2-core machine.
#
# It also reads the server's CPU time (user + system, from /proc) over each run and divides it by
# the requests served: what one request costs the server, a figure that other load on the
# machine disturbs far less than requests per second, which depend on who else gets the cores.
#
#   bash benches/e2e.sh                      # 5 rounds of 10 s per route
#   ROUNDS=3 DURATION=5s bash benches/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}

command -v wrk >/dev/null || { echo "error: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --quiet --release --locked --example e2e_server --no-default-features \
    --features rust-crypto,axum

log=$(mktemp)
target/release/examples/e2e_server >"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    sleep 0.1
done
address=$(sed -n 's/^listening on //p' "$log")
[ -n "$address" ] || { echo "error: the server did not start" >&2; exit 1; }

token=$(curl -sf -X POST "http://$address/token")
[ "$(curl -sf -H "Authorization: Bearer $token" "http://$address/auth")" = '{"sub":"42"}' ] ||
    { echo "error: /auth does not accept the token" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$address/auth")" = 401 ] ||
    { echo "error: /auth answers without a token" >&2; exit 1; }

ticks_per_second=$(getconf CLK_TCK)
# The server's CPU time so far, in clock ticks: utime + stime, fields 14 and 15 of
# /proc/PID/stat (after the command name, which is in parentheses).
cpu_ticks() { sed 's/^.*) //' "/proc/$server/stat" | awk '{print $12 + $13}'; }

# One run on route $1: prints "requests/s microseconds-of-server-CPU-per-request".
run() {
    local before after output
    before=$(cpu_ticks)
    output=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $token" "http://$address/$1")
    after=$(cpu_ticks)
    awk -v before="$before" -v after="$after" -v hz="$ticks_per_second" '
        /requests in/ {requests = $1}
        /^Requests\/sec:/ {rate = $2}
        END {printf "%s %.2f\n", rate, (after - before) / hz * 1e6 / requests}' <<<"$output"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

wrk -t1 -c"$CONNECTIONS" -d2s "http://$address/open" >/dev/null # warm-up
open_rates=() auth_rates=() open_cpu=() auth_cpu=()
for round in $(seq "$ROUNDS"); do
    read -r rate cpu <<<"$(run open)"
    open_rates+=("$rate") open_cpu+=("$cpu")
    read -r rate cpu <<<"$(run auth)"
    auth_rates+=("$rate") auth_cpu+=("$cpu")
    echo "round $round: /open ${open_rates[-1]} req/s, ${open_cpu[-1]} us CPU/request;" \
        "/auth ${auth_rates[-1]} req/s, ${auth_cpu[-1]} us CPU/request"
done
open_median=$(printf '%s\n' "${open_rates[@]}" | median)
auth_median=$(printf '%s\n' "${auth_rates[@]}" | median)
open_cpu_median=$(printf '%s\n' "${open_cpu[@]}" | median)
auth_cpu_median=$(printf '%s\n' "${auth_cpu[@]}" | median)
awk -v open="$open_median" -v auth="$auth_median" 'BEGIN {
    printf "median: /open %.0f req/s, /auth %.0f req/s; authentication costs %.1f%% of the request\n",
        open, auth, (1 - auth / open) * 100
}'
awk -v open="$open_cpu_median" -v auth="$auth_cpu_median" 'BEGIN {
    printf "median server CPU per request: /open %.2f us, /auth %.2f us; authentication is %.1f%% of it\n",
        open, auth, (auth - open) / auth * 100
}'
