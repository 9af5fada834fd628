"""Module features of issue 5, each against eager PyTorch and torch.jit 1.13: parameter
containers, returns inside unrolled loops, operators' named returns, code_with_constants /
original_name / extra_repr, and script-class instances passed in and out of scripted code."""
import copy
import re

import pytest
import torch

import module_object_cases as cases
import tscript


def both(make):
    """(eager module, torch.jit-scripted copy, tscript-scripted copy), with equal weights."""
    torch.manual_seed(0)
    eager = make().eval()
    return eager, torch.jit.script(copy.deepcopy(eager)), tscript.script(copy.deepcopy(eager))


def without_source_comments(graph_text):
    return re.sub(r"\s*#.*", "", graph_text)


# ---- nn.ParameterList / nn.ParameterDict ------------------------------------------------------

def test_parameter_containers_iterate_and_index_as_in_torch_jit():
    eager, jit, ours = both(cases.ParameterContainers)
    x = torch.randn(3)
    torch.testing.assert_close(ours(x), eager(x))
    torch.testing.assert_close(ours(x), jit(x))
    # (.code differs from 1.13's only in the order of the attribute reads of `zip` over two
    # unrolled lists: 1.13 reads the second list's container before the first's elements.)
    # The parameters are the original module's, reachable from Python as in torch.jit.
    assert [name for name, _ in ours.named_parameters()] == \
        [name for name, _ in jit.named_parameters()]


def test_parameter_list_index_out_of_range_is_a_compile_error():
    class OutOfRange(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(1))])

        def forward(self, x):
            return x + self.ps[3]

    with pytest.raises(tscript.CompileError, match="index 3 is out of range"):
        tscript.script(OutOfRange())


# ---- a return inside a loop over a module list ------------------------------------------------

@pytest.mark.parametrize("num_layers", [None, 1, 2, 3, 5])
def test_return_inside_unrolled_loop_matches_eager(num_layers):
    eager, jit, ours = both(cases.IntermediateOutputs)
    x = torch.randn(2, 4)
    expected = eager(x, num_layers)
    for actual in (ours(x, num_layers), jit(x, num_layers)):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            torch.testing.assert_close(a, e)


def test_return_inside_unrolled_loop_is_unrolled_into_nested_ifs():
    _, jit, ours = both(cases.IntermediateOutputs)
    # As in 1.13: no loop and no `$did_return` flag; each later layer runs in the branch
    # that did not return. (tscript's .code still differs from 1.13's in dead if-outputs,
    # an unused uninitialized() and where `num_layers` is refined.)
    for graph in (str(ours.graph), str(jit.graph)):
        assert "prim::Loop" not in graph
        assert graph.count("prim::If") >= 3
        assert graph.count('prim::CallMethod[name="forward"]') == 3


@pytest.mark.parametrize("limit", [-100.0, 0.0, 3.0, 1e9])
@pytest.mark.parametrize("rounds", [0, 1, 3])
def test_return_from_unrolled_loop_inside_real_loop(limit, rounds):
    eager, jit, ours = both(cases.FirstLarge)
    x = torch.randn(2, 4)
    expected = eager(x, limit, rounds)
    for actual in (ours(x, limit, rounds), jit(x, limit, rounds)):
        torch.testing.assert_close(actual[0], expected[0])
        assert actual[1] == expected[1]


def test_break_inside_unrolled_loop_stays_an_error():
    class Breaks(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([torch.nn.Identity()])

        def forward(self, x):
            for layer in self.layers:
                break
            return x

    with pytest.raises(tscript.CompileError, match="'break' inside loops over tuples or module"):
        tscript.script(Breaks())


# ---- operators' named returns -----------------------------------------------------------------

def test_named_returns_read_as_fields_like_torch_jit():
    ours, jit = tscript.script(cases.named_returns), torch.jit.script(cases.named_returns)
    x = torch.randn(3, 4)
    expected = cases.named_returns(x)
    actual = ours(x)
    for a, e in zip(actual[:3], expected[:3]):
        torch.testing.assert_close(a, e)
    # The whole result comes back as a plain tuple (1.13 returns `tuple`, not torch.return_types).
    assert type(actual[3]) is tuple and type(jit(x)[3]) is tuple
    torch.testing.assert_close(actual[3][0], expected[3].values)
    for graph in (ours.graph, str(jit.graph)):
        assert "NamedTuple(values : Tensor, indices : Tensor) = prim::TupleConstruct" in graph
    # (1.13 folds a field read of a tuple built just before into the element; tscript keeps
    # the prim::TupleIndex, so .code differs there.)
    assert "Tuple[Tensor, Tensor, Tensor, Tuple[Tensor, Tensor]]" in ours.code


@pytest.mark.parametrize("flag", [True, False])
def test_named_returns_unify_across_branches(flag):
    ours = tscript.script(cases.named_returns_in_branches)
    x = torch.randn(3, 4)
    torch.testing.assert_close(ours(x, flag), cases.named_returns_in_branches(x, flag))
    torch.testing.assert_close(ours(x, flag),
                               torch.jit.script(cases.named_returns_in_branches)(x, flag))


# ---- code_with_constants, original_name, extra_repr -------------------------------------------

def test_code_with_constants_of_a_scripted_module():
    _, jit, ours = both(lambda: cases.Layer(4))
    code, constants = ours.code_with_constants
    jit_code, jit_constants = jit.code_with_constants
    assert code == jit_code == ours.code
    assert type(constants).__name__ == "ConstMap"
    assert constants.const_mapping == jit_constants.const_mapping == {}
    assert ours.forward.code_with_constants == (code, {})


class _HasTensorConstant(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.offset = torch.tensor([3.0, 4.0])  # not a buffer: traced as a constant

    def forward(self, x):
        return x + self.offset * 2


def test_code_with_constants_of_a_traced_module_names_the_tensors():
    x = torch.ones(2)
    ours = tscript.trace(_HasTensorConstant(), x)
    jit = torch.jit.trace(_HasTensorConstant(), x)
    code, constants = ours.code_with_constants
    jit_code, jit_constants = jit.code_with_constants
    assert code == jit_code
    assert "CONSTANTS.c0" in code
    torch.testing.assert_close(constants.c0, jit_constants.c0)
    assert constants.const_mapping.keys() == jit_constants.const_mapping.keys()
    with pytest.raises(AttributeError):
        constants.c9


def test_original_name_and_extra_repr_as_torch_jit():
    _, jit, ours = both(cases.IntermediateOutputs)
    assert ours.original_name == jit.original_name == "IntermediateOutputs"
    # (torch.jit indexes a scripted ModuleList into the original modules: no original_name.)
    assert ours.layers[0].linear.original_name == "Linear"
    assert ours.extra_repr() == jit.extra_repr() == "original_name=IntermediateOutputs"
    assert ours.layers.extra_repr() == jit.layers.extra_repr()


# ---- script-class instances passed in and out -------------------------------------------------

def test_script_decorator_on_a_class_returns_the_class():
    assert tscript.script(cases.Counter) is cases.Counter
    assert tscript.script(cases.JitCounter) is cases.JitCounter


@pytest.mark.parametrize("name", ["use_counter", "use_jit_counter"])
def test_instances_go_in_as_copies_and_come_back_as_the_python_class(name):
    ours, jit = tscript.script(getattr(cases, name)), torch.jit.script(getattr(cases, name))
    cls = cases.Counter if name == "use_counter" else cases.JitCounter
    results = []
    for compiled in (ours, jit):
        original = cls(1)
        result = compiled(original, torch.ones(2))
        # 1.13 converts the Python object to a new script object (attributes copied), and the
        # result back to a new instance of the Python class: the original is left as it was.
        assert type(result) is cls and result is not original
        assert original.n == 1
        torch.testing.assert_close(original.total, torch.zeros(2))
        results.append(result)
    for result in results:
        assert result.n == 3
        torch.testing.assert_close(result.total, torch.ones(2))
        assert result.bump(4) == 7 and result.n == 7  # its methods run in Python


def test_instances_made_in_script_and_inside_containers():
    ours = tscript.script(cases.make_counter)
    made = ours(5)
    assert type(made) is cases.Counter and made.n == 5
    made.n = 10
    assert made.bump(1) == 11
    listed, none = tscript.script(cases.counters)(2)
    jit_listed, _ = torch.jit.script(cases.counters)(2)
    assert none is None
    assert [c.n for c in listed] == [c.n for c in jit_listed] == [2, 3]
    assert all(type(c) is cases.Counter for c in listed)


def test_module_methods_take_and_return_instances():
    _, jit, ours = both(cases.TakesCounter)
    for module in (ours, jit):
        counted, counter = module(cases.Counter(4), 3)
        assert counted == 7 and type(counter) is cases.Counter and counter.n == 7


def test_an_instance_missing_an_attribute_is_a_clear_error():
    ours = tscript.script(cases.use_counter)
    broken = cases.Counter(1)
    del broken.total
    with pytest.raises(TypeError, match=r"argument 'c': c\.total is missing"):
        ours(broken, torch.ones(2))
    with pytest.raises(TypeError, match="Expected a value of type"):
        ours("not a counter", torch.ones(2))
