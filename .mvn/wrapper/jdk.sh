# Sourced by mvnw and the releng scripts: picks a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME when it is recent enough, then every JDK under /usr/lib/jvm (newest first),
# then the java on PATH. Stops with a clear message when none qualifies.

shadowbench_java_major() {
  # Prints the major version of the java binary given as $1, or nothing. A JDK's "release" file names
  # its version; reading it in the shell itself saves starting a JVM (a tenth of a second or more) and
  # any other process on every runner start.
  local home=${1%/*} line
  home=${home%/*}
  if [ -r "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=\"[0-9]*)
          line=${line#JAVA_VERSION=\"}
          echo "${line%%[!0-9]*}"
          return 0
          ;;
      esac
    done <"$home/release"
  fi
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

shadowbench_jdk_qualifies() {
  # Whether $1 is a JDK (java and javac) of version $2 or newer.
  local major
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  major=$(shadowbench_java_major "$1/bin/java")
  [ -n "$major" ] && [ "$major" -ge "$2" ]
}

shadowbench_select_jdk() {
  local required=21 candidate
  # The common case, a JAVA_HOME that qualifies, is settled before any other JDK is looked for.
  if [ -n "${JAVA_HOME:-}" ] && shadowbench_jdk_qualifies "$JAVA_HOME" "$required"; then
    export JAVA_HOME
    return 0
  fi
  local -a candidates=()
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done \
      < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d | sort -rV)
  fi
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    if shadowbench_jdk_qualifies "$candidate" "$required"; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "Shadowbench needs a JDK $required or newer (java and javac) and found none." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK, or point JAVA_HOME at it." >&2
  return 1
}
