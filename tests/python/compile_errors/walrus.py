"""An assignment expression (:=)."""


def positive(n: int) -> bool:
    if (m := n * 2) > 0:
        return True
    return False


ENTRY = positive
