#!/usr/bin/env bash
# Builds Shadowbench and runs its main job on the bundled demo guest: in the workbench product
# (releng/run-workbench.sh: the demo loaded and paused in the Machines view) when there is a display,
# else in the headless runner, which boots the demo to its end.
#   releng/run-demo.sh               workbench with a display, headless runner without
#   releng/run-demo.sh --headless    always the headless runner (also SHADOWBENCH_HEADLESS=1)
# Other arguments replace the headless runner's default command, e.g.  releng/run-demo.sh layout --ram 6G
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
headless=${SHADOWBENCH_HEADLESS:-0}
if [ "${1:-}" = --headless ]; then
  headless=1
  shift
fi
if [ $# -eq 0 ] && [ "$headless" != 1 ]; then
  if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    echo "run-demo: opening the workbench product on the demo guest (loaded and paused: press Run in the Machines view); --headless runs the headless runner instead." >&2
    exec "$shadowbench_root/releng/run-workbench.sh"
  fi
  echo "run-demo: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the demo runs in the headless runner." >&2
fi
shadowbench_select_jdk
cd "$shadowbench_root"
./mvnw -B -q -DskipTests package -pl bundles/org.shadowbench.cli -am
if [ $# -eq 0 ]; then
  set -- run "$shadowbench_root/bundles/org.shadowbench.guests/guests/demo.elf" --ram 64M --info pool
fi
exec "$shadowbench_root/releng/bin/shadowbench" "$@"
