"""Calling a helper with a str where it wants an int."""


def double(n: int) -> int:
    return 2 * n


def caller(name: str) -> int:
    return double(name)


ENTRY = caller
