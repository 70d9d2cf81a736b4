#!/usr/bin/env bash
# `make bench`'s Flink figure: the wall time of one quick search generation (configs/quick.yaml, 8
# candidates in batches of 4) on the DirectRunner and on a local session cluster of 1 TaskManager × 1 slot
# and of 2 × 1, the parallel efficiency time(1×1) / (2 · time(2×1)), and per cluster run the job's
# overhead, measured two ways: wall time minus the candidates' own train + evaluate seconds spread over
# the slots (everything the cluster adds: jar upload, scheduling, I/O, the wait for the slower batch),
# and the JobManager's delay from the job's submission to its first task; and the batches each
# TaskManager trained (fitness rows out of the training step). One JSON line. The clusters run
# on free ports under a temporary directory and are stopped on exit; no MLflow.
# Usage: bench-flink.sh DATASET [PAIRS]   (PAIRS: antithetic pairs per generation, the preset's 4 unless
# given; 8 makes 16 candidates, 2 batches per slot on 2 × 1)
set -euo pipefail
dataset=${1:?usage: bench-flink.sh DATASET [PAIRS]}
pairs=${2:-4}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=$root/.venv/bin/python
# The fitness rows are Parquet; the MLflow virtualenv has pyarrow (through mlflow).
if ! "$python" -c 'import pyarrow' 2>/dev/null; then
  echo "bench-flink: $python with pyarrow is missing; run 'make setup'" >&2
  exit 1
fi
# TaskManagers resolve a relative path in their own working directory.
dataset=$(cd "$dataset" && pwd)
work=$(mktemp -d)
clusters=()
cleanup() {
  for cluster in "${clusters[@]}"; do "$root/scripts/flink-cluster.sh" down "$cluster" >/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
preset=$work/quick-$pairs-pairs.yaml
sed "s/^  pairs: 4 /  pairs: $pairs /" "$root/configs/quick.yaml" >"$preset"
grep -q "^  pairs: $pairs " "$preset" || { echo "bench-flink: configs/quick.yaml has no search 'pairs: 4' line" >&2; exit 1; }

generation() { # RUN_NAME BEAM_OPTIONS...
  local name=$1
  shift
  "$root/bin/mirrorpo" evolve --config "$preset" --dataset "$dataset" --out "$work/$name" \
    --generations 1 --mlflow-uri http://127.0.0.1:9 "$@" >/dev/null 2>"$work/$name.log" \
    || { cat "$work/$name.log" >&2; exit 1; }
}

on_cluster() { # RUN_NAME TASKMANAGERS: a fresh cluster of TASKMANAGERS × 1 slot for one generation
  local name=$1 cluster=$work/$1-cluster rest rpc
  # Both ports from one call, so that they differ.
  read -r rest rpc < <(python3 -c 'import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
  clusters+=("$cluster")
  FLINK_REST_PORT=$rest FLINK_RPC_PORT=$rpc "$root/scripts/flink-cluster.sh" up "$cluster" "$2" 1 >/dev/null
  generation "$name" --runner=FlinkRunner --flinkMaster=127.0.0.1:"$rest"
  # The generation is the cluster's only job (the baseline trains in the driver); the newest, to be sure.
  curl -sf "http://127.0.0.1:$rest/jobs/overview" >"$work/$name.jobs.json"
  local job
  job=$(python3 -c 'import json, sys
print(max(json.load(open(sys.argv[1]))["jobs"], key=lambda j: j["start-time"])["jid"])' "$work/$name.jobs.json")
  curl -sf "http://127.0.0.1:$rest/jobs/$job" >"$work/$name.job.json"
  # Which TaskManager trained how many candidates: the fitness rows each one's training step wrote.
  local vertex
  vertex=$(python3 -c 'import json, sys
print(next(v["id"] for v in json.load(open(sys.argv[1]))["vertices"] if "TrainAndEvaluateBatches" in v["name"]))' \
    "$work/$name.job.json")
  curl -sf "http://127.0.0.1:$rest/jobs/$job/vertices/$vertex/taskmanagers" >"$work/$name.batches.json"
  "$root/scripts/flink-cluster.sh" down "$cluster" >/dev/null
}

generation direct --runner=DirectRunner
on_cluster one 1
on_cluster two 2
"$python" - "$work" "$pairs" <<'PY'
import glob, json, sys
import pyarrow.parquet as pq
work = sys.argv[1]
def measured(name, slots=None):
    summary = json.load(open(f"{work}/{name}/generations/00000/summary.json"))
    rows = [r for f in sorted(glob.glob(f"{work}/{name}/generations/00000/fitness-*.parquet"))
            for r in pq.read_table(f, columns=["train_seconds", "evaluate_seconds"]).to_pylist()]
    work_seconds = sum(r["train_seconds"] + r["evaluate_seconds"] for r in rows)
    figures = {"seconds": round(summary["seconds"], 2), "candidate_seconds": round(work_seconds, 2)}
    if slots:
        job = json.load(open(f"{work}/{name}.job.json"))
        first_task = min(v["start-time"] for v in job["vertices"] if v["start-time"] > 0)
        figures.update({"job_seconds": round(job["duration"] / 1000, 2),
                        "overhead_seconds": round(summary["seconds"] - work_seconds / slots, 2),
                        "submission_to_first_task_seconds": round((first_task - job["start-time"]) / 1000, 2),
                        "candidates_by_taskmanager": {tm["taskmanager-id"]: tm["metrics"]["write-records"]
                            for tm in json.load(open(f"{work}/{name}.batches.json"))["taskmanagers"]}})
    return summary, figures
direct, direct_figures = measured("direct")
one, one_figures = measured("one", 1)
two, two_figures = measured("two", 2)
print(json.dumps({"bench": "flink-generation", "preset": "configs/quick.yaml", "pairs": int(sys.argv[2]), "candidates": direct["candidates"],
                  "direct": direct_figures, "cluster_1x1": one_figures, "cluster_2x1": two_figures,
                  "parallel_efficiency": round(one["seconds"] / (2 * two["seconds"]), 3),
                  "failed": direct["failed"] + one["failed"] + two["failed"]}))
PY
