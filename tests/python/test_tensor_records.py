"""Tensors from `.pt` records against torch 1.13.

torch.save writes tensors of many dtypes and layouts (views sharing a storage, storage
offsets, 0-dim, empty, lists of tensors); `tscript run-ir --arg FILE.pt` runs a small graph
on them, and its printed result must equal what the same function gives in eager PyTorch on
`torch.load(FILE.pt)`. The graph squares the tensor (`aten::mul(x, x)`) and returns its
sizes, strides and every element, so a wrong dtype, shape, stride, offset or byte shows.
`tscript tensors FILE.pt` lists every tensor it rebuilds (dtype, sizes, strides, offset,
storage sharing, requires_grad, values); those lines are compared with torch.load and,
for torch.jit.save archives, with the attributes and constants of torch.jit.load.
Bad files must fail with exit status 1 and a message naming the problem.
"""
import ast
import os
import subprocess
import zipfile
from pathlib import Path
from typing import List, Tuple

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
TSCRIPT = Path(os.environ.get("TSCRIPT_BIN", REPO / "build" / "bin" / "tscript"))

DTYPE_NAMES = {
    torch.float32: "Float", torch.float64: "Double", torch.float16: "Half",
    torch.bfloat16: "BFloat16", torch.int64: "Long", torch.int32: "Int", torch.int16: "Short",
    torch.int8: "Char", torch.uint8: "Byte", torch.bool: "Bool",
    torch.complex64: "ComplexFloat", torch.complex128: "ComplexDouble",
}


def run(*args):
    return subprocess.run([str(TSCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=120)


# ---- the graphs (compiled by torch.jit, the reference compiler; run by tscript run-ir) ----

def square_values(x: torch.Tensor) -> Tuple[List[int], List[int], List[float]]:
    y = x * x
    if y.is_complex():
        y = torch.view_as_real(y)
    flat = y.reshape(-1).to(torch.float64)
    out: List[float] = []
    for i in range(flat.size(0)):
        out.append(float(flat[i]))
    strides: List[int] = []
    for d in range(len(x.size())):
        strides.append(x.stride(d))
    return list(x.size()), strides, out


def write_first_read_all(xs: List[torch.Tensor]) -> List[List[float]]:
    # A write through the first tensor shows in the others exactly when they share storage.
    xs[0].add_(100.0)
    result: List[List[float]] = []
    for x in xs:
        flat = x.reshape(-1).to(torch.float64)
        values: List[float] = []
        for i in range(flat.size(0)):
            values.append(float(flat[i]))
        result.append(values)
    return result


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graphs")
    paths = {}
    for function in (square_values, write_first_read_all):
        path = folder / (function.__name__ + ".ir")
        path.write_text(str(torch.jit.script(function).graph))
        paths[function.__name__] = path
    return paths


def run_ir(graph, *files):
    args = []
    for file in files:
        args += ["--arg", file]
    result = run("run-ir", graph, *args)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


# ---- tscript tensors ----------------------------------------------------------------------

def flat_values(tensor):
    flat = tensor.detach().contiguous().reshape(-1)
    if flat.is_complex():
        return torch.view_as_real(flat).double().tolist()
    if flat.is_floating_point():
        return flat.double().tolist()
    return flat.long().tolist()


def list_tensors(path, pickle="data.pkl"):
    result = run("tensors", "--pickle", pickle, path)
    assert result.returncode == 0, result.stderr
    rows = []
    for line in result.stdout.splitlines():
        where, dtype, sizes, strides, offset, storage, grad, values = line.split("\t")
        rows.append(dict(path=where, dtype=dtype, sizes=ast.literal_eval(sizes),
                         strides=ast.literal_eval(strides), offset=int(offset),
                         storage=int(storage), requires_grad=grad == "1",
                         values=ast.literal_eval(values)))
    return rows


def expect_same_tensor(row, tensor):
    assert row["dtype"] == DTYPE_NAMES[tensor.dtype], row["path"]
    assert row["sizes"] == list(tensor.size()), row["path"]
    assert row["strides"] == list(tensor.stride()), row["path"]
    assert row["offset"] == tensor.storage_offset(), row["path"]
    assert row["requires_grad"] == tensor.requires_grad, row["path"]
    assert row["values"] == flat_values(tensor), row["path"]


def expect_same_sharing(rows, tensors):
    """Our storage numbers partition the tensors as torch's storages do."""
    ours = [row["storage"] for row in rows]
    theirs = [t.storage().data_ptr() for t in tensors]
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (ours[i] == ours[j]) == (theirs[i] == theirs[j]), (rows[i]["path"],
                                                                      rows[j]["path"])


# ---- torch.save files ---------------------------------------------------------------------

def _cases():
    torch.manual_seed(0)
    grid = torch.randn(4, 5)
    return {
        "float": torch.randn(3, 4),
        "double": torch.randn(2, 3, dtype=torch.float64),
        "int64": torch.arange(-6, 6).reshape(3, 4),
        "int32": torch.arange(-3, 3, dtype=torch.int32),
        "int16": torch.arange(-3, 3, dtype=torch.int16),
        "int8": torch.arange(-3, 3, dtype=torch.int8),
        "uint8": torch.arange(250, 256, dtype=torch.uint8),
        "bool": torch.tensor([[True, False, True], [False, False, True]]),
        "half": torch.randn(5).half(),
        "bfloat16": torch.randn(5).bfloat16(),
        "complex64": torch.randn(2, 2, dtype=torch.complex64),
        "complex128": torch.randn(3, dtype=torch.complex128),
        "zero_dim": torch.tensor(-2.5),
        "empty": torch.zeros(0, 3),
        "transposed": grid.t(),
        "offset_slice": grid[1:3, 2:],
        "strided_every_other": grid[:, ::2],
        "expanded": torch.arange(3.).expand(4, 3),
        "row_of_larger_storage": grid[2],
        "requires_grad": torch.randn(2, requires_grad=True),
        "parameter": torch.nn.Parameter(torch.randn(2, 2)),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_ir_on_torch_save_file(name, tmp_path, graphs):
    path = tmp_path / (name + ".pt")
    torch.save(CASES[name], path)
    reference = torch.load(path)
    with torch.no_grad():
        expected = square_values(reference.detach())
    assert run_ir(graphs["square_values"], path) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_tensors_listing_matches_torch_load(name, tmp_path):
    path = tmp_path / (name + ".pt")
    torch.save(CASES[name], path)
    (row,) = list_tensors(path)
    assert row["path"] == "."
    expect_same_tensor(row, torch.load(path))


def test_views_in_a_list_share_their_storage(tmp_path, graphs):
    base = torch.arange(12.).reshape(3, 4)
    other = torch.ones(2)
    items = [base, base.t(), base[1:, 1:], base[2], other, base.view(-1)[3:5]]
    path = tmp_path / "views.pt"
    torch.save(items, path)
    expected = write_first_read_all(torch.load(path))
    assert run_ir(graphs["write_first_read_all"], path) == expected
    # The write shows in every view of base and not in `other`.
    assert expected[2][0] == 105.0 and expected[4] == [1.0, 1.0]
    rows = list_tensors(path)
    assert [row["path"] for row in rows] == ["[0]", "[1]", "[2]", "[3]", "[4]", "[5]"]
    loaded = torch.load(path)
    for row, tensor in zip(rows, loaded):
        expect_same_tensor(row, tensor)
    expect_same_sharing(rows, loaded)


def test_tuples_dicts_and_nesting(tmp_path):
    t = torch.randn(2, 2)
    value = {"a": t, "b": (t[0], torch.arange(3)), "c": [torch.tensor(True)], "n": 3}
    path = tmp_path / "nested.pt"
    torch.save(value, path)
    loaded = torch.load(path)
    rows = list_tensors(path)
    assert [row["path"] for row in rows] == ["a", "b[0]", "b[1]", "c[0]"]
    tensors = [loaded["a"], loaded["b"][0], loaded["b"][1], loaded["c"][0]]
    for row, tensor in zip(rows, tensors):
        expect_same_tensor(row, tensor)
    expect_same_sharing(rows, tensors)


def test_the_same_tensor_twice_is_one_tensor(tmp_path, graphs):
    t = torch.zeros(3)
    path = tmp_path / "twice.pt"
    torch.save([t, t], path)
    assert run_ir(graphs["write_first_read_all"], path) == [[100.0] * 3, [100.0] * 3]


def test_saved_to_a_buffer_archive_prefix(tmp_path, graphs):
    # torch.save to a stream names the folder `archive/`, to a path after the file.
    import io
    buffer = io.BytesIO()
    torch.save(torch.arange(4.), buffer)
    path = tmp_path / "from_buffer.pt"
    path.write_bytes(buffer.getvalue())
    assert zipfile.ZipFile(path).namelist()[0].startswith("archive/")
    assert run_ir(graphs["square_values"], path) == ([4], [1], [0.0, 1.0, 4.0, 9.0])


# ---- torch.jit.save archives --------------------------------------------------------------

class Net(torch.nn.Module):
    tensors: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        base = torch.arange(12.).reshape(3, 4)
        self.register_buffer("base", base)
        self.register_buffer("base_t", base.t())
        self.register_buffer("corner", base[1:, 2:])
        self.register_buffer("steps", torch.arange(5))
        self.register_buffer("halves", torch.randn(2, 2).half())
        self.scale = torch.nn.Parameter(torch.tensor(2.0))
        self.tensors = [torch.ones(2, dtype=torch.float64), base[0]]

    def forward(self, x):
        return self.lin(x) * self.scale + self.corner.sum() + self.tensors[1].sum()


class Small(torch.nn.Module):
    # torch.jit.freeze refuses Net (its list attribute overlaps a buffer).
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.register_buffer("offsets", torch.arange(2, dtype=torch.float64))

    def forward(self, x):
        return self.lin(x) + self.offsets


def resolve(module, path):
    value = module
    for part in path.replace("[", ".[").split("."):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value


def test_tensors_of_a_torch_jit_save_archive(tmp_path):
    path = tmp_path / "net.pt"
    torch.jit.save(torch.jit.script(Net()), path)
    loaded = torch.jit.load(path)
    rows = list_tensors(path)
    paths = [row["path"] for row in rows]
    for name, _ in loaded.named_parameters():
        assert name in paths
    for name, _ in loaded.named_buffers():
        assert name in paths
    assert "tensors[1]" in paths
    tensors = [resolve(loaded, row["path"]) for row in rows]
    for row, tensor in zip(rows, tensors):
        expect_same_tensor(row, tensor)
    expect_same_sharing(rows, tensors)
    # base, base_t, corner and tensors[1] are one storage in the archive.
    by_path = {row["path"]: row["storage"] for row in rows}
    assert by_path["base"] == by_path["base_t"] == by_path["corner"] == by_path["tensors[1]"]


def test_constants_of_a_frozen_archive(tmp_path):
    path = tmp_path / "frozen.pt"
    torch.jit.save(torch.jit.freeze(torch.jit.script(Small().eval())), path)
    constants = torch.jit.load(path).code_with_constants[1].const_mapping
    rows = list_tensors(path, "constants.pkl")
    assert len(rows) == len(constants) > 0
    for row in rows:
        index = int(row["path"].strip("[]"))
        expect_same_tensor(row, constants["c%d" % index])


# ---- bad files ----------------------------------------------------------------------------

def rewrite_zip(source, target, change):
    """Copies the zip `source` to `target`, passing each record's bytes through change()."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)


def expect_failure(result, *fragments):
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Segmentation" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_truncated_storage_record(tmp_path, graphs):
    good = tmp_path / "good.pt"
    torch.save(torch.randn(4), good)
    bad = tmp_path / "bad.pt"
    rewrite_zip(good, bad, lambda name, data: data[:12] if name.endswith("data/0") else data)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", bad),
                   "bad.pt: data.pkl: storage 'data/0' (FloatStorage, 4 elements): the record "
                   "has 12 bytes, expected 16 (4 x 4)")


def test_missing_storage_record(tmp_path, graphs):
    good = tmp_path / "good.pt"
    torch.save(torch.randn(4), good)
    bad = tmp_path / "bad.pt"
    rewrite_zip(good, bad, lambda name, data: None if name.endswith("data/0") else data)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", bad),
                   "storage 'data/0' (FloatStorage, 4 elements): the record is missing")


def test_view_reaching_past_its_storage(tmp_path, graphs):
    # Patch the pickled size (4,) of a 4-element tensor into (5,).
    good = tmp_path / "good.pt"
    torch.save(torch.randn(4), good)
    bad = tmp_path / "bad.pt"

    def grow(name, data):
        if not name.endswith("data.pkl"):
            return data
        patched = data.replace(b"K\x04\x85", b"K\x05\x85", 1)
        assert patched != data
        return patched

    rewrite_zip(good, bad, grow)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", bad),
                   "size (5,), stride (1,) and storage_offset 0 reach element 4, but the "
                   "storage has 4")


def test_legacy_and_unsupported_files(tmp_path, graphs):
    legacy = tmp_path / "legacy.pt"
    torch.save(torch.ones(2), legacy, _use_new_zipfile_serialization=False)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", legacy),
                   "a legacy torch.save file")
    quantized = tmp_path / "quantized.pt"
    torch.save(torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8), quantized)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", quantized),
                   "torch._utils._rebuild_qtensor tensors are not supported yet")
    # torch.save names the sparse layout with a global the unpickler does not allow.
    sparse = tmp_path / "sparse.pt"
    torch.save(torch.eye(2).to_sparse(), sparse)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", sparse),
                   "global 'torch.serialization._get_layout' is not allowed")
    module = tmp_path / "module.pt"
    torch.jit.save(torch.jit.script(Net()), module)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", module),
                   "data.pkl holds a __torch__.test_tensor_records.Net object")
    listed = tmp_path / "listed.pt"
    torch.save([torch.ones(1)], listed)
    expect_failure(run("run-ir", graphs["square_values"], "--arg", listed),
                   "the file holds a Tensor[], the input is a Tensor")
