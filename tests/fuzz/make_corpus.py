"""Writes the seed corpus of the archive reader's fuzz target (tests/fuzz/corpus/):
small valid archives written by torch.jit.save (run with /usr/bin/python3, torch 1.13) and
hand-broken variants of them, each broken in one way the reader must report.

    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import io
import os
import pickle
import struct
import zipfile
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)
        self.register_buffer("steps", torch.zeros(1, dtype=torch.int64))

    def forward(self, x):
        return torch.relu(self.fc(x))


class Containers(torch.nn.Module):
    names: List[str]
    table: Dict[str, int]
    pair: Tuple[int, float]
    maybe: Optional[int]

    def __init__(self):
        super().__init__()
        self.names = ["a", "bc"]
        self.table = {"x": 1, "y": 2}
        self.pair = (3, 4.5)
        self.maybe = None
        self.flag = True
        self.view = torch.arange(6.0).reshape(2, 3)[:, 1:]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.flag and len(self.names) > 1:
            return x + self.table["x"] + self.pair[1]
        return x


class Pair(NamedTuple):
    low: torch.Tensor
    high: torch.Tensor


@torch.jit.script
class Counter:
    def __init__(self, start: int):
        self.count = start

    def bump(self) -> int:
        self.count += 1
        return self.count


@torch.jit.interface
class Scaler(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Double(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2


class Scripted(torch.nn.Module):
    """What the load target needs to reach: tensors sharing a storage at an offset, a
    non-contiguous view, an int buffer, a script class object, a NamedTuple result, an
    interface-typed submodule, a hook, constants."""
    counter: Counter
    scaler: Scaler
    limit: float

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.arange(6.0).reshape(2, 3))
        base = torch.arange(12.0)
        self.register_buffer("window", base[2:8].reshape(3, 2))
        self.register_buffer("strided", base.reshape(3, 4).t())
        self.register_buffer("index", torch.tensor([0, 2], dtype=torch.int64))
        self.counter = Counter(3)
        self.scaler = Double()
        self.limit = 0.5
        self.register_forward_hook(Scripted.after)

    def after(self, inputs: Tuple[torch.Tensor], output: Pair) -> Pair:
        return Pair(output.low, output.high + 1)

    def forward(self, x: torch.Tensor) -> Pair:
        y = self.scaler(x @ self.weight) + self.window.sum() + self.strided[0, 1]
        self.counter.bump()
        return Pair(y.clamp(max=self.limit), y.index_select(1, self.index))


def scale(x: torch.Tensor, factor: float = 2.0) -> torch.Tensor:
    return x * factor


def saved(obj, **kwargs) -> bytes:
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(obj), buffer, **kwargs)
    return buffer.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The archive rewritten by zipfile with `change(name, bytes) -> bytes | None` (None drops)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info, content)
    return out.getvalue()


def broken_debug_records(tiny: bytes) -> dict:
    """Archives whose `.debug_pkl` records are broken: they load and run (the records only
    serve error messages, read at the first error), and an error names no original code."""
    def with_debug(content):
        return rewritten(tiny, lambda n, b: content if n.endswith(".debug_pkl") else b)
    return {
        "garbage_debug_pkl.pt": with_debug(b"garbage"),
        "wrong_shape_debug_pkl.pt": with_debug(
            pickle.dumps(("FORMAT_WITH_STRING_TABLE", ("",), ((0, 1, 2),)), protocol=2)),
        "bad_index_debug_pkl.pt": with_debug(
            pickle.dumps(("FORMAT_WITH_STRING_TABLE", ("",), ((0, (([5], 9, 3), 0, 4), 0),)),
                         protocol=2)),
    }


def write(name: str, data: bytes):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(HERE, exist_ok=True)
    torch.manual_seed(0)
    tiny = saved(Tiny())
    valid = {
        "tiny.pt": tiny,
        "containers.pt": saved(Containers(), _extra_files={"meta.txt": "seed"}),
        "function.pt": saved(scale),
        "scripted.pt": saved(Scripted()),
    }
    for name, data in valid.items():
        write(name, data)

    end = tiny.rfind(b"PK\x05\x06")
    broken = {
        "truncated_half.pt": tiny[: len(tiny) // 2],
        "truncated_end_record.pt": tiny[:-10],
        "bad_crc.pt": tiny.replace(b"def forward", b"def forwarx", 1),
        "zero_entries.pt": tiny[:end + 8] + struct.pack("<HH", 0, 0) + tiny[end + 12:],
        "no_data_pkl.pt": rewritten(tiny, lambda n, b: None if n.endswith("data.pkl") else b),
        "garbage_pickle.pt": rewritten(
            tiny, lambda n, b: b"\x80\x02c__builtin__\neval\n." if n.endswith("data.pkl") else b),
        "deep_pickle.pt": rewritten(
            tiny, lambda n, b: b"\x80\x02" + b"(" * 2000 + b"." if n.endswith("data.pkl") else b),
        "bad_code.pt": rewritten(
            tiny, lambda n, b: b"def broken(:\n" if n.endswith(".py") else b),
    }
    broken.update(broken_debug_records(tiny))
    # The same records deflated by zipfile, so that inflating is exercised too.
    with zipfile.ZipFile(io.BytesIO(tiny)) as source:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
        broken["deflated.pt"] = out.getvalue()
    for name, data in broken.items():
        write(name, data)
    print("wrote", len(valid) + len(broken), "seeds to", HERE)


if __name__ == "__main__":
    main()
