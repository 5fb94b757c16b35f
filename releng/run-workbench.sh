#!/usr/bin/env bash
# Starts the Shadowbench workbench product (releng/org.shadowbench.product) on this display, with the
# bundled demo guest loaded and paused in the Machines view. Builds the product first when it is missing
# or older than the sources.
#   releng/run-workbench.sh [-o] [--rebuild] [--no-demo] [Eclipse arguments...]
#   -o          build offline (Maven's -o)
#   --rebuild   build even when the product looks current
#   --no-demo   start with no machine
# The workspace is $SHADOWBENCH_WORKSPACE (default ~/.shadowbench/workspace).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

maven_args=()
rebuild=0
launch=bundled:demo
while [ $# -gt 0 ]; do
  case "$1" in
    -o) maven_args+=(-o) ;;
    --rebuild) rebuild=1 ;;
    --no-demo) launch= ;;
    *) break ;;
  esac
  shift
done

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-workbench: there is no display (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop session or under xvfb-run, or use releng/run-demo.sh for the headless runner." >&2
  exit 2
fi
shadowbench_require_packages libgtk-3-0:libgtk-3.so.0
shadowbench_select_jdk

product=$shadowbench_root/releng/org.shadowbench.product/target/products/org.shadowbench.workbench/linux/gtk/x86_64/shadowbench
stamp=$product/configuration/config.ini

# True when some source of the product changed after it was materialized.
workbench_outdated() {
  [ -f "$stamp" ] || return 0
  local newer
  newer=$(cd "$shadowbench_root" && find bundles features target-platform releng/org.shadowbench.product pom.xml \
    \( -name target -o -name bin \) -prune -o -type f -newer "$stamp" -print -quit)
  [ -n "$newer" ]
}

if [ "$rebuild" -eq 1 ] || workbench_outdated; then
  echo "run-workbench: building the workbench product (a minute or two) ..." >&2
  log=$(mktemp "${TMPDIR:-/tmp}/shadowbench-workbench-build.XXXXXX")
  if ! (cd "$shadowbench_root" && ./mvnw -B "${maven_args[@]}" -DskipTests package -pl releng/org.shadowbench.product -am) >"$log" 2>&1; then
    grep -E '^\[ERROR\]' "$log" | grep -v -E 'Re-run Maven|full stack trace|Help 1|^\[ERROR\] *$|following articles|resume the build|mvn <args>' | head -n 8 >&2 || true
    echo "run-workbench: the product build failed (whole log: $log)." >&2
    exit 1
  fi
  rm -f "$log"
fi

launcher=$(ls "$product"/plugins/org.eclipse.equinox.launcher_*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$launcher" ]; then
  echo "run-workbench: the product has no Equinox launcher jar under $product/plugins; rebuild with --rebuild." >&2
  exit 1
fi

workspace=${SHADOWBENCH_WORKSPACE:-$HOME/.shadowbench/workspace}
mkdir -p "$workspace"
# The JIT threshold the headless runner uses (releng/bin/shadowbench): a guest loop inside a compiled block
# is compiled after 2,000 iterations instead of 60,000 (docs/PERFORMANCE.md); the product's vmArgs say the same.
vm_args=(-Xmx2g -XX:Tier3BackEdgeThreshold=2000)
[ -n "$launch" ] && vm_args+=("-Dshadowbench.launch=$launch")
# SWT and the launcher load native code; JDK 24+ asks for this to be allowed explicitly.
if [ "$(shadowbench_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  vm_args+=(--enable-native-access=ALL-UNNAMED)
fi
cd "$product"
exec "$JAVA_HOME/bin/java" "${vm_args[@]}" -jar "$launcher" -nosplash -consoleLog -data "$workspace" "$@"
