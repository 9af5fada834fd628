"""Returning an Optional[int] from a function annotated `-> int`."""
from typing import Optional


def unwrap(n: Optional[int]) -> int:
    return n


ENTRY = unwrap
