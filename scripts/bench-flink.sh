#!/usr/bin/env bash
# `make bench`'s Flink figure: the wall time of one quick search generation (configs/quick.yaml, 8
# candidates in batches of 4) on the DirectRunner and on a local session cluster of 1 TaskManager × 1 slot
# and of 2 × 1, the parallel efficiency time(1×1) / (2 · time(2×1)), and per cluster run the job's
# overhead, measured two ways: wall time minus the candidates' own train + evaluate seconds spread over
# the slots (everything the cluster adds: jar upload, scheduling, I/O, the wait for the slower batch),
# and the JobManager's delay from the job's submission to its first task; and the batches each
# TaskManager trained (fitness rows out of the training step). Each run is a search of two generations on
# one cluster (or in one DirectRunner JVM): the first pays the start of everything, the second is how
# every later generation of a search runs, so both are reported ("cold" and "warm"). Per cluster run also
# the CPU seconds of each JVM (/proc: TaskManagers, JobManager, the driver) next to the candidates' own
# seconds: what the cluster's JVMs spend beyond training (compiling the job's classes, which every job
# loads afresh; garbage collection; Flink itself). One JSON line. The clusters run on free ports under a
# temporary directory and are stopped on exit; no MLflow.
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

cpu_seconds() { # PID: user + system CPU seconds of a running process (fields 14 and 15 of /proc/PID/stat)
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

generation() { # RUN_NAME BEAM_OPTIONS...: two generations of the search, the driver's CPU seconds recorded
  local name=$1
  shift
  # The generations only: the search's evaluations of its mean would be jobs of their own after them.
  "$root/bin/mirrorpo" evolve --config "$preset" --dataset "$dataset" --out "$work/$name" \
    --generations 2 --evaluate=false --mlflow-uri http://127.0.0.1:9 "$@" >/dev/null 2>"$work/$name.log" &
  local driver=$! cpu=0
  while kill -0 "$driver" 2>/dev/null; do
    cpu=$(cpu_seconds "$driver" 2>/dev/null || echo "$cpu")
    sleep 0.5
  done
  wait "$driver" || { cat "$work/$name.log" >&2; exit 1; }
  echo "$cpu" >"$work/$name.driver-cpu"
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
  local pid before=()
  for pid in "$cluster"/*.pid; do before+=("$(basename "$pid" .pid)=$(cpu_seconds "$(cat "$pid")")"); done
  generation "$name" --runner=FlinkRunner --flinkMaster=127.0.0.1:"$rest"
  local entry after
  for entry in "${before[@]}"; do
    after=$(cpu_seconds "$(cat "$cluster/${entry%%=*}.pid")")
    echo "${entry%%=*} $(python3 -c "print(round($after - ${entry#*=}, 2))")"
  done >"$work/$name.cpu"
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
  # The REST API serves metrics from a store it refreshes every few seconds: wait until the rows add up to the
  # generation's candidates (30 s at most), or a TaskManager's last batch may still read as 0.
  local waited=0
  until curl -sf "http://127.0.0.1:$rest/jobs/$job/vertices/$vertex/taskmanagers" >"$work/$name.batches.json" &&
      python3 -c 'import glob, json, sys
rows = sum(tm["metrics"]["write-records"] for tm in json.load(open(sys.argv[1]))["taskmanagers"])
summaries = sorted(glob.glob(sys.argv[2] + "/generations/*/summary.json"))
sys.exit(rows != json.load(open(summaries[-1]))["candidates"])' "$work/$name.batches.json" "$work/$name" ||
      [ $waited -ge 30 ]; do
    sleep 1
    waited=$((waited + 1))
  done
  "$root/scripts/flink-cluster.sh" down "$cluster" >/dev/null
}

generation direct --runner=DirectRunner
on_cluster one 1
on_cluster two 2
"$python" - "$work" "$pairs" <<'PY'
import glob, json, sys
import pyarrow.parquet as pq
work = sys.argv[1]
def generation(name, g):
    summary = json.load(open(f"{work}/{name}/generations/{g:05d}/summary.json"))
    rows = [r for f in sorted(glob.glob(f"{work}/{name}/generations/{g:05d}/fitness-*.parquet"))
            for r in pq.read_table(f, columns=["train_seconds", "evaluate_seconds"]).to_pylist()]
    return summary, sum(r["train_seconds"] + r["evaluate_seconds"] for r in rows)
def measured(name, slots=None):
    summary, work_seconds = generation(name, 0)
    warm, warm_work_seconds = generation(name, 1)
    figures = {"seconds": round(summary["seconds"], 2), "candidate_seconds": round(work_seconds, 2),
               "warm_seconds": round(warm["seconds"], 2), "warm_candidate_seconds": round(warm_work_seconds, 2),
               "driver_cpu_seconds": float(open(f"{work}/{name}.driver-cpu").read())}
    if slots:
        figures["cpu_seconds"] = {line.split()[0]: float(line.split()[1]) for line in open(f"{work}/{name}.cpu")}
        # The cluster's last job is the second generation; its first, the first generation's, timed above.
        job = json.load(open(f"{work}/{name}.job.json"))
        first_task = min(v["start-time"] for v in job["vertices"] if v["start-time"] > 0)
        figures.update({"overhead_seconds": round(summary["seconds"] - work_seconds / slots, 2),
                        "warm_overhead_seconds": round(warm["seconds"] - warm_work_seconds / slots, 2),
                        "warm_job_seconds": round(job["duration"] / 1000, 2),
                        "warm_submission_to_first_task_seconds": round((first_task - job["start-time"]) / 1000, 2),
                        "warm_candidates_by_taskmanager": {tm["taskmanager-id"]: tm["metrics"]["write-records"]
                            for tm in json.load(open(f"{work}/{name}.batches.json"))["taskmanagers"]},
                        "taskmanager_cpu_seconds_per_candidate": round(sum(
                            v for k, v in figures["cpu_seconds"].items() if k.startswith("taskmanager"))
                            / (summary["candidates"] + warm["candidates"]), 2)})
    return (summary, warm), figures
direct, direct_figures = measured("direct")
one, one_figures = measured("one", 1)
two, two_figures = measured("two", 2)
print(json.dumps({"bench": "flink-generation", "preset": "configs/quick.yaml", "pairs": int(sys.argv[2]), "candidates": direct[0]["candidates"],
                  "direct": direct_figures, "cluster_1x1": one_figures, "cluster_2x1": two_figures,
                  "parallel_efficiency": round(one[0]["seconds"] / (2 * two[0]["seconds"]), 3),
                  "warm_parallel_efficiency": round(one[1]["seconds"] / (2 * two[1]["seconds"]), 3),
                  "failed": sum(s["failed"] for run in (direct, one, two) for s in run)}))
PY
