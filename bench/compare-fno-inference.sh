#!/usr/bin/env bash
# FNO inference per sample (modes 12, width 32, the defaults of `opkit train fno`): `opkit predict`
# against bench/fno_reference.py's FNO2d under torch.no_grad() (bench/fno_inference.py), on the
# same random inputs at 64² and 128², the same batch size, both on all cores, one after the other.
# opkit's time is predict's own figure (normalization, the forward passes and writing the .npy);
# PyTorch's covers the forward passes only. Medians of REPEATS runs each.
#
#   bash bench/compare-fno-inference.sh [samples] [batch] [repeats]   (defaults 200, 50, 3)
#
# The checkpoint is a one-epoch FNO on the Darcy 32² files (bench/darcy32.sh): an FNO queries
# any grid, and its time does not depend on its weights. PyTorch comes from PyPI into
# .venv-bench on first use (bench/torch-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${1:-200}
BATCH=${2:-50}
REPEATS=${3:-3}
OPKIT=${OPKIT:-.build/release/opkit}
DATA=out/bench
source bench/darcy32.sh
source bench/torch-python.sh && torch_python

MODEL=$DATA/fno-inference.safetensors
[ -f $MODEL ] || $OPKIT train fno --data $DATA/darcy32-train --test-data $DATA/darcy32-test --epochs 1 --out $MODEL >/dev/null 2>&1
inputs=()
for s in 64 128; do
  python3 -c "import numpy as np; np.save('$DATA/fno-inference-$s.npy', np.random.default_rng(0).random(($SAMPLES, $s, $s), dtype=np.float32) * 11 + 1)"
  inputs+=("$DATA/fno-inference-$s.npy")
done
ours=()
for input in "${inputs[@]}"; do
  runs=()
  for _ in $(seq "$REPEATS"); do
    rm -f $DATA/fno-inference-prediction.npy
    runs+=("$($OPKIT predict --model $MODEL --input "$input" --out $DATA/fno-inference-prediction.npy --batch "$BATCH" --json)")
  done
  ours+=("$(printf '%s\n' "${runs[@]}" | python3 -c "import json, statistics, sys; print(statistics.median(json.loads(l)['seconds_per_sample'] for l in sys.stdin))")")
done
rm -f $DATA/fno-inference-prediction.npy
theirs=$(cd bench && "../$PYTHON" fno_inference.py --inputs "$(IFS=,; echo "${inputs[*]/#/../}")" --batch "$BATCH" --threads "$(nproc)" --repeats "$REPEATS")

python3 - "$theirs" "$BATCH" "${ours[@]}" <<'PY'
import json, sys
theirs, batch, ours = json.loads(sys.argv[1]), sys.argv[2], [float(x) for x in sys.argv[3:]]
print(f"FNO inference (modes 12, width 32), seconds per sample, batch {batch}, medians")
print(f"{'grid':>6}{'opkit':>12}{'PyTorch ' + theirs['torch']:>22}{'ratio':>8}")
for (path, t), o in zip(theirs["seconds_per_sample"].items(), ours):
    s = path.rsplit("-", 1)[1].removesuffix(".npy")
    print(f"{s + '²':>6}{o:>12.5f}{t:>22.5f}{o / t:>8.2f}")
print("acceptance (issue 23, point 2): ratio at most 0.5")
PY
