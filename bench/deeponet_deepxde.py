"""DeepXDE reference for `opkit train deeponet` on the antiderivative operator: the DeepONet
paper's network through DeepXDE's own `DeepONetCartesianProd`, on the arrays `opkit generate
antiderivative` wrote, so both are trained on identical data.

Network (Lu et al. 2021, DeepXDE's antiderivative_aligned example): branch [m, 40, 40], trunk
[1, 40, 40], ReLU, Glorot normal initialization, 7,401 parameters. Training: Adam at a constant
learning rate, DeepXDE's mean squared error on the raw data, `--batch 0` for full batch (all
functions every step). The trunk reads linspace(0, 1, q), the points opkit's DeepONet queries.

The test relative L2 (DeepXDE's "mean l2 relative error": the mean over test functions of
||prediction - truth|| / ||truth||) is recorded after each of the last 20 steps (full batch) or
at the end of each of the last 20 epochs (mini-batches: an epoch is N/batch steps).

Usage: DDE_BACKEND=pytorch python deeponet_deepxde.py --train DIR --test DIR [--steps 10000]
       [--batch 0] [--seed 0] [--threads 2]
Prints one JSON line: parameters, steps, batch, seconds_per_step, last (the 20 recorded test
errors, oldest first), test_relative_l2 (their mean), deepxde (version).
"""
import argparse
import json
import os
import time

os.environ.setdefault("DDE_BACKEND", "pytorch")

import numpy as np  # noqa: E402
import deepxde as dde  # noqa: E402
import torch  # noqa: E402


def load(directory):
    u = np.load(f"{directory}/coeff.npy").astype(np.float32)
    s = np.load(f"{directory}/sol.npy").astype(np.float32)
    points = np.linspace(0, 1, s.shape[1], dtype=np.float32).reshape(-1, 1)
    return (u, points), s


class LastErrors(dde.callbacks.Callback):
    """Test relative L2 after every `every`-th step among the last `count * every` steps."""

    def __init__(self, inputs, truth, total, every, count=20):
        super().__init__()
        self.inputs, self.truth = inputs, truth
        self.start, self.every, self.errors = total - count * every, every, []

    def on_batch_end(self):
        step = self.model.train_state.step
        if step > self.start and (step - self.start) % self.every == 0:
            prediction = self.model.predict(self.inputs)
            norms = np.linalg.norm(prediction - self.truth, axis=1) / np.linalg.norm(self.truth, axis=1)
            self.errors.append(float(norms.mean()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=0, help="functions per step; 0 for full batch")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dde.config.set_random_seed(args.seed)
    x_train, y_train = load(args.train)
    x_test, y_test = load(args.test)
    data = dde.data.TripleCartesianProd(X_train=x_train, y_train=y_train, X_test=x_test, y_test=y_test)
    m = x_train[0].shape[1]
    net = dde.nn.DeepONetCartesianProd([m, 40, 40], [1, 40, 40], "relu", "Glorot normal")
    parameters = sum(p.numel() for p in net.parameters())
    model = dde.Model(data, net)
    model.compile("adam", lr=args.lr, metrics=["mean l2 relative error"])
    batch = None if args.batch == 0 else args.batch
    every = 1 if batch is None else len(y_train) // batch
    recorder = LastErrors(x_test, y_test, args.steps, every)
    start = time.perf_counter()
    model.train(iterations=args.steps, batch_size=batch, display_every=args.steps, callbacks=[recorder], verbose=0)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "parameters": parameters, "steps": args.steps, "batch": args.batch or len(y_train), "seed": args.seed,
        "seconds_per_step": seconds / args.steps, "last": recorder.errors,
        "test_relative_l2": float(np.mean(recorder.errors)), "deepxde": dde.__version__,
    }))


if __name__ == "__main__":
    main()
