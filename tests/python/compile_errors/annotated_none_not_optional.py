"""Assigning None to a variable annotated int (use Optional[int])."""


def maybe() -> int:
    n: int = None
    return 0


ENTRY = maybe
