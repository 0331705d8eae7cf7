#!/bin/sh
# Simulator benchmark (not a test): start-up time of a fresh simulated cluster of 10, 50 and 200 nodes, then
# connect + one command to every node in parallel (wall time, exec round trips per node counted by the nodes).
# Usage: bench/sim-bench.sh [COUNT...]      (default: 10 50 200)
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mvn -q -B -o compile >/dev/null 2>&1 || mvn -q -B compile >/dev/null
cp_file=target/sim-bench.classpath
[ -f "$cp_file" ] || mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
  || mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
nproc_=$(nproc 2>/dev/null || echo "?")
echo "pictl simulator benchmark on $(uname -m), $nproc_ CPUs, $(java -version 2>&1 | head -1)"
exec java -XX:+UseSerialGC -cp "target/classes:$(cat "$cp_file")" dev.pictl.sim.SimBench "$@"
