# Sourced (bash), not run: finds the JDK that builds and runs vidmeta. Used by the launcher (./vidmeta) and
# bench/run-probe-bench, so both accept the same JDKs. Defines MIN_JAVA, java_major and find_jdk.

MIN_JAVA=21

release_field() { # $1: a JDK's release file, $2: a field name -> prints the field's value, or nothing
  # Read by bash itself, not sed: the launcher runs before every command, and each program it starts costs
  # milliseconds (tens on a loaded machine).
  local line
  [[ -r "$1" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" == "$2=\""*\" ]]; then
      line=${line#"$2=\""}
      echo "${line%\"}"
      return
    fi
  done <"$1"
}

java_major() { # prints the major version of the JDK at $1, or nothing
  local line
  [[ -x "$1/bin/java" ]] || return 0
  # Every JDK since 9 has a release file naming its version: reading it costs nothing, running java ~30 ms.
  line=$(release_field "$1/release" JAVA_VERSION)
  if [[ -n "$line" ]]; then
    case "$line" in 1.*) line=${line#1.} ;; esac
    echo "${line%%[.+-]*}"
    return
  fi
  line=$("$1/bin/java" -version 2>&1 | head -n 1) || return 0
  line=${line#*\"}; line=${line%%\"*}
  case "$line" in 1.*) line=${line#1.} ;; esac
  echo "${line%%[.+-]*}"
}

find_jdk() { # JAVA_HOME first, then the newest JDK under /usr/lib/jvm; a JDK, not a JRE: we compile
  local candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    major=$(java_major "$JAVA_HOME")
    if [[ -n "$major" && "$major" -ge $MIN_JAVA ]]; then echo "$JAVA_HOME"; return; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [[ -x "$candidate/bin/javac" && ! -L "$candidate" ]] || continue
    major=$(java_major "$candidate")
    if [[ -n "$major" && "$major" -gt $best_major ]]; then best=$candidate; best_major=$major; fi
  done
  if [[ -n "$best" && $best_major -ge $MIN_JAVA ]]; then echo "$best"; fi
}
