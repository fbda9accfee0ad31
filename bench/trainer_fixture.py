"""Writes Tests/Fixtures/trainer-pytorch.safetensors: twenty steps of torch.optim.Adam (lr 1e-2,
weight decay 1e-4) on the small rollout FNO-2D of bench/fno3d_fixture.py (3 snapshots in, 3
rolled out, modes 2, width 4, 2 layers, projection 8), one fixed batch `input` [4, 3, 8, 8] and
`target` [4, 3, 8, 8], minimizing the per-step relative L2 summed over steps and batch (the
fourier_2d_time loss): the start under opkit's names, the parameters after the steps under
`final.<name>`, and the loss before each step in `losses` [20], for
TrainerTests.testAdamStepsAgreeWithPyTorch — the optimizer path, not only the gradients.

Usage: python bench/trainer_fixture.py   (with PyTorch, e.g. .venv-bench/bin/python)
"""
import os

import torch

from fno2d_time_reference import relative_l2, rollout
from fno3d_fixture import rollout_parameters
from fno_reference import FNO2d
from mgno_fixture import write_safetensors


def main():
    torch.manual_seed(1)
    model = FNO2d(modes=2, width=4, layers=2, projection=8, inputs=3)
    x, target = torch.randn(4, 3, 8, 8), torch.randn(4, 3, 8, 8)
    tensors = {name: t.detach().clone() for name, t in rollout_parameters(model).items()}
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        prediction = rollout(model, x, 3)
        loss = sum(relative_l2(prediction[:, t:t + 1], target[:, t:t + 1]).sum() for t in range(3))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    tensors.update({f"final.{name}": t.detach().clone() for name, t in rollout_parameters(model).items()})
    tensors.update({"input": x, "target": target, "losses": torch.tensor(losses)})
    here = os.path.dirname(os.path.abspath(__file__))
    write_safetensors(os.path.join(here, "..", "Tests", "Fixtures", "trainer-pytorch.safetensors"), tensors)


if __name__ == "__main__":
    main()
