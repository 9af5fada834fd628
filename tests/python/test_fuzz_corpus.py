"""The fuzz seeds of tests/fuzz/corpus, loaded whole by the normal build's `tscript info`.

`make test` fuzzes only the archive reader (the whole-load target needs a second, clang+ASan
build of the stack: `make test-fuzz-load`). This replays every seed through a full load
(tensors rebuilt, code compiled) without Python in the process, so a seed that
crashes or hangs the real binary fails here, and each broken seed's error is pinned to name
its problem.
"""
import os
import pathlib
import subprocess

import pytest

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
TSCRIPT_BIN = os.environ.get("TSCRIPT_BIN", "build/bin/tscript")

# Seeds that are valid archives. bad_crc.pt loads: tensor and code CRCs are not checked by
# default, as in 1.13 (LoadOptions::verify_tensor_checksums turns the check on).
LOADS = {"bad_crc.pt", "containers.pt", "deflated.pt", "function.pt", "scripted.pt", "tiny.pt"}
# Broken seeds -> a phrase their error must contain.
FAILS = {
    "bad_code.pt": "'(' was never closed",
    "deep_pickle.pt": "STOP with an unclosed MARK",
    "garbage_pickle.pt": "global '__builtin__.eval' is not allowed",
    "no_data_pkl.pt": "the archive has no data.pkl record",
    "truncated_end_record.pt": "no end-of-central-directory record",
    "truncated_half.pt": "no end-of-central-directory record",
    "zero_entries.pt": "the zip64 end record disagrees",
}


def test_every_seed_has_an_expected_outcome():
    assert {path.name for path in CORPUS.iterdir()} == LOADS | set(FAILS)


def _info(name):
    return subprocess.run([TSCRIPT_BIN, "info", str(CORPUS / name)], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("name", sorted(LOADS))
def test_valid_seed_loads(name):
    result = _info(name)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(FAILS))
def test_broken_seed_fails_with_a_clear_error(name):
    result = _info(name)
    # 1 is a reported error; a negative code would be a signal (a crash).
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert FAILS[name] in result.stderr
    assert result.stderr.startswith("tscript info: ")
