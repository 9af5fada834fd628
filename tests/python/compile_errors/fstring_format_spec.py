"""A format spec in an f-string."""


def show(x: float) -> str:
    return f"{x:.2f}"


ENTRY = show
