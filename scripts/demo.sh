#!/usr/bin/env bash
# `make demo`: the main job as far as tscript does it today. Grows with the project: today it
# runs the front end (parser and diagnostics) on real model code.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
TSCRIPT="$BUILD_DIR/bin/tscript"
PYTHON=${PYTHON:-/usr/bin/python3}

models=$($PYTHON -c 'import torchvision, os; print(os.path.dirname(torchvision.__file__) + "/models")')
count=$(find "$models" -name '*.py' | wc -l)
echo "== parsing the $count files of torchvision/models with tscript's parser"
time "$TSCRIPT" parse --check $(find "$models" -name '*.py')
echo
echo "== the outline of a small function (what 'tscript parse FILE.py' prints)"
demo_file=$(mktemp --suffix=.py)
trap 'rm -f "$demo_file"' EXIT
cat > "$demo_file" <<'PY'
def foo(len: int):
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return rv
PY
"$TSCRIPT" parse "$demo_file" | head -40
echo "..."
echo
echo "== a syntax error, as every tscript error is shown"
printf 'def forward(self, x):\n    y = self.conv(x\n    return y\n' > "$demo_file"
"$TSCRIPT" parse "$demo_file" || true
