"""A variable annotation without a value."""


def declare() -> int:
    n: int
    return 0


ENTRY = declare
