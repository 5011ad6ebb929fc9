#!/usr/bin/env bash
# Issue 17's real-boot validation: calibrate this machine with real TCG boots of the test guest, then print the rows of
# docs/validation.md's "Real boots on this machine" as the model gives them for the new profile.
#
# Usage: bench/validate-real.sh OUT.profile.json [MAX]
#   OUT  the host profile to write (a new file; copy it to docs/profiles/local-tcg.profile.json to commit it)
#   MAX  most guests booted at once (default 4). The profile's co-runner slowdown is fitted on the rounds of 2 at once
#        (HostProfile.FIT_MAX_AT_ONCE); the rounds of 3 and more are the validation points.
# Needs: QEMU (qemu-system-x86_64), JDK 25. Run it on an otherwise idle machine: the figures are wall times; the load
# average before and after is printed for the record.
#
# Then, to commit the new figures:
#   cp OUT docs/profiles/local-tcg.profile.json
#   bench/validate-real.sh --apply       (rewrites the `real-` rows of docs/validation.md from the committed profile)
#   ./mvnw -B -o -q -pl core -am test -Dhyperlab.aot.skip -Dtest=RealBootValidationTest -Dsurefire.failIfNoSpecifiedTests=false
# and update the "Result" paragraph under the tables (date, load average, QEMU version).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

rows() { # the rows RealBootValidationTest computes for profile $1, on stdout
  (cd "$here" && ./mvnw -B -o -q -pl core -am test -Dhyperlab.aot.skip -Dtest='RealBootValidationTest#everyPredicted*' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dhyperlab.validation.profile="$1") | grep -E '^(\| `real-|co-runner slowdown:)'
}

if [ "${1:-}" = "--apply" ]; then
  new=$(mktemp)
  trap 'rm -f "$new" "$new.md"' EXIT
  rows "$here/docs/profiles/local-tcg.profile.json" | grep '^| `real-' > "$new"
  # the first block of `real-` rows in the doc is replaced by all new rows of that table, the second by the phase rows
  awk -v rows="$new" '
    BEGIN { while ((getline l < rows) > 0) { if (l ~ /^\| `real-[0-9]+`/) main = main l "\n"; else ph = ph l "\n" } }
    /^\| `real-[0-9]+` / { if (!m) { printf "%s", main; m = 1 } next }
    /^\| `real-[0-9]+:/  { if (!p) { printf "%s", ph; p = 1 } next }
    { print }' "$here/docs/validation.md" > "$new.md"
  mv "$new.md" "$here/docs/validation.md"
  echo "rewrote the real- rows of docs/validation.md from docs/profiles/local-tcg.profile.json"
  exit 0
fi

out=${1:?usage: bench/validate-real.sh OUT.profile.json [MAX] | --apply}
max=${2:-4}
out=$(realpath -m "$out")
[ -e "$out" ] && { echo "error: $out exists; give a new file" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   $(date -u '+%Y-%m-%d %H:%M UTC')"
"$here/hyperlab" --lab "$work/lab" --backend qemu -c "host calibrate local --max $max --out $out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "rows for docs/validation.md (model against $out):"
rows "$out"
