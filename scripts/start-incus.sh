#!/usr/bin/env bash
# Makes sure an Incus daemon answers on /var/lib/incus/unix.socket. Idempotent, no systemd needed.
#
#   scripts/start-incus.sh           start it if needed
#   scripts/start-incus.sh --check   only tell: exit 0 if it answers, 1 if not
#
# - If the socket already answers: prints the server version and exits 0 (nothing else is touched).
# - Otherwise (root only): prepares what incusd needs, starts `/usr/libexec/incus/incusd --group root`
#   detached (own session, stdio on /var/log/incusd-getbot.log, no inherited fds, so a CI job that
#   ends does not wait for it), then `incus admin waitready --timeout=60`.
# - Not root, or Incus not installed: prints why and exits 0 (tests skip, or fail when
#   GETBOT_REQUIRE_REAL=1). A root start that fails exits 1 and prints the daemon log.
#
# It does NOT run `incus admin init`: the SDK and its tests create their own bridge and storage pool.
#
# Environment:
#   INCUS_SOCKET            socket to probe (default /var/lib/incus/unix.socket)
#   GETBOT_INCUSD_LOG       daemon log (default /var/log/incusd-getbot.log)
#   GETBOT_INCUSD_PROXY     HTTP(S) proxy given to incusd (default http://127.0.0.1:9, a closed loopback port):
#                           keeps incusd's own background fetches (instance-types index from
#                           images.linuxcontainers.org) on loopback. Set to "" to pass none.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
SOCKET="${INCUS_SOCKET:-/var/lib/incus/unix.socket}"
INCUSD="${GETBOT_INCUSD:-/usr/libexec/incus/incusd}"
LOG="${GETBOT_INCUSD_LOG:-/var/log/incusd-getbot.log}"
PIDFILE="/run/incusd-getbot.pid"
PROXY="${GETBOT_INCUSD_PROXY-http://127.0.0.1:9}"

say() { echo "start-incus: $*" >&2; }

answers() {
  [ -S "$SOCKET" ] || return 1
  if command -v curl >/dev/null 2>&1; then
    timeout 10 curl -sf -o /dev/null --unix-socket "$SOCKET" http://incus/1.0
  else
    INCUS_SOCKET="$SOCKET" timeout 10 incus query /1.0 >/dev/null 2>&1
  fi
}

version() {
  INCUS_SOCKET="$SOCKET" timeout 10 incus version 2>/dev/null | tr '\n' ' ' || true
}

if [ "${1:-}" = --check ]; then
  answers
  exit
fi

if answers; then
  say "incusd already answers on $SOCKET ($(version))"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "incusd does not answer on $SOCKET (or uid $(id -u) may not use it) and we are not root: not starting it"
  exit 0
fi
if [ ! -x "$INCUSD" ] || ! command -v incus >/dev/null 2>&1; then
  say "incus is not installed ($INCUSD / incus missing; run scripts/install-daemons.sh): not starting it"
  exit 0
fi

# A live (not zombie) process; PID 1 of a CI container may be slow to reap a killed daemon.
alive() {
  local st
  st="$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
show_log() { # the daemon log since our last start marker
  say "last lines of $LOG:"
  awk '/^=== start-incus: /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$LOG" 2>/dev/null | tail -n 30 >&2 || true
}

# An incusd that runs but does not answer (e.g. still starting) gets the chance to finish.
running_pid=""
incusd_real="$(readlink -f "$INCUSD")"
for pid in $(cat "$PIDFILE" 2>/dev/null) $(pgrep -x incusd 2>/dev/null); do
  if alive "$pid" && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$incusd_real" ]; then
    running_pid="$pid"
    break
  fi
done

if [ -z "$running_pid" ]; then
  # --- prerequisites -----------------------------------------------------------------------------
  # cgroups: incusd/liblxc need a mounted cgroup hierarchy (v1, hybrid or v2).
  if ! grep -qE '^[^ ]+ /sys/fs/cgroup(/[^ ]*)? (cgroup|cgroup2) ' /proc/mounts; then
    say "no cgroup filesystem mounted; mounting cgroup2 on /sys/fs/cgroup"
    mkdir -p /sys/fs/cgroup
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || say "WARNING: could not mount cgroup2"
  fi
  # /dev/shm and /run are expected by liblxc / incusd.
  mkdir -p /run /var/lib/incus /var/log/incus /var/cache/incus
  chmod 0711 /var/lib/incus 2>/dev/null || true
  # Unprivileged containers need root's subordinate id ranges (the package's postinst normally adds them).
  for f in /etc/subuid /etc/subgid; do
    if ! grep -q '^root:' "$f" 2>/dev/null; then
      say "adding root:1000000:1000000000 to $f"
      echo "root:1000000:1000000000" >>"$f"
    fi
  done
  # The bridge needs IPv4 forwarding for NAT; incusd sets it itself, this is only a hint if /proc/sys is ro.
  [ -w /proc/sys/net/ipv4/ip_forward ] || say "WARNING: /proc/sys is read-only; bridge NAT may not work"
  for tool in dnsmasq nft ip; do
    command -v "$tool" >/dev/null 2>&1 || say "WARNING: '$tool' not found in PATH; managed bridges may fail"
  done

  # A socket left by a killed daemon is harmless (incusd replaces a socket nobody listens on).
  say "starting $INCUSD --group root (log: $LOG)"
  echo "=== start-incus: $(date -u +%Y-%m-%dT%H:%M:%SZ) starting $INCUSD --group root" >>"$LOG"
  (
    cd /
    # Do not hand any of our fds (a CI runner's pipes, etc.) to the long-lived daemon.
    for fd in "/proc/$BASHPID/fd"/*; do
      fd="${fd##*/}"
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    # What the packaged init script does: many fds (one per container console/log/...), no nproc cap.
    ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    ulimit -u unlimited 2>/dev/null || true
    export PATH="/usr/libexec/incus:$PATH"
    if [ -n "$PROXY" ]; then
      export HTTPS_PROXY="$PROXY" https_proxy="$PROXY" HTTP_PROXY="$PROXY" http_proxy="$PROXY"
      export NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1"
    fi
    exec setsid nohup "$INCUSD" --group root </dev/null >>"$LOG" 2>&1
  ) &
  running_pid=$!
  echo "$running_pid" >"$PIDFILE"
  disown "$running_pid" 2>/dev/null || true
else
  say "incusd (pid $running_pid) is running but not answering yet; waiting for it"
fi

start=$(date +%s)
# Fail fast if the daemon dies during startup instead of waiting for the whole timeout.
until answers; do
  if ! alive "$running_pid"; then
    say "incusd (pid $running_pid) exited during startup"
    show_log
    exit 1
  fi
  if [ $(( $(date +%s) - start )) -ge 60 ]; then
    break
  fi
  sleep 0.2
done
if ! incus admin waitready --timeout=60 || ! answers; then
  say "incusd did not become ready within 60 s"
  show_log
  exit 1
fi
say "incusd ready after $(( $(date +%s) - start )) s (pid $running_pid, $(version))"
