"""A global whose Python value TorchScript cannot use (a dict)."""

LIMITS = {"low": 0, "high": 10}


def clamp(n: int) -> int:
    return min(n, LIMITS["high"])


ENTRY = clamp
