#!/usr/bin/env bash
# MgNO against FNO on the same Darcy files, epoch budget and trainer (Adam 1e-3, step schedule,
# batch 20, relative L2 loss), one after the other on this machine. Prints parameters, seconds
# per epoch (median over the epochs) and the test relative L2 each reaches.
#
#   bash bench/compare-operators.sh [epochs]   (default 3; 100 for the accuracy comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-3}
OPKIT=.build/release/opkit
DATA=out/bench

source bench/darcy32.sh

run() {
  local model=$1
  rm -f "$DATA/$model.safetensors"
  $OPKIT train "$model" --data $DATA/darcy32-train --test-data $DATA/darcy32-test --epochs "$EPOCHS" \
    --out "$DATA/$model.safetensors" --json 2>/dev/null
}
fno=$(run fno)
mgno=$(run mgno)

python3 - "$fno" "$mgno" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print(f"Darcy 32x32, 1000 train / 200 test, {rows[0]['epochs']} epochs, batch 20, same trainer")
print(f"{'model':8}{'parameters':>12}{'s/epoch':>10}{'test rel. L2':>14}{'test rel. H1':>14}")
for r in rows:
    print(f"{r['model']:8}{r['parameters']:>12}{r['seconds_per_epoch']:>10.2f}{r['test_relative_l2']:>14.4f}{r['test_relative_h1']:>14.4f}")
fno, mgno = rows
print(f"MgNO/FNO: parameters {mgno['parameters'] / fno['parameters']:.2f}, time per epoch {mgno['seconds_per_epoch'] / fno['seconds_per_epoch']:.2f}, "
      f"test rel. L2 {mgno['test_relative_l2'] / fno['test_relative_l2']:.2f}")
PY
