#!/usr/bin/env bash
# The autoregressive FNO-2D on Navier–Stokes over several training seeds (initialization and
# shuffles): opkit against the PyTorch transcription of fourier_2d_time.py
# (bench/fno2d_time_reference.py) on the files of bench/compare-ns.sh (bench/ns32.sh), the same
# recipe (modes 12, width 20, raw data, per-step relative L2 summed, batch 20, Adam 1e-3 with
# weight decay 1e-4 halved every epochs/5), one run after the other on this machine. Prints per
# seed the test relative L2 of the last epoch and the median of the last three epochs, the
# final training loss and the time per epoch, then the ratios of the means over the seeds.
#
#   bash bench/compare-ns-rollout.sh [epochs] [seeds]   (defaults 15 and "0 1")
#   DRAWS=opkit bash bench/compare-ns-rollout.sh ...    (paired: PyTorch from opkit's draws)
#
# By default each side draws its own initial weights and batch orders from the seed, so the
# comparison is across independent draws and the seeds' spread is part of it. With
# DRAWS=opkit the PyTorch transcription starts from the initial weights and takes the batch
# orders opkit draws for the seed (bench/opkit_draws.py), so each seed compares the two
# trainings from one draw and what differs is the arithmetic alone.
#
# PyTorch comes from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-15}
SEEDS=${2:-0 1}
DRAWS=${DRAWS:-pytorch}
case $DRAWS in
  pytorch) REFERENCE=pytorch ;;
  opkit) REFERENCE=pytorch-opkitdraws ;;
  *) echo "DRAWS must be pytorch or opkit, got $DRAWS" >&2; exit 1 ;;
esac
SAMPLES=1000
OPKIT=${OPKIT:-.build/release/opkit}
DATA=out/bench/ns32
source bench/torch-python.sh && torch_python
source bench/ns32.sh

for seed in $SEEDS; do
  rm -f "$DATA/rollout-seed$seed.safetensors"
  $OPKIT train fno --mode rollout --data $DATA/train --test-data $DATA/test --steps-in 10 --steps-out 10 --epochs "$EPOCHS" \
    --batch 20 --seed "$seed" --out "$DATA/rollout-seed$seed.safetensors" --json >"$DATA/rollout-opkit-seed$seed.json" 2>/dev/null
  (cd bench && "../$PYTHON" fno2d_time_reference.py --train ../$DATA/train --test ../$DATA/test --epochs "$EPOCHS" --seed "$seed" \
    --threads "$(nproc)" --draws "$DRAWS") >"$DATA/rollout-$REFERENCE-seed$seed.json"
done

python3 - "$DATA" "$REFERENCE" $SEEDS <<'PY'
import json, statistics, struct, sys
directory, reference, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]

def opkit_history(seed):
    """opkit's per-epoch history, from the checkpoint's safetensors metadata."""
    data = open(f"{directory}/rollout-seed{seed}.safetensors", "rb").read()
    header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
    return json.loads(header["__metadata__"]["history"])

print("FNO-2D rollout, Navier–Stokes ν = 1e-3 at 32², 1000 train / 200 test, 10 steps in, 10 out, batch 20")
print(f"{'seed':>5}{'':10}{'s/epoch':>9}{'last epoch':>12}{'median last 3':>15}{'train loss':>12}")
columns = {"opkit": [], "PyTorch": []}
for seed in seeds:
    ours = json.load(open(f"{directory}/rollout-opkit-seed{seed}.json"))
    theirs = json.load(open(f"{directory}/rollout-{reference}-seed{seed}.json"))
    for name, report, history, loss_key in (("opkit", ours, opkit_history(seed), "train_loss"),
                                            ("PyTorch", theirs, theirs["history"], "train_loss")):
        median = statistics.median(h["test_relative_l2"] for h in history[-3:])
        row = (report["seconds_per_epoch"], report["test_relative_l2"], median, history[-1][loss_key])
        columns[name].append(row)
        print(f"{seed:>5}{name:>10}{row[0]:>9.1f}{row[1]:>12.4f}{row[2]:>15.4f}{row[3]:>12.4f}")
ours, theirs = ([statistics.mean(c) for c in zip(*columns[n])] for n in ("opkit", "PyTorch"))
print(f"mean over seeds, opkit / PyTorch: last epoch {ours[1] / theirs[1]:.3f}, median of the last 3 {ours[2] / theirs[2]:.3f} "
      f"(acceptance: at most 1.1), final training loss {ours[3] / theirs[3]:.3f}; time per epoch {ours[0] / theirs[0]:.2f}")
if reference != "pytorch":
    gaps = [abs(o[1] / t[1] - 1) for o, t in zip(columns["opkit"], columns["PyTorch"])]
    print(f"paired (PyTorch from opkit's draws): largest per-seed difference in the last epoch's test error {max(gaps):.2%}")
PY
