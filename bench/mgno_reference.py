"""PyTorch transcription of `opkit train mgno` (He, Liu, Xu, "MgNO: Efficient Parameterization of
Linear Operators via Multigrid", ICLR 2024): the same architecture and parameter count, trained
with the same recipe on the same files (bench/fno_reference.py's `train`), so test error and time
per epoch can be compared on one machine.

Architecture (defaults: 699,004 parameters on one input channel): `layers` layers
v <- GELU(W v + B v), W one multi-channel V-cycle, B a pointwise convolution with bias, then a
pointwise projection width -> 1. The V-cycle on level l (finest first), from u = 0: pre-smoothing
u <- u + S(f - A u) (the first step u = S f), restriction of the residual by a stride-2 3x3
convolution R, the cycle on the coarser level, correction u <- u + P u_c with P a stride-2
transposed 3x3 convolution, post-smoothing as before. A, S, R, P have no bias; zero padding;
PyTorch's default initialization.

Usage: python mgno_reference.py --train DIR --test DIR [--epochs 30] [--threads 2] [--seed 0]
Prints fno_reference.py's JSON line.
"""
import torch.nn as nn
import torch.nn.functional as F

from fno_reference import arguments, train


class VCycle(nn.Module):
    def __init__(self, channels_in, channels_out, levels=4, pre=1, post=1):
        super().__init__()
        self.pre, self.post, self.levels = pre, post, levels

        def conv(a, b, stride=1):
            return nn.Conv2d(a, b, 3, stride=stride, padding=1, bias=False)

        self.system = nn.ModuleList([conv(channels_out, channels_in) for _ in range(levels)])
        self.pre_smoothers = nn.ModuleList([nn.ModuleList([conv(channels_in, channels_out) for _ in range(pre)]) for _ in range(levels)])
        self.post_smoothers = nn.ModuleList([nn.ModuleList([conv(channels_in, channels_out) for _ in range(post)]) for _ in range(levels)])
        self.restriction = nn.ModuleList([conv(channels_in, channels_in, stride=2) for _ in range(levels - 1)])
        self.prolongation = nn.ModuleList([
            nn.ConvTranspose2d(channels_out, channels_out, 3, stride=2, padding=1, output_padding=1, bias=False)
            for _ in range(levels - 1)
        ])

    def cycle(self, level, f):
        system = self.system[level]

        def smoothed(u, smoother):
            return smoother(f) if u is None else u + smoother(f - system(u))

        u = None
        for smoother in self.pre_smoothers[level]:
            u = smoothed(u, smoother)
        if level < self.levels - 1:
            residual = f if u is None else f - system(u)
            correction = self.prolongation[level](self.cycle(level + 1, self.restriction[level](residual)))
            u = correction if u is None else u + correction
        for smoother in self.post_smoothers[level]:
            u = smoothed(u, smoother)
        return u

    def forward(self, f):
        return self.cycle(0, f)


class MgNO(nn.Module):
    def __init__(self, channels_in=1, width=32, layers=5, levels=4):
        super().__init__()
        self.vcycles = nn.ModuleList([VCycle(channels_in if i == 0 else width, width, levels) for i in range(layers)])
        self.biases = nn.ModuleList([nn.Conv2d(channels_in if i == 0 else width, width, 1) for i in range(layers)])
        self.projection = nn.Conv2d(width, 1, 1)

    def forward(self, a):
        v = a
        for w, b in zip(self.vcycles, self.biases):
            v = F.gelu(w(v) + b(v))
        return self.projection(v)


def main():
    args = arguments("PyTorch transcription of opkit train mgno")
    train(MgNO(), args)


if __name__ == "__main__":
    main()
