"""Makes the archives the C++ API tests load (run with /usr/bin/python3, torch 1.13):

    /usr/bin/python3 tests/cpp/api/data/make_fixtures.py

For each case of tests/python/archive_models.py: <name>.pt (torch.jit.save of the scripted
module, with an extra file for `attributes`), <name>_inputs.pt (a list of the input tensors,
torch.save) and <name>_expected.pt (eager's output, torch.save). The C++ tests read the
tensor files with tscript's own torch.save reader.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "python"))
import archive_models  # noqa: E402

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
