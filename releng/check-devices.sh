#!/usr/bin/env bash
# Checks that the lists a new bundle must join agree with the standard PC (docs/DEVICES.md): every
# bundle on the headless runner's class path (the closure of the cli's imports, so every device that
# StandardPc attaches) is a module of the build (bundles/pom.xml) and a plugin of the feature that
# the workbench product and the p2 install carry (features/org.shadowbench.feature/feature.xml).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
missing=0
while IFS= read -r bundle; do
  if ! grep -q "<module>$bundle</module>" "$root/bundles/pom.xml"; then
    echo "check-devices: $bundle is not a module in bundles/pom.xml" >&2
    missing=1
  fi
  if ! grep -q "<plugin id=\"$bundle\"" "$root/features/org.shadowbench.feature/feature.xml"; then
    echo "check-devices: $bundle is not a plugin of features/org.shadowbench.feature/feature.xml" >&2
    missing=1
  fi
done < <(SHADOWBENCH_PRINT_CLASSPATH=1 "$root/releng/bin/shadowbench")
if [ "$missing" -ne 0 ]; then
  echo "check-devices: FAILED (see docs/DEVICES.md)" >&2
  exit 1
fi
echo "check-devices: the runner's bundles are all built and all in the feature"
