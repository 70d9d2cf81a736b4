#!/usr/bin/env bash
# The main job on this machine: the quick MPO search (configs/quick.yaml: Hopper, 8 candidate objectives
# per generation, a few generations) on Beam's DirectRunner, tracked in MLflow, ending with the best
# discovered objective against ORPO on the same dataset. Rerunning it resumes (or, when finished,
# reprints) the same search. Usage: run-direct.sh RUNS_DIR [NAME BEAM_OPTIONS...]; scripts/run-flink.sh
# runs the same search as NAME run-flink with the options of a Flink cluster.
set -euo pipefail
runs=${1:?usage: run-direct.sh RUNS_DIR [NAME BEAM_OPTIONS...]}
name=${2:-run-direct}
beam_options=("${@:3}")
[ ${#beam_options[@]} -gt 0 ] || beam_options=(--runner=DirectRunner)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirrorpo=$root/bin/mirrorpo
mkdir -p "$runs"

# MLflow: the user's server when MLFLOW_TRACKING_URI is set, else the local one (store under RUNS_DIR/mlflow).
if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  "$root/scripts/mlflow-server.sh" up "$runs/mlflow"
  export MLFLOW_TRACKING_URI=http://127.0.0.1:${MLFLOW_PORT:-5000}
fi

dataset=$runs/datasets/quick-base
if [ ! -f "$dataset/manifest.json" ]; then
  "$mirrorpo" dataset generate --config "$root/configs/quick.yaml" --quality base --out "$dataset" --overwrite
fi

# The search's parent directory first: a cluster submission refuses an output whose parent does not exist.
mkdir -p "$runs/$name"
"$mirrorpo" evolve --config "$root/configs/quick.yaml" --dataset "$dataset" --out "$runs/$name/search" \
  "${beam_options[@]}"
echo "  MLflow UI: $MLFLOW_TRACKING_URI"
