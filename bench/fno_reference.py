"""PyTorch reference for `opkit train fno`: the same FNO architecture, data files, normalisation
and schedule, so test error and time per epoch can be compared on one machine.

Architecture (Li et al. 2021, the original Darcy model): input (a, x, y) lifted pointwise to
`width` channels; `layers` Fourier layers v <- GELU(K v + W v) (no GELU after the last), K keeping
`modes` frequencies per axis (both signs on the first axis); projection width -> 128 -> 1 with GELU.
Training: Adam (lr 1e-3, weight decay 1e-4), learning rate halved every epochs/5 epochs, batch 20,
per-channel Gaussian normalisation of inputs and outputs fitted on the training set, relative L2
loss of the decoded prediction summed over the batch.

Usage: python fno_reference.py --train DIR --test DIR [--epochs 100] [--threads 2] [--seed 0]
Prints one JSON line: parameters, epochs, seconds_per_epoch (median, with the test evaluation),
training_seconds_per_epoch (median, training only), train_seconds, test_relative_l2.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SpectralConv2d(nn.Module):
    def __init__(self, channels_in, channels_out, modes):
        super().__init__()
        self.modes = modes
        scale = 1 / (channels_in * channels_out)
        self.weights1 = nn.Parameter(scale * torch.rand(channels_in, channels_out, modes, modes, dtype=torch.cfloat))
        self.weights2 = nn.Parameter(scale * torch.rand(channels_in, channels_out, modes, modes, dtype=torch.cfloat))

    def forward(self, x):
        b, _, n1, n2 = x.shape
        m = self.modes
        spectrum = torch.fft.rfft2(x)
        out = torch.zeros(b, self.weights1.shape[1], n1, n2 // 2 + 1, dtype=torch.cfloat)
        out[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", spectrum[:, :, :m, :m], self.weights1)
        out[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", spectrum[:, :, -m:, :m], self.weights2)
        return torch.fft.irfft2(out, s=(n1, n2))


class FNO2d(nn.Module):
    def __init__(self, modes=12, width=32, layers=4, projection=128, inputs=1):
        super().__init__()
        self.lifting = nn.Conv2d(inputs + 2, width, 1)
        self.spectral = nn.ModuleList([SpectralConv2d(width, width, modes) for _ in range(layers)])
        self.skip = nn.ModuleList([nn.Conv2d(width, width, 1) for _ in range(layers)])
        self.projection1 = nn.Conv2d(width, projection, 1)
        self.projection2 = nn.Conv2d(projection, 1, 1)

    def forward(self, a):
        b, _, n1, n2 = a.shape
        x = torch.linspace(0, 1, n1).reshape(1, 1, n1, 1).expand(b, 1, n1, n2)
        y = torch.linspace(0, 1, n2).reshape(1, 1, 1, n2).expand(b, 1, n1, n2)
        v = self.lifting(torch.cat([a, x, y], dim=1))
        for i, (k, w) in enumerate(zip(self.spectral, self.skip)):
            v = k(v) + w(v)
            if i < len(self.spectral) - 1:
                v = F.gelu(v)
        return self.projection2(F.gelu(self.projection1(v)))


class Normalizer:
    def __init__(self, data, eps=1e-5):
        self.mean, self.std, self.eps = data.mean(), data.std(), eps

    def encode(self, x):
        return (x - self.mean) / (self.std + self.eps)

    def decode(self, x):
        return x * (self.std + self.eps) + self.mean


def relative_l2(prediction, target):
    b = target.shape[0]
    return (torch.linalg.norm((prediction - target).reshape(b, -1), dim=1) / torch.linalg.norm(target.reshape(b, -1), dim=1)).sum()


def load(directory):
    """coeff.npy (N, s, ...) as one channel; sol.npy likewise, or with its second axis (a
    trajectory's snapshots, as opkit reads them) as channels."""
    coeff = np.load(f"{directory}/coeff.npy").astype(np.float32)[:, None]
    sol = np.load(f"{directory}/sol.npy").astype(np.float32)
    sol = sol if sol.ndim == coeff.ndim else sol[:, None]
    return torch.from_numpy(coeff), torch.from_numpy(sol)


def arguments(description):
    """The command line every reference trainer shares."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return args


class Identity:
    def encode(self, x):
        return x

    def decode(self, x):
        return x


def train(model, args, normalize=True):
    """Trains `model` with opkit's recipe on the files of `args` and prints the JSON line.

    Adam (lr 1e-3, weight decay 1e-4), learning rate halved every epochs/5 epochs, shuffled
    batches, per-channel Gaussian normalisation (none without `normalize`, as the FNO paper's
    Burgers script), relative L2 summed over the batch; the test relative L2 after every epoch
    (all of them in `test_relative_l2_per_epoch`), whose time counts in the epoch as it does in
    opkit's.
    """
    a_train, u_train = load(args.train)
    a_test, u_test = load(args.test)
    a_norm, u_norm = (Normalizer(a_train), Normalizer(u_train)) if normalize else (Identity(), Identity())
    a_train, a_test = a_norm.encode(a_train), a_norm.encode(a_test)
    parameters = sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, args.epochs // 5), gamma=0.5)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(a_train, u_train), batch_size=args.batch, shuffle=True)
    seconds, train_seconds, test_error, test_errors = [], [], float("nan"), []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        model.train()
        for a, u in loader:
            optimizer.zero_grad()
            loss = relative_l2(u_norm.decode(model(a)), u)
            loss.backward()
            optimizer.step()
        scheduler.step()
        train_seconds.append(time.perf_counter() - start)
        model.eval()
        with torch.no_grad():
            test_error = sum(
                relative_l2(u_norm.decode(model(a_test[i:i + 50])), u_test[i:i + 50]).item() for i in range(0, len(a_test), 50)
            ) / len(a_test)
        test_errors.append(test_error)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "parameters": parameters, "epochs": args.epochs, "seconds_per_epoch": statistics.median(seconds),
        "training_seconds_per_epoch": statistics.median(train_seconds), "train_seconds": sum(seconds),
        "test_relative_l2": test_error, "test_relative_l2_per_epoch": test_errors, "torch": torch.__version__, "threads": args.threads, "seed": args.seed,
    }))


def main():
    args = arguments("PyTorch reference of opkit train fno")
    train(FNO2d(), args)


if __name__ == "__main__":
    main()
