"""Writes Tests/Fixtures/afno-pytorch.safetensors: a small AFNO (Guibas et al. 2022) written
independently in PyTorch after FourCastNet's AFNO2D filter and block — rfft2 with norm="ortho"
over the token grid, the block-diagonal complex MLP shared by every frequency (ReLU between),
softshrink, irfft2, the filter's input added back, LayerNorm ε 1e-6, the double skip — with
opkit's patch embedding (a p×p convolution of stride p), position embedding [1, D, h, w] and head
(Linear D → out·p·p, each token's values ordered (channel, row, column) within its patch). Grid
8×8, patches of 2, embedding 8, 2 blocks, 2 channel blocks, MLP ratio 2, λ = 0.01. It holds the
parameters under opkit's names, `input` [2, 3, 8, 8], PyTorch's `output` [2, 2, 8, 8], a
`cotangent` and the gradients `gradient.<name>` of sum(output * cotangent), for
AFNOTests.testForwardAndGradientsAgreeWithPyTorch.

Usage: python bench/afno_fixture.py   (with PyTorch, e.g. .venv-bench/bin/python)
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from mgno_fixture import write_safetensors


class Filter(nn.Module):
    def __init__(self, channels, blocks, threshold):
        super().__init__()
        size = channels // blocks
        self.blocks, self.threshold = blocks, threshold
        self.w1 = nn.Parameter(0.5 * torch.randn(2, blocks, size, size))
        self.b1 = nn.Parameter(0.5 * torch.randn(2, blocks, size))
        self.w2 = nn.Parameter(0.5 * torch.randn(2, blocks, size, size))
        self.b2 = nn.Parameter(0.5 * torch.randn(2, blocks, size))

    def forward(self, x):
        bias = x
        b, h, w, c = x.shape
        x = torch.fft.rfft2(x, dim=(1, 2), norm="ortho").reshape(b, h, w // 2 + 1, self.blocks, c // self.blocks)
        mm = lambda t, weight: torch.einsum("...bi,bio->...bo", t, weight)
        real = F.relu(mm(x.real, self.w1[0]) - mm(x.imag, self.w1[1]) + self.b1[0])
        imag = F.relu(mm(x.imag, self.w1[0]) + mm(x.real, self.w1[1]) + self.b1[1])
        out_real = mm(real, self.w2[0]) - mm(imag, self.w2[1]) + self.b2[0]
        out_imag = mm(imag, self.w2[0]) + mm(real, self.w2[1]) + self.b2[1]
        x = F.softshrink(torch.stack([out_real, out_imag], dim=-1), lambd=self.threshold)
        x = torch.view_as_complex(x.contiguous()).reshape(b, h, w // 2 + 1, c)
        return torch.fft.irfft2(x, s=(h, w), dim=(1, 2), norm="ortho") + bias


class Block(nn.Module):
    def __init__(self, channels, blocks, ratio, threshold):
        super().__init__()
        self.norm1 = nn.LayerNorm(channels, eps=1e-6)
        self.filter = Filter(channels, blocks, threshold)
        self.norm2 = nn.LayerNorm(channels, eps=1e-6)
        self.mlp1 = nn.Linear(channels, channels * ratio)
        self.mlp2 = nn.Linear(channels * ratio, channels)

    def forward(self, x):
        u = self.filter(self.norm1(x)) + x
        return self.mlp2(F.gelu(self.mlp1(self.norm2(u)))) + u


class AFNO(nn.Module):
    def __init__(self, inputs=3, outputs=2, grid=8, patch=2, embedding=8, depth=2, blocks=2, ratio=2, threshold=0.01):
        super().__init__()
        self.patch, self.outputs = patch, outputs
        self.embedding = nn.Conv2d(inputs, embedding, patch, stride=patch)
        self.position = nn.Parameter(0.5 * torch.randn(1, embedding, grid // patch, grid // patch))
        self.blocks = nn.ModuleList([Block(embedding, blocks, ratio, threshold) for _ in range(depth)])
        self.head = nn.Linear(embedding, outputs * patch * patch)

    def forward(self, x):
        b, p = x.shape[0], self.patch
        tokens = (self.embedding(x) + self.position).permute(0, 2, 3, 1)
        for block in self.blocks:
            tokens = block(tokens)
        h, w = tokens.shape[1], tokens.shape[2]
        patches = self.head(tokens).reshape(b, h, w, self.outputs, p, p)
        return patches.permute(0, 3, 1, 4, 2, 5).reshape(b, self.outputs, h * p, w * p)


def main():
    torch.manual_seed(0)
    model = AFNO()
    with torch.no_grad():  # LayerNorm away from its (1, 0) start, so their gradients are checked too
        for block in model.blocks:
            for norm in (block.norm1, block.norm2):
                norm.weight.add_(0.3 * torch.randn_like(norm.weight))
                norm.bias.add_(0.3 * torch.randn_like(norm.bias))
    x = torch.randn(2, 3, 8, 8)
    output = model(x)
    cotangent = torch.randn_like(output)
    (output * cotangent).sum().backward()
    tensors = {name: p for name, p in model.named_parameters()}
    tensors.update({"input": x, "output": output, "cotangent": cotangent})
    tensors.update({f"gradient.{name}": p.grad for name, p in model.named_parameters()})
    here = os.path.dirname(os.path.abspath(__file__))
    write_safetensors(os.path.join(here, "..", "Tests", "Fixtures", "afno-pytorch.safetensors"), tensors)


if __name__ == "__main__":
    main()
