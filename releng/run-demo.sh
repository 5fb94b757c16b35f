#!/usr/bin/env bash
# Builds Shadowbench and runs its main job: the headless runner on the bundled demo guest.
# Arguments replace the default command, e.g.  releng/run-demo.sh layout --ram 6G
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
shadowbench_select_jdk
cd "$shadowbench_root"
./mvnw -B -q -DskipTests package -pl bundles/org.shadowbench.cli -am
if [ $# -eq 0 ]; then
  set -- run "$shadowbench_root/bundles/org.shadowbench.guests/guests/demo.elf" --ram 64M --info pool
fi
exec "$shadowbench_root/releng/bin/shadowbench" "$@"
