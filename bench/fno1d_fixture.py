"""Writes Tests/Fixtures/fno1d-pytorch.safetensors: a small FNO-1D of bench/fno1d_reference.py
(modes 4, width 6, 2 layers, projection 8) with its parameters under opkit's names and layout
(spectral weights [1, modes, in, out, (re, im)]), an input batch `input` [2, 1, 16], PyTorch's
`output`, a `cotangent` and the gradients `gradient.<name>` of sum(output * cotangent), for
FNOTests.testOneDimensionalForwardAndGradientsAgreeWithPyTorch.

Usage: python bench/fno1d_fixture.py   (with PyTorch, e.g. .venv-bench/bin/python)
"""
import os

import torch

from fno1d_reference import FNO1d
from mgno_fixture import write_safetensors


def opkit_layout(name, tensor):
    """bench/fno1d_reference.py's parameter → opkit's FNO name and layout."""
    if name.startswith("spectral."):
        # [in, out, modes] complex → [1, modes, in, out, 2]
        return name.replace(".weights", ".weight"), torch.view_as_real(tensor).permute(2, 0, 1, 3).unsqueeze(0)
    return name, tensor


def main():
    torch.manual_seed(0)
    model = FNO1d(modes=4, width=6, layers=2, projection=8)
    x = torch.randn(2, 1, 16)
    output = model(x)
    cotangent = torch.randn_like(output)
    (output * cotangent).sum().backward()
    tensors = dict(opkit_layout(n, p) for n, p in model.named_parameters())
    tensors.update({"input": x, "output": output, "cotangent": cotangent})
    for n, p in model.named_parameters():
        name, gradient = opkit_layout(n, p.grad)
        tensors[f"gradient.{name}"] = gradient
    here = os.path.dirname(os.path.abspath(__file__))
    write_safetensors(os.path.join(here, "..", "Tests", "Fixtures", "fno1d-pytorch.safetensors"), tensors)


if __name__ == "__main__":
    main()
