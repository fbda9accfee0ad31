#!/usr/bin/env bash
# Does a trained operator pay for itself? `opkit bench --suite surrogate` for every model kind on
# its own data: FNO, MgNO and DeepONet on Darcy 32² (bench/darcy32.sh's files), FNO-1D on Burgers
# (ν = 0.1, 8192 → 1024 points), and the Navier–Stokes models of bench/compare-ns.sh (rollout
# FNO-2D, space-time FNO-3D, refined FNO-3D, AFNO; run that first). Speed does not depend on how
# well a model is trained, so the steady models here train only a few epochs (the accuracy
# tables are elsewhere).
#
#   bash bench/surrogate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OPKIT=.build/release/opkit
DATA=out/bench
source bench/darcy32.sh
$OPKIT generate burgers --samples 200 --seed 0 --out $DATA/burgers-surrogate >/dev/null 2>&1
train() {  # train KIND OUT ARGS…: once; the checkpoint is reused by later runs
  local kind=$1 out=$2
  shift 2
  [ -f "$out" ] || $OPKIT train "$kind" "$@" --out "$out" --json >/dev/null 2>&1
}
train fno $DATA/surrogate-fno-darcy.safetensors --data $DATA/darcy32-train --epochs 5
train mgno $DATA/surrogate-mgno-darcy.safetensors --data $DATA/darcy32-train --epochs 2
train deeponet $DATA/surrogate-deeponet-darcy.safetensors --data $DATA/darcy32-train --epochs 20
train fno $DATA/surrogate-fno-burgers.safetensors --data $DATA/burgers-surrogate --modes 16 --width 64 --normalization none --epochs 5
pairs=(
  --surrogate $DATA/surrogate-fno-darcy.safetensors=$DATA/darcy32-test
  --surrogate $DATA/surrogate-mgno-darcy.safetensors=$DATA/darcy32-test
  --surrogate $DATA/surrogate-deeponet-darcy.safetensors=$DATA/darcy32-test
  --surrogate $DATA/surrogate-fno-burgers.safetensors=$DATA/burgers-surrogate
)
for model in rollout space-time-base space-time afno; do
  [ -f $DATA/ns32/$model.safetensors ] && pairs+=(--surrogate $DATA/ns32/$model.safetensors=$DATA/ns32/test)
done
$OPKIT bench --suite surrogate "${pairs[@]}" --repeats 3
