"""PyTorch transcription of the FNO paper's space-time Navier–Stokes script (`fourier_3d.py`,
Li et al. 2021) for `opkit train fno --mode space-time` on `opkit generate navier-stokes` files:
the same architecture, data and schedule, so test error and time per epoch can be compared on
one machine.

Architecture: the first `steps_in` snapshots (10) repeated along a time axis of `steps_out`
points, plus the coordinates (x, y, t), lifted pointwise to `width` channels (20); the time axis
padded with 6 zeros; four Fourier layers v <- GELU(K v + W v) (no GELU after the last) keeping 8
modes per axis (both signs on x and y); the padding cut off; projection width -> 128 -> 1 with
GELU. Training as the script: Gaussian normalisers of inputs and outputs fitted on the training
set (`--normalizer pointwise`, the script's UnitGaussianNormalizer: a mean and deviation per
grid point and step; `channel`, opkit's: per step), the relative L2 error of the decoded
prediction summed over the batch, Adam (lr 1e-3, weight decay 1e-4), the step schedule scaled to
the epochs run (halved every epochs/5; the script's 100 of 500), batch 10 as the script.

Usage: python fno3d_time_reference.py --train DIR --test DIR [--epochs 50] [--steps-in 10]
  [--steps-out 10] [--batch 10] [--normalizer pointwise|channel] [--threads 2] [--seed 0]
Prints one JSON line as bench/fno2d_time_reference.py.
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

from fno2d_time_reference import arguments, fit, relative_l2, windows


class SpectralConv3d(nn.Module):
    def __init__(self, channels_in, channels_out, modes):
        super().__init__()
        self.modes = modes
        scale = 1 / (channels_in * channels_out)
        self.weights = nn.ParameterList([
            nn.Parameter(scale * torch.rand(channels_in, channels_out, modes, modes, modes, dtype=torch.cfloat)) for _ in range(4)
        ])

    def forward(self, x):
        b, _, n1, n2, n3 = x.shape
        m = self.modes
        spectrum = torch.fft.rfftn(x, dim=[-3, -2, -1])
        out = torch.zeros(b, self.weights[0].shape[1], n1, n2, n3 // 2 + 1, dtype=torch.cfloat)
        # Corners in opkit's block order: bit 0 negative x frequencies, bit 1 negative y.
        for block, (rows, columns) in enumerate([(slice(0, m), slice(0, m)), (slice(-m, None), slice(0, m)),
                                                 (slice(0, m), slice(-m, None)), (slice(-m, None), slice(-m, None))]):
            out[:, :, rows, columns, :m] = torch.einsum("bixyz,ioxyz->boxyz", spectrum[:, :, rows, columns, :m], self.weights[block])
        return torch.fft.irfftn(out, s=(n1, n2, n3), dim=[-3, -2, -1])


class FNO3d(nn.Module):
    def __init__(self, steps_in=10, modes=8, width=20, layers=4, projection=128, padding=6):
        super().__init__()
        self.padding = padding
        self.lifting = nn.Conv3d(steps_in + 3, width, 1)
        self.spectral = nn.ModuleList([SpectralConv3d(width, width, modes) for _ in range(layers)])
        self.skip = nn.ModuleList([nn.Conv3d(width, width, 1) for _ in range(layers)])
        self.projection1 = nn.Conv3d(width, projection, 1)
        self.projection2 = nn.Conv3d(projection, 1, 1)

    def forward(self, a, steps):
        """a: [B, steps_in, n1, n2] → [B, steps, n1, n2]."""
        b, _, n1, n2 = a.shape
        x = a.unsqueeze(-1).expand(b, a.shape[1], n1, n2, steps)
        coordinates = [torch.linspace(0, 1, n).reshape(shape).expand(b, 1, n1, n2, steps)
                       for n, shape in [(n1, (1, 1, n1, 1, 1)), (n2, (1, 1, 1, n2, 1)), (steps, (1, 1, 1, 1, steps))]]
        v = self.lifting(torch.cat([x] + coordinates, dim=1))
        v = F.pad(v, [0, self.padding])
        for i, (k, w) in enumerate(zip(self.spectral, self.skip)):
            v = k(v) + w(v)
            if i < len(self.spectral) - 1:
                v = F.gelu(v)
        v = v[..., :steps] if self.padding else v
        return self.projection2(F.gelu(self.projection1(v)))[:, 0].permute(0, 3, 1, 2)


class Normalizer:
    """Gaussian normaliser of [N, T, s, s] data: per point and step (`pointwise`) or per step."""

    def __init__(self, data, kind, eps=1e-5):
        axes = (0,) if kind == "pointwise" else (0, 2, 3)
        self.mean, self.std, self.eps = data.mean(axes, keepdim=True)[0], data.std(axes, keepdim=True)[0], eps

    def encode(self, x):
        return (x - self.mean) / (self.std + self.eps)

    def decode(self, x):
        return x * (self.std + self.eps) + self.mean


def main():
    args = arguments("PyTorch reference of opkit train fno --mode space-time", batch=10)
    if args.draws == "opkit":
        raise SystemExit("--draws opkit: only the rollout reference (fno2d_time_reference.py) takes opkit's draws")
    a_train, u_train = windows(args.train, args.steps_in, args.steps_out)
    a_test, u_test = windows(args.test, args.steps_in, args.steps_out)
    a_norm, u_norm = Normalizer(a_train, args.normalizer), Normalizer(u_train, args.normalizer)
    a_train, a_test = a_norm.encode(a_train), a_norm.encode(a_test)
    model = FNO3d(steps_in=args.steps_in)
    predict = lambda m, a: u_norm.decode(m(a, args.steps_out))
    report = fit(model, predict, lambda prediction, u: relative_l2(prediction, u).sum(), args, a_train, u_train, a_test, u_test)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
