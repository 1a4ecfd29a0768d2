#!/usr/bin/env bash
# End to end, side by side: what authenticating a request adds to the server's CPU per request,
# for jwt-auth and for the peers a user would otherwise pick, on the same axum handler over
# loopback. wrk (Debian package `wrk`) loads each route in turn, in rounds, sending the same
# token to all; the server (benches/e2e/, its own workspace so that the peers stay out of the
# library's lock file) runs one Tokio worker thread and wrk one thread, so each has a core of a
# 2-core machine. Routes, on one handler:
#
#   axum 0.8  /open           no authentication
#             /jwt-auth       jwt-auth's `Authenticated`
#             /jsonwebtoken   a hand-written `jsonwebtoken` 12 extractor, as a user writes it today
#             /axum-jwt-auth  axum-jwt-auth 0.7's `Claims` with its `LocalDecoder`
#   axum 0.7  /open           no authentication (jwt-authorizer's baseline)
#             /jwt-authorizer jwt-authorizer 0.15's layer and `JwtClaims` (its release is on axum 0.7,
#                             so it runs in the same process, on its own listener)
#
# It reads the server's CPU time (user + system, from /proc) over each run and divides it by the
# requests served: what one request costs the server, a figure that other load on the machine
# disturbs far less than requests per second. A route's added CPU is its figure minus the open
# route's of the same round and the same axum, and its median over the rounds is what the route
# adds; the ratio jwt-auth/peer is of those medians. Prints each round, then the medians.
#
#   bash benches/e2e.sh                      # 5 rounds of 10 s per route
#   ROUNDS=3 DURATION=5s bash benches/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}

command -v wrk >/dev/null || { echo "error: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --quiet --release --locked --manifest-path benches/e2e/Cargo.toml
target=${CARGO_TARGET_DIR:-benches/e2e/target}

log=$(mktemp)
"$target/release/jwt-auth-e2e-bench" >"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q '^listening (axum 0.7) on ' "$log" && break
    sleep 0.1
done
address=$(sed -n 's/^listening on //p' "$log")
address_07=$(sed -n 's/^listening (axum 0.7) on //p' "$log")
[ -n "$address" ] && [ -n "$address_07" ] || { echo "error: the server did not start" >&2; exit 1; }

# route name -> URL
declare -A url=(
    [open]="http://$address/open"
    [jwt-auth]="http://$address/jwt-auth"
    [jsonwebtoken]="http://$address/jsonwebtoken"
    [axum-jwt-auth]="http://$address/axum-jwt-auth"
    [open-0.7]="http://$address_07/open"
    [jwt-authorizer]="http://$address_07/jwt-authorizer"
)
routes=(open jwt-auth jsonwebtoken axum-jwt-auth open-0.7 jwt-authorizer)
peers=(jsonwebtoken axum-jwt-auth jwt-authorizer)
baseline() { [ "$1" = jwt-authorizer ] && echo open-0.7 || echo open; }

token=$(curl -sf -X POST "http://$address/token")
for route in "${routes[@]}"; do
    want='{"sub":"42"}'
    case $route in open*) want='{"sub":"anonymous"}' ;; esac
    [ "$(curl -sf -H "Authorization: Bearer $token" "${url[$route]}")" = "$want" ] ||
        { echo "error: $route does not answer $want" >&2; exit 1; }
    case $route in
        open*) ;;
        *) [ "$(curl -s -o /dev/null -w '%{http_code}' "${url[$route]}")" = 401 ] ||
            { echo "error: $route answers without a token" >&2; exit 1; } ;;
    esac
done

ticks_per_second=$(getconf CLK_TCK)
# The server's CPU time so far, in clock ticks: utime + stime, fields 14 and 15 of
# /proc/PID/stat (after the command name, which is in parentheses).
cpu_ticks() { sed 's/^.*) //' "/proc/$server/stat" | awk '{print $12 + $13}'; }

# One run on URL $1: prints "requests/s microseconds-of-server-CPU-per-request".
run() {
    local before after output
    before=$(cpu_ticks)
    output=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $token" "$1")
    after=$(cpu_ticks)
    awk -v before="$before" -v after="$after" -v hz="$ticks_per_second" '
        /requests in/ {requests = $1}
        /^Requests\/sec:/ {rate = $2}
        END {printf "%s %.3f\n", rate, (after - before) / hz * 1e6 / requests}' <<<"$output"
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for route in open open-0.7; do wrk -t1 -c"$CONNECTIONS" -d2s "${url[$route]}" >/dev/null; done # warm-up
declare -A rate cpu added
for round in $(seq "$ROUNDS"); do
    # Each round starts at another route, so that no route always follows the same one.
    line="round $round:"
    for i in "${!routes[@]}"; do
        route=${routes[$(((i + round - 1) % ${#routes[@]}))]}
        read -r rate[$route,$round] cpu[$route,$round] <<<"$(run "${url[$route]}")"
    done
    for route in "${routes[@]}"; do
        line+=" $route ${cpu[$route,$round]} us (${rate[$route,$round]%.*}/s);"
    done
    echo "${line%;}"
done

echo
echo "medians over $ROUNDS rounds of $DURATION, server CPU per request:"
for route in "${routes[@]}"; do
    cpu_median=$(for round in $(seq "$ROUNDS"); do echo "${cpu[$route,$round]}"; done | median)
    rate_median=$(for round in $(seq "$ROUNDS"); do echo "${rate[$route,$round]}"; done | median)
    case $route in
        open*) printf '  %-15s %7.2f us  %8.0f req/s\n' "$route" "$cpu_median" "$rate_median" ;;
        *)
            base=$(baseline "$route")
            added_median=$(for round in $(seq "$ROUNDS"); do
                awk -v a="${cpu[$route,$round]}" -v b="${cpu[$base,$round]}" 'BEGIN {print a - b}'
            done | median)
            added[$route]=$added_median
            printf '  %-15s %7.2f us  %8.0f req/s  adds %5.2f us over %s\n' \
                "$route" "$cpu_median" "$rate_median" "$added_median" "$base"
            ;;
    esac
done
echo "jwt-auth's added CPU / each peer's (the medians above; target <= 0.50):"
for peer in "${peers[@]}"; do
    printf '  jwt-auth / %-15s %.2f\n' "$peer" "$(awk -v j="${added[jwt-auth]}" -v p="${added[$peer]}" 'BEGIN {print j / p}')"
done
