"""Koopa (Liu et al., NeurIPS 2023) in PyTorch on CPU, written for `bench/forecast-co2.sh` to time
against `opkit forecast` on the same CSV, split, windows and hyperparameters: 3 blocks, Koopman
state 64, encoder/decoder MLPs with two hidden layers of 64 (ReLU for the time-invariant path,
tanh for the time-variant one), Fourier filter keeping the top 20% of frequencies by mean
training amplitude, segments of lookback/4, ridge operator fit (1e-4), Adam 1e-3, batch 32, MSE.

Prints one JSON line: seconds_per_epoch (median), peak_memory_mb (max RSS), test_mse, torch.
"""
import argparse, csv, json, resource, statistics, time

import numpy as np
import torch
from torch import nn


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return np.array([[float(v) for v in r[1:]] for r in rows[1:]])


def windows(values, lookback, horizon):
    n = len(values)
    train_end, test_len = int(n * 0.7), int(n * 0.2)
    mean, std = values[:train_end].mean(0), values[:train_end].std(0)
    z = ((values - mean) / np.where(std > 0, std, 1)).astype(np.float32)

    def part(start, end):
        starts = range(start, end - lookback - horizon + 1)
        x = np.stack([z[s:s + lookback] for s in starts])
        y = np.stack([z[s + lookback:s + lookback + horizon] for s in starts])
        return torch.from_numpy(x), torch.from_numpy(y)

    return part(0, train_end), part(n - test_len - lookback, n)


def mlp(i, o, act):
    return nn.Sequential(nn.Linear(i, 64), act(), nn.Linear(64, 64), act(), nn.Linear(64, o))


class Koopa(nn.Module):
    def __init__(self, channels, lookback, horizon, frequencies, blocks=3, dim=64):
        super().__init__()
        self.l, self.h, self.s, self.c = lookback, horizon, max(1, lookback // 4), channels
        self.register_buffer("mask", torch.zeros(lookback // 2 + 1))
        self.mask[frequencies] = 1
        self.inv_enc, self.inv_dec = mlp(lookback, dim, nn.ReLU), mlp(dim, horizon, nn.ReLU)
        self.var_enc, self.var_dec = mlp(self.s * channels, dim, nn.Tanh), mlp(dim, self.s * channels, nn.Tanh)
        ks = []
        for _ in range(blocks):
            q, _ = torch.linalg.qr(torch.randn(dim, dim))
            ks.append(nn.Parameter(q))
        self.ks = nn.ParameterList(ks)

    def variant(self, x):
        b, l, c = x.shape
        f = -(-l // self.s)
        pad = f * self.s - l
        if pad:
            x = torch.cat([x[:, l - pad:], x], 1)
        z = self.var_enc(x.reshape(b, f, self.s * c))
        before, after = z[:, :-1], z[:, 1:]
        gram = before @ before.transpose(1, 2) + 1e-4 * torch.eye(f - 1)
        k = before.transpose(1, 2) @ torch.linalg.solve(gram, after)
        rec = torch.cat([z[:, :1], before @ k], 1)
        state, states = z[:, -1:], []
        for _ in range(-(-self.h // self.s)):
            state = state @ k
            states.append(state)
        back = self.var_dec(rec).reshape(b, f * self.s, c)[:, pad:]
        fore = self.var_dec(torch.cat(states, 1)).reshape(b, -1, c)[:, :self.h]
        return back, fore

    def forward(self, x):
        mean = x.mean(1, keepdim=True).detach()
        x = x - mean
        std = torch.sqrt(x.var(1, keepdim=True, unbiased=False) + 1e-5).detach()
        residual, forecast = x / std, 0
        for k in self.ks:
            spectrum = torch.fft.rfft(residual, dim=1)
            invariant = torch.fft.irfft(spectrum * self.mask[None, :, None], n=self.l, dim=1)
            inv = self.inv_dec(self.inv_enc(invariant.transpose(1, 2)) @ k).transpose(1, 2)
            back, fore = self.variant(residual - invariant)
            residual = residual - back
            forecast = forecast + inv + fore
        return forecast * std + mean


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--csv", required=True)
    p.add_argument("--lookback", type=int, required=True)
    p.add_argument("--horizon", type=int, required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    (x, y), (tx, ty) = windows(load(a.csv), a.lookback, a.horizon)
    amplitude = torch.fft.rfft(x, dim=1).abs().mean((0, 2))
    amplitude[0] = float("inf")  # the mean is always time-invariant
    frequencies = amplitude.argsort(descending=True)[: max(1, int(0.2 * len(amplitude)))]
    model = Koopa(x.shape[2], a.lookback, a.horizon, frequencies)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 32):
            rows = order[i:i + 32]
            loss = ((model(x[rows]) - y[rows]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        test_mse = ((model(tx) - ty) ** 2).mean().item()
    print(json.dumps({
        "seconds_per_epoch": statistics.median(seconds),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "test_mse": test_mse, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
