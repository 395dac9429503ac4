#!/usr/bin/env bash
# Runs all tests: ./scripts/test.sh [extra mvn args...]
#
# 1. As root: installs the real daemons (scripts/install-daemons.sh) and starts incusd
#    (scripts/start-incus.sh). Not root: skipped; whatever is already running is used.
# 2. Builds the busybox test image into the cache (scripts/build-test-image.sh).
# 3. Builds the Docker-in-Incus image into the cache (scripts/build-docker-image.sh: root; minutes when the
#    cache is cold, well under a second when it is up to date).
# 4. Runs `mvn -B -ntp verify "$@"`.
#
# Environment exported to the tests:
#   GETBOT_TEST_IMAGE              absolute path of the unified image tarball (set only if it was built)
#   GETBOT_TEST_IMAGE_FINGERPRINT  its SHA-256 = the fingerprint Incus gives it on import (same condition)
#   GETBOT_DOCKER_IMAGE            absolute path of the Docker-in-Incus image tarball (set only if it was built)
#   GETBOT_DOCKER_IMAGE_FINGERPRINT  its SHA-256 / Incus fingerprint (same condition)
#   GETBOT_CACHE                   cache dir used (default /var/cache/getbot-isolation, or
#                                  ${XDG_CACHE_HOME:-~/.cache}/getbot-isolation when that is not writable)
#   GETBOT_INCUS_SOCKET            Incus unix socket (INCUS_SOCKET, default /var/lib/incus/unix.socket)
#   GETBOT_REQUIRE_REAL            passed through unchanged (.ci/run sets 1): missing daemons fail instead of skip
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${PATH:-/usr/bin:/bin}:/usr/sbin:/sbin"

say() { echo "test.sh: $*" >&2; }
require_real() { [ "${GETBOT_REQUIRE_REAL:-0}" = 1 ]; }
problem() { # message -> fatal with GETBOT_REQUIRE_REAL=1, a warning otherwise
  if require_real; then say "ERROR: $* (GETBOT_REQUIRE_REAL=1)"; exit 1; fi
  say "warning: $* (the tests that need it will be skipped)"
}

export GETBOT_INCUS_SOCKET="${INCUS_SOCKET:-/var/lib/incus/unix.socket}"

# --- daemons ---------------------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
  scripts/install-daemons.sh || problem "scripts/install-daemons.sh failed"
  scripts/start-incus.sh || problem "scripts/start-incus.sh failed"
fi
if ! INCUS_SOCKET="$GETBOT_INCUS_SOCKET" scripts/start-incus.sh --check 2>/dev/null; then
  problem "no Incus daemon answers on $GETBOT_INCUS_SOCKET"
fi
command -v caddy >/dev/null 2>&1 || problem "caddy is not installed"

# --- images ----------------------------------------------------------------------------------------
cache="${GETBOT_CACHE:-/var/cache/getbot-isolation}"
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/getbot-isolation"
  mkdir -p "$cache"
fi
export GETBOT_CACHE="$cache"

# build_image SCRIPT TARBALL VAR WHY: runs scripts/SCRIPT into the cache; exports VAR (the tarball's path) and
# VAR_FINGERPRINT (its SHA-256 = Incus fingerprint), or unsets both and reports WHY as a problem.
build_image() {
  local t0
  t0=$(date +%s)
  if "scripts/$1" "$cache"; then
    export "$3=$cache/$2" "$3_FINGERPRINT=$(cat "$cache/$2.sha256")"
    say "$3=$cache/$2 (fingerprint $(cat "$cache/$2.sha256"), $(($(date +%s) - t0)) s)"
  else
    unset "$3" "$3_FINGERPRINT"
    problem "$4"
  fi
}
build_image build-test-image.sh getbot-busybox.tar.gz GETBOT_TEST_IMAGE \
  "could not build the test image (is busybox-static installed?)"
# Docker-in-Incus: debootstrap + apt from Debian's mirrors, about 2 minutes when the cache is cold.
build_image build-docker-image.sh getbot-docker.tar.gz GETBOT_DOCKER_IMAGE \
  "could not build the Docker image (scripts/build-docker-image.sh needs root, debootstrap and Debian's mirrors)"

# --- tests -----------------------------------------------------------------------------------------
exec mvn -B -ntp verify "$@"
