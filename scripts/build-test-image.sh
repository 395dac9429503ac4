#!/usr/bin/env bash
# Builds, offline, the busybox-static Incus container image used by the integration tests.
#
#   scripts/build-test-image.sh [OUTDIR]
#
# Output (OUTDIR defaults to ${GETBOT_CACHE:-/var/cache/getbot-isolation}):
#   OUTDIR/getbot-busybox.tar.gz         unified image tarball (metadata.yaml + rootfs/)
#   OUTDIR/getbot-busybox.tar.gz.sha256  its SHA-256, which is also its Incus image fingerprint
#   OUTDIR/getbot-busybox.stamp          content key of the last build (script + busybox version)
#
# The build is skipped when the tarball exists and the stamp matches. The tarball is reproducible
# (fixed mtimes/owners/order, gzip -n), so the same inputs give the same Incus fingerprint.
#
# Image behaviour (/sbin/init, PID 1): mounts /proc and /sys if needed, brings lo and eth0 up,
# writes /www/index.html (contains the hostname), starts `httpd -p 8080 -h /www`, runs
# `udhcpc -i eth0 -b -q -s /usr/share/udhcpc/default.script`, then sleeps forever.
# SIGPWR/SIGTERM (Incus graceful stop) make it exit cleanly; SIGINT/SIGHUP reboot it.
# Needs only: bash, coreutils, tar, gzip, sha256sum and /bin/busybox from busybox-static. No root needed.
set -euo pipefail

BUSYBOX_BIN="${GETBOT_BUSYBOX:-/bin/busybox}"
UDHCPC_SCRIPT_SRC="/usr/share/doc/busybox-static/examples/udhcp/simple.script"
OUTDIR="${1:-${GETBOT_CACHE:-/var/cache/getbot-isolation}}"
NAME="getbot-busybox"
TARBALL="$OUTDIR/$NAME.tar.gz"
STAMP="$OUTDIR/$NAME.stamp"

die() { echo "build-test-image: $*" >&2; exit 1; }

[ -x "$BUSYBOX_BIN" ] || die "$BUSYBOX_BIN not found (install busybox-static)"
[ -r "$UDHCPC_SCRIPT_SRC" ] || die "$UDHCPC_SCRIPT_SRC not found (install busybox-static)"
"$BUSYBOX_BIN" --list >/dev/null 2>&1 || die "$BUSYBOX_BIN is not a busybox binary"
if file_desc="$(command -v file >/dev/null && file -b "$BUSYBOX_BIN")"; then
  case "$file_desc" in
    *dynamically*) die "$BUSYBOX_BIN is dynamically linked; the image needs busybox-static" ;;
  esac
fi

busybox_version="$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || true)"
[ -n "$busybox_version" ] || busybox_version="$({ "$BUSYBOX_BIN" 2>&1 || true; } | sed -n 1p)"
script_path="${BASH_SOURCE[0]}"
key="$( { cat "$script_path"; echo "busybox=$busybox_version"; sha256sum <"$BUSYBOX_BIN"; \
          sha256sum <"$UDHCPC_SCRIPT_SRC"; uname -m; } | sha256sum | cut -d' ' -f1)"

if [ -s "$TARBALL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ]; then
  echo "build-test-image: up to date: $TARBALL"
  exit 0
fi

mkdir -p "$OUTDIR"
work="$(mktemp -d "$OUTDIR/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch="$(uname -m)" ;;
esac
# Fixed timestamp: the busybox binary's mtime comes from the .deb, so it is stable per package version.
epoch="${SOURCE_DATE_EPOCH:-$(stat -c %Y "$BUSYBOX_BIN")}"
# sed reads all of busybox's help text: with `head` the writer could die of SIGPIPE and fail the pipeline.
bb_upstream="$({ "$BUSYBOX_BIN" 2>&1 || true; } | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')"
[ -n "$bb_upstream" ] || bb_upstream=unknown

# --- rootfs layout -------------------------------------------------------------------------------
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/share/udhcpc,etc,proc,sys,dev,run,tmp,var/tmp,var/run,var/log,root,home/user,www,mnt}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
install -m 0755 "$BUSYBOX_BIN" "$root/bin/busybox"

# One symlink per applet, at busybox's own install path; /sbin/init is ours, linuxrc is not wanted.
while IFS= read -r applet; do
  case "$applet" in
    ""|bin/busybox|sbin/init|linuxrc) continue ;;
  esac
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done < <("$BUSYBOX_BIN" --list-full)
for a in sh ash echo cat ls mkdir mount ip ifconfig udhcpc httpd sleep id pwd env printf true false kill ps rm \
         chmod chown stat hostname route wget test [ head tail wc seq uname free mkfifo date grep sed tr; do
  found=
  for d in bin sbin usr/bin usr/sbin; do [ -L "$root/$d/$a" ] && found=1 && break; done
  [ -n "$found" ] || die "busybox lacks required applet: $a"
done

install -m 0755 "$UDHCPC_SCRIPT_SRC" "$root/usr/share/udhcpc/default.script"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
cat >"$root/etc/shadow" <<'EOF'
root:*:19000:0:99999:7:::
user:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
EOF
chmod 0640 "$root/etc/shadow"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
EOF
: >"$root/etc/resolv.conf"
printf '%s\n' "/bin/sh" >"$root/etc/shells"
cat >"$root/etc/profile" <<'EOF'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME="${HOME:-/root}"
EOF
echo "getbot busybox test image" >"$root/www/index.html"

cat >"$root/sbin/init" <<'EOF'
#!/bin/sh
# PID 1 of the getbot busybox test image.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
cd /

log() { echo "init: $*" >/dev/console 2>/dev/null || echo "init: $*"; }

stopping=
shutdown_now() {
  # $1: halt | reboot
  [ -n "$stopping" ] && return
  stopping=1
  log "received $1 request"
  [ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
  [ -n "$sleep_pid" ] && kill "$sleep_pid" 2>/dev/null
  kill -TERM -1 2>/dev/null
  sync
  if [ "$1" = reboot ]; then
    reboot -f
  fi
  exit 0
}
# Incus/LXC: graceful stop sends SIGPWR (lxc.signal.halt), reboot sends SIGINT (lxc.signal.reboot).
trap 'shutdown_now halt' PWR TERM USR1
trap 'shutdown_now reboot' INT HUP

[ -e /proc/self/stat ] || mount -t proc proc /proc 2>/dev/null
[ -d /sys/class ] || [ -d /sys/kernel ] || mount -t sysfs sysfs /sys 2>/dev/null
mkdir -p /run /tmp /var/run /www
chmod 1777 /tmp

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null
ip link set eth0 up 2>/dev/null || ifconfig eth0 up 2>/dev/null

name="$(hostname 2>/dev/null)"
printf '<html><body><h1>%s</h1></body></html>\n' "$name" >/www/index.html
echo "$name" >/www/hostname.txt

httpd_pid=
if httpd -p 8080 -h /www 2>/dev/null; then
  # busybox httpd daemonizes itself; remember its pid for a clean stop
  httpd_pid="$(pidof httpd 2>/dev/null)"
fi

if [ -e /sys/class/net/eth0 ] || ip link show eth0 >/dev/null 2>&1; then
  udhcpc -i eth0 -b -q -s /usr/share/udhcpc/default.script >/dev/null 2>&1 || log "udhcpc failed"
fi

log "ready"
sleep_pid=
while :; do
  sleep 3600 &
  sleep_pid=$!
  # ash's wait reaps every child (also orphans reparented to PID 1) and returns early on a trapped signal
  wait "$sleep_pid"
done
EOF
chmod 0755 "$root/sbin/init"

cat >"$work/metadata.yaml" <<EOF
architecture: $arch
creation_date: $epoch
properties:
  architecture: $arch
  description: getbot busybox test image (busybox $bb_upstream)
  os: busybox
  release: "$bb_upstream"
  variant: getbot-test
templates: {}
EOF

# --- pack (reproducible) -------------------------------------------------------------------------
tmp_tar="$work/$NAME.tar.gz"
(
  cd "$work"
  tar --sort=name --format=gnu --numeric-owner --owner=0 --group=0 \
      --mtime="@$epoch" --clamp-mtime -cf - metadata.yaml rootfs \
    | gzip -n -6 >"$tmp_tar"
)
sha="$(sha256sum "$tmp_tar" | cut -d' ' -f1)"
mv -f "$tmp_tar" "$TARBALL"
echo "$sha" >"$TARBALL.sha256"
echo "$key" >"$STAMP"
echo "build-test-image: built $TARBALL (fingerprint $sha)"
