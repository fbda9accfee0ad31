#!/usr/bin/env bash
# Koopa training cost on the shipped CO2 series with the default hyperparameters (3 blocks,
# state 64, MLPs 2×64, α = 0.2, batch 32, Adam 1e-3): seconds per epoch (median) and peak
# resident memory of the whole `opkit forecast` process, with the test MSE beside the baselines.
#
#   bash bench/forecast-co2.sh [epochs]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-10}
mkdir -p out/bench
for h in 26 52; do
  rm -f out/bench/koopa-$h.safetensors
  .build/release/opkit forecast --csv examples/koopa-co2/co2.csv --lookback $((2 * h)) --horizon $h --epochs "$EPOCHS" \
    --out out/bench/koopa-$h.safetensors --json 2>/dev/null |
    python3 -c "
import json, sys
d = json.load(sys.stdin)
b = d['baselines']
print(f\"Koopa CO2 lookback $((2 * h)) horizon $h: {d['seconds_per_epoch']:.3f} s/epoch, peak memory {d['peak_memory_mb']} MB, \"
      f\"test MSE {d['test_mse']:.5f} (repeat last {b['repeat_last']:.5f}, seasonal naive {b['seasonal_naive']:.5f}, linear {b['linear']:.5f})\")"
done
