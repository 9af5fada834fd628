"""try/except: TorchScript can raise exceptions but not catch them."""


def parse(s: str) -> int:
    try:
        return int(s)
    except ValueError:
        return 0


ENTRY = parse
