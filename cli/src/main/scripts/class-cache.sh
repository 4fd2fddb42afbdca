# Sourced (bash), not run: the launcher's class cache, which spares the JVM most of the work of loading the CLI's
# classes (85 jars) at each start. Defines class_cache_flags. Expects ROOT and JDK from the launcher.
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
# One lock per cache (flock on <name>.aot.lock): the recording JVM holds it until it has written its configuration
# (the launcher opens it as fd 9, which the JVM inherits), and the maker holds it while it makes the cache; a
# start that finds it taken just runs without a cache.
#
# JDK 21-24: a dynamic AppCDS archive, written as the JVM exits the first time (-XX:+AutoCreateSharedArchive).
#
# Both need a class path of jars only (cli/target/classpath.txt is). Their logging is off: it would write to
# stdout. One cache for `local up`, one for every other command: they load different classes.

# class_cache_flags NAME CLASSPATH: sets CACHE_FLAGS, the JVM flags for the cache NAME (local-up, cli). Runs in
# the launcher's shell, not in a subshell: it may leave fd 9 open (the recording's lock) for the JVM to inherit.
class_cache_flags() {
  local name=$1 classpath=$2 target="$ROOT/cli/target" jdk_version
  CACHE_FLAGS=("-Xlog:cds*=off")
  if [[ $(java_major "$JDK") -lt 25 ]]; then
    CACHE_FLAGS+=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$target/vidmeta-$name.jsa")
    return
  fi
  CACHE_FLAGS+=("-Xlog:aot*=off")
  jdk_version=$(release_field "$JDK/release" JAVA_RUNTIME_VERSION) # find-jdk.sh
  local base="$target/vidmeta-$name-${jdk_version:-unknown}"
  local cache="$base.aot" config="$base.aotconf" failed="$base.aot-failed" lock="$base.aot.lock"
  if [[ -f "$cache" ]] && ! older_than_a_jar "$cache" "$classpath"; then
    CACHE_FLAGS+=("-XX:AOTCache=$cache")
    return
  fi
  exec 9>"$lock"
  if ! flock -n 9; then # being recorded or made right now: run without
    exec 9>&-
    return
  fi
  if older_than_a_jar "$cache" "$classpath" || older_than_a_jar "$config" "$classpath" \
      || older_than_a_jar "$failed" "$classpath"; then
    rm -f "$cache" "$config" "$failed"
  fi
  local failures=0
  [[ -f "$failed" ]] && failures=$(<"$failed")
  [[ $failures =~ ^[0-9]+$ ]] || failures=0
  if ((failures >= 2)); then
    exec 9>&- # made twice in vain (the log says why): run without, until the CLI or the JDK changes
  elif [[ -f "$config" ]]; then
    make_class_cache "$config" "$cache" "$classpath" "$target/vidmeta-$name.aot.log" "$failed"
    exec 9>&-
  else
    rm -f "$target/vidmeta-$name-"*.aot "$target/vidmeta-$name-"*.aotconf # another JDK's
    # fd 9 stays open: the JVM holds the lock until it has written the configuration, as it exits. As it does,
    # it says "AOTConfiguration recorded: <file>" whatever the logging: on stderr, not amid the command's output.
    CACHE_FLAGS+=(-XX:AOTMode=record "-XX:AOTConfiguration=$config" -XX:+DisplayVMOutputToStderr)
  fi
}

older_than_a_jar() { # $1: a file, $2: a class path -> whether the file exists and a jar on the path is newer
  local jar IFS=:
  [[ -f "$1" ]] || return 1
  for jar in $2; do # some 85 stats: a millisecond
    [[ "$jar" -nt "$1" ]] && return 0
  done
  return 1
}

make_class_cache() { # $1 configuration, $2 cache, $3 class path, $4 log, $5 failure count: makes the cache in
  # the background, holding the lock (fd 9, taken by the caller). In the background of a script, so SIGINT
  # (Ctrl-C on this command) is ignored by it. Written aside and renamed, so that no JVM maps a half-written
  # cache; the configuration (as large) is deleted once used, made or not: a failed one is recorded again, at
  # most twice (the failure count).
  # Before it is used, a JVM starts once on it (-XX:AOTMode=on: using it or failing): JDK 25.0.3 made, from a
  # recording of a run stopped under load, a cache on which every JVM crashed as it started (SIGSEGV in
  # AOTLinkedClassBulkLoader), and the JVM loads every class of the cache as it starts, so one start tries it.
  (
    local flags=(--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:ErrorFile="$4.hs_err" -cp "$3")
    if nice -n 10 "$JDK/bin/java" "${flags[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$1" -XX:AOTCache="$2.part" \
        >"$4" 2>&1 \
      && nice -n 10 "$JDK/bin/java" "${flags[@]}" "-Xlog:cds*=off" "-Xlog:aot*=off" -XX:AOTMode=on -XX:AOTCache="$2.part" \
        dev.vidmeta.cli.VidmetaCommand --version >>"$4" 2>&1; then
      mv -f "$2.part" "$2"
      rm -f "$5"
    else
      local failures
      failures=$(cat "$5" 2>/dev/null || true)
      [[ $failures =~ ^[0-9]+$ ]] || failures=0 # a count that does not read as one starts again, and is rewritten
      echo $((failures + 1)) >"$5"
    fi
    rm -f "$1" "$2.part"
  ) </dev/null >/dev/null 2>&1 &
}
