#!/usr/bin/env bash
# DeepONet on the DeepONet paper's antiderivative operator: opkit against DeepXDE
# (bench/deeponet_deepxde.py) on identical arrays — `opkit generate antiderivative`, 1000
# training functions (seed 0) and 1000 unseen test functions (seed 1) on 100 points — with the
# paper's network (branch [100, 40, 40], trunk [1, 40, 40], ReLU, 7,401 parameters), Adam at a
# constant 1e-3, no weight decay, STEPS steps, full batch and batch 20, seeds 0 and 1.
#
# Both record the test relative L2 over the last 20 steps (full batch) or at the end of the last
# 20 epochs (batch 20); the table shows their mean (full batch) or median (batch 20), the spread
# (max − min over mean) and the ratio of the means over the seeds.
#
#   bash bench/compare-deeponet.sh [steps]   (default 10000, the README's table)
#
# PyTorch and DeepXDE come from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-10000}
OPKIT=.build/release/opkit
DATA=out/bench/antiderivative
source bench/torch-python.sh && torch_python deepxde

$OPKIT generate antiderivative --samples 1000 --seed 0 --out $DATA/train >/dev/null
$OPKIT generate antiderivative --samples 1000 --seed 1 --out $DATA/test >/dev/null

rows=()
for batch in 1000 20; do
  epochs=$((STEPS * batch / 1000))
  for seed in 0 1; do
    checkpoint=$DATA/deeponet-b$batch-s$seed.safetensors
    rm -f "$checkpoint"
    $OPKIT train deeponet --data $DATA/train --test-data $DATA/test --epochs $epochs --batch $batch --schedule constant \
      --weight-decay 0 --seed "$seed" --checkpoint-every $epochs --out "$checkpoint" --json >/dev/null 2>&1
    rows+=("opkit $batch $seed $checkpoint")
    "$PYTHON" bench/deeponet_deepxde.py --train $DATA/train --test $DATA/test --steps "$STEPS" \
      --batch $((batch == 1000 ? 0 : batch)) --seed "$seed" --threads "$(nproc)" 2>/dev/null | tail -n 1 > $DATA/deepxde-b$batch-s$seed.json
    rows+=("deepxde $batch $seed $DATA/deepxde-b$batch-s$seed.json")
  done
done

python3 - "$STEPS" "${rows[@]}" <<'PY'
import json, statistics, struct, sys

def last_errors(kind, path):
    """The 20 recorded test errors: a checkpoint's epoch history, or DeepXDE's JSON line."""
    if kind == "deepxde":
        return json.load(open(path))["last"]
    with open(path, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    return [e["test_relative_l2"] for e in json.loads(header["__metadata__"]["history"])[-20:]]

results = {}
for row in sys.argv[2:]:
    kind, batch, seed, path = row.split()
    results[kind, int(batch), int(seed)] = last_errors(kind, path)
print(f"DeepONet, antiderivative, 1000 train / 1000 test functions, {sys.argv[1]} Adam steps at 1e-3, test relative L2")
print(f"{'':22}{'seed 0':>9}{'spread':>8}{'seed 1':>9}{'spread':>8}{'mean':>9}")
for batch in (1000, 20):
    summary = statistics.mean if batch == 1000 else statistics.median
    label = "full batch, mean of last 20 steps" if batch == 1000 else "batch 20, median of last 20 epochs"
    print(label)
    means = {}
    for kind, name in (("opkit", "opkit"), ("deepxde", "DeepXDE")):
        cells, values = "", []
        for seed in (0, 1):
            errors = results[kind, batch, seed]
            value = summary(errors)
            values.append(value)
            cells += f"{value:>9.5f}{(max(errors) - min(errors)) / statistics.mean(errors):>8.1%}"
        means[kind] = statistics.mean(values)
        print(f"  {name:20}{cells}{means[kind]:>9.5f}")
    print(f"  opkit / DeepXDE: {means['opkit'] / means['deepxde']:.3f} (acceptance: at most 1.1)")
PY
