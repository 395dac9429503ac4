#!/usr/bin/env bash
# Installs the real daemons the integration tests use (Incus, dnsmasq, Caddy), busybox-static
# (for the test image) and debootstrap (for the Docker-in-Incus image). Idempotent: when everything is installed it only runs dpkg-query.
#
#   scripts/install-daemons.sh
#
# Debian bookworm (root): adds bookworm-backports (deb822, /etc/apt/sources.list.d/bookworm-backports.sources)
# and installs, with --no-install-recommends:
#   -t bookworm-backports: incus-base incus-client dnsmasq-base
#   bookworm:              caddy busybox-static debootstrap
# Debian trixie or newer: everything comes from the release itself (incus is in main there).
# Not root, or not Debian: prints what is missing and exits 0 (the tests then skip, or fail when
# GETBOT_REQUIRE_REAL=1).
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export DEBIAN_FRONTEND=noninteractive

BACKPORTS_PKGS=(incus-base incus-client dnsmasq-base)
MAIN_PKGS=(caddy busybox-static debootstrap)
BACKPORTS_FILE=/etc/apt/sources.list.d/bookworm-backports.sources

say() { echo "install-daemons: $*" >&2; }

installed() { # pkg -> 0 when dpkg says "install ok installed"
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)" = "ii " ]
}

missing_of() { # pkgs... -> prints the missing ones
  local p out=()
  for p in "$@"; do
    if command -v dpkg-query >/dev/null 2>&1; then
      installed "$p" || out+=("$p")
    else
      out+=("$p")
    fi
  done
  echo "${out[*]:-}"
}

missing_bpo="$(missing_of "${BACKPORTS_PKGS[@]}")"
missing_main="$(missing_of "${MAIN_PKGS[@]}")"
if [ -z "$missing_bpo" ] && [ -z "$missing_main" ]; then
  say "all installed: ${BACKPORTS_PKGS[*]} ${MAIN_PKGS[*]}"
  exit 0
fi
say "missing packages: ${missing_bpo} ${missing_main}"

os_id=""; codename=""
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  os_id="$(. /etc/os-release && echo "${ID:-}")"
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
fi
if [ "$os_id" != debian ] || ! command -v apt-get >/dev/null 2>&1; then
  say "not Debian (ID=${os_id:-unknown}); install these yourself: incus (daemon + client), dnsmasq, caddy, busybox (static), debootstrap"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "not root; as root run: $0   (or: apt-get install ${missing_bpo} ${missing_main})"
  exit 0
fi

apt_install() { apt-get install -y --no-install-recommends "$@"; }

# Keep maintainer scripts from starting services (incus, lxcfs init scripts) during the install:
# scripts/start-incus.sh starts incusd the way the tests need it. Only a policy we created is removed.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# temporary, from getbot-isolation scripts/install-daemons.sh\nexit 101\n' >"$POLICY"
  chmod 0755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

case "$codename" in
  bookworm)
    if [ -n "$missing_bpo" ]; then
      added=
      if ! grep -qsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources; then
        [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] \
          || { apt-get update; apt_install debian-archive-keyring; }
        say "adding $BACKPORTS_FILE"
        cat >"$BACKPORTS_FILE" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        added=1
      fi
      apt-get update
      # shellcheck disable=SC2086  # word splitting of the package list is intended
      apt_install -t bookworm-backports ${missing_bpo}
      [ -z "$added" ] || say "bookworm-backports enabled"
    fi
    if [ -n "$missing_main" ]; then
      [ -n "$missing_bpo" ] || apt-get update
      # shellcheck disable=SC2086
      apt_install ${missing_main}
    fi
    ;;
  *)
    # trixie and later carry incus in the release itself.
    apt-get update
    # shellcheck disable=SC2086
    apt_install ${missing_bpo} ${missing_main}
    ;;
esac

still="$(missing_of "${BACKPORTS_PKGS[@]}" "${MAIN_PKGS[@]}")"
if [ -n "$still" ]; then
  say "ERROR: still missing after install: $still"
  exit 1
fi
say "installed: ${missing_bpo} ${missing_main}"
