#!/usr/bin/env bash
# The p2 install test (issue 14): installs the update site (releng/org.shadowbench.site/target/repository)
# with the p2 director into a copy of a plain Eclipse IDE built from the target platform
# (product org.shadowbench.plainide of releng/org.shadowbench.product), then starts that IDE on the
# Shadowbench perspective with the demo guest loaded, and asks its OSGi console whether every bundle of
# the feature resolved, starts and is ACTIVE, and whether the Machines view launched the demo machine.
# Run by the product module's integration-test phase (so by releng/run-tests.sh); needs both modules
# built. Works in releng/org.shadowbench.product/target/p2-install-test and leaves its logs there.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
root=$shadowbench_root
site=$root/releng/org.shadowbench.site/target/repository
plain=$root/releng/org.shadowbench.product/target/products/org.shadowbench.plainide/linux/gtk/x86_64/plain-ide
work=$root/releng/org.shadowbench.product/target/p2-install-test
feature=org.shadowbench.feature
started=$(date +%s)

say() { echo "check-p2-install: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

[ -f "$site/content.jar" ] || [ -f "$site/content.xml" ] || [ -f "$site/content.xml.xz" ] \
  || fail "no update site at $site (build releng/org.shadowbench.site first)."
[ -d "$plain/plugins" ] || fail "no plain IDE at $plain (build releng/org.shadowbench.product first)."
shadowbench_select_jdk
shadowbench_require_packages xvfb:Xvfb libgtk-3-0:libgtk-3.so.0
shadowbench_ensure_display

rm -rf "$work"
mkdir -p "$work"
cp -a "$plain" "$work/ide"
ide=$work/ide
launcher=$(ls "$ide"/plugins/org.eclipse.equinox.launcher_*.jar 2>/dev/null | head -n 1 || true)
[ -n "$launcher" ] || fail "the plain IDE has no Equinox launcher jar."
java_args=()
if [ "$(shadowbench_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  java_args+=(--enable-native-access=ALL-UNNAMED)
fi

# 1. Install the feature into the IDE's own profile, as Help > Install New Software does.
say "installing $feature.feature.group from $site with the p2 director"
if ! (cd "$ide" && timeout 300 "$JAVA_HOME/bin/java" "${java_args[@]}" -jar "$launcher" -nosplash -consoleLog \
    -data "$work/director-workspace" -application org.eclipse.equinox.p2.director \
    -repository "file:$site" -installIU "$feature.feature.group") >"$work/director.log" 2>&1; then
  grep -v -E '^\s+at |bouncycastle|bcpg|sha-1' "$work/director.log" | tail -n 8 >&2 || true
  fail "the p2 director could not install the update site (log: $work/director.log)."
fi
grep -q 'Operation completed' "$work/director.log" || fail "the p2 director did not report a completed install (log: $work/director.log)."
expected=$(grep -o '<plugin id="[^"]*"' "$root/features/$feature/feature.xml" | sed 's/<plugin id="//; s/"$//' | sort)
for bundle in $expected; do
  ls "$ide/plugins/${bundle}_"*.jar >/dev/null 2>&1 || fail "bundle $bundle was not installed into the IDE's plugins."
done
grep -q "org.shadowbench.ui," "$ide/configuration/org.eclipse.equinox.simpleconfigurator/bundles.info" \
  || fail "the IDE's bundles.info does not list org.shadowbench.ui after the install."
say "installed $(echo "$expected" | wc -l) bundles in $(( $(date +%s) - started )) s; starting the IDE"

# 2. Start the IDE on the Shadowbench perspective with the demo guest, its OSGi console on a pipe.
printf 'org.eclipse.ui/defaultPerspectiveId=org.shadowbench.ui.perspective\n' >"$work/customization.ini"
mkfifo "$work/console.in"
(cd "$ide" && exec timeout 240 "$JAVA_HOME/bin/java" "${java_args[@]}" -Dshadowbench.launch=bundled:demo \
  -jar "$launcher" -nosplash -consoleLog -console -data "$work/workspace" \
  -pluginCustomization "$work/customization.ini") <"$work/console.in" >"$work/ide.log" 2>&1 &
ide_pid=$!
exec 3>"$work/console.in"
stop_ide() {
  echo "close" >&3 2>/dev/null || true
  exec 3>&- || true
  local waited=0
  while kill -0 "$ide_pid" 2>/dev/null && [ $waited -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
  kill "$ide_pid" 2>/dev/null || true
  wait "$ide_pid" 2>/dev/null || true
}
console() { echo "$*" >&3; }

# Waits until the Machines view has launched the demo machine (its session is an OSGi service).
waited=0
until grep -q 'shadowbench.machine.name=demo' "$work/ide.log"; do
  if ! kill -0 "$ide_pid" 2>/dev/null; then
    tail -n 15 "$work/ide.log" >&2
    fail "the IDE ended before the demo machine appeared (log: $work/ide.log)."
  fi
  if [ $waited -ge 120 ]; then
    stop_ide
    fail "no demo machine after 120 s: the Shadowbench views did not open or could not launch it (log: $work/ide.log)."
  fi
  console "services (objectClass=org.shadowbench.ui.MachineSession)"
  sleep 3
  waited=$((waited + 3))
done
command -v import >/dev/null 2>&1 && import -window root "$work/installed-ide.png" 2>/dev/null || true

# States of the feature's bundles, from an `ss` answer written after byte offset $1 of the log. The
# feature also carries a bundle that is not Shadowbench's own (SWTChart), so the whole list is asked
# for and filtered by the feature's bundle names.
states_after() {
  tail -c +"$(( $1 + 1 ))" "$work/ide.log" | grep -E '^[0-9]+[[:space:]]+[A-Z<>]+[[:space:]]+[^[:space:]]+_' \
    | awk -v want="$(echo $expected)" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
        { split($3, name, "_"); if (name[1] in keep) print $1, $2, name[1] }'
}
ask_states() {
  local offset
  offset=$(wc -c <"$work/ide.log")
  console "ss"
  local tries=0
  while [ $tries -lt 20 ]; do
    sleep 1
    tries=$((tries + 1))
    [ "$(states_after "$offset" | wc -l)" -ge "$(echo "$expected" | wc -l)" ] && break
  done
  states_after "$offset"
}

before=$(ask_states)
ids=$(echo "$before" | awk '{ print $1 }' | tr '\n' ' ')
[ -n "${ids// /}" ] || { stop_ide; fail "the OSGi console listed no org.shadowbench bundles (log: $work/ide.log)."; }
console "start $ids"
sleep 3
after=$(ask_states)
stop_ide

problems=()
for bundle in $expected; do
  state=$(echo "$after" | awk -v b="$bundle" '$3 == b { print $2 }' | head -n 1)
  if [ -z "$state" ]; then
    problems+=("$bundle is not installed in the running IDE")
  elif [ "$state" != ACTIVE ]; then
    problems+=("$bundle is $state (before the start command: $(echo "$before" | awk -v b="$bundle" '$3 == b { print $2 }'))")
  fi
done
if [ ${#problems[@]} -gt 0 ]; then
  printf '  %s\n' "${problems[@]}" >&2
  fail "not every Shadowbench bundle started in the installed IDE (log: $work/ide.log)."
fi
if grep -q '^!ENTRY org\.shadowbench' "$work/workspace/.metadata/.log" 2>/dev/null; then
  grep -A2 '^!ENTRY org\.shadowbench' "$work/workspace/.metadata/.log" | head -n 12 >&2
  fail "the installed Shadowbench bundles logged errors (log: $work/workspace/.metadata/.log)."
fi
say "OK: p2 director installed the update site into a plain IDE; $(echo "$expected" | wc -l) Shadowbench bundles ACTIVE, the views launched the demo machine ($(( $(date +%s) - started )) s)."
