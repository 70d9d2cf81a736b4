#!/usr/bin/env bash
# A Flink 1.19 standalone session cluster on this machine, from the Maven jars (flink-dist is not on
# Maven Central): a JobManager and TaskManagers as JVMs started through bin/java (the numeric
# environment every mirrorpo JVM runs with), configured by flink-conf/, on the classpath flink-cluster/
# resolves. Pid files and logs go to RUN_DIR; `down` stops only the processes those pid files name.
# The JVMs' temporary files go to RUN_DIR/tmp, which `down` deletes: each job's jar (about 100 MB) in each
# TaskManager's blob cache, shuffle and spill files, Flink's unpacked RPC jar. In /tmp, a TaskManager's
# directory is named by its resource id, which Flink keeps for recovery: every cluster's taskmanager-1
# used the same one and its job jars added up (60 GB after a few hundred test jobs).
#
#   flink-cluster.sh up RUN_DIR [TASKMANAGERS [SLOTS]]   start, wait until every TaskManager registered
#   flink-cluster.sh taskmanager RUN_DIR                 start one more TaskManager (e.g. after a loss)
#   flink-cluster.sh down RUN_DIR                        stop what `up` and `taskmanager` started
#
# FLINK_REST_PORT (8081) and FLINK_RPC_PORT (6123) choose the ports, e.g. for a second cluster.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conf=$root/flink-conf
java=$root/bin/java
classpath_file=$root/flink-cluster/target/cluster-classpath.txt
action=${1:?usage: flink-cluster.sh up|taskmanager|down RUN_DIR [TASKMANAGERS [SLOTS]]}
dir=${2:?usage: flink-cluster.sh up|taskmanager|down RUN_DIR [TASKMANAGERS [SLOTS]]}

# The entry points of flink-dist's jobmanager.sh and taskmanager.sh; also how `down` recognises its pids.
JOBMANAGER=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TASKMANAGER=org.apache.flink.runtime.taskexecutor.TaskManagerRunner

# A pid file's process, if it still runs the Flink class it was started as (a pid can be reused).
live_pid() { # FILE CLASS
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$2" && echo "$pid"
}

rest_url() { echo "http://127.0.0.1:$(cat "$dir/rest-port")"; }

# Flink's own memory calculation (what flink-dist's scripts run): JVM flags on the first line, the
# fully resolved memory options (-D ...) on the second.
resource_params() { # GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS [-D key=value ...]
  "$java" -cp "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils "$@" --configDir "$conf" \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

java_opts() { sed -n 's/^env\.java\.opts\.all: *//p' "$conf/config.yaml"; }

start() { # NAME CLASS JVM_FLAGS DYNAMIC_OPTIONS
  local name=$1 class=$2 jvm=$3 dynamic=$4
  # shellcheck disable=SC2046,SC2086  # the flag strings are lists of words
  (cd "$dir" && exec setsid "$java" $jvm $(java_opts) -Dlog.file="$dir/$name.log" \
    -Dlog4j.configurationFile="file:$conf/log4j.properties" -cp "$classpath" "$class" --configDir "$conf" \
    $dynamic -D rest.port="$(cat "$dir/rest-port")" -D jobmanager.rpc.port="$(cat "$dir/rpc-port")" \
    -D io.tmp.dirs="$dir/tmp" \
    </dev/null >"$dir/$name.out" 2>&1) &
  echo $! > "$dir/$name.pid"
}

start_taskmanager() {
  local n=1 params
  while [ -f "$dir/taskmanager-$n.pid" ]; do n=$((n + 1)); done
  mapfile -t params < <(resource_params GET_TM_RESOURCE_PARAMS -D taskmanager.numberOfTaskSlots="$(cat "$dir/slots")")
  # The resource id names the TaskManager in the web UI and in the REST API's vertex details.
  start "taskmanager-$n" "$TASKMANAGER" "${params[0]}" "${params[1]} -D taskmanager.resource-id=taskmanager-$n"
}

registered() { # how many TaskManagers the JobManager knows, or nothing while REST does not answer
  curl -sf --max-time 2 "$(rest_url)/overview" | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p'
}

wait_for() { # TASKMANAGERS
  local deadline=$((SECONDS + 120))
  until [ "$(registered)" = "$1" ]; do
    if [ -z "$(live_pid "$dir/jobmanager.pid" "$JOBMANAGER")" ] || [ $SECONDS -ge $deadline ]; then
      echo "flink: the cluster did not come up with $1 TaskManager(s) within 120 s; see $dir/*.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

need_classpath() {
  if [ ! -f "$classpath_file" ]; then
    echo "flink: the cluster's classpath $classpath_file is missing; run 'make build'" >&2
    exit 1
  fi
  classpath=$(cat "$classpath_file")
}

case $action in
  up)
    taskmanagers=${3:-1}
    slots=${4:-1}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -n "$(live_pid "$dir/jobmanager.pid" "$JOBMANAGER" || true)" ]; then
      echo "flink: already up, web UI $(rest_url) ('make flink-down' stops it)"
      exit 0
    fi
    need_classpath
    rm -f "$dir"/*.pid
    echo "${FLINK_REST_PORT:-8081}" > "$dir/rest-port"
    echo "${FLINK_RPC_PORT:-6123}" > "$dir/rpc-port"
    echo "$slots" > "$dir/slots"
    mkdir -p "$dir/tmp"
    mapfile -t params < <(resource_params GET_JM_RESOURCE_PARAMS)
    start jobmanager "$JOBMANAGER" "${params[0]}" "${params[1]}"
    for _ in $(seq "$taskmanagers"); do start_taskmanager; done
    wait_for "$taskmanagers"
    echo "flink: up, $taskmanagers TaskManager(s) × $slots slot(s), web UI $(rest_url) (logs in $dir)"
    ;;
  taskmanager)
    dir=$(cd "$dir" && pwd)
    need_classpath
    before=$(registered)
    start_taskmanager
    wait_for $((before + 1))
    ;;
  down)
    [ -d "$dir" ] || exit 0
    stopped=0
    for file in "$dir"/*.pid; do
      [ -f "$file" ] || continue
      class=$TASKMANAGER
      [ "$(basename "$file")" = jobmanager.pid ] && class=$JOBMANAGER
      if pid=$(live_pid "$file" "$class"); then
        kill "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        stopped=$((stopped + 1))
      fi
      rm -f "$file"
    done
    rm -rf "$dir/tmp"
    echo "flink: stopped $stopped process(es) started in $dir"
    ;;
  *)
    echo "usage: flink-cluster.sh up|taskmanager|down RUN_DIR [TASKMANAGERS [SLOTS]]" >&2
    exit 2
    ;;
esac
