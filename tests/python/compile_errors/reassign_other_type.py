"""A variable keeps its type across blocks: assigning a str in a loop to an int variable."""


def count(n: int) -> int:
    total = 0
    for i in range(n):
        total = "many"
    return n


ENTRY = count
