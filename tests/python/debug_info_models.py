"""Modules and functions whose saved archives carry debug records (test_archive_debug_info.py).

Their line numbers appear in the pinned error texts: add new cases at the end of the file.
"""
import torch


class MatMul(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)

    def forward(self, x):
        y = self.lin(x)
        if x.sum() > 100.0:
            raise ValueError("too big")
        return y + x.mm(x)


class Checked(torch.nn.Module):
    def forward(self, x: torch.Tensor, n: int) -> torch.Tensor:
        assert n > 0, "n must be positive"
        total = x
        for i in range(n):
            total = total * 2 + i
        return total.view(-1, 5)


class Nested(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Checked()
        self.scale = 3.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        doubled = self.inner(x, 2)
        return torch.relu(doubled) * self.scale


def add_scaled(x: torch.Tensor, y: torch.Tensor, factor: float) -> torch.Tensor:
    z = x * factor
    return z + y
