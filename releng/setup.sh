# Sourced by the releng scripts: installs what Shadowbench needs on a Debian machine and picks a JDK.
# shellcheck shell=bash

shadowbench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../.mvn/wrapper/jdk.sh
. "$shadowbench_root/.mvn/wrapper/jdk.sh"

# Installs the Debian packages named as arguments when their files are missing.
# Each argument is package:probe, where probe is a command name or a shared library file name.
shadowbench_require_packages() {
  local missing=() spec package probe
  for spec in "$@"; do
    package=${spec%%:*}
    probe=${spec#*:}
    case "$probe" in
      *.so*) ldconfig -p 2>/dev/null | grep -F "$probe" >/dev/null || missing+=("$package") ;; # not grep -q: an early exit would fail the pipe (pipefail)
      *) command -v "$probe" >/dev/null 2>&1 || missing+=("$package") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Shadowbench needs these Debian packages: ${missing[*]} (install them with apt-get as root)." >&2
    return 1
  fi
  echo "Installing ${missing[*]} ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# Starts a virtual X display for SWT when none is set; it ends with the calling shell.
shadowbench_ensure_display() {
  [ -n "${DISPLAY:-}" ] && return 0
  local display=:$((90 + RANDOM % 400))
  Xvfb "$display" -screen 0 1600x1200x24 -nolisten tcp >/dev/null 2>&1 &
  shadowbench_xvfb_pid=$!
  trap 'kill "$shadowbench_xvfb_pid" 2>/dev/null || true' EXIT
  export DISPLAY=$display
  local waited=0
  until xdpyinfo_probe "$display" || [ $waited -ge 50 ]; do sleep 0.1; waited=$((waited + 1)); done
}

# True once the X server answers (checked through its socket; xdpyinfo may be absent).
xdpyinfo_probe() {
  [ -S "/tmp/.X11-unix/X${1#:}" ]
}
