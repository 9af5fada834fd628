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


class EveryDivSpelling(torch.nn.Module):
    """Every way code reaches aten::div / div_; 1.13 prints a.div(b), a / b and torch.true_divide
    as torch.div(a, b), a /= b and a.div_(b) as torch.div_(a, b), and keeps an explicit
    rounding_mode=None and out=."""

    def forward(self, a: torch.Tensor, b: torch.Tensor, n: int, x: float, out: torch.Tensor):
        method = a.div(b)
        operator = a / b
        by_int = a / n
        by_float = a.div(x)
        by_float_tensor = a / b.float()
        true_divide = torch.true_divide(a, b)
        mode_none = torch.div(a, b, rounding_mode=None)
        scalar_mode_none = a.div(n, rounding_mode=None)
        mode_trunc = torch.div(a, n, rounding_mode="trunc")
        c = a.clone()
        c /= b
        d = a.clone()
        d.div_(n)
        f = a.float()
        f.div_(n)
        g = a.float()
        g.div_(b, rounding_mode=None)
        into = torch.div(a, b, out=out)
        return (method, operator, by_int, by_float, by_float_tensor, true_divide, mode_none,
                scalar_mode_none, mode_trunc, c, d, f, g, into, out)


class DivOut(torch.nn.Module):
    """torch.div(..., out=): before version 4 integer tensors divide by truncation into `out`."""

    def forward(self, a: torch.Tensor, b: torch.Tensor, out: torch.Tensor):
        into = torch.div(a, b, out=out)
        return into, out


class DivOutModeNone(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor, out: torch.Tensor):
        into = torch.div(a, b, rounding_mode=None, out=out)
        return into, out


class FullForms(torch.nn.Module):
    def forward(self, n: int, x: float, out: torch.Tensor):
        int_fill = torch.full([2], n)
        literal = torch.full([2, 1], 3)
        float_fill = torch.full([2], x)
        dtype_given = torch.full([2], n, dtype=torch.int32)
        dtype_none = torch.full([2], n, dtype=None)
        into = torch.full([3], n, out=out)
        return int_fill, literal, float_fill, dtype_given, dtype_none, into, out


class RangeForms(torch.nn.Module):
    """linspace/logspace with steps (printed) and, in edited archives, without (before 8/9)."""

    def forward(self, out: torch.Tensor):
        lin = torch.linspace(0.0, 1.0, 5)
        lin_int = torch.linspace(0, 10, 5)
        lin_dtype = torch.linspace(0.0, 1.0, 5, dtype=torch.float64)
        log = torch.logspace(0.0, 1.0, 5)
        log_base = torch.logspace(0.0, 1.0, 5, 2.0)
        lin_out = torch.linspace(0.0, 1.0, 5, out=out)
        return lin, lin_int, lin_dtype, log, log_base, lin_out


class LogspaceOut(torch.nn.Module):
    def forward(self, out: torch.Tensor):
        into = torch.logspace(0.0, 1.0, 5, 2.0, out=out)
        return into, out


class GeluForms(torch.nn.Module):
    def forward(self, x: torch.Tensor, out: torch.Tensor):
        plain = torch.nn.functional.gelu(x)
        explicit = torch.nn.functional.gelu(x, approximate="none")
        into = torch._C._nn.gelu(x, out=out)
        return plain, explicit, into, out
