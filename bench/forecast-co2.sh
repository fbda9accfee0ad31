#!/usr/bin/env bash
# Koopa training cost on the shipped CO2 series with the default hyperparameters (3 blocks,
# state 64, MLPs 2×64, α = 0.2, batch 32, Adam 1e-3): seconds per epoch (median) and peak
# resident memory of the whole `opkit forecast` process, with the test MSE beside the baselines;
# then the same model in PyTorch on CPU (bench/koopa_reference.py, our own transcription of the
# paper's architecture) on the same CSV, split and windows, for the ratio.
#
#   bash bench/forecast-co2.sh [epochs]   (default 10)
#
# PyTorch comes from PyPI into .venv-bench on first use (see bench/compare-fno.sh); set
# TORCH_PYTHON to a python that already has torch, or SKIP_TORCH=1 to leave the reference out.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-10}
PYTHON=${TORCH_PYTHON:-.venv-bench/bin/python}
if [ "${SKIP_TORCH:-0}" != 1 ] && ! "$PYTHON" -c "import torch, numpy" 2>/dev/null; then
  echo "installing PyTorch into .venv-bench (first run only)"
  python3 -m venv .venv-bench && .venv-bench/bin/pip install -q torch numpy
  PYTHON=.venv-bench/bin/python
fi
mkdir -p out/bench
for h in 26 52; do
  rm -f out/bench/koopa-$h.safetensors
  ours=$(.build/release/opkit forecast --csv examples/koopa-co2/co2.csv --lookback $((2 * h)) --horizon $h --epochs "$EPOCHS" \
    --out out/bench/koopa-$h.safetensors --json 2>/dev/null)
  theirs='null'
  if [ "${SKIP_TORCH:-0}" != 1 ]; then
    theirs=$("$PYTHON" bench/koopa_reference.py --csv examples/koopa-co2/co2.csv --lookback $((2 * h)) --horizon $h \
      --epochs "$EPOCHS" --threads "$(nproc)")
  fi
  python3 - "$ours" "$theirs" "$h" <<'PY'
import json, sys
d, t, h = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
b = d['baselines']
print(f"Koopa CO2 lookback {2 * h} horizon {h}: {d['seconds_per_epoch']:.3f} s/epoch, peak memory {d['peak_memory_mb']} MB, "
      f"test MSE {d['test_mse']:.5f} (repeat last {b['repeat_last']:.5f}, seasonal naive {b['seasonal_naive']:.5f}, linear {b['linear']:.5f})")
if t:
    print(f"  PyTorch {t['torch']} reference: {t['seconds_per_epoch']:.3f} s/epoch, peak memory {t['peak_memory_mb']} MB, "
          f"test MSE {t['test_mse']:.5f}; opkit is {t['seconds_per_epoch'] / d['seconds_per_epoch']:.2f}x faster per epoch")
PY
done
