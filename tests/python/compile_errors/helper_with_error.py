"""An error inside a helper: the note shows where it was called from."""


def helper(n: int) -> int:
    return n + "1"


def middle(n: int) -> int:
    return helper(n) * 2


def entry(n: int) -> int:
    return middle(n) + 1


ENTRY = entry
