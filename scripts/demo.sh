#!/usr/bin/env bash
# Builds the SDK and runs the lifecycle demo: ./scripts/demo.sh [OPTIONS]
#   deploy alice@acme.com / team marketing -> list -> exec -> request through the route -> undeploy -> list.
# Uses real Incus and Caddy when their socket / admin port answer, the in-memory backends otherwise (it says which).
# Needs Java 17+ and Maven 3.8.7+. OPTIONS are the program's (e.g. --in-memory); see ./scripts/getbot-isolation.sh --help.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/getbot-isolation.sh" "$@" demo
