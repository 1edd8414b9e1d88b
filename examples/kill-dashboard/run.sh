#!/usr/bin/env bash
# Runs the kill dashboard on http://localhost:8080: installs the library from this checkout, then starts the
# application against the embedded DBbrain emulator (the demo profile: nothing real is touched). With --cloud as
# the first argument it talks to Tencent Cloud instead, and refuses to start without credentials.
# Other arguments go to the application, e.g. `examples/kill-dashboard/run.sh --server.port=9090`.
set -euo pipefail
cd "$(dirname "$0")/../.."
profiles=(-Dspring-boot.run.profiles=demo)
if [[ "${1:-}" == "--cloud" ]]; then
  profiles=()
  shift
fi
./mvnw -q -B install -DskipTests -Dmaven.javadoc.skip -Denforcer.skip
exec ./mvnw -q -f examples/kill-dashboard/pom.xml spring-boot:run "${profiles[@]}" \
  -Dspring-boot.run.arguments="$*"
