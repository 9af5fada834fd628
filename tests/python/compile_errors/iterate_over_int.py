"""`for i in n` over an int (write range(n))."""


def total(n: int) -> int:
    s = 0
    for i in n:
        s += i
    return s


ENTRY = total
