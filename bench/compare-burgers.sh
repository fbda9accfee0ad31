#!/usr/bin/env bash
# FNO-1D on viscous Burgers (ν = 0.1, u0 ↦ u(·, 1) at s = 1024, 1000 training and 100 test samples
# from `opkit generate burgers`, seeds 0 and 1): opkit against a PyTorch transcription of the FNO
# paper's fourier_1d.py (bench/fno1d_reference.py) on the same files and epochs, one after the
# other on this machine. Both: modes 16, width 64, raw data, Adam 1e-3 with weight decay 1e-4,
# the paper's step schedule scaled to the epochs (halved every epochs/5), batch 20.
#
#   bash bench/compare-burgers.sh [epochs]   (default 50; the paper runs 500 and reports 0.016)
#
# PyTorch comes from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-50}
OPKIT=.build/release/opkit
DATA=out/bench/burgers
source bench/torch-python.sh && torch_python

$OPKIT generate burgers --samples 1000 --seed 0 --out $DATA/train >/dev/null 2>&1
$OPKIT generate burgers --samples 100 --seed 1 --out $DATA/test >/dev/null 2>&1
rm -f $DATA/fno1d.safetensors
ours=$($OPKIT train fno --data $DATA/train --test-data $DATA/test --modes 16 --width 64 --normalization none --epochs "$EPOCHS" \
  --out $DATA/fno1d.safetensors --json 2>/dev/null)
theirs=$("$PYTHON" bench/fno1d_reference.py --train $DATA/train --test $DATA/test --epochs "$EPOCHS" --threads "$(nproc)")

python3 - "$ours" "$theirs" $DATA/fno1d.safetensors <<'PY'
import json, statistics, struct, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
# opkit's per-epoch test errors from the checkpoint's history (safetensors metadata).
data = open(sys.argv[3], "rb").read()
header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
ours_epochs = [e["test_relative_l2"] for e in json.loads(header["__metadata__"]["history"])]
theirs_epochs = theirs["test_relative_l2_per_epoch"]
print(f"FNO-1D ({ours['parameters']} parameters; PyTorch {theirs['parameters']}), Burgers ν = 0.1 at s = 1024, "
      f"1000 train / 100 test, {ours['epochs']} epochs, batch 20")
print(f"{'':18}{'s/epoch':>10}{'test rel. L2':>14}")
print(f"{'opkit':18}{ours['seconds_per_epoch']:>10.2f}{ours['test_relative_l2']:>14.4f}")
print(f"{'PyTorch ' + theirs['torch']:18}{theirs['seconds_per_epoch']:>10.2f}{theirs['test_relative_l2']:>14.4f}")
print(f"opkit / PyTorch: test relative L2 {ours['test_relative_l2'] / theirs['test_relative_l2']:.3f} (acceptance: at most 1.1), "
      f"time per epoch {ours['seconds_per_epoch'] / theirs['seconds_per_epoch']:.2f}")
# The test error jumps by several times from one epoch to the next even at the last learning
# rate, so the last epoch alone is a draw: the median and range of the last ten beside it.
k = min(10, len(ours_epochs), len(theirs_epochs))
for name, errors in [("opkit", ours_epochs), ("PyTorch", theirs_epochs)]:
    last = errors[-k:]
    print(f"{name:8} last {k} epochs: median {statistics.median(last):.4f}, range {min(last):.4f}-{max(last):.4f}")
print(f"median of the last {k} epochs, opkit / PyTorch: {statistics.median(ours_epochs[-k:]) / statistics.median(theirs_epochs[-k:]):.3f}")
PY
