"""A function taking *args."""


def total(*values: int) -> int:
    return 0


ENTRY = total
