#!/usr/bin/env bash
# Picks, for each target fraction of the expert's return, the training snapshot whose return is
# closest to it, and writes it as the reference agent with a 100-episode evaluation recorded.
# Usage: select-snapshots.sh EXPERT_FILE "FRACTIONS" OUT_PREFIX
#   e.g. select-snapshots.sh agents/hopper/expert.agent.json "0.43 0.57 0.86" agents/hopper/ref-
# The snapshots are the files EXPERT_STEM.step-*.agent.json written by --snapshot-every.
set -euo pipefail
expert=${1:?usage: select-snapshots.sh EXPERT_FILE FRACTIONS OUT_PREFIX}
fractions=${2:?usage: select-snapshots.sh EXPERT_FILE FRACTIONS OUT_PREFIX}
prefix=${3:?usage: select-snapshots.sh EXPERT_FILE FRACTIONS OUT_PREFIX}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirrorpo=$root/bin/mirrorpo
screen_episodes=20
screen_seed=11
final_episodes=100
final_seed=7

return_of() { sed -n 's/.*"mean_return":\([-0-9.eE]*\).*/\1/p'; }

expert_return=$("$mirrorpo" agents eval "$expert" --episodes "$final_episodes" --seed "$final_seed" --json | return_of)
echo "expert $expert: $expert_return over $final_episodes episodes (seed $final_seed)"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
for snapshot in "${expert%.agent.json}".step-*.agent.json; do
  r=$("$mirrorpo" agents eval "$snapshot" --episodes "$screen_episodes" --seed "$screen_seed" --json | return_of)
  echo "$snapshot $r" | tee -a "$table"
done
for fraction in $fractions; do
  target=$(awk -v e="$expert_return" -v f="$fraction" 'BEGIN { print e * f }')
  best=$(awk -v t="$target" '{ d = $2 - t; if (d < 0) d = -d; if (!seen || d < bd) { bd = d; b = $1; seen = 1 } } END { print b }' "$table")
  out="$prefix$(awk -v f="$fraction" 'BEGIN { printf "%d", f * 100 + 0.5 }').agent.json"
  cp "$best" "$out"
  "$mirrorpo" agents eval "$out" --episodes "$final_episodes" --seed "$final_seed" --record
  echo "  target $target ($fraction of the expert): $best -> $out"
done
