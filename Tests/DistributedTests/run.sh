#!/usr/bin/env bash
# Runs CortexDistributedChecks under mpirun: the checks on 2 and 3 processes and on one process
# started without mpirun, then each failure scenario, asserting its exit status, that the job
# ended within LIMIT seconds, and the message. Usage: run.sh path/to/CortexDistributedChecks
set -u
BINARY=${1:?usage: run.sh path/to/CortexDistributedChecks}
LIMIT=30
MPIRUN=(mpirun --oversubscribe --allow-run-as-root)
# Short logs: no crash backtraces from the ranks that are killed or trap on purpose.
export SWIFT_BACKTRACE=enable=no
# Thread counts come from MPICommunicator (cores / ranks per host); the checks test that.
unset CORTEX_NUM_THREADS
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
failures=0

# run NAME EXPECTED_STATUS TIME_LIMIT PATTERN COMMAND...: EXPECTED_STATUS is a number or "nonzero".
run() {
    local name=$1 expected=$2 limit=$3 pattern=$4
    shift 4
    local start end status elapsed ok=1
    start=$(date +%s%N)
    timeout $((limit + 30)) "$@" >"$LOG" 2>&1
    status=$?
    end=$(date +%s%N)
    elapsed=$(((end - start) / 1000000))
    if [ "$expected" = nonzero ]; then
        [ "$status" -ne 0 ] || ok=0
    else
        [ "$status" -eq "$expected" ] || ok=0
    fi
    [ "$status" -ne 124 ] || ok=0
    [ "$elapsed" -le $((limit * 1000)) ] || ok=0
    grep -Eq -- "$pattern" "$LOG" || ok=0
    if [ $ok = 1 ]; then
        echo "PASS $name (exit $status in $elapsed ms)"
    else
        echo "FAIL $name: exit $status (expected $expected) in $elapsed ms (limit ${limit} s), pattern '$pattern'; output:"
        sed 's/^/    /' "$LOG" | tail -60
        failures=$((failures + 1))
    fi
}

echo "== checks"
for np in 2 3; do
    CORTEX_MPI_TIMEOUT=60 run "checks on $np processes" 0 240 '^ALL PASSED$' "${MPIRUN[@]}" -np $np "$BINARY"
    grep -E '^(PASS|FAIL)' "$LOG" | sed 's/^/    /'
done
CORTEX_MPI_TIMEOUT=60 run "checks on 1 process without mpirun" 0 240 '^ALL PASSED$' "$BINARY"

echo "== failures end the job"
run "one rank throws at step 3: every rank stops, rank 0 names it" 1 $LIMIT \
    '^\[rank 0\] error: rank 1 of 2 \(.*\) failed: Data/shard-1\.npy: no such file' \
    "${MPIRUN[@]}" -np 2 "$BINARY" throw-at-step-3
run "an uncaught error on one rank before a collective" nonzero $LIMIT \
    'Error raised at top level: labels\.npy: no such file' \
    "${MPIRUN[@]}" -np 2 "$BINARY" uncaught
run "one rank is killed at step 3" nonzero $LIMIT 'exited on signal 9' \
    "${MPIRUN[@]}" -np 2 "$BINARY" die-at-step-3
run "one rank exits with status 3 at step 3" 3 $LIMIT 'rank 1 of 2 .* exits with status 3' \
    "${MPIRUN[@]}" -np 2 "$BINARY" exit-at-step-3
CORTEX_MPI_TIMEOUT=5 run "one rank skips a collective: the watchdog aborts" 70 $LIMIT \
    'rank 0 of 2 .* waited more than 5 s in MPI_Allreduce\(gradients' \
    "${MPIRUN[@]}" -np 2 "$BINARY" diverge

if [ $failures -eq 0 ]; then
    echo "distributed tests: all passed"
else
    echo "distributed tests: $failures failed"
    exit 1
fi
