#!/usr/bin/env bash
# Runs the benchmarks of issue 7 on the real daemons and rewrites docs/BENCHMARKS.md with the figures.
#
#   scripts/benchmarks.sh [--only p1,p2,p3,p4,p5] [--no-build] [--out FILE]
#
#   P1  find(org) vs a raw HTTP/1.1 loop on the same Incus unix socket, same JVM
#   P2  10 orgs through the SDK (concurrently) vs 10 sequential `incus launch`; create/start/delete; 1 → 10 → 30 orgs
#   P3  CaddyIngress vs single admin calls, on a Caddy of our own holding 1 000 routes
#   P4  InMemoryIsolationProvider provision+delete pairs per second (JMH)
#   P5  heap retained by a provider managing 100 orgs; time to the first call in a fresh JVM
#
# Needs root, a running Incus (started with scripts/start-incus.sh if it is not), `caddy` on the PATH, Java 17+,
# Maven. Takes about 6–8 minutes on 2 cores. Everything it creates is its own and removed at the end, also on
# failure or Ctrl-C: a bridge gbb-RUN on a free 10.197.x.0/24, a dir pool gbb-RUN, the image alias gbb-RUN-busybox
# (the busybox test image itself is kept), instances gbb-RUN-*, and a caddy in /tmp/gbb-caddy-*, loopback only.
# RUN is 4 random characters. Raw results stay in benchmarks/target/bench-results/RUN/.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ONLY="p1,p2,p3,p4,p5"
BUILD=1
OUT="docs/BENCHMARKS.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="${2:?--only needs a list, e.g. p1,p3}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT="${2:?--out needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "benchmarks: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
say() { echo "benchmarks: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s; }

[ "$(id -u)" = 0 ] || die "must run as root (Incus socket, containers)"
command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"
if want p3; then command -v caddy >/dev/null || die "caddy not found on the PATH (apt-get install caddy)"; fi
NEEDS_INCUS=0
for p in p1 p2 p5; do if want "$p"; then NEEDS_INCUS=1; fi; done

t_start=$(now)
if [ "$NEEDS_INCUS" = 1 ]; then
  command -v incus >/dev/null || die "incus not found (scripts/install-daemons.sh)"
  scripts/start-incus.sh >&2
  incus query /1.0 >/dev/null 2>&1 || die "Incus does not answer on its socket"
  scripts/build-test-image.sh >&2
fi
IMAGE="${GETBOT_CACHE:-/var/cache/getbot-isolation}/getbot-busybox.tar.gz"

if [ "$BUILD" = 1 ]; then
  say "building (mvn -pl benchmarks -am package)"
  mvn -B -q -ntp -Dstyle.color=never -pl benchmarks -am package -DskipTests -DskipITs >&2
fi
[ -s benchmarks/target/classpath.txt ] || die "benchmarks/target/classpath.txt missing: run without --no-build"
CP="$(cat benchmarks/target/classpath.txt)"

RUN="$(tr -dc 'a-z0-9' </dev/urandom | head -c 4 || true)"
RESULTS="benchmarks/target/bench-results/$RUN"
mkdir -p "$RESULTS"
JAVA=(java -cp "$CP" -Dgbb.run="$RUN" -Dgbb.results="$RESULTS" -Dgbb.image="$IMAGE"
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
bench() { "${JAVA[@]}" run.getbot.isolation.benchmarks.Bench "$@"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$NEEDS_INCUS" = 1 ]; then bench cleanup || say "cleanup failed; remove gbb-$RUN* by hand"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "run $RUN, results in $RESULTS"
bench machine
phase() { local label=$1 t; shift; t=$(now); "$@"; say "$label took $(( $(now) - t )) s"; }
if want p4; then
  say "P4 (JMH)"
  phase P4 java -cp "$CP" org.openjdk.jmh.Main P4InMemoryBenchmark -rf json -rff "$RESULTS/p4-jmh.json" \
    >"$RESULTS/p4-jmh.log" 2>&1 || { tail -20 "$RESULTS/p4-jmh.log" >&2; die "P4 failed"; }
  grep -A3 '^Benchmark' "$RESULTS/p4-jmh.log" >&2 || true
fi
if [ "$NEEDS_INCUS" = 1 ]; then bench setup; fi
if want p1; then phase P1 bench p1; fi
if want p3; then phase P3 bench p3; fi
if want p2; then phase P2 bench p2; fi
if want p5; then phase P5 bench p5; fi
bench report "$OUT"
say "done in $(( $(now) - t_start )) s: $OUT"
