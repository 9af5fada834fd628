"""A variable assigned an int in one branch and a str in the other, used after the if."""


def label(flag: bool) -> int:
    if flag:
        value = 1
    else:
        value = "one"
    print(value)
    return 0


ENTRY = label
