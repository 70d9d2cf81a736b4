#!/usr/bin/env bash
# The main job of run-direct.sh, the quick MPO search, submitted to the local Flink session cluster,
# which is started (TASKMANAGERS × SLOTS) unless it is up; the cluster stays up for the next job
# (`make flink-down` stops it). Same summary and MLflow tracking as run-direct.
# Usage: run-flink.sh RUNS_DIR [TASKMANAGERS [SLOTS]]
set -euo pipefail
runs=${1:?usage: run-flink.sh RUNS_DIR [TASKMANAGERS [SLOTS]]}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$runs"
# TaskManagers resolve paths in their own working directory: give them absolute ones.
runs=$(cd "$runs" && pwd)
"$root/scripts/flink-cluster.sh" up "$runs/flink" "${2:-1}" "${3:-1}"
exec "$root/scripts/run-direct.sh" "$runs" run-flink --runner=FlinkRunner \
  --flinkMaster=localhost:"$(cat "$runs/flink/rest-port")"
