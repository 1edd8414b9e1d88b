#!/usr/bin/env bash
# A/B: EndToEnd concurrency 64, quiet then 4 hogs, for the given benchmark build dir
set -u
dir=$1; name=$2
echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$dir/classes:$dir/lib/*" dev.dbbrain.benchmarks.EndToEnd --concurrency 64 --cpu-hogs 0,4 \
  --warmup-s 10 --measure-s 10 --out /work/ab/$name.jsonl 2>&1 | grep -v '^SLF4J' | tail -20
