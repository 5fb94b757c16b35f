#!/usr/bin/env bash
# Soak run: every randomized, model-based and fuzz test at a larger scale (docs/TESTING.md).
#
#   releng/run-soak.sh [SCALE] [ROUNDS]        SCALE defaults to 10; ROUNDS to 1, 0 = until a failure
#   releng/run-soak.sh --replay TEST SEED [SCALE] [ROUND]
#                                              re-runs one test class with one seed (as reported)
#
# Round 0 runs the seeds CI runs; round R > 0 derives new seeds from them, so that a run left going
# for hours keeps exploring. Each round is one offline Maven build (`verify`, never `install`) of the
# test bundles holding the long tests, run whole; its log and surefire reports stay under
# target/soak/round-R/. On a failure
# the script prints every "seed S step N" line found and the command that replays it, and exits 1.
# Extra Maven arguments can be given in SOAK_MAVEN_ARGS (e.g. "-Dshadowbench.test.argLine=-Xmx4g").
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$shadowbench_root"

# Test class -> test bundle. The guest suite runs its guests with the checkers after every trap.
declare -A BUNDLE=(
    [RandomizedMemoryTest]=org.shadowbench.memory.tests
    [RandomizedRegistryTest]=org.shadowbench.handlers.tests
    [HandlerTreeTest]=org.shadowbench.handlers.tests
    [RandomizedPoolTest]=org.shadowbench.pool.tests
    [DecoderFuzzTest]=org.shadowbench.cpu.tests
    [FastPathEquivalenceTest]=org.shadowbench.cpu.tests
    [BlockEquivalenceTest]=org.shadowbench.cpu.tests
    [GuestSuiteTest]=org.shadowbench.guests.tests
)
ORDER=(RandomizedMemoryTest HandlerTreeTest RandomizedRegistryTest DecoderFuzzTest FastPathEquivalenceTest
    BlockEquivalenceTest GuestSuiteTest RandomizedPoolTest)

offline=-o
[[ -n "${SOAK_ONLINE:-}" ]] && offline=

# run_tests LOGDIR SCALE ROUND SEEDS CLASS... : one Maven build running the test bundles of the classes;
# a single class runs alone (Tycho takes one test pattern), several run with their whole bundles, whose
# other tests are quick and unscaled. Returns the build's status.
run_tests() {
    local logdir=$1 scale=$2 round=$3 seeds=$4
    shift 4
    local classes=("$@") bundles=() c filter=()
    for c in "${classes[@]}"; do
        [[ -n "${BUNDLE[$c]:-}" ]] || { echo "unknown test class $c (known: ${ORDER[*]})" >&2; return 2; }
        [[ " ${bundles[*]} " == *" bundles/${BUNDLE[$c]} "* ]] || bundles+=("bundles/${BUNDLE[$c]}")
    done
    [[ ${#classes[@]} -eq 1 ]] && filter=(-Dtest="${classes[0]}" -DfailIfNoTests=false)
    mkdir -p "$logdir"
    local list
    list=$(IFS=,; echo "${bundles[*]}")
    local b
    for b in "${bundles[@]}"; do
        rm -rf "$b/target/surefire-reports"
    done
    # shellcheck disable=SC2086
    ./mvnw -B $offline verify -pl "$list" -am "${filter[@]}" \
        -Dshadowbench.test.scale="$scale" -Dshadowbench.test.round="$round" -Dshadowbench.test.seeds="$seeds" \
        ${SOAK_MAVEN_ARGS:-} >"$logdir/build.log" 2>&1
    local status=$?
    for b in "${bundles[@]}"; do
        if [[ -d "$b/target/surefire-reports" ]]; then
            mkdir -p "$logdir/$(basename "$b")"
            cp "$b"/target/surefire-reports/*.txt "$logdir/$(basename "$b")/" 2>/dev/null || true
        fi
    done
    return $status
}

# report LOGDIR SCALE ROUND: the failures of a round, each with its replay command.
report() {
    local logdir=$1 scale=$2 round=$3
    echo "soak round $round at scale $scale FAILED; log: $logdir/build.log"
    grep -hE '<<< (FAILURE|ERROR)!' "$logdir/build.log" | sort -u | sed 's/^/  /' || true
    grep -hoE '(seed|decoder fuzz seed|fast path seed) -?[0-9]+ (step|iteration|program) [0-9]+[^"]{0,160}' \
        "$logdir/build.log" | sort -u | head -20 | sed 's/^/  /' || true
    local report cls seed
    for report in "$logdir"/*/org.shadowbench.*.txt; do
        [[ -f "$report" ]] && grep -qE '<<< (FAILURE|ERROR)!' "$report" || continue
        cls=$(basename "$report" .txt)
        cls=${cls##*.}
        for seed in $(grep -hoE 'seed -?[0-9]+' "$report" | awk '{print $2}' | sort -u); do
            echo "  replay: releng/run-soak.sh --replay $cls $seed $scale"
        done
    done
    grep -qE 'BUILD FAILURE' "$logdir/build.log" && ! grep -qE 'Tests run:' "$logdir/build.log" &&
        echo "  (the build failed before any test ran: see the log)"
    return 0
}

if [[ "${1:-}" == "--replay" ]]; then
    shadowbench_select_jdk
    [[ $# -ge 3 ]] || { echo "usage: releng/run-soak.sh --replay TEST SEED [SCALE]" >&2; exit 2; }
    cls=$2 seed=$3 scale=${4:-10}
    logdir=target/soak/replay-$cls-$seed
    echo "replaying $cls seed $seed at scale $scale (log: $logdir/build.log)"
    if run_tests "$logdir" "$scale" 0 "$seed" "$cls"; then
        echo "replay passed"
    else
        report "$logdir" "$scale" replay
        exit 1
    fi
    exit 0
fi

scale=${1:-10}
rounds=${2:-1}
[[ "$scale" =~ ^[0-9]+$ && "$rounds" =~ ^[0-9]+$ ]] || { echo "usage: releng/run-soak.sh [SCALE] [ROUNDS]" >&2; exit 2; }
shadowbench_select_jdk
round=0
while :; do
    logdir=target/soak/round-$round
    start=$(date +%s)
    echo "soak round $round at scale $scale: ${ORDER[*]}"
    if run_tests "$logdir" "$scale" "$round" "" "${ORDER[@]}"; then
        elapsed=$(( $(date +%s) - start ))
        summary=$(grep -hE '^Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logdir/build.log" |
            awk -F'[ ,]+' '{t+=$3} END {print t+0}')
        printf 'soak round %d at scale %d passed: %s tests in %dm%02ds\n' "$round" "$scale" "$summary" \
            $((elapsed / 60)) $((elapsed % 60))
        grep -hE '^(seed [0-9]+: PoolStatistics|decoder fuzz:|fast path equivalence:)' "$logdir/build.log" |
            sed 's/^/  /' | cut -c1-240 || true
    else
        report "$logdir" "$scale" "$round"
        exit 1
    fi
    round=$((round + 1))
    if [[ "$rounds" -ne 0 && "$round" -ge "$rounds" ]]; then
        break
    fi
done
