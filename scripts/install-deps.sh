#!/usr/bin/env bash
# Installs every Debian package tscript needs to build, test and run its demo.
# Idempotent: with --if-missing it only calls apt-get when a package is absent, which is what
# `make` does before building.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache make binutils
  # libtorch 1.13 (ATen, c10) and the Python side (reference and bridge)
  libtorch-dev python3-torch python3-torchvision python3-torchaudio python3-dev
  # OpenBLAS: without it Debian's libtorch runs matrix products on the reference BLAS
  libopenblas-dev
  # bindings, tests, benchmarks, archives
  pybind11-dev python3-pybind11 libgtest-dev libgmock-dev googletest libbenchmark-dev
  zlib1g-dev python3-pytest
  # the fuzz target (clang's libFuzzer) and the ThreadSanitizer build; `tscript graph --format=svg`
  clang libclang-rt-14-dev graphviz
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  [[ "${1:-}" == "--if-missing" ]] || echo "install-deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
