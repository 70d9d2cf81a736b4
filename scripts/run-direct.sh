#!/usr/bin/env bash
# The main job on this machine, for now: the random policy and every reference agent on their tasks,
# then the quick preference dataset (made once, reused afterwards) and its summary. Later issues turn
# this into the ES search of DESIGN §1. Usage: run-direct.sh OUT_DIR
set -euo pipefail
out=${1:?usage: run-direct.sh OUT_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirrorpo=$root/bin/mirrorpo
mkdir -p "$out"
results=$out/evaluations.jsonl
partial=$(mktemp "$out/.evaluations.jsonl.XXXXXX")
trap 'rm -f "$partial"' EXIT

episodes=20
seed=1
echo "run-direct: $episodes episodes per policy (seed $seed), real MuJoCo $("$mirrorpo" --version | sed -n 's/^MuJoCo //p')"
for env in hopper ant tla; do
  "$mirrorpo" envs rollout --env "$env" --policy random --episodes "$episodes" --seed "$seed" --json >>"$partial"
done
for agent in hopper/expert hopper/ref-86 hopper/ref-57 hopper/ref-43 ant/original tla/target; do
  "$mirrorpo" agents eval "$root/agents/$agent.agent.json" --episodes "$episodes" --seed "$seed" --json >>"$partial"
done
"$mirrorpo" agents eval "$root/agents/ant/original.agent.json" --env tla --episodes "$episodes" --seed "$seed" --json >>"$partial"
mv "$partial" "$results"
trap - EXIT

printf '\n%-34s %-6s %18s %12s\n' policy task "return ± s.e." "mean length"
python3 - "$results" "$root/" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    name = r.get("policy") or r["agent"].replace(sys.argv[2], "")
    ret = f"{r['mean_return']:.1f} ± {r['standard_error']:.1f}"
    print(f"{name:<34} {r['env']:<6} {ret:>18} {r['mean_length']:>12.1f}")
PY

dataset=$(dirname "$out")/datasets/quick-base
if [ ! -f "$dataset/manifest.json" ]; then
  echo
  "$mirrorpo" dataset generate --config "$root/configs/quick.yaml" --quality base --out "$dataset" --overwrite
fi
echo
"$mirrorpo" dataset inspect "$dataset"
echo
echo "evaluations: $results (one JSON line per policy, with its seed)"
echo "dataset:     $dataset (Parquet + manifest.json; read it with pyarrow, DuckDB or Spark)"
