"""A variable first assigned inside a loop, read after the loop."""


def last_index(n: int) -> int:
    for i in range(n):
        last = i
    return last


ENTRY = last_index
