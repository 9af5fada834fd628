#!/usr/bin/env bash
# The boundary of docs/DESIGN: tscript builds on ATen and c10 but never on libtorch's own
# TorchScript. Fails if
#   - a binary or shared object we build has an undefined torch::jit symbol,
#   - a source file includes a header under torch/csrc/jit/,
#   - the Python package uses torch.jit or torch._C._jit*.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
status=0

binaries=$(find "$BUILD_DIR/bin" -maxdepth 1 -type f -executable 2>/dev/null; \
           find python/tscript -name '*.so' 2>/dev/null)
if [[ -z "$binaries" ]]; then
  echo "check-boundary: no binaries under $BUILD_DIR/bin or python/tscript (build first)"
  exit 1
fi
checked=0
for binary in $binaries; do
  hits=$( { nm -C --undefined-only "$binary" 2>/dev/null; nm -D -C --undefined-only "$binary" 2>/dev/null; } \
          | grep -E 'torch::jit' | sort -u | head -5)
  checked=$((checked + 1))
  if [[ -n "$hits" ]]; then
    echo "check-boundary: $binary uses torch::jit symbols:"
    echo "$hits"
    status=1
  fi
done

includes=$(grep -rnE '#\s*include\s*[<"]torch/csrc/jit/' src include tools 2>/dev/null)
if [[ -n "$includes" ]]; then
  echo "check-boundary: includes of torch/csrc/jit headers:"
  echo "$includes"
  status=1
fi

python_uses=$(grep -rnE '^[^#]*(import torch\.jit|from torch\.jit|from torch import jit|torch\.jit\.|torch\._C\._jit)' \
              python/tscript --include='*.py' 2>/dev/null)
if [[ -n "$python_uses" ]]; then
  echo "check-boundary: the Python package uses torch.jit:"
  echo "$python_uses"
  status=1
fi

if [[ $status -eq 0 ]]; then
  echo "check-boundary: ok ($checked binaries, sources and python/tscript are free of torch::jit)"
fi
exit $status
