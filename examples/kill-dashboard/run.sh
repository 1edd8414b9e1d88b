#!/usr/bin/env bash
# Runs the kill dashboard on http://localhost:8080 (against the embedded DBbrain emulator unless Tencent Cloud
# credentials are configured): installs the library from this checkout, then starts the application.
# Arguments go to the application, e.g. `examples/kill-dashboard/run.sh --server.port=9090`.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B install -DskipTests -Dmaven.javadoc.skip -Denforcer.skip
exec ./mvnw -q -f examples/kill-dashboard/pom.xml spring-boot:run -Dspring-boot.run.arguments="$*"
