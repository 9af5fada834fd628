"""`make install` and the C++ example against the installed package: install the build into a
temporary prefix, build examples/cpp with find_package(tscript) from that prefix only, and
run it on an archive written by torch.jit.save; its printed output must equal eager PyTorch's.

Run: TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q \
     tests/python/test_install.py
"""
import os
import pathlib
import shutil
import subprocess

import pytest
import torch

from conftest import ROOT, TSCRIPT_BIN

BUILD = pathlib.Path(TSCRIPT_BIN).resolve().parents[1]


class SmallNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.norm = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4, 5)

    def forward(self, x):
        y = torch.relu(self.norm(self.conv(x)))
        return self.fc(y.mean(dim=(2, 3)))


def run(*args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600,
                            **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    run("cmake", "--install", BUILD, "--prefix", prefix)
    return prefix


def test_install_layout(installed):
    assert (installed / "include" / "tscript" / "tscript.h").is_file()
    assert (installed / "bin" / "tscript").is_file()
    assert (installed / "lib" / "cmake" / "tscript" / "tscriptConfig.cmake").is_file()
    libraries = [p.name for p in (installed / "lib").glob("libtscript.so*")]
    assert "libtscript.so" in libraries
    # The installed command works on its own.
    usage = subprocess.run([str(installed / "bin" / "tscript")], capture_output=True, text=True)
    assert "tscript run MODEL.pt" in usage.stdout + usage.stderr


def test_example_built_against_installed_package(installed, tmp_path):
    example_build = tmp_path / "example"
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    # Only the temporary prefix is searched: the source tree and build folder are not visible.
    run("cmake", "-S", ROOT / "examples" / "cpp", "-B", example_build, *generator,
        f"-DCMAKE_PREFIX_PATH={installed}")
    run("cmake", "--build", example_build)
    program = example_build / "run_model"

    torch.manual_seed(0)
    model = SmallNet().eval()
    archive = tmp_path / "small.pt"
    torch.jit.save(torch.jit.script(model), str(archive))
    shape = (2, 3, 6, 5)
    x = torch.linspace(-1, 1, 2 * 3 * 6 * 5).reshape(shape)
    expected = model(x).double()

    lines = run(program, archive, "x".join(map(str, shape))).splitlines()
    assert lines[0] == "shape 2 5"
    got = torch.tensor([float(v) for v in lines[1:]], dtype=torch.float64).reshape(2, 5)
    torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)

    # A broken archive is a clear error and exit code 1, not a crash.
    broken = tmp_path / "broken.pt"
    broken.write_bytes(archive.read_bytes()[:200])
    result = subprocess.run([str(program), str(broken), "2x3"], capture_output=True, text=True)
    assert result.returncode == 1 and "run_model:" in result.stderr, result.stderr
