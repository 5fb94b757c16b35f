# Sourced by mvnw and the releng scripts: picks a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME when it is recent enough, then every JDK under /usr/lib/jvm (newest first),
# then the java on PATH. Stops with a clear message when none qualifies.

shadowbench_java_major() {
  # Prints the major version of the java binary given as $1, or nothing. A JDK's "release" file names
  # its version; reading it saves starting a JVM (a tenth of a second or more) on every runner start.
  local release major
  release=$(dirname "$(dirname "$1")")/release
  if [ -r "$release" ]; then
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1)
    if [ -n "$major" ]; then
      echo "$major"
      return 0
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

shadowbench_select_jdk() {
  local required=21 candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done \
      < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d | sort -rV)
  fi
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(shadowbench_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$required" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "Shadowbench needs a JDK $required or newer (java and javac) and found none." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK, or point JAVA_HOME at it." >&2
  return 1
}
