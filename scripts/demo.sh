#!/usr/bin/env bash
# Builds the SDK and runs the lifecycle demo: ./scripts/demo.sh [EMAIL]
# Needs only Java 17+ and Maven 3.8.7+; no daemon (the demo runs on the in-memory provider).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
if [ $# -gt 0 ]; then args=("-Dexec.args=$*"); fi
exec mvn -B -q -ntp -Dstyle.color=never -pl examples -am package -DskipTests exec:java "${args[@]}"
