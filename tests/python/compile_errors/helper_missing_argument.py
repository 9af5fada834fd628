"""Calling a helper without one of its arguments."""


def add(a: int, b: int) -> int:
    return a + b


def caller(a: int) -> int:
    return add(a)


ENTRY = caller
