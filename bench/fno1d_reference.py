"""PyTorch transcription of the FNO paper's Burgers script (`fourier_1d.py`, Li et al. 2021) for
`opkit train fno` on `opkit generate burgers` files: the same architecture, data and schedule, so
test error and time per epoch can be compared on one machine.

Architecture: input (u0, x) lifted pointwise to `width` channels (64); four Fourier layers
v <- GELU(K v + W v) (no GELU after the last) keeping 16 modes; projection width -> 128 -> 1 with
GELU. Training as the paper's script: raw data (no normalisation), Adam (lr 1e-3, weight decay
1e-4), the step schedule scaled to the epochs run (halved every epochs/5), batch 20, relative L2
summed over the batch (bench/fno_reference.py's `train`). The files: coeff.npy (N, s) holds u0,
sol.npy (N, 1, s) u(., T).

Usage: python fno1d_reference.py --train DIR --test DIR [--epochs 50] [--threads 2] [--seed 0]
Prints fno_reference.py's JSON line.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fno_reference import arguments, train


class SpectralConv1d(nn.Module):
    def __init__(self, channels_in, channels_out, modes):
        super().__init__()
        self.modes = modes
        scale = 1 / (channels_in * channels_out)
        self.weights = nn.Parameter(scale * torch.rand(channels_in, channels_out, modes, dtype=torch.cfloat))

    def forward(self, x):
        b, _, n = x.shape
        spectrum = torch.fft.rfft(x)
        out = torch.zeros(b, self.weights.shape[1], n // 2 + 1, dtype=torch.cfloat)
        out[:, :, :self.modes] = torch.einsum("bix,iox->box", spectrum[:, :, :self.modes], self.weights)
        return torch.fft.irfft(out, n=n)


class FNO1d(nn.Module):
    def __init__(self, modes=16, width=64, layers=4, projection=128):
        super().__init__()
        self.lifting = nn.Conv1d(2, width, 1)
        self.spectral = nn.ModuleList([SpectralConv1d(width, width, modes) for _ in range(layers)])
        self.skip = nn.ModuleList([nn.Conv1d(width, width, 1) for _ in range(layers)])
        self.projection1 = nn.Conv1d(width, projection, 1)
        self.projection2 = nn.Conv1d(projection, 1, 1)

    def forward(self, u0):
        b, _, n = u0.shape
        x = torch.linspace(0, 1, n).reshape(1, 1, n).expand(b, 1, n)
        v = self.lifting(torch.cat([u0, x], dim=1))
        for i, (k, w) in enumerate(zip(self.spectral, self.skip)):
            v = k(v) + w(v)
            if i < len(self.spectral) - 1:
                v = F.gelu(v)
        return self.projection2(F.gelu(self.projection1(v)))


def main():
    args = arguments("PyTorch transcription of the FNO paper's fourier_1d.py")
    train(FNO1d(), args, normalize=False)


if __name__ == "__main__":
    main()
