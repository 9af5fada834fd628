"""Shared pytest setup: tscript is imported from the source tree (python/), built in place."""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

TSCRIPT_BIN = os.environ.get("TSCRIPT_BIN", str(ROOT / "build" / "bin" / "tscript"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: too slow for `make test` (left out there; `make test-slow` runs them)")
