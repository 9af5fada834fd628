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
# Valid archives whose debug records are broken: they load, and an error raised while running
# them is the program's own, without original code (the records are read at the first error).
BROKEN_DEBUG_RECORDS = {"bad_index_debug_pkl.pt", "garbage_debug_pkl.pt", "wrong_shape_debug_pkl.pt"}
LOADS |= BROKEN_DEBUG_RECORDS
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


@pytest.mark.parametrize("name", sorted(BROKEN_DEBUG_RECORDS) + ["tiny.pt"])
def test_runtime_error_with_broken_debug_records_is_the_programs(name):
    # Tiny's Linear takes 2 features; 3 make the matmul fail inside the loaded code.
    result = subprocess.run([TSCRIPT_BIN, "run", str(CORPUS / name), "--input", "1x3"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "mat1 and mat2 shapes cannot be multiplied" in result.stderr
    assert ("original code" in result.stderr) == (name == "tiny.pt"), result.stderr
