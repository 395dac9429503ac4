#!/usr/bin/env bash
# Builds the Debian bookworm + Docker Incus container image for org containers (Docker-in-Incus).
#
#   scripts/build-docker-image.sh [OUTDIR]
#
# Output (OUTDIR defaults to ${GETBOT_CACHE:-/var/cache/getbot-isolation}):
#   OUTDIR/getbot-docker.tar.gz           unified image tarball (metadata.yaml + templates/ + rootfs/)
#   OUTDIR/getbot-docker.tar.gz.sha256    its SHA-256, which is also its Incus image fingerprint
#   OUTDIR/getbot-docker.packages         "name version" of every package in the image (the manifest)
#   OUTDIR/getbot-docker.stamp            content key of the last build
#
# Content key = SHA-256 of this script (which holds the package list), the package list, suite, mirrors
# and architecture. When the tarball exists and the stamp matches, the build is skipped (well under 1 s).
# GETBOT_FORCE=1 rebuilds anyway.
#
# Only Debian's mirrors are contacted (GETBOT_DEBIAN_MIRROR, default http://deb.debian.org/debian, and
# GETBOT_DEBIAN_SECURITY, default http://deb.debian.org/debian-security; set it to "" to leave the
# security suite out). Downloads are cached outside the repo, so a rebuild after a script change does
# not download everything again:
#   ${GETBOT_CACHE}/debootstrap/*.tgz     `debootstrap --make-tarball` of the minbase system
#   ${GETBOT_CACHE}/apt-archives/         .debs apt fetched, bind-mounted as the chroot's apt cache
#   ${GETBOT_CACHE}/apt-lists/            apt's package indexes, bind-mounted as the chroot's lists
# GETBOT_APT_OFFLINE=1 builds from these caches alone (no `apt-get update`, no mirror contacted); it
# fails if a needed .deb is not cached.
#
# Reproducible for a given set of package versions: fixed SOURCE_DATE_EPOCH inside the chroot, files
# created by the build get that mtime, no logs / apt lists / caches / machine-id, sorted tar with
# numeric owners, gzip -n. The Debian archive moves (point releases, security updates), so two builds
# on different days may differ; the manifest says what went in.
#
# Image: Debian bookworm minbase, systemd as PID 1, docker.io (20.10) + containerd + runc,
# docker-compose v1 (1.29.2; Debian bookworm and bookworm-backports ship no compose v2), eth0 by DHCP via
# systemd-networkd (made to work with the read-write /sys of a nesting container), DNS via
# systemd-resolved, docker.service enabled (cgroupfs driver, json-file logs capped), hostname and
# /etc/hosts from the instance name (Incus templates, on create/copy), user `getbot` uid/gid 1000.
#
# Needs root (debootstrap, chroot), debootstrap, tar, gzip, sha256sum, flock.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

SUITE=bookworm
VARIANT=minbase
# The package list (part of the content key). Installed with --no-install-recommends on top of minbase.
PACKAGES=(
  systemd systemd-sysv systemd-resolved dbus
  docker.io docker-compose iptables tini xz-utils
  ca-certificates iproute2 curl procps
)
MIRROR="${GETBOT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY="${GETBOT_DEBIAN_SECURITY-http://deb.debian.org/debian-security}"
CACHE="${GETBOT_CACHE:-/var/cache/getbot-isolation}"
OUTDIR="${1:-$CACHE}"
NAME="getbot-docker"
TARBALL="$OUTDIR/$NAME.tar.gz"
STAMP="$OUTDIR/$NAME.stamp"
# mtime of every file the build itself creates, and SOURCE_DATE_EPOCH in the chroot (shadow's and
# sysusers' "last changed" dates). Any fixed value works; this is 2024-06-10.
EPOCH="${SOURCE_DATE_EPOCH:-1718000000}"

die() { echo "build-docker-image: $*" >&2; exit 1; }
say() { echo "build-docker-image: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}'; }

case "$(uname -m)" in
  x86_64|amd64) arch=x86_64; debarch=amd64 ;;
  aarch64|arm64) arch=aarch64; debarch=arm64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac

script_path="${BASH_SOURCE[0]}"
key="$( { cat "$script_path"; echo "packages=${PACKAGES[*]}"; echo "suite=$SUITE/$VARIANT/$debarch";
          echo "mirror=$MIRROR security=$SECURITY epoch=$EPOCH"; } | sha256sum | cut -d' ' -f1)"

up_to_date() { [ -s "$TARBALL" ] && [ -s "$TARBALL.sha256" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ]; }
if [ "${GETBOT_FORCE:-0}" != 1 ] && up_to_date; then
  echo "build-docker-image: up to date: $TARBALL ($(cut -c1-12 "$TARBALL.sha256"))"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
for tool in tar gzip sha256sum flock chroot mount umount; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

mkdir -p "$OUTDIR" "$CACHE/debootstrap" "$CACHE/apt-archives/partial" "$CACHE/apt-lists/partial"
# One build at a time per cache (other engineers / CI may run it concurrently).
exec 9>"$CACHE/.$NAME.lock"
flock 9
if [ "${GETBOT_FORCE:-0}" != 1 ] && up_to_date; then # built by whoever held the lock before us
  echo "build-docker-image: up to date: $TARBALL ($(cut -c1-12 "$TARBALL.sha256"))"
  exit 0
fi

t_total=$(now)
work="$(mktemp -d "$OUTDIR/.build-docker.XXXXXX")"
root="$work/rootfs"

# Unmount everything below $work (deepest first); never delete a tree that still has a mount in it
# (a bind mount of the apt cache, /proc, a /dev left by debootstrap...).
unmount_all() {
  local m
  while IFS= read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$work/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r)
}
cleanup() {
  set +e
  unmount_all
  if awk -v w="$work/" 'index($5, w) == 1 {found=1} END{exit !found}' /proc/self/mountinfo; then
    say "WARNING: mounts remain below $work; not deleting it"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- 1. minbase system (download cached as a debootstrap tarball) ---------------------------------
t=$(now)
dbs_version="$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)"
dbs_key="$(echo "$SUITE $VARIANT $debarch $MIRROR $dbs_version" | sha256sum | cut -c1-16)"
dbs_tar="$CACHE/debootstrap/$SUITE-$VARIANT-$debarch-$dbs_key.tgz"
if [ ! -s "$dbs_tar" ]; then
  [ "${GETBOT_APT_OFFLINE:-0}" != 1 ] || die "GETBOT_APT_OFFLINE=1 but $dbs_tar is not cached"
  say "downloading $SUITE $VARIANT into $dbs_tar"
  rm -f "$dbs_tar.tmp.tgz"
  debootstrap --variant="$VARIANT" --arch="$debarch" --make-tarball="$dbs_tar.tmp.tgz" \
    "$SUITE" "$work/dl" "$MIRROR" >"$work/debootstrap-dl.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap-dl.log" >&2; die "debootstrap --make-tarball failed"; }
  mv -f "$dbs_tar.tmp.tgz" "$dbs_tar"
  rm -rf "$work/dl"
fi
# Everything the build creates from here on is newer than this marker and gets mtime $EPOCH at the end;
# files unpacked from .debs keep the mtimes dpkg gives them (from the package).
touch "$work/marker"
sleep 1
mkdir -p "$root"
debootstrap --variant="$VARIANT" --arch="$debarch" --unpack-tarball="$dbs_tar" \
  "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
t_debootstrap="$(since "$t")"
say "minbase ready in $t_debootstrap"

# --- 2. packages ----------------------------------------------------------------------------------
t=$(now)
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true SOURCE_DATE_EPOCH="$EPOCH" "$@"
}
{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  [ -z "$SECURITY" ] || echo "deb $SECURITY $SUITE-security main"
} >"$root/etc/apt/sources.list"
# Files below $root are removed before they are written: writing through a symlink that points to an
# absolute path would write to the HOST's file.
rm -f "$root/etc/resolv.conf"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || : >"$root/etc/resolv.conf" # apt downloads only
# No daemon starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# Small image: no man pages, docs (except copyright) or translations from here on.
cat >"$root/etc/dpkg/dpkg.cfg.d/01-getbot-nodoc" <<'EOF'
path-exclude=/usr/share/man/*
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
EOF
cat >"$root/etc/apt/apt.conf.d/01-getbot" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
mount -t proc proc "$root/proc"
mount --bind "$CACHE/apt-archives" "$root/var/cache/apt/archives"
mount --bind "$CACHE/apt-lists" "$root/var/lib/apt/lists"
: >"$work/apt.log"
apt_get=(apt-get -q -y --no-install-recommends)
if [ "${GETBOT_APT_OFFLINE:-0}" = 1 ]; then
  say "GETBOT_APT_OFFLINE=1: using the cached package indexes and .debs only"
  apt_get+=(--no-download)
  ls "$CACHE/apt-lists/"*_Packages* >/dev/null 2>&1 || die "GETBOT_APT_OFFLINE=1 but no cached indexes in $CACHE/apt-lists"
else
  # --error-on=any: a failed index download is an error, not a warning (else stale lists go unnoticed).
  in_root apt-get -q --error-on=any update >>"$work/apt.log" 2>&1 \
    || { tail -n 30 "$work/apt.log" >&2; die "apt-get update failed"; }
fi
in_root "${apt_get[@]}" dist-upgrade >>"$work/apt.log" 2>&1 \
  || { tail -n 30 "$work/apt.log" >&2; die "apt-get dist-upgrade failed"; }
in_root "${apt_get[@]}" install "${PACKAGES[@]}" >>"$work/apt.log" 2>&1 \
  || { tail -n 40 "$work/apt.log" >&2; die "apt-get install failed"; }
# Drop superseded .debs from the download cache (so it does not grow without bound).
in_root apt-get -q -y autoclean >>"$work/apt.log" 2>&1 || true
t_packages="$(since "$t")"
say "packages installed in $t_packages"

# --- 3. configuration -----------------------------------------------------------------------------
t=$(now)
# eth0 by DHCP with systemd-networkd, DNS with systemd-resolved (Docker reads the real upstream from
# /run/systemd/resolve/resolv.conf). ClientIdentifier=mac so dnsmasq's static lease (NIC ipv4.address)
# matches by MAC.
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/10-eth0.network" <<'EOF'
[Match]
Name=eth0

[Network]
DHCP=ipv4
LinkLocalAddressing=no
IPv6AcceptRA=no
LLMNR=no
MulticastDNS=no

[DHCPv4]
ClientIdentifier=mac
UseDNS=yes
UseDomains=yes
EOF
# With security.nesting=true Incus mounts /sys read-write, and networkd then believes udev is running
# (systemd's udev_available() = "/sys is not read-only") and leaves every link "pending" forever,
# waiting for a udev that a container does not have: no DHCP, no address. A read-only /sys in
# networkd's own mount namespace restores the container behaviour. (No-op where /sys is already ro.)
mkdir -p "$root/etc/systemd/system/systemd-networkd.service.d"
cat >"$root/etc/systemd/system/systemd-networkd.service.d/getbot-no-udev.conf" <<'EOF'
[Service]
ReadOnlyPaths=/sys
EOF
# Don't hold the boot (and docker.service, which is After=network-online.target) for 2 minutes when a
# container has no NIC: any routable link, 30 s at most.
mkdir -p "$root/etc/systemd/system/systemd-networkd-wait-online.service.d"
cat >"$root/etc/systemd/system/systemd-networkd-wait-online.service.d/getbot.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --operational-state=routable --timeout=30
EOF
mkdir -p "$root/etc/systemd/resolved.conf.d"
cat >"$root/etc/systemd/resolved.conf.d/getbot.conf" <<'EOF'
[Resolve]
LLMNR=no
MulticastDNS=no
EOF
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"

# cgroup v1 hosts whose hierarchies are not the usual systemd layout (e.g. cpu and cpuacct mounted
# separately instead of as "cpu,cpuacct"): liblxc's cgroup:mixed then leaves such controllers unmounted
# in the container (an empty /sys/fs/cgroup/cpu,cpuacct), so Docker has no cpu controller: `--cpus` /
# compose `cpus:` fail ("NanoCPUs can not be set") and `docker stats` is empty. The container's own
# cgroup in those hierarchies is delegated to it, so mounting them inside works. This oneshot does that
# before containerd/docker start; it does nothing on cgroup v2 or when every hierarchy is mounted.
mkdir -p "$root/usr/local/sbin"
cat >"$root/usr/local/sbin/getbot-cgroup-v1-fixup" <<'EOF'
#!/bin/sh
# Mounts the cgroup v1 hierarchies this container is in (/proc/self/cgroup) that are not mounted.
set -eu
base=/sys/fs/cgroup
[ "$(stat -f -c %T "$base" 2>/dev/null)" = tmpfs ] || exit 0   # pure cgroup v2 (or nothing): fine
mounted() { # $1 = one controller (or name=x); true if a cgroup v1 mount carries it
  awk -v c="$1" '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) f = 1 }
                 END { exit !f }' /proc/self/mounts
}
was_ro=""
while IFS=: read -r id ctrls _; do
  { [ "$id" != 0 ] && [ -n "$ctrls" ]; } || continue
  first="${ctrls%%,*}"
  mounted "$first" && continue
  if [ -z "$was_ro" ]; then
    was_ro=no
    if awk -v b="$base" '$2 == b { split($4, o, ","); exit o[1] != "ro" }' /proc/self/mounts; then
      was_ro=yes
      mount -o remount,rw "$base"
    fi
  fi
  dir="$base/${ctrls#name=}"
  [ -L "$dir" ] && rm -f "$dir"
  mkdir -p "$dir"
  if mount -t cgroup -o "rw,nosuid,nodev,noexec,$ctrls" cgroup "$dir"; then
    echo "getbot-cgroup-v1-fixup: mounted $ctrls on $dir"
    case "$ctrls" in *,*)   # co-mounted controllers: one symlink per name, as systemd does
      for c in $(echo "$ctrls" | tr ',' ' '); do [ -e "$base/$c" ] || ln -s "$ctrls" "$base/$c"; done ;;
    esac
  else
    echo "getbot-cgroup-v1-fixup: could not mount $ctrls" >&2
  fi
done </proc/self/cgroup
[ "$was_ro" = yes ] && mount -o remount,ro "$base"
exit 0
EOF
chmod 0755 "$root/usr/local/sbin/getbot-cgroup-v1-fixup"
cat >"$root/etc/systemd/system/getbot-cgroup-v1-fixup.service" <<'EOF'
[Unit]
Description=getbot: mount cgroup v1 controllers missing in this container
DefaultDependencies=no
Before=containerd.service docker.service shutdown.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/getbot-cgroup-v1-fixup

[Install]
WantedBy=multi-user.target
EOF

# Docker: cgroupfs driver (works on cgroup v1/hybrid and v2 hosts, needs no systemd cgroup delegation),
# capped json-file logs, no registry mirrors (images are loaded locally).
mkdir -p "$root/etc/docker"
cat >"$root/etc/docker/daemon.json" <<'EOF'
{
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" }
}
EOF

# Services: networking, DNS, Docker on boot. Nothing that makes no sense in a container.
in_root systemctl enable systemd-networkd.service systemd-resolved.service getbot-cgroup-v1-fixup.service \
  containerd.service docker.service docker.socket >>"$work/apt.log" 2>&1 || die "systemctl enable failed"
in_root systemctl mask systemd-timesyncd.service systemd-udevd.service systemd-modules-load.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount >>"$work/apt.log" 2>&1 \
  || die "systemctl mask failed"

# User uid/gid 1000 (owner of the compose projects and the bot's data directories).
in_root groupadd -g 1000 getbot
in_root useradd -m -u 1000 -g 1000 -s /bin/bash -c "getbot workload" getbot

# Hostname: the instance name, written by Incus templates on create/copy (see metadata.yaml).
rm -f "$root/etc/hostname" "$root/etc/hosts"
echo "getbot" >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
EOF

# --- 4. clean (and make the tree reproducible) -----------------------------------------------------
umount "$root/var/lib/apt/lists"
umount "$root/var/cache/apt/archives"
umount "$root/proc"
# Nothing may be mounted below the tree we are about to delete files from (a /dev bind mount left by
# debootstrap in a container would otherwise lose the host's device nodes).
if awk -v w="$work/" 'index($5, w) == 1 {found=1} END{exit !found}' /proc/self/mountinfo; then
  die "unexpected mounts below $work: $(awk -v w="$work/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo)"
fi
rm -f "$root/usr/sbin/policy-rc.d"
in_root apt-get -q clean >/dev/null 2>&1 || true
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/partial/* \
  "$root"/var/cache/apt/archives/lock "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
  "$root"/var/cache/ldconfig/aux-cache "$root"/var/lib/systemd/catalog/database \
  "$root"/etc/passwd- "$root"/etc/group- "$root"/etc/shadow- "$root"/etc/gshadow- \
  "$root"/etc/subuid- "$root"/etc/subgid- "$root"/root/.bash_history "$root"/tmp/* "$root"/var/tmp/* \
  "$root"/debootstrap "$root"/etc/.resolv.conf.systemd-resolved.bak  # the latter: a copy of the host's resolv.conf
find "$root/var/log" -type f -delete
find "$root/dev" -mindepth 1 -delete       # Incus provides /dev
find "$root/run" -mindepth 1 -delete 2>/dev/null || true
rm -f "$root/etc/machine-id"
: >"$root/etc/machine-id"                  # systemd creates a unique id on first boot
rm -f "$root/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$root/var/lib/dbus/machine-id"
# Manifest: what went in.
# shellcheck disable=SC2016 # dpkg-query's own ${...} format
in_root dpkg-query -W -f='${Package} ${Version}\n' | LC_ALL=C sort >"$work/$NAME.packages"
docker_version="$(awk '$1=="docker.io"{print $2}' "$work/$NAME.packages")"
compose_version="$(awk '$1=="docker-compose"{print $2}' "$work/$NAME.packages")"
{ [ -n "$docker_version" ] && [ -n "$compose_version" ]; } || die "docker.io or docker-compose missing from the image"
# Everything this build created gets the fixed timestamp; files unpacked from .debs keep theirs.
find "$root" -newer "$work/marker" -exec touch -h -d "@$EPOCH" {} +
touch -h -d "@$EPOCH" "$root/var/cache/apt/archives/partial"   # emptied above; its mtime would vary
t_config="$(since "$t")"
say "configured and cleaned in $t_config"

# --- 5. metadata + templates, pack -----------------------------------------------------------------
t=$(now)
mkdir -p "$work/templates"
printf '%s\n' '{{ instance.name }}' >"$work/templates/hostname.tpl"
cat >"$work/templates/hosts.tpl" <<'EOF'
127.0.0.1 localhost
127.0.1.1 {{ instance.name }}
::1 localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
cat >"$work/metadata.yaml" <<EOF
architecture: $arch
creation_date: $EPOCH
properties:
  architecture: $arch
  description: getbot org container (Debian $SUITE, docker.io $docker_version, docker-compose $compose_version)
  os: debian
  release: $SUITE
  variant: getbot-docker
templates:
  /etc/hostname:
    when:
    - create
    - copy
    template: hostname.tpl
  /etc/hosts:
    when:
    - create
    - copy
    template: hosts.tpl
EOF
touch -h -d "@$EPOCH" "$work/metadata.yaml" "$work/templates" "$work/templates"/*
tmp_tar="$work/$NAME.tar.gz"
(
  cd "$work"
  tar --sort=name --format=gnu --numeric-owner --one-file-system \
      -cf - metadata.yaml templates rootfs | gzip -n -6 >"$tmp_tar"
)
sha="$(sha256sum "$tmp_tar" | cut -d' ' -f1)"
t_pack="$(since "$t")"
mv -f "$tmp_tar" "$TARBALL"
echo "$sha" >"$TARBALL.sha256"
mv -f "$work/$NAME.packages" "$OUTDIR/$NAME.packages"
echo "$key" >"$STAMP"
say "packed in $t_pack"
size="$(du -h "$TARBALL" | cut -f1)"
rootfs_size="$(du -sh "$root" | cut -f1)"
echo "build-docker-image: built $TARBALL ($size, rootfs $rootfs_size, fingerprint $sha)"
echo "build-docker-image: docker.io $docker_version, docker-compose $compose_version"
echo "build-docker-image: timings: debootstrap $t_debootstrap, packages $t_packages, config $t_config, pack $t_pack, total $(since "$t_total")"
