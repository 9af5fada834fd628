#!/usr/bin/env bash
# `make demo`: the main job as far as tscript does it today. Grows with the project: today it
# scripts a function from Python (graph, result, errors), scripts torchvision's resnet18
# (code and a prediction) and saves it, runs that archive with the tscript command (no Python
# in the process) and checks its prediction against eager's, runs torch.jit's archive too, compiles and runs TorchScript source, and runs the front end on real model
# code.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
TSCRIPT="$BUILD_DIR/bin/tscript"
PYTHON=${PYTHON:-/usr/bin/python3}
demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT

cat > "$demo_dir/overview.py" <<'PY'
import torch

def foo(len: int):
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return rv

def checked(x: int) -> int:
    if x > 2:
        raise ValueError("x is too big")
    return x
PY

echo "== tscript.script on the overview page's foo(len): graph, result, and torch.jit's result"
PYTHONPATH="python:$demo_dir" $PYTHON - <<'PY'
import torch
import tscript
from overview import checked, foo

scripted = tscript.script(foo)
print(scripted.graph)
print("tscript  foo(13):", scripted(13)[0].tolist())
print("torch.jit foo(13):", torch.jit.script(foo)(13)[0].tolist())

try:
    tscript.script(checked)(5)
except ValueError as error:
    print("\n== a runtime error keeps its Python class and shows the TorchScript traceback")
    print(error)
PY

echo
echo "== tscript.script on torchvision's resnet18: its code, and a prediction against eager PyTorch"
PYTHONPATH="python" $PYTHON - "$demo_dir" <<'PY'
import sys
import time
import warnings
warnings.simplefilter("ignore")
import torch
import torchvision
import tscript

torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval()
start = time.perf_counter()
scripted = tscript.script(model)
print(f"scripted in {time.perf_counter() - start:.3f} s; resnet18.forward as TorchScript:")
print(scripted.code)
print("layer1[0].forward:")
print(scripted.layer1[0].code)
image = torch.rand(1, 3, 224, 224)
with torch.no_grad():
    ours, eager = scripted(image), model(image)
print("tscript class:", ours.argmax().item(), " eager class:", eager.argmax().item(),
      " max difference:", (ours - eager).abs().max().item())
# The main job: save it, then run the archive with no Python (next step).
demo_dir = sys.argv[1]
tscript.save(scripted, f"{demo_dir}/resnet18_tscript.pt")
torch.save(image, f"{demo_dir}/image.pt")
with open(f"{demo_dir}/eager_class.txt", "w") as f:
    f.write(str(eager.argmax().item()))
PY
echo
echo "== that archive (tscript.save) run by the tscript command, no Python in the process"
"$TSCRIPT" run "$demo_dir/resnet18_tscript.pt" --input-file "$demo_dir/image.pt" | tee "$demo_dir/run.txt"
run_class=$(grep -o 'argmax=[0-9]*' "$demo_dir/run.txt" | cut -d= -f2)
eager_class=$(cat "$demo_dir/eager_class.txt")
if [ "$run_class" != "$eager_class" ]; then
  echo "demo: tscript run predicted class $run_class, eager PyTorch $eager_class" >&2
  exit 1
fi
echo "tscript run class: $run_class  eager class: $eager_class"
echo
echo "== a resnet18 archive saved by torch.jit.save, run by the tscript command: no Python in the process"
PYTHONPATH="python" $PYTHON - "$demo_dir/resnet18.pt" <<'PY'
import sys
import warnings
warnings.simplefilter("ignore")
import torch
import torchvision

torch.manual_seed(0)
# torch.jit only writes the archive here (the reference format); tscript reads it.
torch.jit.script(torchvision.models.resnet18(weights=None).eval()).save(sys.argv[1])
PY
"$TSCRIPT" info "$demo_dir/resnet18.pt" > "$demo_dir/info.txt"
head -6 "$demo_dir/info.txt"
"$TSCRIPT" run "$demo_dir/resnet18.pt" --input 1x3x224x224
echo
echo "== the same source compiled and run by the tscript command, no Python in the process"
"$TSCRIPT" compile "$demo_dir/overview.py" --run foo 13

echo
models=$($PYTHON -c 'import torchvision, os; print(os.path.dirname(torchvision.__file__) + "/models")')
count=$(find "$models" -name '*.py' | wc -l)
echo "== parsing the $count files of torchvision/models with tscript's parser"
time "$TSCRIPT" parse --check $(find "$models" -name '*.py')

echo
echo "== a syntax error, as every tscript error is shown"
printf 'def forward(self, x):\n    y = self.conv(x\n    return y\n' > "$demo_dir/broken.py"
"$TSCRIPT" parse "$demo_dir/broken.py" || true
