#!/usr/bin/env bash
# FNO training on the same Darcy files: opkit against the PyTorch CPU reference
# (bench/fno_reference.py), one after the other on this machine. Prints seconds per epoch
# (median over the epochs), the ratio, and the test relative L2 both reach.
#
#   bash bench/compare-fno.sh [epochs]        (default 5; 100 for the accuracy comparison)
#
# PyTorch comes from PyPI into .venv-bench on first use (several GB; not part of make test).
# Set TORCH_PYTHON to a python that already has torch to skip the install.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-5}
OPKIT=.build/release/opkit
DATA=out/bench
source bench/darcy32.sh
source bench/torch-python.sh && torch_python

rm -f $DATA/fno.safetensors
ours=$($OPKIT train fno --data $DATA/darcy32-train --test-data $DATA/darcy32-test --epochs "$EPOCHS" --out $DATA/fno.safetensors --json 2>/dev/null)
theirs=$("$PYTHON" bench/fno_reference.py --train $DATA/darcy32-train --test $DATA/darcy32-test --epochs "$EPOCHS" --threads "$(nproc)")

python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"FNO (reference Darcy model, {ours['parameters']} parameters), 1000 train / 200 test at 32x32, {ours['epochs']} epochs, batch 20")
print(f"{'':18}{'s/epoch':>10}{'test rel. L2':>14}")
print(f"{'opkit':18}{ours['seconds_per_epoch']:>10.2f}{ours['test_relative_l2']:>14.4f}")
print(f"{'PyTorch ' + theirs['torch']:18}{theirs['seconds_per_epoch']:>10.2f}{theirs['test_relative_l2']:>14.4f}")
print(f"opkit is {theirs['seconds_per_epoch'] / ours['seconds_per_epoch']:.2f}x faster per epoch")
PY
