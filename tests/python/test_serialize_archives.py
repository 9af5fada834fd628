"""Archives written by torch.jit.save (1.13) read, dumped and rewritten by `tscript`.

For a corpus of modules generated at test time with /usr/bin/python3 + torch 1.13:
  * `tscript archive-info` lists the same records, offsets, sizes, methods and CRCs as
    Python's zipfile, and prints data.pkl / constants.pkl / debug_pkl trees identical to a
    rendering built here from pickletools opcodes (no class is imported or called);
  * `tscript archive-rewrite` (unpickle + pickle every pickle, rewrite every record with our
    zip writer) reproduces the input byte for byte;
  * `archive-rewrite --recompress` (our zlib deflate) still loads in torch.jit.load and gives
    the same results.
Then a corpus of broken archives (truncated, flipped bytes, bad offsets, forbidden globals, zip
bombs, self-referential pickles, ...) must each fail with exit status 1 and a clear message.

Run: TSCRIPT_BIN=build-ser/bin/tscript /usr/bin/python3 -m pytest tests/python/test_serialize_archives.py
"""
import io
import os
import pickletools
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
TSCRIPT = Path(os.environ.get("TSCRIPT_BIN", REPO / "build" / "bin" / "tscript"))
pytestmark = pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")


def tscript(*args):
    return subprocess.run([str(TSCRIPT), *map(str, args)], capture_output=True, timeout=120)


# --------------------------------------------------------------------------------------------
# The modules


@torch.jit.script
class Point(object):
    def __init__(self, x: float, y: float):
        self.x = x
        self.y = y

    def norm2(self) -> float:
        return self.x * self.x + self.y * self.y


def scale_add(a: torch.Tensor, b: torch.Tensor, s: float = 2.0) -> torch.Tensor:
    return a * s + b


class Sub(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)

    def forward(self, x):
        return torch.relu(self.lin(x))


class Basic(torch.nn.Module):
    count: int
    sizes: List[int]
    maybe: Optional[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.sub = Sub()
        self.weight = torch.nn.Parameter(torch.ones(2))
        self.register_buffer("running", torch.zeros(2))
        self.count = 3
        self.sizes = [1, 2, 3]
        self.maybe = None
        self.name = "hello"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.sub(x)
        p = Point(1.0, 2.0)
        y = scale_add(y, self.weight, p.norm2())
        mb = self.maybe
        if mb is not None:
            y = y + mb
        for i in range(self.count):
            y = y + float(self.sizes[i % 3])
        return y + self.running + torch.tensor([1.5, 2.5])


class Containers(torch.nn.Module):
    d: Dict[str, torch.Tensor]
    di: Dict[int, str]
    nested: List[List[int]]
    names: List[str]
    floats: List[float]
    flags: List[bool]
    tensors: List[torch.Tensor]
    t: Tuple[int, str, float]
    empty_list: List[int]
    empty_dict: Dict[str, int]

    def __init__(self):
        super().__init__()
        self.d = {"x": torch.ones(1), "y": torch.arange(4.0)}
        self.di = {1: "one", -7: "minus seven", 2**40: "big"}
        self.nested = [[1, 2], [], [3]]
        self.names = ["a", "quote\"'\n\t\x01é", "a"]
        self.floats = [0.1, float("inf"), float("-inf"), 1e-300, -0.0, 123456789012345680000.0]
        self.flags = [True, False]
        self.tensors = [torch.zeros(2, dtype=torch.int64), torch.ones(3, dtype=torch.float64)]
        self.t = (1, "s", 2.5)
        self.empty_list = []
        self.empty_dict = {}
        self.dev = torch.device("cpu")
        self.ints = (0, 255, 256, 65535, 65536, -1, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**63 - 1, -2**63)
        self.seq = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
        self.ml = torch.nn.ModuleList([torch.nn.Tanh(), torch.nn.ReLU()])

    def forward(self, x):
        return x + self.d["x"] + len(self.names) + self.seq(x)


class Views(torch.nn.Module):
    def __init__(self):
        super().__init__()
        base = torch.arange(12.0).reshape(3, 4)
        self.register_buffer("base", base)
        self.register_buffer("t", base.t())
        self.register_buffer("corner", base[1:, 1:])
        self.register_buffer("scalar", torch.tensor(3.5))
        self.register_buffer("empty", torch.zeros(0))

    def forward(self, x):
        return x + self.base.sum() + self.t.sum() + self.corner.sum() + self.scalar


DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.uint8,
          torch.int16, torch.int32, torch.int64, torch.bool, torch.complex64, torch.complex128]


class Dtypes(torch.nn.Module):
    def __init__(self):
        super().__init__()
        for i, dtype in enumerate(DTYPES):
            self.register_buffer(f"b{i}", (torch.arange(6) % 3).to(dtype))

    def forward(self, x):
        return x


class ManyAttributes(torch.nn.Module):
    # More than 256 memoized strings: LONG_BINPUT / LONG_BINGET.
    def __init__(self):
        super().__init__()
        for i in range(300):
            setattr(self, f"attr_{i}", i * 1000)
        self.sub1 = torch.nn.ReLU()
        self.sub2 = torch.nn.ReLU()

    def forward(self, x):
        return x


class WithState(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(2))

    def forward(self, x):
        return x * self.w

    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, bool]:
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, s: Tuple[torch.Tensor, bool]) -> None:
        self.w = s[0]
        self.training = s[1]


class Quantized(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("q", torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.quint8))
        self.c = 1 + 2j

    def forward(self, x):
        return x


class Big(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.data = torch.randn(256, 1024)  # 1 MiB: read through the mapping

    def forward(self, x):
        return x + self.data[0, 0]


class Traced(torch.nn.Module):
    def forward(self, x):
        return x * torch.tensor([1.0, 2.0, 3.0]) + torch.ones(3)


class Gelu(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.gelu(x) + torch.linspace(0, 1, 3)


class Unicode(torch.nn.Module):
    def forward(self, x: str) -> str:
        return x + "héllo ☃"


def add_one(x: torch.Tensor) -> torch.Tensor:
    return x + 1


def build_archives(directory: Path):
    torch.manual_seed(0)
    made = {}

    def save(name, module, **kwargs):
        path = directory / name
        torch.jit.save(module, str(path), **kwargs)
        made[name] = path

    save("basic.pt", torch.jit.script(Basic()), _extra_files={"meta.txt": "hi there", "b.json": "{}"})
    save("containers.pt", torch.jit.script(Containers()))
    save("views.pt", torch.jit.script(Views()))
    save("dtypes.pt", torch.jit.script(Dtypes()))
    save("many_attributes.pt", torch.jit.script(ManyAttributes()))
    save("with_state.pt", torch.jit.script(WithState()).eval())
    save("big.pt", torch.jit.script(Big()))
    save("quantized.pt", torch.jit.script(Quantized()))
    save("traced.pt", torch.jit.trace(Traced(), torch.ones(3)))
    save("frozen.pt", torch.jit.freeze(torch.jit.script(Sub()).eval()))
    save("gelu.pt", torch.jit.script(Gelu()))
    save("unicode.pt", torch.jit.script(Unicode()))
    save("function.pt", torch.jit.script(add_one))
    save("my.model.v1.pt", torch.jit.script(Sub()))
    buffer = io.BytesIO()  # saved to a buffer: the "archive/" prefix
    torch.jit.save(torch.jit.script(Sub()), buffer)
    (directory / "buffer.pt").write_bytes(buffer.getvalue())
    made["buffer.pt"] = directory / "buffer.pt"
    return made


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    return build_archives(tmp_path_factory.mktemp("archives"))


ARCHIVE_NAMES = ["basic.pt", "containers.pt", "views.pt", "dtypes.pt", "many_attributes.pt",
                 "with_state.pt", "big.pt", "quantized.pt", "traced.pt", "frozen.pt", "gelu.pt", "unicode.pt",
                 "function.pt", "my.model.v1.pt", "buffer.pt"]


# --------------------------------------------------------------------------------------------
# An independent rendering of pickles, from pickletools opcodes (mirrors formatPickleValue)


class Global:
    def __init__(self, module, name):
        self.module, self.name = module, name


class Obj:
    def __init__(self, callable_, args, newobj):
        self.callable, self.args, self.newobj, self.state, self.has_state = callable_, args, newobj, None, False


class PersId:
    def __init__(self, value):
        self.value = value


class Dict_:
    def __init__(self):
        self.pairs = []


class Tuple_:
    def __init__(self, items):
        self.items = items


def parse_pickle(data: bytes):
    stack, marks, memo = [], [], {}
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name == "PROTO":
            continue
        if name == "STOP":
            break
        if name == "MARK":
            marks.append(len(stack))
        elif name in ("BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET"):
            stack.append(memo[arg])
        elif name in ("BININT", "BININT1", "BININT2", "LONG1"):
            stack.append(int(arg))
        elif name == "BINFLOAT":
            stack.append(float(arg))
        elif name in ("BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"):
            stack.append(str(arg))
        elif name in ("BINBYTES", "SHORT_BINBYTES"):
            stack.append(bytes(arg))
        elif name == "NONE":
            stack.append(None)
        elif name == "NEWTRUE":
            stack.append(True)
        elif name == "NEWFALSE":
            stack.append(False)
        elif name == "EMPTY_TUPLE":
            stack.append(Tuple_([]))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = stack[-n:]
            del stack[-n:]
            stack.append(Tuple_(items))
        elif name == "TUPLE":
            at = marks.pop()
            items = stack[at:]
            del stack[at:]
            stack.append(Tuple_(items))
        elif name == "EMPTY_LIST":
            stack.append([])
        elif name == "APPENDS":
            at = marks.pop()
            items = stack[at:]
            del stack[at:]
            stack[-1].extend(items)
        elif name == "EMPTY_DICT":
            stack.append(Dict_())
        elif name == "SETITEMS":
            at = marks.pop()
            items = stack[at:]
            del stack[at:]
            stack[-1].pairs.extend(zip(items[0::2], items[1::2]))
        elif name == "GLOBAL":
            module, attribute = arg.split(" ", 1)
            stack.append(Global(module, attribute))
        elif name in ("REDUCE", "NEWOBJ"):
            args = stack.pop()
            callable_ = stack.pop()
            stack.append(Obj(callable_, args, name == "NEWOBJ"))
        elif name == "BUILD":
            state = stack.pop()
            stack[-1].state, stack[-1].has_state = state, True
        elif name == "BINPERSID":
            stack.append(PersId(stack.pop()))
        else:
            raise AssertionError(f"opcode {name} not expected in a 1.13 archive")
    assert len(stack) == 1
    return stack[0]


def quoted(text, as_bytes):
    data = text if as_bytes else text.encode("utf-8")
    out = 'b"' if as_bytes else '"'
    escapes = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\t"): "\\t", ord("\r"): "\\r"}
    raw = bytearray()
    for byte in data:
        if byte in escapes:
            raw += escapes[byte].encode()
        elif byte < 0x20 or byte == 0x7F or (as_bytes and byte >= 0x80):
            raw += b"\\x%02x" % byte
        else:
            raw.append(byte)
    return out + raw.decode("utf-8") + '"'


INLINE_WIDTH = 100


def layout(value):
    """(head, children, pairs, tail, single_comma) for containers; a string for scalars."""
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return quoted(value, False)
    if isinstance(value, bytes):
        return quoted(value, True)
    if isinstance(value, Global):
        return f"{value.module}.{value.name}"
    if isinstance(value, list):
        return ("[", value, [], "]", False)
    if isinstance(value, Tuple_):
        return ("(", value.items, [], ")", len(value.items) == 1)
    if isinstance(value, Dict_):
        return ("{", [], value.pairs, "}", False)
    if isinstance(value, PersId):
        return ("persistent_id(", [value.value], [], ")", False)
    if isinstance(value, Obj):
        return object_layout(value)
    raise AssertionError(type(value))


def object_layout(value):
    callee = render_inline(value.callable)
    opener = ".__new__(" if value.newobj else "("
    if isinstance(value.args, Tuple_):
        return (callee + opener, value.args.items, [], ")", False)
    return (callee + opener + "*", [value.args], [], ")", False)


def children_inline(lay):
    head, children, pairs, tail, comma = lay
    parts = [render_inline(c) for c in children] + [render_inline(k) + ": " + render_inline(v) for k, v in pairs]
    return head + ", ".join(parts) + ("," if comma else "") + tail


def render_inline(value):
    if isinstance(value, Obj) and value.has_state:
        return children_inline(object_layout(value)) + ".__setstate__(" + render_inline(value.state) + ")"
    lay = layout(value)
    return lay if isinstance(lay, str) else children_inline(lay)


def render_layout(lay, indent):
    one_line = children_inline(lay)
    head, children, pairs, tail, _ = lay
    if indent + len(one_line.encode("utf-8")) <= INLINE_WIDTH or (not children and not pairs):
        return one_line
    pad = " " * (indent + 2)
    out = head + "\n"
    for child in children:
        out += pad + render(child, indent + 2) + ",\n"
    for key, item in pairs:
        out += pad + render(key, indent + 2) + ": " + render(item, indent + 2) + ",\n"
    return out + " " * indent + tail


def render(value, indent=0):
    if isinstance(value, Obj) and value.has_state:
        return (render_layout(object_layout(value), indent)
                + render_layout((".__setstate__(", [value.state], [], ")", False), indent))
    lay = layout(value)
    return lay if isinstance(lay, str) else render_layout(lay, indent)


# --------------------------------------------------------------------------------------------
# Tests on good archives


def parse_info(stdout: str):
    """Records (dicts of the key=value fields) and pickles (name -> rendered text); each
    pickle's text runs until the next "pickle NAME" line."""
    records, pickles, name = [], {}, None
    for line in stdout.split("\n"):
        if line.startswith("pickle "):
            name = line[len("pickle "):]
            pickles[name] = []
        elif name is not None:
            pickles[name].append(line)
        elif line.startswith("record "):
            fields = line.split(" ")
            entry = {"name": fields[1]}
            entry.update(field.split("=", 1) for field in fields[2:])
            records.append(entry)
    return records, {k: "\n".join(v).rstrip("\n") for k, v in pickles.items()}


@pytest.mark.parametrize("name", ARCHIVE_NAMES)
def test_archive_info_matches_zipfile(archives, name):
    path = archives[name]
    run = tscript("archive-info", path)
    assert run.returncode == 0, run.stderr.decode()
    records, _ = parse_info(run.stdout.decode())
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert [r["name"] for r in records] == [i.filename for i in infos]
    for record, info in zip(records, infos):
        name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        data_offset = info.header_offset + 30 + name_length + extra_length
        assert int(record["local"]) == info.header_offset
        assert int(record["data"]) == data_offset
        assert int(record["data"]) % 64 == 0
        assert record["method"] == {0: "stored", 8: "deflated"}[info.compress_type]
        assert int(record["compressed"]) == info.compress_size
        assert int(record["size"]) == info.file_size
        assert int(record["crc"], 16) == info.CRC


@pytest.mark.parametrize("name", ARCHIVE_NAMES)
def test_pickles_match_pickletools(archives, name):
    path = archives[name]
    with zipfile.ZipFile(path) as archive:
        prefix = archive.namelist()[0].split("/")[0]
        pickles = [n[len(prefix) + 1:] for n in archive.namelist()
                   if n.endswith(".pkl") or n.endswith(".debug_pkl")]
        contents = {n: archive.read(prefix + "/" + n) for n in pickles}
    arguments = []
    for pickle_name in pickles:
        arguments += ["--pickle", pickle_name]
    run = tscript("archive-info", *arguments, path)
    assert run.returncode == 0, run.stderr.decode()
    _, dumped = parse_info(run.stdout.decode())
    assert set(dumped) == set(pickles)
    for pickle_name in pickles:
        expected = render(parse_pickle(contents[pickle_name]))
        assert dumped[pickle_name] == expected, pickle_name


@pytest.mark.parametrize("name", ARCHIVE_NAMES)
def test_rewrite_is_byte_identical(archives, name, tmp_path):
    out = tmp_path / name
    run = tscript("archive-rewrite", archives[name], out)
    assert run.returncode == 0, run.stderr.decode()
    original, rewritten = archives[name].read_bytes(), out.read_bytes()
    if original != rewritten:
        first = next(i for i in range(min(len(original), len(rewritten))) if original[i] != rewritten[i])
        pytest.fail(f"first difference at byte {first} of {len(original)}")


@pytest.mark.parametrize("name", ARCHIVE_NAMES)
def test_recompressed_rewrite_loads_in_torch(archives, name, tmp_path):
    out = tmp_path / name
    run = tscript("archive-rewrite", "--recompress", archives[name], out)
    assert run.returncode == 0, run.stderr.decode()
    original, rewritten = torch.jit.load(str(archives[name])), torch.jit.load(str(out))
    assert original.code == rewritten.code
    for (key_a, a), (key_b, b) in zip(original.state_dict().items(), rewritten.state_dict().items()):
        assert key_a == key_b and a.dtype == b.dtype and torch.equal(a, b)


def test_corpus_covers_1_13_features(archives):
    """The corpus really contains the features the tests claim to cover."""
    with zipfile.ZipFile(archives["gelu.pt"]) as archive:
        assert "gelu/.data/version" in archive.namelist()
    with zipfile.ZipFile(archives["buffer.pt"]) as archive:
        assert archive.namelist()[0].startswith("archive/")
    with zipfile.ZipFile(archives["my.model.v1.pt"]) as archive:
        assert archive.namelist()[0].startswith("my.model.v1/")
    with zipfile.ZipFile(archives["traced.pt"]) as archive:
        assert any(n.startswith("traced/constants/") for n in archive.namelist())
    data = zipfile.ZipFile(archives["many_attributes.pt"]).read("many_attributes/data.pkl")
    assert any(op.name == "LONG_BINPUT" for op, _, _ in pickletools.genops(data))


# --------------------------------------------------------------------------------------------
# Broken archives


def rezip(entries, compress=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compress) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_record(source: Path, record: str, data: bytes):
    with zipfile.ZipFile(source) as archive:
        entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    prefix = entries[0][0].split("/")[0]
    return rezip([(n, data if n == f"{prefix}/{record}" else d) for n, d in entries])


def patch(data: bytes, offset: int, new: bytes):
    return data[:offset] + new + data[offset + len(new):]


def first_central_entry(data: bytes):
    return data.index(b"PK\x01\x02")


def broken_corpus(archives):
    good = archives["basic.pt"].read_bytes()
    info = {i.filename: i for i in zipfile.ZipFile(archives["basic.pt"]).infolist()}
    data_pkl = info["basic/data.pkl"]
    data_pkl_offset = data_pkl.header_offset + 30 + struct.unpack(
        "<HH", good[data_pkl.header_offset + 26:data_pkl.header_offset + 30])[0] + struct.unpack(
        "<HH", good[data_pkl.header_offset + 26:data_pkl.header_offset + 30])[1]
    cd = first_central_entry(good)
    cases = {
        "empty": (b"", "too short"),
        "truncated_half": (good[:len(good) // 2], "no end-of-central-directory"),
        "truncated_end": (good[:-1], "no end-of-central-directory"),
        "truncated_central": (good[:cd + 10] + good[-98:], "zip64 end record offset"),
        "bad_local_signature": (patch(good, 0, b"XK\x03\x04"), "bad local header signature"),
        "bad_central_signature": (patch(good, cd, b"PK\x01\x09"), "bad signature"),
        "local_offset_outside": (patch(good, cd + 42, struct.pack("<I", 0x7FFFFF00)), "outside the data area"),
        "huge_declared_size": (patch(good, cd + 20, struct.pack("<II", 0x7FFFFFF0, 0x7FFFFFF0)),
                               "run past the start of the central directory"),
        "crc_flipped": (patch(good, data_pkl_offset + 5, bytes([good[data_pkl_offset + 5] ^ 0x20])),
                        "CRC-32 mismatch"),
        "too_many_entries": (patch(good, len(good) - 22 - 20 - 56 + 24, struct.pack("<QQ", 10**9, 10**9))[:-22]
                             + patch(good[-22:], 8, b"\xff\xff\xff\xff"), "entries"),
        "torch_save_pickle": (b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19." + b"\0" * 64, "torch.save"),
        "legacy_pytorch1": (b"PYTORCH1" + b"\0" * 64, "PYTORCH1"),
        "os_system_global": (replace_record(archives["basic.pt"], "data.pkl",
                                            b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R."),
                             "global 'os.system' is not allowed"),
        "posix_system_global": (replace_record(archives["basic.pt"], "constants.pkl",
                                               b"\x80\x02cposix\nsystem\nq\x00."),
                                "global 'posix.system' is not allowed"),
        "builtins_eval_global": (replace_record(archives["basic.pt"], "data.pkl",
                                                b"\x80\x02cbuiltins\neval\n."),
                                 "global 'builtins.eval' is not allowed"),
        "self_referential_list": (replace_record(archives["basic.pt"], "data.pkl", b"\x80\x02]q\x00h\x00a."),
                                  "self-referential"),
        "deep_nesting": (replace_record(archives["basic.pt"], "data.pkl",
                                        b"\x80\x02N" + b"\x85" * 100000 + b"."), "nested deeper"),
        "billion_laughs": (replace_record(archives["basic.pt"], "data.pkl",
                                          b"\x80\x02)q\x00" + b"h\x00h\x00\x86q\x00" * 100 + b"."),
                           "expands to more than"),
        "truncated_pickle": (replace_record(archives["basic.pt"], "data.pkl", b"\x80\x02X\xff\x00\x00\x00ab"),
                             "runs past the end"),
        "pickle_without_stop": (replace_record(archives["basic.pt"], "data.pkl", b"\x80\x02N"), "without a STOP"),
        "no_prefix_folder": (rezip([("version", b"3\n"), ("data.pkl", b"\x80\x02N.")]), "not in a subdirectory"),
        "missing_data_pkl": (rezip([("m/version", b"3\n")]), "file not found: m/data.pkl"),
    }
    # A zip bomb: 200 MB of zeros declared, deflated to ~200 kB (ratio ~1000).
    bomb = rezip([("m/version", b"3\n"), ("m/data.pkl", b"\0" * (200 * 1024 * 1024))], zipfile.ZIP_DEFLATED)
    cases["zip_bomb"] = (bomb, "zip bomb guard")
    # A deflated record whose central directory understates the inflated size.
    small = rezip([("m/data.pkl", b"\x80\x02" + b"N0" * 5000 + b"N.")], zipfile.ZIP_DEFLATED)
    small_cd = first_central_entry(small)
    cases["inflates_past_declared"] = (patch(small, small_cd + 24, struct.pack("<I", 100)),
                                       "inflates past its declared size")
    # Corrupt deflate data.
    deflated = rezip([("m/data.pkl", b"\x80\x02" + b"N0" * 5000 + b"N.")], zipfile.ZIP_DEFLATED)
    cases["corrupt_deflate"] = (patch(deflated, 30 + len("m/data.pkl"), b"\xff\xff\xff"), "deflate")
    return cases


BROKEN_NAMES = ["empty", "truncated_half", "truncated_end", "truncated_central", "bad_local_signature",
                "bad_central_signature", "local_offset_outside", "huge_declared_size", "crc_flipped",
                "too_many_entries", "torch_save_pickle", "legacy_pytorch1", "os_system_global",
                "posix_system_global", "builtins_eval_global", "self_referential_list", "deep_nesting",
                "billion_laughs", "truncated_pickle", "pickle_without_stop", "no_prefix_folder",
                "missing_data_pkl", "zip_bomb", "inflates_past_declared", "corrupt_deflate"]


@pytest.fixture(scope="module")
def broken(archives, tmp_path_factory):
    directory = tmp_path_factory.mktemp("broken")
    paths = {}
    for name, (data, message) in broken_corpus(archives).items():
        paths[name] = (directory / f"{name}.pt", message)
        paths[name][0].write_bytes(data)
    return paths


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_broken_archive_fails_cleanly(broken, name):
    path, message = broken[name]
    run = tscript("archive-info", "--pickle", "data.pkl", "--pickle", "constants.pkl", path)
    stderr = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 1, f"exit status {run.returncode} (negative = killed by a signal): {stderr}"
    assert message in stderr, stderr
    if name != "missing_data_pkl":  # rewriting copies whatever records there are
        rewrite = tscript("archive-rewrite", path, path.with_suffix(".out"))
        assert rewrite.returncode == 1, rewrite.stderr.decode("utf-8", "replace")


def test_flipped_bytes_never_crash(archives, tmp_path):
    """Flip bytes all over a real archive: archive-info and archive-rewrite may succeed or fail,
    but always with exit status 0 or 1. The exhaustive sweep (every byte, three flips) runs
    in-process in tests/cpp/serialize/zip_test.cpp; this end-to-end check samples 24 offsets,
    since each tool run costs a process start (~1 s)."""
    good = bytearray(archives["basic.pt"].read_bytes())
    path = tmp_path / "flipped.pt"
    step = max(1, len(good) // 24)
    for offset in range(0, len(good), step):
        data = bytearray(good)
        data[offset] ^= 0x5A
        path.write_bytes(bytes(data))
        for command in (("archive-info", path), ("archive-rewrite", path, tmp_path / "out.pt")):
            run = tscript(*command)
            assert run.returncode in (0, 1), (offset, command[0], run.returncode, run.stderr)
