#!/usr/bin/env bash
# Compares this tree's runner with another built tree's (an earlier commit, say) and with QEMU's TCG
# without block chaining, on one guest: ROUNDS rounds, each running the three one after the other, and
# prints every wall-clock time with the minimum and the median of each. Alternating, many times, is how
# changes of a few percent were told apart on a machine whose speed drifts by a third (see
# docs/PERFORMANCE.md); compare.sh's best of three is for the large differences between emulators.
#
#   releng/bench/alternate.sh OTHER_TREE ROUNDS GUEST.elf 'COMMAND LINE'
#
# OTHER_TREE is a checkout with its runner built (releng/run-demo.sh, or the Maven build of
# bundles/org.shadowbench.cli), e.g. made with: git worktree add ../base <commit>. The command line
# goes to the guest as its multiboot command line in both emulators; QEMU puts the kernel's file name
# before it, so a guest should look up its options by key (the bundled guests do), not by position.
# Set NOCHAIN=0 to leave QEMU out. QEMU is installed when missing.
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $(sed -n '8p' "$0" | sed 's/^# *//')" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
other=$(cd "$1" && pwd)
rounds=$2
guest=$(readlink -f "$3")
cmdline=$4
for tree in "$root" "$other"; do
  if [ ! -x "$tree/releng/bin/shadowbench" ]; then
    echo "alternate: $tree has no releng/bin/shadowbench" >&2
    exit 2
  fi
done
with_qemu=${NOCHAIN:-1}
if [ "$with_qemu" != 0 ] && ! command -v qemu-system-i386 >/dev/null; then
  sudo_cmd=; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq qemu-system-x86 >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# seconds COMMAND...: the wall-clock seconds the command took (its output dropped, its status ignored)
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  printf '%.2f\n' "$(echo "$end - $start" | bc)"
}

# A first run of each runner outside the measurement: it makes the runner's AOT cache after a build.
"$root/releng/bin/shadowbench" run "$root/bundles/org.shadowbench.guests/guests/empty.elf" --quiet >/dev/null 2>&1 || true
"$other/releng/bin/shadowbench" run "$root/bundles/org.shadowbench.guests/guests/empty.elf" --quiet >/dev/null 2>&1 || true

labels=(this other)
[ "$with_qemu" != 0 ] && labels+=(nochain)
for _ in $(seq "$rounds"); do
  seconds "$root/releng/bin/shadowbench" run "$guest" --cmdline "$cmdline" --quiet >>"$work/this"
  seconds "$other/releng/bin/shadowbench" run "$guest" --cmdline "$cmdline" --quiet >>"$work/other"
  if [ "$with_qemu" != 0 ]; then
    seconds qemu-system-i386 -accel tcg -m 128 -nographic -no-reboot -monitor none -serial null \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$guest" -append "$cmdline" -d nochain >>"$work/nochain"
  fi
done

printf '%-8s %8s %8s   %s\n' run min median "all (s)"
for label in "${labels[@]}"; do
  sort -n "$work/$label" >"$work/$label.sorted"
  min=$(head -n 1 "$work/$label.sorted")
  median=$(sed -n "$(( (rounds + 1) / 2 ))p" "$work/$label.sorted")
  printf '%-8s %8s %8s   %s\n' "$label" "$min" "$median" "$(tr '\n' ' ' <"$work/$label")"
done
