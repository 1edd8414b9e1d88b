#!/usr/bin/env bash
set -u
lib=$1; name=$2; shift 2
echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "/tmp/bench-classes:$lib/*" dev.dbbrain.benchmarks.EndToEnd --concurrency 64 --cpu-hogs 0,4 \
  --warmup-s 20 --measure-s 10 --warm-emulator true "$@" --out /work/ab/$name.jsonl 2>&1 | grep -v '^SLF4J' | tail -20
