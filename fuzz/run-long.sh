#!/usr/bin/env bash
# Runs every fuzz target for a long time (default 30 minutes each; FUZZ_SECONDS_EACH to change),
# one after the other, keeping each target's corpus in fuzz/corpus/<target> between runs, and
# prints the executions each ran. Crashes land in fuzz/artifacts/<target>/.
#
#   fuzz/run-long.sh                  # every target
#   fuzz/run-long.sh verify claims    # some
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${FUZZ_SECONDS_EACH:-1800}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(verify claims bearer secret keys)
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" logs
    log="logs/$target.log"
    status=0
    cargo +nightly fuzz run -O -s none "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    echo "$target: $runs executions in ${SECONDS_EACH}s, exit status $status (log: fuzz/$log)"
    [ "$status" -eq 0 ] || exit "$status"
done
