"""range() of a float."""


def total(n: float) -> int:
    s = 0
    for i in range(n):
        s += i
    return s


ENTRY = total
