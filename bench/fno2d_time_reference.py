"""PyTorch transcription of the FNO paper's Navier–Stokes rollout script (`fourier_2d_time.py`,
Li et al. 2021) for `opkit train fno --mode rollout` on `opkit generate navier-stokes` files: the
same architecture, data and schedule, so test error and time per epoch can be compared on one
machine.

Architecture: the last `steps_in` snapshots (10) plus the grid coordinates (x, y) lifted
pointwise to `width` channels (20); four Fourier layers v <- GELU(K v + W v) (no GELU after the
last) keeping 12 modes per axis; projection width -> 128 -> 1 with GELU (fno_reference.FNO2d).
Rollout as the script's training loop: predict the next snapshot, append it to the window and
drop the oldest, `steps_out` times; the loss is the relative L2 error of every step, summed over
the steps and the batch, back-propagated through the whole rollout. Raw data (no normalisation),
Adam (lr 1e-3, weight decay 1e-4), the step schedule scaled to the epochs run (halved every
epochs/5; the script's 100 of 500), batch 20. The files: sol.npy (N, T, s, s); inputs are the
first `steps_in` snapshots, targets the `steps_out` that follow (the script's `u[..., :T_in]`
and `u[..., T_in:T_in + T]`).

Usage: python fno2d_time_reference.py --train DIR --test DIR [--epochs 50] [--steps-in 10]
  [--steps-out 10] [--threads 2] [--seed 0] [--draws pytorch|opkit]

`--draws opkit` (same start) takes the initial weights and every epoch's batch order that
`opkit train fno --mode rollout --seed SEED` draws (bench/opkit_draws.py reproduces them bit
for bit) instead of PyTorch's own, so this script takes the steps opkit took from the same
draw, and a difference between the two results is one of arithmetic, not of luck.

Prints one JSON line: parameters, epochs, seconds_per_epoch (median, with the test evaluation),
train_seconds, test_relative_l2 (the whole rollout, the script's test_l2_full), and
test_relative_l2_per_step.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch

from fno_reference import FNO2d
from opkit_draws import batch_orders, fno_rollout_initial_weights


def windows(directory, steps_in, steps_out):
    sol = torch.from_numpy(np.load(f"{directory}/sol.npy").astype(np.float32))
    return sol[:, :steps_in], sol[:, steps_in:steps_in + steps_out]


def relative_l2(prediction, target):
    """Per-sample relative L2 errors over all axes but the first."""
    b = target.shape[0]
    return torch.linalg.norm((prediction - target).reshape(b, -1), dim=1) / torch.linalg.norm(target.reshape(b, -1), dim=1)


def load_opkit_fno(model, tensors, prefix="network."):
    """Copies an opkit FNO's weights (numpy arrays by parameter path, opkit's layout: the spectral
    weight `[2, m, m, in, out, 2]`, block 1 the negative first-axis frequencies, real and
    imaginary parts last) into `model` (fno_reference.FNO2d, complex `weights1`/`weights2` of
    `[in, out, m, m]`): the inverse of bench/fno3d_fixture.py's `rollout_parameters`."""
    state = {}
    for name, value in tensors.items():
        key = name.removeprefix(prefix)
        if key.startswith("spectral."):
            blocks = torch.view_as_complex(torch.from_numpy(value).permute(0, 3, 4, 1, 2, 5).contiguous())
            layer = key.removesuffix(".weight")
            state[f"{layer}.weights1"], state[f"{layer}.weights2"] = blocks[0], blocks[1]
        else:
            state[key] = torch.from_numpy(value.copy())
    model.load_state_dict(state, strict=True)


def rollout(model, window, steps):
    predictions = []
    for _ in range(steps):
        step = model(window)
        predictions.append(step)
        window = torch.cat([window[:, 1:], step], dim=1)
    return torch.cat(predictions, dim=1)


def fit(model, predict, loss, args, a_train, u_train, a_test, u_test):
    """Trains `model` on (a_train, u_train) with Adam (lr 1e-3, weight decay 1e-4), the learning
    rate halved every epochs/5 epochs and shuffled batches of `args.batch`, minimizing
    `loss(predict(model, a), u)`; evaluates on the test set after every epoch (counted in the
    epoch's time) and returns the JSON report: whole-trajectory and per-step test relative L2."""
    parameters = sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, args.epochs // 5), gamma=0.5)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(a_train, u_train), batch_size=args.batch, shuffle=True)
    orders = batch_orders(args.seed, args.epochs, len(a_train)) if args.draws == "opkit" else None
    steps = u_test.shape[1]
    seconds, history = [], []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        model.train()
        train_loss = 0.0
        if orders is None:
            batches = loader
        else:
            batches = ((a_train[indices], u_train[indices]) for indices in torch.tensor(orders[epoch]).split(args.batch))
        for a, u in batches:
            optimizer.zero_grad()
            batch_loss = loss(predict(model, a), u)
            batch_loss.backward()
            optimizer.step()
            train_loss += batch_loss.item()
        scheduler.step()
        model.eval()
        full, per_step = 0.0, torch.zeros(steps, dtype=torch.float64)
        with torch.no_grad():
            for i in range(0, len(a_test), 50):
                prediction, target = predict(model, a_test[i:i + 50]), u_test[i:i + 50]
                full += relative_l2(prediction, target).sum().item()
                per_step += torch.stack([relative_l2(prediction[:, t], target[:, t]).sum() for t in range(steps)]).double()
        seconds.append(time.perf_counter() - start)
        history.append({"epoch": epoch + 1, "train_loss": train_loss / len(a_train), "test_relative_l2": full / len(a_test)})
    return {
        "parameters": parameters, "epochs": args.epochs, "seconds_per_epoch": statistics.median(seconds),
        "train_seconds": sum(seconds), "test_relative_l2": full / len(a_test),
        "test_relative_l2_per_step": (per_step / len(a_test)).tolist(), "history": history,
        "torch": torch.__version__, "threads": args.threads, "seed": args.seed, "draws": args.draws,
    }


def arguments(description, batch):
    """The command line of both Navier–Stokes reference trainers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch", type=int, default=batch)
    parser.add_argument("--steps-in", type=int, default=10)
    parser.add_argument("--steps-out", type=int, default=10)
    parser.add_argument("--normalizer", choices=["pointwise", "channel"], default="pointwise")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", choices=["pytorch", "opkit"], default="pytorch",
                        help="initial weights and batch orders: PyTorch's for --seed, or those opkit draws for it (same start)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return args


def main():
    args = arguments("PyTorch reference of opkit train fno --mode rollout", batch=20)
    a_train, u_train = windows(args.train, args.steps_in, args.steps_out)
    a_test, u_test = windows(args.test, args.steps_in, args.steps_out)
    model = FNO2d(modes=12, width=20, inputs=args.steps_in)
    if args.draws == "opkit":
        load_opkit_fno(model, fno_rollout_initial_weights(args.seed, steps_in=args.steps_in))
    per_step_loss = lambda prediction, u: sum(relative_l2(prediction[:, t:t + 1], u[:, t:t + 1]).sum() for t in range(u.shape[1]))
    report = fit(model, lambda m, a: rollout(m, a, args.steps_out), per_step_loss, args, a_train, u_train, a_test, u_test)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
