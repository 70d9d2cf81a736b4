#!/usr/bin/env bash
# `make bench`'s search figure: the wall time of one generation of the quick search (8 candidates trained
# and evaluated on the DirectRunner, two worker threads) and candidates per second, with the candidates
# trained in batches of the preset's search.candidates_per_batch (population-batched training) and, in the
# same run, one per batch (one at a time); one JSON line. Runs in temporary directories without MLflow.
# Usage: bench-search.sh DATASET
set -euo pipefail
dataset=${1:?usage: bench-search.sh DATASET}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
generation() { # RUN_NAME [evolve options...]
  local name=$1
  shift
  # The generation only: the search's evaluations of its mean and its result are not this figure.
  "$root/bin/mirrorpo" evolve --config "$root/configs/quick.yaml" --dataset "$dataset" --out "$work/$name" \
    --generations 1 --evaluate=false --mlflow-uri http://127.0.0.1:9 "$@" --runner=DirectRunner >/dev/null 2>"$work/$name.log" \
    || { cat "$work/$name.log" >&2; exit 1; }
}
generation batched
generation one-at-a-time --candidates-per-batch 1
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def measured(name):
    summary = json.load(open(f"{work}/{name}/generations/00000/summary.json"))
    batch = int(json.load(open(f"{work}/{name}/search.json"))["params"]["candidates_per_batch"])
    return summary, batch
batched, batch = measured("batched")
alone, _ = measured("one-at-a-time")
print(json.dumps({"bench": "search-generation", "preset": "configs/quick.yaml", "runner": "DirectRunner",
                  "candidates": batched["candidates"], "candidates_per_batch": batch,
                  "seconds_per_generation": round(batched["seconds"], 2),
                  "candidates_per_second": round(batched["candidates"] / batched["seconds"], 4),
                  "one_at_a_time_seconds_per_generation": round(alone["seconds"], 2),
                  "batched_speedup": round(alone["seconds"] / batched["seconds"], 3),
                  "failed": batched["failed"] + alone["failed"]}))
PY
