#!/usr/bin/env bash
# Runs the kill dashboard on http://localhost:8080: installs the library from this checkout, then starts the
# application against the embedded DBbrain emulator (the demo profile: nothing real is touched). With --cloud as
# the first argument it talks to Tencent Cloud instead, and refuses to start without credentials.
# With --fleet as the first argument it runs two replicas, on http://localhost:8080 and http://localhost:8081, that
# share one emulator and one Redis (redis-server from the PATH on port 6390, or REDIS_URI): the account's budget and
# the polls of the tasks they watch are shared through it.
# Other arguments go to the application, e.g. `examples/kill-dashboard/run.sh --server.port=9090`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--fleet" ]]; then
  shift
  redis_uri="${REDIS_URI:-}"
  if [[ -z "$redis_uri" ]] && ! command -v redis-server >/dev/null; then
    echo "run.sh --fleet needs redis-server on the PATH (Debian: apt-get install redis-server), or REDIS_URI" >&2
    exit 2
  fi
  ./mvnw -q -B install -DskipTests -Dmaven.javadoc.skip -Denforcer.skip
  ./mvnw -q -B -f examples/kill-dashboard/pom.xml package -DskipTests
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
  if [[ -z "$redis_uri" ]]; then
    redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
    pids+=($!)
    redis_uri=redis://127.0.0.1:6390
  fi
  # One emulator for both replicas, with a key pair made up here: the replicas follow the same tasks.
  id="AKIDfleetdemo$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  key="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  java -jar target/dbbrain-cli.jar emulator --port 18090 --secret-id "$id" --secret-key "$key" --step-ms 1000 &
  pids+=($!)
  jar="$(ls examples/kill-dashboard/target/kill-dashboard-*.jar | grep -v '\.original$' | head -1)"
  for port in 8080 8081; do
    java -jar "$jar" --spring.profiles.active=demo --server.port="$port" \
      --dashboard.emulator.endpoint=http://127.0.0.1:18090 --dashboard.emulator.secret-id="$id" \
      --dashboard.emulator.secret-key="$key" --dbbrain.rate-limit.redis.uri="$redis_uri" "$@" &
    pids+=($!)
  done
  wait
  exit
fi
profiles=(-Dspring-boot.run.profiles=demo)
if [[ "${1:-}" == "--cloud" ]]; then
  profiles=()
  shift
fi
./mvnw -q -B install -DskipTests -Dmaven.javadoc.skip -Denforcer.skip
exec ./mvnw -q -f examples/kill-dashboard/pom.xml spring-boot:run "${profiles[@]}" \
  -Dspring-boot.run.arguments="$*"
