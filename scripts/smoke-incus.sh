#!/usr/bin/env bash
# Manual smoke test of the real Incus setup (not run by scripts/test.sh). As root, after
# scripts/start-incus.sh:
#
#   scripts/smoke-incus.sh [IMAGE_TARBALL]
#
# Creates bridge gbtest-br0 (10.198.7.1/24, NAT, no IPv6), dir pool gbtest-pool, imports the test image
# as gbtest-busybox, launches gbtest-c1 without profiles (root disk in the pool, eth0 on the bridge with
# ipv4.address=10.198.7.100 and security.port_isolation=true, limits and syscall interception as the SDK
# uses them), then checks: RUNNING with 10.198.7.100 (eth0), httpd answers on 10.198.7.100:8080,
# `incus exec` exit codes, `isolated on` on the host veth, graceful stop. Everything it created is
# deleted on exit, also on failure. The only non-loopback address it contacts is its own container's.
# Override names/addresses with GBTEST_BRIDGE, GBTEST_POOL, GBTEST_ALIAS, GBTEST_INSTANCE, GBTEST_NET (x.y.z).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

BR="${GBTEST_BRIDGE:-gbtest-br0}"
POOL="${GBTEST_POOL:-gbtest-pool}"
ALIAS="${GBTEST_ALIAS:-gbtest-busybox}"
INST="${GBTEST_INSTANCE:-gbtest-c1}"
NET="${GBTEST_NET:-10.198.7}"
IP="$NET.100"

image="${1:-}"
if [ -z "$image" ]; then
  cache="${GETBOT_CACHE:-/var/cache/getbot-isolation}"
  scripts/build-test-image.sh "$cache" >&2
  image="$cache/getbot-busybox.tar.gz"
fi

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2fs", b-a}'; }
step() { echo "smoke: $*"; }
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

fingerprint=""
cleanup() {
  set +e
  incus delete --force "$INST" >/dev/null 2>&1
  if [ -n "$fingerprint" ]; then incus image delete "$fingerprint" >/dev/null 2>&1; fi
  incus image delete "$ALIAS" >/dev/null 2>&1
  incus storage delete "$POOL" >/dev/null 2>&1
  incus network delete "$BR" >/dev/null 2>&1
  step "cleaned up ($INST, $ALIAS, $POOL, $BR)"
}
trap cleanup EXIT
cleanup # leftovers of an earlier run

t=$(now); incus network create "$BR" ipv4.address="$NET.1/24" ipv4.nat=true ipv6.address=none >/dev/null
step "bridge $BR created in $(since "$t")"
t=$(now); incus storage create "$POOL" dir >/dev/null
step "pool $POOL created in $(since "$t")"
t=$(now); out="$(incus image import "$image" --alias "$ALIAS")"
fingerprint="$(sed -n 's/.*fingerprint: *//p' <<<"$out")"
step "image imported in $(since "$t"): $fingerprint"
t=$(now)
incus init "$ALIAS" "$INST" --no-profiles -s "$POOL" \
  -c limits.cpu=2 -c limits.memory=3GB -c security.nesting=true \
  -c security.syscalls.intercept.mknod=true -c security.syscalls.intercept.setxattr=true >/dev/null 2>&1
incus config device add "$INST" eth0 nic network="$BR" name=eth0 ipv4.address="$IP" \
  security.port_isolation=true >/dev/null
step "instance created in $(since "$t")"
t=$(now); incus start "$INST"
step "instance started in $(since "$t")"
t=$(now); ok=
for _ in $(seq 1 100); do
  if incus list "$INST" -c s4 -f csv | grep -q "^RUNNING,$IP (eth0)"; then ok=1; break; fi
  sleep 0.2
done
[ -n "$ok" ] || fail "no RUNNING + $IP (eth0) within 20 s: $(incus list "$INST" -c ns4 -f csv)"
step "address $IP (eth0) listed $(since "$t") after start: $(incus list "$INST" -c ns4t -f csv)"

t=$(now); page=""
for _ in $(seq 1 50); do
  page="$(curl -s -m 2 "http://$IP:8080/" || true)"
  [ -n "$page" ] && break
  sleep 0.2
done
grep -q "$INST" <<<"$page" || fail "httpd page does not contain the hostname: '$page'"
step "httpd on $IP:8080 answered in $(since "$t"): $page"

set +e; out="$(incus exec "$INST" -- sh -c 'echo hi; exit 3')"; rc=$?; set -e
{ [ "$rc" = 3 ] && [ "$out" = hi ]; } || fail "incus exec gave rc=$rc out='$out'"
step "incus exec: out='$out' rc=$rc"

veth="$(incus config get "$INST" volatile.eth0.host_name)"
bridge -d link show dev "$veth" | grep -q 'isolated on' || fail "$veth is not isolated: $(bridge -d link show dev "$veth")"
step "bridge port $veth: isolated on"

t=$(now); incus stop "$INST" --timeout 10
state="$(incus list "$INST" -c s -f csv)"
[ "$state" = STOPPED ] || fail "state after stop: $state"
step "graceful stop in $(since "$t")"
step "OK"
