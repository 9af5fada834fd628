"""A variable assigned only in the true branch, used after the if."""


def pick(flag: bool) -> int:
    if flag:
        value = 1
    return value


ENTRY = pick
