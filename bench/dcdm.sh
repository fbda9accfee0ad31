#!/usr/bin/env bash
# DCDM (issue 7) beside CG, IC(0)-PCG, multigrid PCG and CHOLMOD in one run: a 2D network
# trained at 64² and a 3D network trained at 16³ solve 2D Poisson at 64², 128², 256², 3D at
# 32³, 64³ and a 128² domain with obstacles no training vector had, to relative residual 1e-6
# with a random right-hand side. Prints iterations and median wall time per method.
#
#   bash bench/dcdm.sh [repeats]   (default 3; trains the networks once, ~15 min, then reuses them)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
OPKIT=.build/release/opkit
mkdir -p out/bench
# --resume continues a killed training run and returns at once when the network is complete.
train() {
  local out=$1
  shift
  if [ -f "$out" ]; then "$OPKIT" train dcdm "$@" --out "$out" --resume --json >/dev/null; else "$OPKIT" train dcdm "$@" --out "$out"; fi
}
train out/bench/dcdm-2d.safetensors --grid 64x64 --width 16 --vectors 1000 --epochs 40 --schedule cosine
train out/bench/dcdm-3d.safetensors --grid 16 --dim 3 --width 8 --coarsest 2 --vectors 1000 --epochs 30 --schedule cosine
"$OPKIT" bench --suite dcdm --dcdm-2d out/bench/dcdm-2d.safetensors --dcdm-3d out/bench/dcdm-3d.safetensors --repeats "$REPEATS"
