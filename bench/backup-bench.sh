#!/usr/bin/env bash
# Issue 7's backup benchmark: hyperlab beside restic and borg on the reference images, in one run.
# Usage: bench/backup-bench.sh [IMAGE_DIR]   (IMAGE_DIR with base.raw and day2.raw; built when absent)
# Needs: JDK 25, restic and borgbackup (Debian packages), e2fsprogs and python3 to build the images.
set -euo pipefail
cd "$(dirname "$0")/.."
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$c" ] && [ -x "$c/bin/java" ]; then export JAVA_HOME=$c; break; fi
done
cp_file=bench/target/bench.classpath
./mvnw -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file" >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "bench/target/classes:$(cat "$cp_file")" dev.hyperlab.bench.BackupBench "$@"
