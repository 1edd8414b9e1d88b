#!/usr/bin/env bash
# Runs every benchmark of RESULTS.md, one after the other, in about 25 minutes on a 2-core machine (bounded at 30),
# and writes the raw results to benchmarks/results/<UTC time>/. Self-contained: installs the library from this
# checkout and builds the benchmarks first. Nothing leaves the machine: the emulator runs on a loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
CP="benchmarks/target/classes:benchmarks/target/lib/*"

./mvnw -q -B install -DskipTests -Dmaven.javadoc.skip
./mvnw -q -B -f benchmarks/pom.xml -DskipTests package

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
# 2. End to end against the emulator, SDK against ours, concurrency 1, 16, 64, 256.
run end-to-end java -cp "$CP" dev.dbbrain.benchmarks.EndToEnd --out "$OUT/end-to-end.jsonl"
# 3. Watching at scale, 10,000 and 100,000 watches over 1,000 instances, in a 512 MiB heap.
run watch-10k java -Xmx512m -cp "$CP" dev.dbbrain.benchmarks.WatchAtScale --watches 10000 --out "$OUT/watch-10k.json"
run watch-100k java -Xmx512m -cp "$CP" dev.dbbrain.benchmarks.WatchAtScale --watches 100000 \
  --out "$OUT/watch-100k.json"

echo "finished $(date -u +%FT%TZ)" >> "$OUT/machine.txt"
echo "results in $OUT"
