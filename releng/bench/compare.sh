#!/usr/bin/env bash
# Runs the benchmark guests on Shadowbench, QEMU (TCG, default and -d nochain) and Bochs, and prints
# wall-clock times, each the best of $RUNS runs (default 3). The boot cost of each emulator (measured
# with the "empty" guest) is printed too, so that ratios can be taken on the guest's own work.
# Installs qemu-system-x86, bochs (with its X display, run under Xvfb) and GRUB's rescue-ISO tools
# when they are missing. Usage: releng/bench/compare.sh   (after releng/run-demo.sh has built the runner)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
guests=$root/bundles/org.shadowbench.guests/guests
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT

needed=()
command -v qemu-system-i386 >/dev/null || needed+=(qemu-system-x86)
command -v bochs >/dev/null || needed+=(bochs bochsbios vgabios)
[ -e /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_x_gui.so ] || needed+=(bochs-x)
command -v grub-mkrescue >/dev/null || needed+=(grub-common grub-pc-bin)
command -v xorriso >/dev/null || needed+=(xorriso mtools)
command -v Xvfb >/dev/null || needed+=(xvfb)
if [ ${#needed[@]} -gt 0 ]; then
  echo "installing ${needed[*]}" >&2
  sudo_cmd=; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${needed[@]}" >/dev/null
fi

# best TIME_COMMAND...: the smallest wall-clock seconds of $runs runs
best() {
  local best_time=
  for _ in $(seq "$runs"); do
    local start end t
    start=$(date +%s.%N)
    "$@" >"$work/out" 2>&1 || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best_time" ] || [ "$(echo "$t < $best_time" | bc)" = 1 ]; then best_time=$t; fi
  done
  printf '%.2f' "$best_time"
}

iso() { # iso NAME CMDLINE: a GRUB rescue image booting the guest with its command line
  local dir=$work/iso-$1
  mkdir -p "$dir/boot/grub"
  cp "$guests/$1.elf" "$dir/boot/"
  printf 'set timeout=0\nset default=0\nmenuentry guest {\n  multiboot /boot/%s.elf %s\n  boot\n}\n' "$1" "$2" \
    >"$dir/boot/grub/grub.cfg"
  grub-mkrescue -o "$work/$1.iso" "$dir" >/dev/null 2>&1
}

bochs_run() { # bochs_run NAME
  cat >"$work/bochsrc-$1" <<RC
megs: 128
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$work/$1.iso, status=inserted
boot: cdrom
display_library: x
com1: enabled=1, mode=file, dev=$work/serial-$1
log: /dev/null
speaker: enabled=0
clock: sync=none
RC
  printf 'c\n' | DISPLAY=:97 bochs -q -f "$work/bochsrc-$1"
}

Xvfb :97 -screen 0 800x600x16 >/dev/null 2>&1 & xvfb_pid=$!
sleep 1

printf '%-10s %-28s %12s %12s %12s %12s\n' guest "command line" shadowbench qemu qemu-nochain bochs
for spec in "empty|empty" "cpubench|cpubench" "demo|demo processes=64 rounds=40"; do
  name=${spec%%|*}; cmdline=${spec#*|}
  sb=$(best "$root/releng/bin/shadowbench" run "$guests/$name.elf" --cmdline "$cmdline" --quiet)
  qemu=(qemu-system-i386 -accel tcg -m 128 -nographic -no-reboot -monitor none -serial null
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$guests/$name.elf" -append "$cmdline")
  q=$(best "${qemu[@]}")
  qn=$(best "${qemu[@]}" -d nochain)
  iso "$name" "$cmdline"
  b=$(best bochs_run "$name")
  printf '%-10s %-28s %11ss %11ss %11ss %11ss\n' "$name" "$cmdline" "$sb" "$q" "$qn" "$b"
done
