"""Calling a helper with a keyword it does not have."""


def add(a: int, b: int) -> int:
    return a + b


def caller(a: int) -> int:
    return add(a, c=1)


ENTRY = caller
