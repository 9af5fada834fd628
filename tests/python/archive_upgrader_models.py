"""Modules whose code uses the operators 1.13 upgrades for old archives (div, full, linspace,
logspace, gelu), for test_archive_upgraders.py."""
import torch


class OldOperators(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor, n: int):
        x = torch.div(a, b)
        y = torch.div(a, n)
        mode = torch.div(a, b, rounding_mode="floor")
        a2 = a.float()
        a2.div_(b)
        f = torch.full([2], n)
        g = torch.full([2], 1.5)
        i = torch.full([2], n, dtype=torch.int64)
        lin = torch.linspace(0.0, 1.0, 5)
        log = torch.logspace(0.0, 1.0, 5)
        return x, y, mode, a2, f, g, i, lin, log, torch.nn.functional.gelu(a.float()), 7 / 2


class InPlaceIntegerDiv(torch.nn.Module):
    """Before version 4 only: dividing an integer tensor in place truncates (today it fails)."""

    def forward(self, a: torch.Tensor, b: torch.Tensor, n: int):
        a2 = a.clone()
        a2.div_(b)
        a3 = a.clone()
        a3.div_(n)
        return a2, a3
