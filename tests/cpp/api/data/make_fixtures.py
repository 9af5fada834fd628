"""Makes the archives the C++ API tests load (run with /usr/bin/python3, torch 1.13):

    /usr/bin/python3 tests/cpp/api/data/make_fixtures.py

For each case of tests/python/archive_models.py, and for `hooked` (a module with a forward
pre-hook and a forward hook, whose <name>_forward_expected.pt is `m.forward(x)`, hooks not run) and
`dispatching` (calls through a module interface and through a class interface whose one call
site meets objects of two classes, for the thread tests of the interface-call cache): <name>.pt (torch.jit.save of the scripted
module, with an extra file for `attributes`), <name>_inputs.pt (a list of the input tensors,
torch.save) and <name>_expected.pt (eager's output, torch.save). The C++ tests read the
tensor files with tscript's own torch.save reader.
"""
import os
import sys
from typing import List, Tuple

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "python"))
import archive_models  # noqa: E402
from interface_cases import AddK, AddWeight, ModIf, ObjIface, Times  # noqa: E402

for name, make, inputs in archive_models.cases():
    if name == "controls":
        continue  # non-tensor inputs and outputs: covered by the Python tests
    torch.manual_seed(0)
    module = make()
    args = inputs()
    expected = module(*args)
    extra = {"meta.txt": "fixture " + name} if name == "attributes" else {}
    torch.jit.save(torch.jit.script(module), os.path.join(HERE, name + ".pt"), _extra_files=extra)
    torch.save(list(args), os.path.join(HERE, name + "_inputs.pt"))
    torch.save(expected, os.path.join(HERE, name + "_expected.pt"))
    print("wrote", name)


class Hooked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)
        self.register_forward_pre_hook(Hooked.scale_inputs)
        self.register_forward_hook(Hooked.shift_output)

    def scale_inputs(self, inputs: Tuple[torch.Tensor, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        return (inputs[0] * 10.0, inputs[1])

    def shift_output(self, inputs: Tuple[torch.Tensor, torch.Tensor], output: torch.Tensor) -> torch.Tensor:
        return output + inputs[1].sum() + 100.0

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.linear(x) - y


torch.manual_seed(0)
hooked = Hooked()
hooked_args = (torch.randn(4, 3), torch.randn(4, 2))
torch.jit.save(torch.jit.script(hooked), os.path.join(HERE, "hooked.pt"))
torch.save(list(hooked_args), os.path.join(HERE, "hooked_inputs.pt"))
torch.save(hooked(*hooked_args), os.path.join(HERE, "hooked_expected.pt"))
torch.save(hooked.forward(*hooked_args), os.path.join(HERE, "hooked_forward_expected.pt"))
print("wrote hooked")


class Dispatching(torch.nn.Module):
    """`impl(x)` is a dynamic call through a module interface; `o.get(2)` and `o.name()` are
    one call site each that meets AddK, Times, AddK in turn (each call a miss of the site's
    cache, which remembers one class)."""
    impl: ModIf

    def __init__(self):
        super().__init__()
        self.impl = AddWeight()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        objects: List[ObjIface] = [AddK(2), Times(), AddK(-1)]
        total = 0
        for o in objects:
            total += o.get(2) + len(o.name())
        return self.impl(x) + total


torch.manual_seed(0)
dispatching = Dispatching()
dispatching_args = (torch.randn(3),)
torch.jit.save(torch.jit.script(dispatching), os.path.join(HERE, "dispatching.pt"))
torch.save(list(dispatching_args), os.path.join(HERE, "dispatching_inputs.pt"))
torch.save(dispatching(*dispatching_args), os.path.join(HERE, "dispatching_expected.pt"))
print("wrote dispatching")
