"""Two return statements with different types and no return annotation."""


def sign(n: int):
    if n < 0:
        return "negative"
    return n


ENTRY = sign
