"""Writes Tests/Fixtures/mgno-pytorch.safetensors: a small MgNO of bench/mgno_reference.py (one
input channel, width 4, 2 layers, 3 levels, one pre- and one post-smoothing step) with its
parameters under opkit's names, an input batch `input` [2, 1, 8, 8], PyTorch's forward `output`,
a cotangent `cotangent` and the gradients `gradient.<name>` of sum(output * cotangent). The test
MgNOTests.testForwardAndGradientsAgreeWithPyTorch checks opkit's MgNO against them, so the
transcription and opkit are the same function (run again only if the transcription changes).

Usage: python bench/mgno_fixture.py   (with PyTorch, e.g. .venv-bench/bin/python)
"""
import json
import os
import struct

import numpy as np
import torch

from mgno_reference import MgNO


def opkit_name(name):
    """bench/mgno_reference.py's parameter name → opkit's MgNO path."""
    p = name.split(".")
    if p[0] == "vcycles":
        if p[2] in ("system", "restriction", "prolongation"):
            return f"layers.{p[1]}.vcycle.levels.{p[3]}.{p[2]}.weight"
        kind = {"pre_smoothers": "pre", "post_smoothers": "post"}[p[2]]
        return f"layers.{p[1]}.vcycle.levels.{p[3]}.{kind}.{p[4]}.weight"
    if p[0] == "biases":
        return f"layers.{p[1]}.bias.{p[2]}"
    return name


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    torch.manual_seed(0)
    model = MgNO(channels_in=1, width=4, layers=2, levels=3)
    x = torch.randn(2, 1, 8, 8)
    output = model(x)
    cotangent = torch.randn_like(output)
    (output * cotangent).sum().backward()
    tensors = {opkit_name(n): p for n, p in model.named_parameters()}
    tensors.update({"input": x, "output": output, "cotangent": cotangent})
    tensors.update({f"gradient.{opkit_name(n)}": p.grad for n, p in model.named_parameters()})
    here = os.path.dirname(os.path.abspath(__file__))
    write_safetensors(os.path.join(here, "..", "Tests", "Fixtures", "mgno-pytorch.safetensors"), tensors)


if __name__ == "__main__":
    main()
