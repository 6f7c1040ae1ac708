#!/usr/bin/env bash
# Opt-in evaluation of deduplication on a generated base with known truth (issue 4's 1M bar):
# generates ROWS rows with SEED, runs `steward dedupe` with --timings, and prints precision,
# recall, F1, wall time and peak memory. Not part of CI (1M rows take about a minute here).
#
# usage: scripts/eval-dedupe-generated.sh [ROWS] [SEED]     (defaults: 1000000 1)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
seed="${2:-1}"
work="target/eval-generated/${rows}-${seed}"
mkdir -p "$work"

cargo build --release --quiet --bin steward --example gen_contacts
if [ ! -f "$work/base.csv" ]; then
    target/release/examples/gen_contacts --rows "$rows" --seed "$seed" \
        --out "$work/base.csv" --truth "$work/truth.csv"
fi
rm -rf "$work/out"
# --timings prints each stage with the process's memory (peak included) on stderr.
TIMEFORMAT="whole run: %R s wall, %U s user"
time target/release/steward dedupe "$work/base.csv" --out "$work/out" -q --timings
echo "precision recall F1:"
python3 scripts/eval_generated.py "$work/out/clusters.csv" "$work/truth.csv"
