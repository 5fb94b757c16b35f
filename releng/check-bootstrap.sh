#!/usr/bin/env bash
# CI guard for the Maven wrapper: bootstraps Maven from nothing and checks the version it reports.
#
# Runs ./mvnw --version with an empty, temporary HOME (so an empty local repository, $HOME/.m2/repository)
# and Maven user home, first
# from the project's root (where an older Maven would read .mvn/extensions.xml and fail), then from
# another directory through an absolute path. Only the Maven distribution and the plugin that copies
# it are fetched, never the build's dependencies.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
expected=3.9.11
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shadowbench-bootstrap.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/elsewhere"

check() {
  local where=$1 output
  if ! output=$(cd "$where" && env HOME="$scratch/home" MAVEN_USER_HOME="$scratch/m2" "$root/mvnw" --version 2>&1); then
    printf '%s\n' "$output" | tail -n 20 >&2
    echo "check-bootstrap: FAILED: ./mvnw --version exited non-zero when started in $where" >&2
    exit 1
  fi
  if ! grep -q "^Apache Maven $expected " <<<"$output"; then
    printf '%s\n' "$output" | tail -n 20 >&2
    echo "check-bootstrap: FAILED: ./mvnw --version in $where did not report Apache Maven $expected" >&2
    exit 1
  fi
}

check "$root"
check "$scratch/elsewhere"
[ -x "$scratch/m2/wrapper/dists/apache-maven-$expected/bin/mvn" ] \
  || { echo "check-bootstrap: FAILED: Maven $expected was not unpacked under the given MAVEN_USER_HOME" >&2; exit 1; }
[ -d "$scratch/home/.m2/repository/org/apache/maven/plugins/maven-dependency-plugin" ] \
  || { echo "check-bootstrap: FAILED: the bootstrap did not use the local repository under HOME" >&2; exit 1; }
echo "check-bootstrap: the wrapper bootstrapped Maven $expected from an empty Maven home and local repository"
