"""Writes two fixtures of the Navier–Stokes models for the FNORolloutTests/FNOSpaceTimeTests:

Tests/Fixtures/fno2d-rollout-pytorch.safetensors: a small one-step FNO-2D of
bench/fno2d_time_reference.py (3 input steps, modes 2, width 4, 2 layers, projection 8) rolled
out 3 steps, with its parameters under opkit's names (`network.`; spectral weights [2 corners, m,
m, in, out, (re, im)]), `input` [2, 3, 8, 8], PyTorch's `output` [2, 3, 8, 8], a `cotangent` and
the gradients `gradient.<name>` of sum(output * cotangent) through the whole rollout.

Tests/Fixtures/fno3d-time-pytorch.safetensors: a small space-time FNO of
bench/fno3d_time_reference.py (3 input steps, 4 output steps, modes 2, width 4, 2 layers,
projection 8, time padded by 2) with its parameters under opkit's names and layout (spectral
weights [4 corners, m, m, m, in, out, (re, im)], corner bit 0 = negative x, bit 1 = negative y;
all under `network.`), an input batch `input` [2, 3, 8, 8], PyTorch's `output` [2, 4, 8, 8], a
`cotangent` and the gradients `gradient.<name>` of sum(output * cotangent), for
FNOSpaceTimeTests.testSpaceTimeForwardAndGradientsAgreeWithPyTorch.

Usage: python bench/fno3d_fixture.py   (with PyTorch, e.g. .venv-bench/bin/python)
"""
import os

import torch

from fno2d_time_reference import rollout
from fno3d_time_reference import FNO3d
from fno_reference import FNO2d
from mgno_fixture import write_safetensors


def opkit_parameters(model, gradients=False):
    """bench/fno3d_time_reference.py's parameters (or their gradients) → opkit's names and layout."""
    tensors = {}
    for i, layer in enumerate(model.spectral):
        blocks = [torch.view_as_real(w.grad if gradients else w).permute(2, 3, 4, 0, 1, 5) for w in layer.weights]
        tensors[f"network.spectral.{i}.weight"] = torch.stack(blocks)
    for name, parameter in model.named_parameters():
        if not name.startswith("spectral."):
            tensors[f"network.{name}"] = parameter.grad if gradients else parameter
    return tensors


def rollout_parameters(model, gradients=False):
    """fno_reference.FNO2d's parameters (or gradients) → opkit's FNORollout names and layout."""
    tensors = {}
    for i, layer in enumerate(model.spectral):
        blocks = [torch.view_as_real(w.grad if gradients else w).permute(2, 3, 0, 1, 4) for w in (layer.weights1, layer.weights2)]
        tensors[f"network.spectral.{i}.weight"] = torch.stack(blocks)
    for name, parameter in model.named_parameters():
        if not name.startswith("spectral."):
            tensors[f"network.{name}"] = parameter.grad if gradients else parameter
    return tensors


def rollout_fixture(path):
    torch.manual_seed(0)
    model = FNO2d(modes=2, width=4, layers=2, projection=8, inputs=3)
    x = torch.randn(2, 3, 8, 8)
    output = rollout(model, x, 3)
    cotangent = torch.randn_like(output)
    (output * cotangent).sum().backward()

    tensors = rollout_parameters(model)
    tensors.update({"input": x, "output": output, "cotangent": cotangent})
    tensors.update({f"gradient.{name}": g for name, g in rollout_parameters(model, gradients=True).items()})
    write_safetensors(path, tensors)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rollout_fixture(os.path.join(here, "..", "Tests", "Fixtures", "fno2d-rollout-pytorch.safetensors"))
    torch.manual_seed(0)
    model = FNO3d(steps_in=3, modes=2, width=4, layers=2, projection=8, padding=2)
    x = torch.randn(2, 3, 8, 8)
    output = model(x, 4)
    cotangent = torch.randn_like(output)
    (output * cotangent).sum().backward()
    tensors = opkit_parameters(model)
    tensors.update({"input": x, "output": output, "cotangent": cotangent})
    tensors.update({f"gradient.{name}": g for name, g in opkit_parameters(model, gradients=True).items()})
    write_safetensors(os.path.join(here, "..", "Tests", "Fixtures", "fno3d-time-pytorch.safetensors"), tensors)


if __name__ == "__main__":
    main()
