#!/usr/bin/env bash
# The views benchmark of issue 13 (docs/PERFORMANCE.md): a 4 GiB guest with a 16k-page pool (the bundled
# fork benchmark, or xv6 running usertests when asked and ../shared/guests holds it), its MIPS with every
# Shadowbench view closed and open in alternating windows, then each view's refresh-and-paint time on
# the UI thread. Under Xvfb unless DISPLAY is set. Numbers: bundles/org.shadowbench.ui.tests/target/views-benchmark.txt
#
#   releng/run-views-benchmark.sh [WINDOW_MS] [ROUNDS] [demo|xv6]     defaults 8000, 3, demo
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$shadowbench_root"
shadowbench_require_packages xvfb:Xvfb libgtk-3-0:libgtk-3.so.0
shadowbench_ensure_display
window=${1:-8000}
rounds=${2:-3}
guest=${3:-demo}
offline=-o
[[ -n "${BENCHMARK_ONLINE:-}" ]] && offline=
./mvnw -B $offline verify -pl bundles/org.shadowbench.ui.tests -am -Dtest=ViewsBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false \
    -Dshadowbench.benchmark.views=true -Dshadowbench.benchmark.window="$window" -Dshadowbench.benchmark.rounds="$rounds" \
    -Dshadowbench.benchmark.guest="$guest"
echo
cat bundles/org.shadowbench.ui.tests/target/views-benchmark.txt
