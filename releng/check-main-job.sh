#!/usr/bin/env bash
# CI guard for the README's main job: runs `releng/run-demo.sh` as the README gives it, held to the
# headless runner (SHADOWBENCH_HEADLESS=1: with a display it would open the workbench instead), and
# checks that the demo guest ran to its end (its own checks passed, it exited through the shutdown
# port, the engine's consistency checkers were clean).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shadowbench-main-job.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

status=0
(cd "$root" && SHADOWBENCH_HEADLESS=1 releng/run-demo.sh </dev/null >"$scratch/out" 2>"$scratch/err") || status=$?

fail() {
  echo "--- standard output (end)" >&2; tail -n 15 "$scratch/out" >&2
  echo "--- standard error (end)" >&2; tail -n 25 "$scratch/err" >&2
  echo "check-main-job: FAILED: $*" >&2
  exit 1
}
[ "$status" -eq 0 ] || fail "releng/run-demo.sh exited with $status"
grep -q '^Shadowbench demo guest' "$scratch/out" || fail "the demo guest's banner is missing"
grep -Eq '^demo: [1-9][0-9]* passed, 0 failed' "$scratch/out" || fail "the demo guest's own checks did not all pass"
grep -q 'demo.elf exited with code 0' "$scratch/err" || fail "the demo guest did not exit through the shutdown port"
grep -q 'consistency: page model, handler registry, pool and CPU caches all clean' "$scratch/err" || fail "the consistency checkers were not clean"
echo "check-main-job: releng/run-demo.sh ran the demo guest to its end: $(grep -E '^demo: ' "$scratch/out")"
