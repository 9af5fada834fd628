"""An async function."""


async def fetch(n: int) -> int:
    return n


ENTRY = fetch
