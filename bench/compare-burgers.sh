#!/usr/bin/env bash
# FNO-1D on viscous Burgers (ν = 0.1, u0 ↦ u(·, 1) at s = 1024, 1000 training and 100 test samples
# from `opkit generate burgers`, data seeds 0 and 1): opkit against a PyTorch transcription of the
# FNO paper's fourier_1d.py (bench/fno1d_reference.py) on the same files and epochs, for each
# training seed (initialization and shuffles), one run after the other on this machine. Both:
# modes 16, width 64, raw data, Adam 1e-3 with weight decay 1e-4, the paper's step schedule scaled
# to the epochs (halved every epochs/5), batch 20.
#
#   bash bench/compare-burgers.sh [epochs] [seeds]   (defaults 50 and "0 1 2"; the paper runs
#                                                     500 epochs and reports 0.016)
#
# The test error of this model jumps by several times from one epoch to the next on both sides,
# so the script reports, per seed, the last epoch and the median of the last ten, and the ratio of
# their means over the seeds.
#
# PyTorch comes from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-50}
SEEDS=${2:-0 1 2}
OPKIT=.build/release/opkit
DATA=out/bench/burgers
source bench/torch-python.sh && torch_python

[ -f $DATA/train/sol.npy ] || $OPKIT generate burgers --samples 1000 --seed 0 --out $DATA/train >/dev/null 2>&1
[ -f $DATA/test/sol.npy ] || $OPKIT generate burgers --samples 100 --seed 1 --out $DATA/test >/dev/null 2>&1
rows=()
for seed in $SEEDS; do
  rm -f "$DATA/fno1d-seed$seed.safetensors"
  $OPKIT train fno --data $DATA/train --test-data $DATA/test --modes 16 --width 64 --normalization none --epochs "$EPOCHS" \
    --seed "$seed" --out "$DATA/fno1d-seed$seed.safetensors" --json >"$DATA/opkit-seed$seed.json" 2>/dev/null
  "$PYTHON" bench/fno1d_reference.py --train $DATA/train --test $DATA/test --epochs "$EPOCHS" --seed "$seed" \
    --threads "$(nproc)" >"$DATA/pytorch-seed$seed.json"
  rows+=("$seed")
done

python3 - "$DATA" "${rows[@]}" <<'PY'
import json, statistics, struct, sys
directory, seeds = sys.argv[1], sys.argv[2:]

def opkit_epochs(seed):
    """opkit's per-epoch test errors, from the checkpoint's history (safetensors metadata)."""
    data = open(f"{directory}/fno1d-seed{seed}.safetensors", "rb").read()
    header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
    return [e["test_relative_l2"] for e in json.loads(header["__metadata__"]["history"])]

rows = []
for seed in seeds:
    ours = json.load(open(f"{directory}/opkit-seed{seed}.json"))
    theirs = json.load(open(f"{directory}/pytorch-seed{seed}.json"))
    rows.append((seed, ours, opkit_epochs(seed), theirs, theirs["test_relative_l2_per_epoch"]))
first = rows[0]
print(f"FNO-1D ({first[1]['parameters']} parameters; PyTorch {first[3]['parameters']}), Burgers ν = 0.1 at s = 1024, "
      f"1000 train / 100 test, {first[1]['epochs']} epochs, batch 20")
k = min(10, len(first[2]))
print(f"{'seed':>5}{'':10}{'s/epoch':>9}{'last epoch':>12}{f'median last {k}':>16}{f'range last {k}':>18}")
means = {"opkit": ([], [], []), "PyTorch": ([], [], [])}
for seed, ours, ours_epochs, theirs, theirs_epochs in rows:
    for name, report, epochs in (("opkit", ours, ours_epochs), ("PyTorch", theirs, theirs_epochs)):
        last = epochs[-k:]
        print(f"{seed:>5}{name:>10}{report['seconds_per_epoch']:>9.2f}{report['test_relative_l2']:>12.4f}"
              f"{statistics.median(last):>16.4f}{f'{min(last):.4f}-{max(last):.4f}':>18}")
        for column, value in zip(means[name], (report["test_relative_l2"], statistics.median(last), report["seconds_per_epoch"])):
            column.append(value)
ours, theirs = ({key: statistics.mean(c) for key, c in zip(("last", "median", "seconds"), means[name])} for name in ("opkit", "PyTorch"))
print(f"mean over seeds, opkit / PyTorch: last epoch {ours['last'] / theirs['last']:.3f}, median of the last {k} "
      f"{ours['median'] / theirs['median']:.3f} (acceptance: at most 1.1); time per epoch {ours['seconds'] / theirs['seconds']:.2f}")
PY
