# Sourced by the Darcy comparison scripts: the files of the README's accuracy tables, 1000
# training (seed 0) and 200 test (seed 1) samples at 32x32 in $DATA (generation resumes, so a
# second call costs nothing; a directory made with other parameters stops the script with the
# generator's message).
$OPKIT generate darcy --resolution 32 --samples 1000 --seed 0 --out $DATA/darcy32-train >/dev/null
$OPKIT generate darcy --resolution 32 --samples 200 --seed 1 --out $DATA/darcy32-test >/dev/null
