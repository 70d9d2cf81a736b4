#!/usr/bin/env bash
# The main job on this machine. For now: roll out the random and zero policies on every task and
# summarise them (later issues turn this into the ES search of DESIGN §1). Usage: run-direct.sh OUT_DIR
set -euo pipefail
out=${1:?usage: run-direct.sh OUT_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$out"
results=$out/rollouts.jsonl
partial=$(mktemp "$out/.rollouts.jsonl.XXXXXX")
trap 'rm -f "$partial"' EXIT

episodes=20
seed=1
echo "run-direct: $episodes episodes per task and policy, seed $seed, real MuJoCo $("$root"/bin/mirrorpo --version | sed -n 's/^MuJoCo //p')"
for env in $("$root"/bin/mirrorpo envs list --json | sed -n 's/.*"env":"\([a-z]*\)".*/\1/p'); do
  for policy in random zero; do
    "$root"/bin/mirrorpo envs rollout --env "$env" --policy "$policy" --episodes "$episodes" --seed "$seed" --json >>"$partial"
  done
done
mv "$partial" "$results"
trap - EXIT

printf '\n%-8s %-8s %18s %12s\n' task policy "return ± s.e." "mean length"
python3 - "$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    ret = f"{r['mean_return']:.1f} ± {r['standard_error']:.1f}"
    print(f"{r['env']:<8} {r['policy']:<8} {ret:>18} {r['mean_length']:>12.1f}")
PY
echo
echo "results: $results (one JSON line per task and policy, with the seed that made it)"
echo "reproduce one line: bin/mirrorpo envs rollout --env hopper --policy random --episodes $episodes --seed $seed --json"
