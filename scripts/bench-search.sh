#!/usr/bin/env bash
# `make bench`'s search figure: the wall time of one generation of the quick search (8 candidates trained
# in batches of the preset's search.candidates_per_batch and evaluated on the DirectRunner) and candidates
# per second, as one JSON line. Runs in a temporary
# directory without MLflow. Usage: bench-search.sh DATASET
set -euo pipefail
dataset=${1:?usage: bench-search.sh DATASET}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/bin/mirrorpo" evolve --config "$root/configs/quick.yaml" --dataset "$dataset" --out "$work/search" \
  --generations 1 --mlflow-uri http://127.0.0.1:9 --runner=DirectRunner >/dev/null 2>"$work/log" \
  || { cat "$work/log" >&2; exit 1; }
python3 - "$work/search/generations/00000/summary.json" "$work/search/search.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
batch = int(json.load(open(sys.argv[2]))["params"]["candidates_per_batch"])
print(json.dumps({"bench": "search-generation", "preset": "configs/quick.yaml", "runner": "DirectRunner",
                  "candidates": s["candidates"], "seconds_per_generation": round(s["seconds"], 2),
                  "candidates_per_second": round(s["candidates"] / s["seconds"], 4),
                  "failed": s["failed"], "population_batched": batch > 1, "candidates_per_batch": batch}))
PY
