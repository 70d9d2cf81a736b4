#!/usr/bin/env bash
# `make bench`'s figures of what the pinned numeric environment costs (docs/reproducibility.md): the trainer
# (ORPO steps/s, objectives bench), dataset generation (pairs/s, dataset bench) and physics (Hopper, the
# Java layer against mujoco-testspeed, envs bench), each measured in rounds that alternate
# MIRRORPO_NUMERICS=pinned and =native in one run, so that both meet the same machine load; one JSON line
# per figure with the medians and pinned ÷ native. Usage: bench-numerics.sh DATASET [ROUNDS]
set -euo pipefail
dataset=${1:?usage: bench-numerics.sh DATASET [ROUNDS]}
rounds=${2:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq "$rounds"); do
  for mode in pinned native; do
    MIRRORPO_NUMERICS=$mode "$root/bin/mirrorpo" objectives bench --dataset "$dataset" --rounds 1 --json \
      >>"$work/trainer-$mode.jsonl"
    MIRRORPO_NUMERICS=$mode "$root/bin/mirrorpo" dataset bench --config "$root/configs/quick.yaml" --json \
      >>"$work/dataset-$mode.jsonl"
    MIRRORPO_NUMERICS=$mode "$root/bin/mirrorpo" envs bench --env hopper --rounds 1 --json >>"$work/physics-$mode.jsonl"
  done
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def median(figure, mode, field):
    return statistics.median(json.loads(line)[field] for line in open(f"{work}/{figure}-{mode}.jsonl"))
for figure, field in (("trainer", "java_steps_per_s"), ("dataset", "pairs_per_s"), ("physics", "ratio")):
    pinned, native = median(figure, "pinned", field), median(figure, "native", field)
    print(json.dumps({"benchmark": "numerics_cost", "figure": f"{figure} {field}", "rounds": rounds,
                      "pinned": pinned, "native": native, "pinned_over_native": round(pinned / native, 3)}))
PY
