"""A bare `raise` (re-raising) outside an except block."""


def fail(n: int) -> int:
    if n < 0:
        raise
    return n


ENTRY = fail
