#!/usr/bin/env bash
# Issue 9's script benchmark: fib(30) in a script beside node, and 10,000 VMs booted by a script beside the same
# calls in Java. The JVM starts as `hyperlab run` starts it: JVMCI on, the Graal compiler on the upgrade module path,
# so GraalJS compiles (the bench prints which runtime ran). Needs: JDK 25, node (apt-get install nodejs) for the peer.
# Usage: bench/script-bench.sh [FIB_RUNS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$c" ] && [ -x "$c/bin/java" ]; then export JAVA_HOME=$c; break; fi
done
cp_file=bench/target/bench.classpath
./mvnw -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file" >&2
mp=$(ls shell/target/jit/*.jar | tr '\n' ':')
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$mp" -Dhyperlab.js.jit=on \
  -cp "bench/target/classes:$(cat "$cp_file")" dev.hyperlab.bench.ScriptBench "$@"
