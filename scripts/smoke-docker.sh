#!/usr/bin/env bash
# Manual end-to-end check of Docker-in-Incus with the real daemon and the `incus` CLI (not part of
# scripts/test.sh). As root, after scripts/start-incus.sh:
#
#   scripts/smoke-docker.sh [IMAGE_TARBALL]
#
# Without an argument it runs scripts/build-docker-image.sh (cached) and uses its tarball. Then:
# - creates bridge gbdock-br0 (10.198.9.1/24, NAT, no IPv6) and dir pool gbdock-pool, imports the image
#   as gbdock-test;
# - launches gbdock-c1 with --no-profiles: root disk in the pool, eth0 on the bridge with
#   ipv4.address=10.198.9.100 and security.port_isolation=true, limits.cpu=2, limits.memory=3GB,
#   security.nesting=true, security.syscalls.intercept.mknod=true, security.syscalls.intercept.setxattr=true
#   (unprivileged, nothing else);
# - checks: RUNNING with 10.198.9.100 (eth0), hostname = instance name, uid 1000, `docker info` works
#   (prints versions, storage and cgroup driver), the bridge port is isolated;
# - pushes the host's /bin/busybox (busybox-static) in, builds a busybox rootfs inside and
#   `docker import`s it as gbtest/busybox:1 (no registry), `docker run --rm ... echo hello-from-docker`;
# - a compose project (owner uid 1000) with one service running `httpd -f -p 8080` with a health check,
#   port 8080 published on the org container: `docker-compose up -d` until healthy, then the HOST fetches
#   http://10.198.9.100:8080/ and sees the page; `docker-compose down`;
# - prints the timings (image build, create, start -> IP, start -> docker ready, compose up -> healthy).
# Everything it created is deleted on exit, also on failure or Ctrl-C. The only non-loopback address it
# contacts is its own container's. Override names with GBDOCK_BRIDGE, GBDOCK_POOL, GBDOCK_ALIAS,
# GBDOCK_INSTANCE, GBDOCK_NET (x.y.z); GBDOCK_KEEP=1 leaves everything in place for debugging.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

BR="${GBDOCK_BRIDGE:-gbdock-br0}"
POOL="${GBDOCK_POOL:-gbdock-pool}"
ALIAS="${GBDOCK_ALIAS:-gbdock-test}"
INST="${GBDOCK_INSTANCE:-gbdock-c1}"
NET="${GBDOCK_NET:-10.198.9}"
IP="$NET.100"
BUSYBOX="${GETBOT_BUSYBOX:-/bin/busybox}"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
step() { echo "smoke-docker: $*"; }
fail() { echo "smoke-docker: FAIL: $*" >&2; exit 1; }
in_c() { incus exec "$INST" -- "$@"; }

[ "$(id -u)" = 0 ] || fail "run as root"
command -v incus >/dev/null || fail "incus not installed (scripts/install-daemons.sh)"
[ -x "$BUSYBOX" ] || fail "$BUSYBOX not found (apt-get install busybox-static)"
incus query /1.0 >/dev/null 2>&1 || fail "incusd does not answer (scripts/start-incus.sh)"

image="${1:-}"
t_build="(given)"
if [ -z "$image" ]; then
  cache="${GETBOT_CACHE:-/var/cache/getbot-isolation}"
  t=$(now)
  scripts/build-docker-image.sh "$cache"
  t_build="$(secs "$t") s"
  image="$cache/getbot-docker.tar.gz"
fi
[ -s "$image" ] || fail "no image tarball at $image"

fingerprint=""
# A subshell body: its `set +e` does not leak into the script (it also runs before the checks).
cleanup() (
  set +e
  if [ "${GBDOCK_KEEP:-0}" = 1 ]; then
    step "GBDOCK_KEEP=1: leaving $INST, $ALIAS, $POOL, $BR in place"
    exit 0
  fi
  incus delete --force "$INST" >/dev/null 2>&1
  if [ -n "$fingerprint" ]; then incus image delete "$fingerprint" >/dev/null 2>&1; fi
  incus image delete "$ALIAS" >/dev/null 2>&1
  incus storage delete "$POOL" >/dev/null 2>&1
  incus network delete "$BR" >/dev/null 2>&1
  left=""
  incus info "$INST" >/dev/null 2>&1 && left="$left instance:$INST"
  incus image info "$ALIAS" >/dev/null 2>&1 && left="$left image:$ALIAS"
  incus storage show "$POOL" >/dev/null 2>&1 && left="$left pool:$POOL"
  incus network show "$BR" >/dev/null 2>&1 && left="$left network:$BR"
  if [ -n "$left" ]; then
    echo "smoke-docker: WARNING: could not delete:$left" >&2
  else
    step "cleaned up ($INST, $ALIAS, $POOL, $BR)"
  fi
)
trap cleanup EXIT
trap 'exit 130' INT TERM
GBDOCK_KEEP=0 cleanup # leftovers of an earlier run

# --- Incus side --------------------------------------------------------------------------------------
# Bridge creation can race with other instances' veths vanishing at the same moment ("Failed to delete
# bridge children interfaces: ... does not exist"): retry a few times.
for attempt in 1 2 3 4 5; do
  if err="$(incus network create "$BR" ipv4.address="$NET.1/24" ipv4.nat=true ipv6.address=none 2>&1 >/dev/null)"; then
    break
  fi
  incus network delete "$BR" >/dev/null 2>&1 || true
  [ "$attempt" -lt 5 ] || fail "incus network create $BR: $err"
  step "network create attempt $attempt failed ($err); retrying"
  sleep 1
done
incus storage create "$POOL" dir >/dev/null || fail "incus storage create $POOL"
t=$(now); out="$(incus image import -q "$image" --alias "$ALIAS")"
fingerprint="$(incus image info "$ALIAS" | sed -n 's/^Fingerprint: *//p')"
[ -n "$fingerprint" ] || fail "image import: $out"
step "image imported in $(secs "$t") s: ${fingerprint:0:12} ($(du -h "$image" | cut -f1))"

t=$(now)
incus init -q "$ALIAS" "$INST" --no-profiles -s "$POOL" \
  -c limits.cpu=2 -c limits.memory=3GB -c security.nesting=true \
  -c security.syscalls.intercept.mknod=true -c security.syscalls.intercept.setxattr=true >/dev/null 2>&1
incus config device add -q "$INST" eth0 nic network="$BR" name=eth0 ipv4.address="$IP" \
  security.port_isolation=true >/dev/null
t_create="$(secs "$t")"
step "instance created in $t_create s (unpacks the image)"
[ "$(incus config get "$INST" security.privileged)" != true ] || fail "instance is privileged"

t_start=$(now)
incus start "$INST"
t_ip=""; t_docker=""
for _ in $(seq 1 600); do
  if [ -z "$t_ip" ] && [ "$(incus list "$INST" -c s -f csv)" = RUNNING ] \
     && incus list "$INST" -c 4 -f csv | grep -qF "$IP (eth0)"; then
    t_ip="$(secs "$t_start")"
  fi
  if [ -z "$t_docker" ] && in_c docker info >/dev/null 2>&1; then
    t_docker="$(secs "$t_start")"
  fi
  [ -n "$t_ip" ] && [ -n "$t_docker" ] && break
  sleep 0.2
done
[ -n "$t_ip" ] || fail "no RUNNING + $IP (eth0) within 120 s: $(incus list "$INST" -c ns4 -f csv)"
[ -n "$t_docker" ] || fail "docker not ready within 120 s: $(in_c systemctl status docker --no-pager 2>&1 | tail -n 20)"
step "start -> $IP (eth0) in $t_ip s; start -> docker ready in $t_docker s"
step "incus list: $(incus list "$INST" -c ns4t -f csv | tr '\n' ' ')"

name="$(in_c hostname)"
[ "$name" = "$INST" ] || fail "hostname is '$name', expected '$INST'"
uid="$(in_c id -u getbot)"
[ "$uid" = 1000 ] || fail "user getbot has uid '$uid'"
veth="$(incus config get "$INST" volatile.eth0.host_name)"
bridge -d link show dev "$veth" | grep -q 'isolated on' || fail "$veth is not isolated"
step "hostname $name, user getbot uid 1000, bridge port $veth isolated"

state="$(in_c systemctl is-system-running --wait 2>/dev/null || true)"
[ "$state" = running ] || step "WARNING: systemd state '$state'; failed units: $(in_c systemctl --failed --no-legend --plain --no-pager | tr '\n' ' ')"
info="$(in_c docker info --format \
  'server {{.ServerVersion}}, storage {{.Driver}}, cgroup {{.CgroupDriver}} v{{.CgroupVersion}}, kernel {{.KernelVersion}}, security {{.SecurityOptions}}')"
step "docker info: $info"
step "versions: $(in_c docker --version), $(in_c docker-compose version --short | sed 's/^/docker-compose /'), $(in_c iptables --version)"
warnings="$(in_c docker info 2>&1 >/dev/null | tr '\n' ';' || true)"
[ -z "$warnings" ] || step "docker info warnings: $warnings"

# --- a local image, no registry -------------------------------------------------------------------
t=$(now)
incus file push -q "$BUSYBOX" "$INST/opt/gbtest/rootfs/bin/busybox" --create-dirs --mode 0755
# shellcheck disable=SC2016 # expanded by the container's shell
in_c sh -euc '
  r=/opt/gbtest/rootfs
  mkdir -p "$r/www" "$r/tmp" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/root"
  chmod 1777 "$r/tmp"
  for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
  printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n" >"$r/etc/passwd"
  printf "root:x:0:\nnogroup:x:65534:\n" >"$r/etc/group"
  echo "hello-from-compose in $(hostname)" >"$r/www/index.html"
  tar -C "$r" --numeric-owner -c . | docker import -c "CMD [\"/bin/sh\"]" - gbtest/busybox:1 >/dev/null'
step "gbtest/busybox:1 imported in $(secs "$t") s: $(in_c docker images gbtest/busybox:1 --format '{{.ID}} {{.Size}}')"

t=$(now)
out="$(in_c docker run --rm gbtest/busybox:1 echo hello-from-docker)"
[ "$out" = hello-from-docker ] || fail "docker run printed '$out'"
step "docker run --rm gbtest/busybox:1 echo hello-from-docker -> '$out' ($(secs "$t") s)"

# Docker's own limits inside the org container (cgroup v1 or v2 paths).
lim="$(in_c docker run --rm --cpus 0.5 --memory 64m --pids-limit 50 gbtest/busybox:1 sh -c \
  'cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us;
   cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes' 2>&1 | tr '\n' ' ')"
case "$lim" in *50000*67108864*) ;; *) fail "docker --cpus 0.5 --memory 64m: '$lim'" ;; esac
step "docker run --cpus 0.5 --memory 64m --pids-limit 50: cpu quota/memory limit $lim"

# --- compose project ------------------------------------------------------------------------------
proj=/home/getbot/gbtest
in_c install -d -o 1000 -g 1000 -m 0750 "$proj"
# shellcheck disable=SC2016 # expanded by the container's shell
in_c sh -c 'cat >"$1" && chown 1000:1000 "$1" && chmod 0640 "$1"' sh "$proj/docker-compose.yml" <<'EOF'
version: "2.4"
services:
  web:
    image: gbtest/busybox:1
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports:
      - "8080:8080"
    init: true          # docker-init (tini) as PID 1: SIGTERM stops httpd at once, not after 10 s
    restart: unless-stopped
    cpus: 0.5
    mem_limit: 128m
    pids_limit: 100
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 2s
      retries: 30
EOF
t=$(now)
out="$(in_c sh -c "cd $proj && docker-compose -p gbtest up -d" 2>&1)" || fail "docker-compose up: $(tail -n 5 <<<"$out")"
t_up="$(secs "$t")"
cid="$(in_c sh -c "cd $proj && docker-compose -p gbtest ps -q web")"
[ -n "$cid" ] || fail "no container for service web"
health=""
for _ in $(seq 1 300); do
  health="$(in_c docker inspect -f '{{.State.Health.Status}}' "$cid" 2>/dev/null || true)"
  [ "$health" = healthy ] && break
  sleep 0.2
done
[ "$health" = healthy ] || fail "service web is '$health' after 60 s: $(in_c docker inspect -f '{{json .State.Health}}' "$cid")"
t_healthy="$(secs "$t")"
step "docker-compose up -d returned in $t_up s; healthy after $t_healthy s"
step "docker ps: $(in_c docker ps --format '{{.Names}} {{.Status}} {{.Ports}}')"

page="$(curl -s -m 5 "http://$IP:8080/" || true)"
[ "$page" = "hello-from-compose in $INST" ] || fail "host GET http://$IP:8080/ gave '$page'"
step "host GET http://$IP:8080/ -> '$page'"

t=$(now)
out="$(in_c sh -c "cd $proj && docker-compose -p gbtest down" 2>&1)" || fail "docker-compose down: $(tail -n 5 <<<"$out")"
left="$(in_c docker ps -aq)"
[ -z "$left" ] || fail "containers left after docker-compose down: $left"
step "docker-compose down in $(secs "$t") s: no containers left"

echo "smoke-docker: timings: image build $t_build; instance create $t_create s; start -> IP $t_ip s;" \
  "start -> docker ready $t_docker s; compose up -> healthy $t_healthy s"
step "OK"
