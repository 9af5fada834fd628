"""A local variable read before the statement that assigns it."""


def late(n: int) -> int:
    m = total + n
    total = 0
    return m


ENTRY = late
