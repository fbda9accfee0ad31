# Sourced by the Navier–Stokes comparison scripts: the files of the README's Navier–Stokes table
# (ν = 1e-3, solved at 64², stored at 32², snapshots every time unit to T = 20), $SAMPLES training
# trajectories (seed 0) and 200 test trajectories (seed 1) in $DATA/train and $DATA/test
# (generation resumes, so a second call costs nothing).
ns32_generate() {
  $OPKIT generate navier-stokes --viscosity 1e-3 --solver-resolution 64 --resolution 32 --time 20 --record-every 1 \
    --samples "$1" --seed "$2" --shard-size 20 --out "$3" >/dev/null 2>&1
}
ns32_generate 200 1 $DATA/test
ns32_generate "$SAMPLES" 0 $DATA/train
