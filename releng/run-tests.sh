#!/usr/bin/env bash
# Runs the whole build with every test, as CI does. Extra arguments go to Maven, e.g.
#   releng/run-tests.sh -Dshadowbench.test.scale=100     (longer randomized runs)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
shadowbench_require_packages xvfb:Xvfb libgtk-3-0:libgtk-3.so.0
shadowbench_select_jdk
shadowbench_ensure_display
cd "$shadowbench_root"
./mvnw -B clean verify "$@"
