#!/bin/sh
# Simulator benchmark (not a test): for 10, 50 and 200 nodes, the start-up time of a fresh simulated fleet, then
# connect + one command to every node through pictl's own transport (a description of N nodes, the simulator
# overlay, SshTransport.openAll, one Session.exec per node in parallel): wall times and exec round trips per
# node as the nodes counted them. Runs dev.pictl.bench.TransportBench with the test class path.
# Usage: bench/sim-bench.sh [COUNT...]      (default: 10 50 200)
#        JAVA_OPTS='-Dbench.parallel=64' bench/sim-bench.sh 200
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mvn -q -B -o test-compile >/dev/null 2>&1 || mvn -q -B test-compile >/dev/null
cp_file=target/sim-bench.classpath
[ -f "$cp_file" ] && [ "$cp_file" -nt pom.xml ] || mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
  || mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
nproc_=$(nproc 2>/dev/null || echo "?")
echo "pictl simulator benchmark on $(uname -m), $nproc_ CPUs, $(java -version 2>&1 | head -1)"
exec java -XX:+UseSerialGC ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.pictl.bench.TransportBench "$@"
