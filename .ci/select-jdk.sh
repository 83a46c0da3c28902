#!/usr/bin/env bash
# Sourced: exports JAVA_HOME (and PATH) for a JDK >= 21. Keeps the current one when it is new enough,
# else takes the newest JDK found under /usr/lib/jvm (this machine's default is 17, with Temurin 25 beside it).
java_major() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "${v%%.*}"
}
pick=""
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ]; then
  pick="$JAVA_HOME"
elif command -v java >/dev/null 2>&1; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  if [ -x "$home/bin/javac" ] && [ "$(java_major "$home")" -ge 21 ]; then pick="$home"; fi
fi
if [ -z "$pick" ]; then
  best=0
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$d/bin/javac" ] || continue
    m=$(java_major "$d")
    if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best" ]; then best=$m; pick=$d; fi
  done
fi
if [ -z "$pick" ]; then
  echo "ci: no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 21" >&2
  exit 1
fi
export JAVA_HOME="$pick"
export PATH="$JAVA_HOME/bin:$PATH"
echo "ci: using JAVA_HOME=$JAVA_HOME ($(java_major "$JAVA_HOME"))"
