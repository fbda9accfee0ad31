"""Runs the Koopa authors' implementation (thuml/Koopa, `run.py`, unmodified) on CPU on one CSV
and prints its test MSE and MAE (normalized data) as one JSON line, for `bench/koopa-authors.sh`.

    python bench/koopa_authors.py --repo KOOPA_CHECKOUT --csv series.csv --lookback 48 \
        --horizon 12 --epochs 30 --seed 2023

Their protocol, as their scripts run it: the 70/10/20 split with a scaler fitted on the training
part, Adam 1e-3, batch 32, MSE, the learning rate halved after every epoch, early stopping on the
validation loss (patience 3) restoring the best checkpoint, test windows one at a time. Their
defaults for the model (3 blocks, Koopman state 128, MLPs 2×64, α = 0.2) and their scripts'
segment length (= horizon). The run happens in a scratch copy of the checkout, so nothing is
written into it. Two shims for today's libraries, set before their code is imported:
`numpy.Inf` (removed in NumPy 2) and `DataLoader` workers 0. The time-feature frequency is
passed as daily whatever the series' own: Koopa does not read the time features, and today's
pandas rejects their loader's monthly alias.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

SHIM = """
import numpy
if not hasattr(numpy, "Inf"):
    numpy.Inf = numpy.inf
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repo", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--lookback", type=int, required=True)
    p.add_argument("--horizon", type=int, required=True)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=2023)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()

    with open(a.csv) as f:
        header = f.readline().strip().split(",")
    channels = len(header) - 1
    with tempfile.TemporaryDirectory() as scratch:
        work = os.path.join(scratch, "koopa")
        shutil.copytree(a.repo, work, ignore=shutil.ignore_patterns(".git"))
        shutil.copy(a.csv, os.path.join(work, "series.csv"))
        with open(os.path.join(scratch, "sitecustomize.py"), "w") as f:
            f.write(SHIM)
        env = dict(os.environ, PYTHONPATH=scratch, OMP_NUM_THREADS=str(a.threads), MPLBACKEND="Agg")
        command = [sys.executable, "-u", "run.py", "--is_training", "1", "--model_id", "bench", "--model", "Koopa",
                   "--data", "custom", "--root_path", ".", "--data_path", "series.csv", "--features", "M",
                   "--target", header[-1], "--freq", "D", "--seq_len", str(a.lookback), "--label_len", str(min(48, a.lookback)), "--pred_len", str(a.horizon),
                   "--seg_len", str(a.horizon), "--enc_in", str(channels), "--dec_in", str(channels),
                   "--c_out", str(channels), "--train_epochs", str(a.epochs), "--num_workers", "0",
                   "--seed", str(a.seed), "--des", "bench", "--itr", "1"]
        run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"thuml/Koopa failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
        metrics = np.load(glob.glob(os.path.join(work, "results", "*", "metrics.npy"))[0])
        epochs = run.stdout.count("cost time:")
    print(json.dumps({"test_mse": float(metrics[1]), "test_mae": float(metrics[0]), "epochs_run": epochs,
                      "early_stopped": "Early stopping" in run.stdout}))


if __name__ == "__main__":
    main()
