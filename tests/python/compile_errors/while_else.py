"""A while loop with an else branch."""


def find(n: int) -> int:
    while n > 0:
        n -= 1
    else:
        n = -1
    return n


ENTRY = find
