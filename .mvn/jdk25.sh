# Finds a JDK 25 for the build and the launcher; sourced (POSIX sh) by ./mvnw and ./hyperlab.
# The default java on the machines hyperlab targets is 17, with JDK 25 installed beside it and JAVA_HOME unset,
# so both front doors look for one themselves: JAVA_HOME, the java on the PATH, then /usr/lib/jvm/*.
# A JDK's release file names its version: reading it costs nothing, where asking the JVM costs ~80 ms a candidate.

jdk25_major() { # the feature release of the JDK at $1, or nothing
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
  fi
}

jdk25_find() { # prints the home of a JDK 25 (java and javac), or fails
  _path_java=$(command -v java 2>/dev/null || true)
  [ -n "$_path_java" ] && _path_java=$(dirname "$(dirname "$(readlink -f "$_path_java")")")
  for _c in "${JAVA_HOME:-}" "$_path_java" /usr/lib/jvm/*; do
    [ -n "$_c" ] && [ -x "$_c/bin/java" ] && [ -x "$_c/bin/javac" ] || continue
    [ "$(jdk25_major "$_c")" = 25 ] && { echo "$_c"; return 0; }
  done
  return 1
}
