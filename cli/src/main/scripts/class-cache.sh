# Sourced (bash), not run: the launcher's class cache, which spares the JVM most of the work of loading the CLI's
# classes (110 jars) at each start. Defines class_cache_flags. Expects ROOT and JDK from the launcher.
#
# JDK 25+: an AOT cache (JEP 483, made as JEP 514 describes): classes loaded and linked ahead of time, the lambda
# and method-handle classes too. It is made in two steps from a real run:
#   1. the first start (no cache, no configuration) records which classes it uses (-XX:AOTMode=record), written
#      as the JVM exits, Ctrl-C included;
#   2. the next start finds that configuration: it starts as usual and, beside it, in the background, a JVM makes
#      the cache from it (-XX:AOTMode=create; seconds of CPU, at a low priority, logged to cli/target/);
#   3. every start after uses the cache (-XX:AOTCache).
# Not JDK 25's one step (-XX:AOTCacheOutput): it makes the cache in a child JVM as the first run exits, which
# prints the whole class path to the terminal ("Picked up JAVA_TOOL_OPTIONS: ..."), after Ctrl-C.
# A cache that does not fit (another JDK, a jar changed since) is never used as is: a jar newer than the cache,
# or a JDK other than the one it names, starts over at step 1; and the JVM itself ignores, silently, a cache it
# finds unusable (AOTMode=auto, logging off), so a run never fails for its cache. Building the CLI deletes them.
#
# JDK 21-24: a dynamic AppCDS archive, written as the JVM exits the first time (-XX:+AutoCreateSharedArchive).
#
# Both need a class path of jars only (cli/target/classpath.txt is). Their logging is off: it would write to
# stdout. One cache for `local up`, one for every other command: they load different classes.

class_cache_flags() { # $1: the cache's name (local-up, cli); $2: the class path -> prints the JVM flags, one a line
  local name=$1 classpath=$2 target="$ROOT/cli/target" jdk_version
  echo "-Xlog:cds*=off"
  if [[ $(java_major "$JDK") -lt 25 ]]; then
    echo "-XX:+AutoCreateSharedArchive"
    echo "-XX:SharedArchiveFile=$target/vidmeta-$name.jsa"
    return
  fi
  echo "-Xlog:aot*=off"
  jdk_version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$JDK/release" 2>/dev/null)
  local base="$target/vidmeta-$name-${jdk_version:-unknown}"
  local cache="$base.aot" config="$base.aotconf" failed="$base.aot-failed"
  if older_than_a_jar "$cache" "$classpath" || older_than_a_jar "$config" "$classpath" \
      || older_than_a_jar "$failed" "$classpath"; then
    rm -f "$cache" "$config" "$failed"
  fi
  if [[ -f "$failed" ]]; then
    return # making it failed (its log says why): run without, until the CLI or the JDK changes
  elif [[ -f "$cache" ]]; then
    echo "-XX:AOTCache=$cache"
  elif [[ -f "$config" ]]; then
    make_class_cache "$config" "$cache" "$classpath" "$target/vidmeta-$name.aot.log" "$failed"
  else
    rm -f "$target/vidmeta-$name-"*.aot "$target/vidmeta-$name-"*.aotconf # another JDK's
    echo "-XX:AOTMode=record"
    echo "-XX:AOTConfiguration=$config"
    # As it exits, the JVM says "AOTConfiguration recorded: <file>" whatever the logging: on stderr, not
    # amid the command's output.
    echo "-XX:+DisplayVMOutputToStderr"
  fi
}

older_than_a_jar() { # $1: a file, $2: a class path -> whether the file exists and a jar on the path is newer
  local jar IFS=:
  [[ -f "$1" ]] || return 1
  for jar in $2; do # some 110 stats: a millisecond
    [[ "$jar" -nt "$1" ]] && return 0
  done
  return 1
}

make_class_cache() { # $1 configuration, $2 cache, $3 class path, $4 log, $5 failure mark: makes the cache in the
  # background
  # One maker at a time (flock -n: a second launcher just goes on). In the background of a script, so SIGINT
  # (Ctrl-C on this command) is ignored by it. Written aside and renamed, so that no JVM maps a half-written
  # cache; the configuration (as large) is deleted once used. When it fails (a run killed while writing the
  # configuration, say), a mark keeps the next starts from trying again and again.
  # Before it is used, a JVM starts once on it (-XX:AOTMode=on: using it or failing): JDK 25.0.3 made, from a
  # recording of a run stopped under load, a cache on which every JVM crashed as it started (SIGSEGV in
  # AOTLinkedClassBulkLoader), and the JVM loads every class of the cache as it starts, so one start tries it.
  (
    flock -n 9 || exit 0
    local flags=(--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:ErrorFile="$4.hs_err" -cp "$3")
    if nice -n 10 "$JDK/bin/java" "${flags[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$1" -XX:AOTCache="$2.part" \
        >"$4" 2>&1 \
      && nice -n 10 "$JDK/bin/java" "${flags[@]}" -Xlog:cds*=off -Xlog:aot*=off -XX:AOTMode=on -XX:AOTCache="$2.part" \
        dev.vidmeta.cli.VidmetaCommand --version >>"$4" 2>&1; then
      mv -f "$2.part" "$2"
    else
      touch "$5"
    fi
    rm -f "$1" "$2.part"
  ) 9>"$1.lock" </dev/null >/dev/null 2>&1 &
}
