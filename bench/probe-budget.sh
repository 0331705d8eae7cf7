#!/bin/sh
# Probe budget benchmark (not a test): what ONE probe costs the node side of each board of the simulated seed
# fleet (examples/seed, started provisioned): processes and programs started (counted under strace -f), node CPU
# (children's user+system time of the board's shell), the simulator JVM's own CPU (it serves the systemctl and
# kubectl stand-ins) and wall time, as medians of several runs. Runs dev.pictl.bench.ProbeBudget with the test
# class path. Needs strace.
# Usage: bench/probe-budget.sh [CONFIG_DIR]        (default: examples/seed)
#        JAVA_OPTS='-Dbench.runs=25 -Dbench.programs=true' bench/probe-budget.sh   (programs by name)
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v strace >/dev/null || { echo "needs strace (Debian package 'strace')" >&2; exit 1; }
mvn -q -B -o test-compile >/dev/null 2>&1 || mvn -q -B test-compile >/dev/null
cp_file=target/sim-bench.classpath
[ -f "$cp_file" ] && [ "$cp_file" -nt pom.xml ] || mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
  || mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
echo "pictl probe budget on $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs, $(java -version 2>&1 | head -1)"
exec java -XX:+UseSerialGC ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.pictl.bench.ProbeBudget "$@"
