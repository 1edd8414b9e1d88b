#!/usr/bin/env bash
# Runs every benchmark of RESULTS.md, one after the other, in about 35 minutes on a 2-core machine, unattended, and
# writes the raw results, the charts (SVG) and the headline table to benchmarks/results/<UTC time>/; the charts are
# also copied to benchmarks/charts/, where RESULTS.md shows them. Self-contained: installs the library from this
# checkout and builds the benchmarks first. Nothing leaves the machine: the emulator runs on a loopback port.
#
# Contention: the end-to-end comparison runs quiet and then with CPU_HOGS (default 4) busy-looping processes
# (EndToEnd --cpu-hogs 0,4), started once each measured JVM is warm; one more pair starts them before the JVM. HEADLINE_RUNS (default 3) repeats the concurrency-64 comparison for its median and range.
# MAVEN_REPO (optional) is the local Maven repository to install into and build from.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
CP="benchmarks/target/classes:benchmarks/target/lib/*"
CPU_HOGS="${CPU_HOGS:-4}"
HEADLINE_RUNS="${HEADLINE_RUNS:-3}"
REPO=()
if [ -n "${MAVEN_REPO:-}" ]; then
  REPO=("-Dmaven.repo.local=$MAVEN_REPO")
fi

./mvnw -q -B "${REPO[@]}" install -DskipTests -Dmaven.javadoc.skip
./mvnw -q -B "${REPO[@]}" -f benchmarks/pom.xml -DskipTests package
PERF_STAT=false
if command -v perf > /dev/null && perf stat -e task-clock true > /dev/null 2>&1; then
  PERF_STAT=true # context switches, wake-ups and system calls per call, where the kernel lets us count them
fi

{
  echo "started $(date -u +%FT%TZ)"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  grep MemTotal /proc/meminfo || true
  java -version 2>&1
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

run() { # name, command...
  local name=$1
  shift
  echo "== $name: $*" | tee -a "$OUT/commands.txt"
  "$@" 2>&1 | grep -v '^SLF4J' | tee "$OUT/$name.txt"
  echo "load average after $name: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
}

# 1. Signing, with allocation per signature (JMH -prof gc).
run signing java -cp "$CP" org.openjdk.jmh.Main SigningBenchmark -prof gc -rf json -rff "$OUT/signing.json"
# 1b, 4a'. The single-thread signing and limiter operations timed by the thread's CPU clock, steadier than JMH's
# wall clock on a machine shared with other work.
run cpu-per-operation java -cp "$CP" dev.dbbrain.benchmarks.CpuPerOperation --out "$OUT/cpu-per-operation.jsonl"
# 4a. Limiter: cost of a granted acquire, uncontended and contended, against Bucket4j and resilience4j.
run limiter java -cp "$CP" org.openjdk.jmh.Main LimiterBenchmark -prof gc -rf json -rff "$OUT/limiter.json"
# 4b. Limiter accuracy under 1,000 concurrent subscribers.
run limiter-accuracy java -cp "$CP" dev.dbbrain.benchmarks.LimiterAccuracy --out "$OUT/limiter-accuracy.jsonl"
# 2. End to end against the emulator, SDK against ours, concurrency 1, 16, 64, 256, quiet and then with CPU hogs.
run end-to-end java -cp "$CP" dev.dbbrain.benchmarks.EndToEnd --concurrency 1,16,64,256 --cpu-hogs "0,$CPU_HOGS" \
  --warmup-s 20 --measure-s 10 --perf-stat "$PERF_STAT" --out "$OUT/end-to-end.jsonl"
# 2b. The headline: concurrency 64, quiet then loaded, repeated for the median and the range.
for i in $(seq 1 "$HEADLINE_RUNS"); do
  run "end-to-end-headline-$i" java -cp "$CP" dev.dbbrain.benchmarks.EndToEnd --concurrency 64 \
    --cpu-hogs "0,$CPU_HOGS" --warmup-s 20 --measure-s 10 --perf-stat "$PERF_STAT" --warm-emulator false \
    --out "$OUT/end-to-end-headline-$i.jsonl"
done
# 2c. The same pair with the hogs running from before each JVM starts: a cold start under contention, where the JIT
# compiler itself is starved (RESULTS.md, "What contention costs").
run end-to-end-cold-start java -cp "$CP" dev.dbbrain.benchmarks.EndToEnd --concurrency 64 --cpu-hogs "0,$CPU_HOGS" \
  --hogs-from start --warmup-s 10 --measure-s 10 --perf-stat "$PERF_STAT" --warm-emulator false \
  --out "$OUT/end-to-end-cold-start.jsonl"
# 3. Watching at scale, 10,000 and 100,000 watches over 1,000 instances, in a 512 MiB heap.
run watch-10k java -Xmx512m -cp "$CP" dev.dbbrain.benchmarks.WatchAtScale --watches 10000 --out "$OUT/watch-10k.json"
run watch-100k java -Xmx512m -cp "$CP" dev.dbbrain.benchmarks.WatchAtScale --watches 100000 \
  --out "$OUT/watch-100k.json"

# 5. Charts and the headline table, from the raw results above.
run charts java -cp "$CP" dev.dbbrain.benchmarks.Charts "$OUT"
mkdir -p benchmarks/charts
cp "$OUT"/*.svg benchmarks/charts/

echo "finished $(date -u +%FT%TZ)" >> "$OUT/machine.txt"
echo "results in $OUT; charts in benchmarks/charts/"
