#!/usr/bin/env bash
# MgNO on the same Darcy files and recipe: opkit against the PyTorch transcription
# (bench/mgno_reference.py), seeds 0 and 1 (initialization and shuffles), one run after the
# other on this machine. Prints the test relative L2 each reaches, their means and ratio, and
# seconds per epoch (median; training only and with the test evaluation).
#
#   bash bench/compare-mgno.sh [epochs]   (default 30, the accuracy comparison of the README)
#
# PyTorch comes from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-30}
OPKIT=${OPKIT:-.build/release/opkit}
DATA=out/bench
source bench/darcy32.sh
source bench/torch-python.sh && torch_python

rows=()
for seed in 0 1; do
  rm -f "$DATA/mgno-seed$seed.safetensors"
  rows+=("$($OPKIT train mgno --data $DATA/darcy32-train --test-data $DATA/darcy32-test --epochs "$EPOCHS" --seed "$seed" \
    --out "$DATA/mgno-seed$seed.safetensors" --json 2>/dev/null)")
  rows+=("$("$PYTHON" bench/mgno_reference.py --train $DATA/darcy32-train --test $DATA/darcy32-test --epochs "$EPOCHS" \
    --seed "$seed" --threads "$(nproc)")")
done

python3 - "${rows[@]}" <<'PY'
import json, statistics, sys
ours0, torch0, ours1, torch1 = (json.loads(a) for a in sys.argv[1:])
print(f"MgNO ({ours0['parameters']} parameters; PyTorch {torch0['parameters']}), Darcy 32x32, 1000 train / 200 test, "
      f"{ours0['epochs']} epochs, batch 20, Adam 1e-3, weight decay 1e-4, step schedule")
print(f"{'':16}{'seed 0':>10}{'seed 1':>10}{'mean':>10}{'s/epoch 0':>11}{'s/epoch 1':>11}")
for name, a, b in (("opkit", ours0, ours1), (f"PyTorch {torch0['torch']}", torch0, torch1)):
    mean = (a["test_relative_l2"] + b["test_relative_l2"]) / 2
    print(f"{name:16}{a['test_relative_l2']:>10.4f}{b['test_relative_l2']:>10.4f}{mean:>10.4f}"
          f"{a['seconds_per_epoch']:>11.2f}{b['seconds_per_epoch']:>11.2f}")
ours = (ours0["test_relative_l2"] + ours1["test_relative_l2"]) / 2
theirs = (torch0["test_relative_l2"] + torch1["test_relative_l2"]) / 2
print(f"test relative L2, opkit / PyTorch: {ours / theirs:.3f} (acceptance: at most 1.1)")
# Seconds per epoch (each run's median over its epochs, with the test evaluation on both sides).
time_ratio = (ours0["seconds_per_epoch"] + ours1["seconds_per_epoch"]) / (torch0["seconds_per_epoch"] + torch1["seconds_per_epoch"])
print(f"seconds per epoch, opkit / PyTorch: {time_ratio:.3f} (performance acceptance: at most 0.67)")
PY
