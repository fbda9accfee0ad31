#!/usr/bin/env bash
# Scale-out figures, one run on an idle machine, medians of $REPEATS (default 3):
#   1. Poisson 1023² (1,046,529 unknowns) to rtol 1e-8: our multigrid PCG beside PETSc's CG with
#      GAMG and with hypre BoomerAMG, at one and two MPI ranks (setup, solve, iterations);
#   2. Darcy generation (64², 400 samples; multigrid PCG and SKR) at one process (all cores) and at
#      `mpirun -np 2` (one core each): samples per second;
#   3. FNO training on Darcy 32² (1000 samples, bench/darcy32.sh's files, default model): seconds
#      per epoch at one process and at two ranks.
# On 2 cores the single process already uses both cores (threads), so 2 ranks can at best match
# it: the parallel efficiency printed is one-process time / two-rank time.
#
#   bash bench/scale-out.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OPKIT=.build/release/opkit
DATA=out/bench
REPEATS=${REPEATS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# Containers often forbid the cross-process memory copies Open MPI tries first.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mkdir -p $DATA
MPIRUN="mpirun --oversubscribe -np 2"

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

echo "## Poisson 1023², rtol 1e-8 (median of $REPEATS)"
printf "%-26s %6s %10s %10s %10s %6s\n" method ranks setup_s solve_s total_s iters
poisson() {  # poisson LABEL LAUNCH... -- ARGS...
  local label=$1 ranks=$2
  shift 2
  local setups=() solves=() iterations=0
  for _ in $(seq $REPEATS); do
    local line
    line=$("$@" --grid 1023x1023 --json 2>/dev/null)
    local setup seconds
    setup=$(echo "$line" | field setup_seconds)
    seconds=$(echo "$line" | field seconds)
    iterations=$(echo "$line" | field iterations)
    setups+=("$setup")
    solves+=("$(python3 -c "print($seconds - $setup)")")
  done
  local s t
  s=$(median "${setups[@]}")
  t=$(median "${solves[@]}")
  printf "%-26s %6d %10.3f %10.3f %10.3f %6d\n" "$label" "$ranks" "$s" "$t" "$(python3 -c "print($s + $t)")" "$iterations"
}
poisson "multigrid PCG (ours)" 1 $OPKIT solve poisson --method pcg-mg
poisson "PETSc CG + GAMG" 1 $OPKIT solve poisson --method petsc --pc gamg
poisson "PETSc CG + BoomerAMG" 1 $OPKIT solve poisson --method petsc --pc hypre
poisson "PETSc CG + GAMG" 2 $MPIRUN $OPKIT solve poisson --method petsc --pc gamg
poisson "PETSc CG + BoomerAMG" 2 $MPIRUN $OPKIT solve poisson --method petsc --pc hypre

echo
echo "## Darcy 64², 400 samples: generation throughput (median of $REPEATS)"
printf "%-8s %-22s %12s %10s\n" solver run samples_per_s efficiency
for solver in pcg-mg skr; do
  one=()
  two=()
  for _ in $(seq $REPEATS); do
    rm -rf $DATA/scale-gen-1 $DATA/scale-gen-2
    one+=("$($OPKIT generate darcy --resolution 64 --samples 400 --solver $solver --out $DATA/scale-gen-1 --json 2>/dev/null | field seconds)")
    two+=("$($MPIRUN $OPKIT generate darcy --resolution 64 --samples 400 --solver $solver --out $DATA/scale-gen-2 --json 2>/dev/null | field seconds)")
    cmp -s $DATA/scale-gen-1/sol.npy $DATA/scale-gen-2/sol.npy || { echo "datasets differ at 2 ranks" >&2; exit 1; }
  done
  a=$(median "${one[@]}")
  b=$(median "${two[@]}")
  printf "%-8s %-22s %12.1f %10s\n" $solver "1 process, 2 threads" "$(python3 -c "print(400 / $a)")" "-"
  printf "%-8s %-22s %12.1f %10.2f\n" $solver "2 ranks, 1 thread each" "$(python3 -c "print(400 / $b)")" "$(python3 -c "print($a / $b)")"
done
rm -rf $DATA/scale-gen-1 $DATA/scale-gen-2

echo
echo "## FNO on Darcy 32², 1000 samples, batch 20: seconds per epoch (median over 3 epochs × $REPEATS runs)"
source bench/darcy32.sh
printf "%-22s %12s %10s\n" run s_per_epoch efficiency
train() {  # train OUT LAUNCH...: prints the seconds of every epoch
  local out=$1
  shift
  rm -f "$out"
  "$@" train fno --data $DATA/darcy32-train --test-data $DATA/darcy32-test --epochs 3 --out "$out" --json 2>/dev/null >/dev/null
  python3 - "$out" <<'EOF'
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
header = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])
for epoch in json.loads(header["__metadata__"]["history"]):
    print(epoch["seconds"])
EOF
}
one=()
two=()
for _ in $(seq $REPEATS); do
  one+=($(train $DATA/scale-fno-1.safetensors $OPKIT))
  two+=($(train $DATA/scale-fno-2.safetensors $MPIRUN $OPKIT))
done
a=$(median "${one[@]}")
b=$(median "${two[@]}")
printf "%-22s %12.2f %10s\n" "1 process, 2 threads" "$a" "-"
printf "%-22s %12.2f %10.2f\n" "2 ranks, 1 thread each" "$b" "$(python3 -c "print($a / $b)")"
rm -f $DATA/scale-fno-1.safetensors $DATA/scale-fno-2.safetensors
