"""Calling a helper with more arguments than it has parameters."""


def add(a: int, b: int) -> int:
    return a + b


def caller(a: int) -> int:
    return add(a, 1, 2)


ENTRY = caller
