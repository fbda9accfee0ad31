#!/usr/bin/env bash
# Navier–Stokes (ν = 1e-3, solved at 64², stored at 32², snapshots every time unit to T = 20;
# `opkit generate navier-stokes`, train seed 0, test seed 1): opkit's autoregressive FNO-2D and
# space-time FNO-3D against PyTorch transcriptions of the FNO paper's fourier_2d_time.py and
# fourier_3d.py (bench/fno2d_time_reference.py, bench/fno3d_time_reference.py) on the same files
# and epochs, one after the other on this machine. 10 snapshots in, 10 predicted.
#   FNO-2D rollout: modes 12, width 20, raw data, per-step relative L2 summed, batch 20.
#   FNO-3D space-time: modes 8, width 20, time padded by 6, Gaussian normalizers, batch 10.
# Both: Adam 1e-3 with weight decay 1e-4, halved every epochs/5 (the scripts' 100 of 500).
# Beside them, opkit only: the space-time FNO refined for REFINE more epochs (Spectral-Refiner:
# last Fourier layer, every frequency, H⁻¹ loss, SGD; its first phase is the FNO-3D row) and AFNO
# (patches of 2, 128 channels, 4 blocks; 10 snapshots in, 10 out as channels, batch 20).
#
#   bash bench/compare-ns.sh [epochs] [train samples] [refine epochs]
#   (defaults 20, 1000 and 5; 200 test samples)
#
# PyTorch comes from PyPI into .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-20}
SAMPLES=${2:-1000}
REFINE=${3:-5}
OPKIT=.build/release/opkit
DATA=out/bench/ns32
source bench/torch-python.sh && torch_python
source bench/ns32.sh
rm -f $DATA/rollout.safetensors $DATA/space-time.safetensors $DATA/space-time-base.safetensors $DATA/afno.safetensors
common=(--data $DATA/train --test-data $DATA/test --steps-in 10 --steps-out 10 --epochs "$EPOCHS" --json)
ours2d=$($OPKIT train fno --mode rollout "${common[@]}" --batch 20 --out $DATA/rollout.safetensors 2>/dev/null)
echo "$ours2d" > $DATA/rollout.json  # each result kept as it comes
theirs2d=$(cd bench && "../$PYTHON" fno2d_time_reference.py --train ../$DATA/train --test ../$DATA/test --epochs "$EPOCHS" --threads "$(nproc)")
echo "$theirs2d" > $DATA/rollout-pytorch.json
refined=$($OPKIT train fno --mode space-time "${common[@]}" --batch 10 --refine "$REFINE" --out $DATA/space-time.safetensors 2>/dev/null)
echo "$refined" > $DATA/space-time.json
theirs3d=$(cd bench && "../$PYTHON" fno3d_time_reference.py --train ../$DATA/train --test ../$DATA/test --epochs "$EPOCHS" --threads "$(nproc)")
echo "$theirs3d" > $DATA/space-time-pytorch.json
afno=$($OPKIT train afno "${common[@]}" --batch 20 --out $DATA/afno.safetensors 2>/dev/null)
echo "$afno" > $DATA/afno.json
# The first phase of the refined run is the plain FNO-3D: its figures from its checkpoint.
ours3d=$(python3 - $DATA/space-time-base.safetensors "$refined" <<'PY'
import json, statistics, struct, sys
raw = open(sys.argv[1], "rb").read()
meta = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])["__metadata__"]
history, refined = json.loads(meta["history"]), json.loads(sys.argv[2])
print(json.dumps({"parameters": refined["parameters"], "epochs": len(history),
                  "seconds_per_epoch": statistics.median(h["seconds"] for h in history),
                  "test_relative_l2": refined["test_relative_l2_before_refining"], }))
PY
)

python3 - "$ours2d" "$theirs2d" "$ours3d" "$theirs3d" "$SAMPLES" "$refined" "$afno" <<'PY'
import json, sys
o2, t2, o3, t3 = (json.loads(a) for a in sys.argv[1:5])
refined, afno = json.loads(sys.argv[6]), json.loads(sys.argv[7])
o3["parameters"] = t3["parameters"]  # the refined model's count includes the widened last layer
print(f"Navier–Stokes ν = 1e-3 at 32² (solver 64²), {sys.argv[5]} train / 200 test, 10 steps in, 10 out, {o2['epochs']} epochs")
print(f"{'':30}{'parameters':>11}{'s/epoch':>9}{'test rel. L2':>14}  per step (first, 5th, last)")
for name, r in [("opkit FNO-2D rollout", o2), ("PyTorch fourier_2d_time", t2), ("opkit FNO-3D space-time", o3), ("PyTorch fourier_3d", t3),
                ("opkit FNO-3D refined", refined), ("opkit AFNO", afno)]:
    steps = r.get("test_relative_l2_per_step")
    tail = f"{steps[0]:.4f} {steps[len(steps) // 2 - 1]:.4f} {steps[-1]:.4f}" if steps else ""
    print(f"{name:30}{r['parameters']:>11}{r['seconds_per_epoch']:>9.1f}{r['test_relative_l2']:>14.4f}  {tail}")
print(f"refining ({refined['epochs']} epochs, {refined['seconds_per_epoch']:.1f} s each): test relative L2 "
      f"{refined['test_relative_l2_before_refining']:.4f} -> {refined['test_relative_l2']:.4f}")
print("per step, whole rollout:")
for name, r in [("FNO-2D opkit", o2), ("FNO-2D PyTorch", t2), ("FNO-3D PyTorch", t3), ("FNO-3D refined", refined), ("AFNO", afno)]:
    print(f"  {name:16}" + " ".join(f"{e:.4f}" for e in r["test_relative_l2_per_step"]))
for label, o, t in [("FNO-2D", o2, t2), ("FNO-3D", o3, t3)]:
    print(f"{label} opkit / PyTorch: test relative L2 {o['test_relative_l2'] / t['test_relative_l2']:.3f} (acceptance: at most 1.1), "
          f"time per epoch {o['seconds_per_epoch'] / t['seconds_per_epoch']:.2f} (below 1)")
print("the paper (64², 1000 samples, T = 50, 500 epochs): FNO-2D 0.0128, FNO-3D 0.0086")
PY
