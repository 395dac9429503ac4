#!/usr/bin/env bash
# Builds the SDK and runs the getbot-isolation program: ./scripts/getbot-isolation.sh [OPTIONS] COMMAND [ARGS]
# Commands: demo, deploy EMAIL --team T --port P, list, delete ORG, reconcile; --help lists the options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B -q -ntp -Dstyle.color=never -pl examples -am package -DskipTests -DskipITs exec:java \
  "-Dexec.args=$*"
