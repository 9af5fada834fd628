"""The `tscript` command on archives written by torch.jit.save, beyond `run` itself (which
test_archive_load.py covers): `graph` (text, dot, svg), `run --threads`, the progress bar of
`run --bench` on a terminal, `--library` (torchvision's operator library, for nms), `info`, and
`run` on a module with forward hooks (called as `m(x)` unless --method is given).

Run: TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q \
     tests/python/test_cli_model.py
"""
import glob
import os
import pty
import re
import shutil
import subprocess
from typing import Tuple

import pytest
import torch
import torchvision

from conftest import TSCRIPT_BIN


class Branchy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)
        self.register_buffer("scale", torch.ones(3))

    def forward(self, x, n: int = 2):
        for _ in range(n):
            if bool(x.sum() > 0):
                x = x * 2
        return torch.relu(self.fc(x)) * self.scale

    @torch.jit.export
    def twice(self, x):
        return self.forward(x, 1) + self.forward(x, 1)


class Counter(torch.nn.Module):
    """Each call changes the module's state, so concurrent results cannot all agree."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x + self.calls


class Slow(torch.nn.Module):
    def forward(self, x):
        for _ in range(20):
            x = torch.tanh(x @ x)
        return x


class Detect(torch.nn.Module):
    def forward(self, boxes, scores):
        return torchvision.ops.nms(boxes, scores, 0.5)


class Hooked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_forward_pre_hook(Hooked.scale_input)
        self.register_forward_hook(Hooked.shift_output)

    def scale_input(self, inputs: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
        return (inputs[0] * 10.0,)

    def shift_output(self, inputs: Tuple[torch.Tensor], output: torch.Tensor) -> torch.Tensor:
        return output + 100.0

    def forward(self, x):
        return x + 1.0


def saved(tmp_path, module, name, **kwargs):
    path = tmp_path / f"{name}.pt"
    torch.jit.save(torch.jit.script(module), str(path), **kwargs)
    return path


def run_cli(*args, expect=0):
    result = subprocess.run([TSCRIPT_BIN, *map(str, args)], capture_output=True, text=True,
                            errors="replace", timeout=300)
    assert result.returncode >= 0, f"tscript died with signal {-result.returncode}: {result.stderr}"
    assert result.returncode == expect, result.stdout + result.stderr
    return result


def torchvision_library():
    found = glob.glob(os.path.join(os.path.dirname(torchvision.__file__), "_C*.so"))
    if not found:
        pytest.skip("torchvision has no _C library here")
    return found[0]


# ---- graph ------------------------------------------------------------------------------------

def test_graph_text_is_the_methods_graph(tmp_path):
    path = saved(tmp_path, Branchy(), "branchy")
    text = run_cli("graph", path).stdout
    reference = str(torch.jit.load(str(path)).forward.graph)
    # The signature as torch.jit prints it (value names without their `.N` suffixes).
    unsuffixed = lambda lines: [re.sub(r"(%\w+)\.\d+", r"\1", line) for line in lines[:3]]  # noqa: E731
    assert unsuffixed(text.splitlines()) == unsuffixed(reference.splitlines())
    assert "prim::Loop" in text and "prim::If" in text and "aten::relu" in text
    # Without --inlined, calls stay calls (as torch.jit's m.twice.graph); inlined, they are gone.
    twice = run_cli("graph", path, "--method", "twice").stdout
    assert "prim::CallMethod[name=\"forward\"]" in twice
    inlined = run_cli("graph", path, "--method", "twice", "--inlined").stdout
    assert "prim::CallMethod" not in inlined and inlined.count("aten::relu") == 2
    assert "missing" in run_cli("graph", path, "--method", "missing", expect=1).stderr


def test_graph_dot_draws_every_node_and_use(tmp_path):
    path = saved(tmp_path, Branchy(), "branchy")
    text = run_cli("graph", path).stdout
    dot = run_cli("graph", path, "--format=dot").stdout
    assert dot.startswith('digraph "__torch__.test_cli_model.Branchy.forward" {') and dot.rstrip().endswith("}")
    # One box per node of the text (block params/returns and graph inputs/return included) ...
    kinds = re.findall(r"= ([a-z]+::\w+)", text)
    labels = re.findall(r'\[label="([a-z]+::\w+)', dot)
    assert sorted(labels) == sorted(kinds)
    # ... one cluster per block (Loop body, If then/else), one edge per use of a value.
    assert dot.count("subgraph cluster_") == 3
    uses = sum(len(re.findall(r"%[\w.]+", line.split("(", 1)[1]))
               for line in text.splitlines()[3:] if "(" in line and "=" in line)
    assert dot.count('-> n') - dot.count("style=dotted") >= uses
    if shutil.which("dot"):
        svg = run_cli("graph", path, "--format", "svg").stdout
        assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
        assert svg.count('class="node"') == len(labels) + 2 + 2 * 3  # + graph in/out + block in/out


def test_graph_bad_arguments(tmp_path):
    path = saved(tmp_path, Branchy(), "branchy")
    assert "usage" in run_cli("graph", path, "--format=png", expect=2).stderr
    assert "usage" in run_cli("graph", expect=2).stderr
    broken = tmp_path / "broken.pt"
    broken.write_bytes(path.read_bytes()[:100])
    assert "broken.pt" in run_cli("graph", broken, expect=1).stderr


# ---- run --threads, --bench progress ----------------------------------------------------------

def test_run_threads_agree(tmp_path):
    path = saved(tmp_path, Branchy(), "branchy")
    out = run_cli("run", path, "--input", "2x4", "--threads", "8", "--bench", "20").stdout
    assert "8 threads, 160 runs: mean" in out
    assert "8 threads x 20 runs" in out and "every result agrees with the first run" in out


def test_run_threads_reports_disagreement(tmp_path):
    path = saved(tmp_path, Counter(), "counter")
    result = run_cli("run", path, "--input", "3", "--threads", "2", expect=1)
    assert "2 results disagree" in result.stdout
    assert "thread " in result.stderr and "values differ" in result.stderr
    assert "needs a count" in run_cli("run", path, "--threads", "x", expect=2).stderr


def test_run_calls_the_module_with_its_hooks_unless_a_method_is_named(tmp_path):
    module = Hooked()
    path = saved(tmp_path, module, "hooked")
    x = torch.tensor([1.0, 2.0])
    torch.save(x, str(tmp_path / "x.pt"))
    # As `m(x)`: pre-hook x * 10, forward + 1, hook + 100.
    called = run_cli("run", path, "--input", tmp_path / "x.pt", "--values").stdout
    assert module(x).tolist() == [111.0, 121.0]
    assert called.splitlines()[1].split() == ["111", "121"], called
    # As `m.forward(x)`: the method alone.
    forward = run_cli("run", path, "--method", "forward", "--input-file", tmp_path / "x.pt", "--values").stdout
    assert module.forward(x).tolist() == [2.0, 3.0]
    assert forward.splitlines()[1].split() == ["2", "3"], forward
    threads = run_cli("run", path, "--input", "2x2", "--threads", "2", "--bench", "3").stdout
    assert "every result agrees with the first run" in threads


def run_on_terminal(*args):
    """Runs tscript with stdout and stderr on a pseudo-terminal; returns everything it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(TSCRIPT_BIN, [TSCRIPT_BIN, *map(str, args)])
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return b"".join(chunks).decode(errors="replace")


def test_bench_progress_bar_only_on_a_terminal(tmp_path):
    path = saved(tmp_path, Slow(), "slow")
    # Enough runs to last past the bar's half-second delay on any machine.
    args = ("run", path, "--input", "96x96:double", "--bench", "3000")
    on_terminal = run_on_terminal(*args)
    assert re.search(r"\r\[#*\.*\] +\d+% \d+/3000", on_terminal), on_terminal[-500:]
    assert "3000 runs: mean" in on_terminal
    piped = run_cli(*args[:-1], "300")
    assert "\r" not in piped.stderr and "%" not in piped.stderr


# ---- --library ---------------------------------------------------------------------------------

def test_library_registers_torchvision_ops(tmp_path):
    library = torchvision_library()
    path = saved(tmp_path, Detect(), "detect")
    torch.manual_seed(0)
    corners = torch.rand(30, 2) * 50
    boxes = torch.cat([corners, corners + torch.rand(30, 2) * 40 + 1], dim=1)
    scores = torch.rand(30)
    torch.save(boxes, tmp_path / "boxes.pt")
    torch.save(scores, tmp_path / "scores.pt")
    expected = torchvision.ops.nms(boxes, scores, 0.5)

    missing = run_cli("run", path, "--input", tmp_path / "boxes.pt", "--input", tmp_path / "scores.pt",
                      expect=1)
    assert "no operator torchvision::nms" in missing.stderr
    out = run_cli("run", path, "--library", library, "--input", tmp_path / "boxes.pt",
                  "--input", tmp_path / "scores.pt", "--values").stdout
    assert out.splitlines()[0].startswith(f"Tensor[{len(expected)}] Long")
    assert [int(float(v)) for v in out.splitlines()[1].split()] == expected.tolist()
    assert "torchvision" in run_cli("graph", path, "--library", library, "--inlined").stdout
    assert "forward(" in run_cli("info", path, "--library", library).stdout
    bad = run_cli("run", path, "--library", tmp_path / "nope.so", expect=1).stderr
    assert "cannot load operator library" in bad and "nope.so" in bad


# ---- info --------------------------------------------------------------------------------------

def test_info_lists_schemas_parameters_and_extra_files(tmp_path):
    torch.manual_seed(0)
    module = Branchy()
    path = saved(tmp_path, module, "branchy", _extra_files={"meta.json": '{"a": 1}'})
    reference = torch.jit.load(str(path))
    info = run_cli("info", path).stdout
    assert re.search(r"records\), format version \d+", info)
    assert "module: __torch__.test_cli_model.Branchy" in info
    assert "  " + str(reference.forward.schema) + "\n" in info
    assert "  " + str(reference.twice.schema) + "\n" in info
    assert "parameters: 2 (15 elements, 60 B), buffers: 1 (12 B)" in info
    assert "  parameter fc.weight Float[3, 4] 48 B\n" in info
    assert "  buffer    scale Float[3] 12 B\n" in info
    assert "  training = True" in info
    assert "  meta.json (8 bytes)" in info
