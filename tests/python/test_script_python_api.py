"""The rest of the Python API around tscript.script for functions, each behaviour checked
against eager Python and torch.jit 1.13: calls into @ignore'd / @unused Python functions,
CompilationUnit, annotate, export, and the errors of calls with wrong argument types."""
from typing import Dict, List, Optional, Tuple, Union

import pytest
import torch
from torch import Tensor

import tscript


class HelperError(Exception):
    pass


@torch.jit.ignore
def scale_in_python(x: Tensor, n: int) -> Tensor:
    # Python only: a lambda and map, which TorchScript cannot compile.
    return torch.stack(list(map(lambda row: row * n, x)))


@torch.jit.ignore
def add_unannotated(x, y):
    return x + y


@torch.jit.ignore
def split_word(s: str) -> Tuple[int, str]:
    return len(s), s.upper()


@torch.jit.ignore
def with_defaults(x: int, step: int = 2, label: str = "n") -> str:
    return f"{label}={x * step}"


@torch.jit.ignore
def to_floats(xs: List[int]) -> Optional[List[float]]:
    return [float(v) for v in xs] if xs else None


@torch.jit.ignore
def record(x: Tensor):
    RECORDED.append(x.sum().item())


RECORDED = []


@torch.jit.ignore
def fails(x: int) -> int:
    if x == 0:
        raise HelperError("zero")
    raise KeyError(x)


@torch.jit.ignore
def wrong_result(x: int) -> int:
    return "not an int"


@torch.jit.unused
def not_for_script(x: Tensor) -> Tensor:
    return x + len(set(x.tolist()))


def calls_ignored(x: Tensor, n: int) -> Tensor:
    y = scale_in_python(x, n)
    count, word = split_word("abc")
    record(y)
    return add_unannotated(x, y) + count


def calls_with_keywords(x: int) -> str:
    return with_defaults(x) + with_defaults(x, 3) + with_defaults(x, label="k", step=4)


def calls_with_containers(xs: List[int]) -> float:
    floats = to_floats(xs)
    if floats is None:
        return -1.0
    return sum(floats)


def calls_failing(x: int) -> int:
    return fails(x) + 1


def calls_wrong_result(x: int) -> int:
    return wrong_result(x)


def calls_unused(x: Tensor, use: bool) -> Tensor:
    if use:
        return not_for_script(x)
    return x * 2


def annotated_containers(n: int) -> List[int]:
    xs = torch.jit.annotate(List[int], [])
    counts = torch.jit.annotate(Dict[str, int], {})
    maybe = torch.jit.annotate(Optional[int], None)
    for i in range(n):
        xs.append(i)
        counts[str(i)] = i
    if n > 2:
        maybe = n
    if maybe is not None:
        xs.append(maybe + len(counts))
    return xs


def annotate_tensor_as_float(x: Tensor) -> float:
    return torch.jit.annotate(float, x.sum())


def tscript_annotate(n: int) -> List[float]:
    xs = tscript.annotate(List[float], [])
    xs.append(float(n))
    return xs


def both(fn):
    return torch.jit.script(fn), tscript.script(fn)


# ---- @ignore ------------------------------------------------------------------------------

def test_ignored_calls_run_python_and_agree_with_eager_and_torch_jit():
    x = torch.arange(6.0).reshape(2, 3)
    reference, ours = both(calls_ignored)
    RECORDED.clear()
    expected = calls_ignored(x, 3)
    assert torch.equal(reference(x, 3), expected)
    assert torch.equal(ours(x, 3), expected)
    assert RECORDED == [45.0, 45.0, 45.0]  # the procedure ran in eager, torch.jit and tscript


def test_ignored_call_prints_like_torch_jit():
    reference, ours = both(calls_ignored)
    reference_graph = str(reference.graph)
    assert ours.graph.count("^") == reference_graph.count("^") == 4
    for call in ("^scale_in_python[]()(%x", "^add_unannotated[]()(%x", "^split_word[]()(%",
                 "^record[]()(%"):
        assert call in reference_graph
        assert call in ours.graph
    # Unannotated parameters and return are Tensor.
    assert ": Tensor = ^add_unannotated[]()" in ours.graph
    assert ": Tensor = ^record[]()" in ours.graph
    assert ours.code == reference.code


def test_ignored_call_binds_keywords_and_python_defaults():
    ours = tscript.script(calls_with_keywords)
    assert ours(5) == calls_with_keywords(5) == "n=10n=15k=20"
    # torch.jit 1.13 ignores Python defaults of ignored functions ("Argument step not
    # provided."); tscript compiles constant defaults into the call.
    with pytest.raises(RuntimeError, match="not provided"):
        torch.jit.script(calls_with_keywords)


def test_ignored_call_converts_containers_and_optional():
    reference, ours = both(calls_with_containers)
    for xs in ([1, 2, 3], []):
        assert ours(xs) == reference(xs) == calls_with_containers(xs)


def test_ignored_call_argument_types_are_checked_at_compile_time():
    def bad_argument(x: str) -> Tensor:
        return scale_in_python(x, 2)
    with pytest.raises(RuntimeError, match="Expected a value of type 'Tensor' for argument 'x'"):
        torch.jit.script(bad_argument)
    with pytest.raises(tscript.CompileError) as error:
        tscript.script(bad_argument)
    text = str(error.value)
    assert "cannot call Python function 'scale_in_python'" in text
    assert "scale_in_python(Tensor x, int n) -> Tensor" in text


def test_exception_in_ignored_function_keeps_its_class():
    reference, ours = both(calls_failing)
    with pytest.raises(RuntimeError, match="KeyError"):
        reference(3)
    with pytest.raises(KeyError) as error:
        ours(3)
    assert isinstance(error.value, RuntimeError) and isinstance(error.value, tscript.Error)
    assert isinstance(error.value.__cause__, KeyError)
    assert "return fails(x) + 1" in str(error.value)  # the TorchScript traceback
    with pytest.raises(HelperError, match="HelperError: zero"):  # a class of the program's own
        ours(0)


def test_wrong_result_type_of_ignored_function_is_an_error():
    reference, ours = both(calls_wrong_result)
    with pytest.raises(RuntimeError, match="expected value of type int for return value"):
        reference(1)
    with pytest.raises(TypeError, match="'wrong_result' returned a value of type 'str', but its "
                                        "return type is 'int'"):
        ours(1)


def test_ignored_function_called_from_a_loop_and_a_callee():
    def inner(x: Tensor) -> Tensor:
        return scale_in_python(x, 2)

    def outer(x: Tensor, n: int) -> Tensor:
        for _ in range(n):
            x = inner(x)
        return x
    x = torch.ones(2, 2)
    reference, ours = both(outer)
    assert torch.equal(ours(x, 3), reference(x, 3))
    assert torch.equal(ours(x, 3), outer(x, 3))


def test_tscript_ignore_marks_like_torch_jit_ignore():
    @tscript.ignore
    def halve(x: float) -> float:
        return x / 2

    def caller(x: float) -> float:
        return halve(x) + 1
    assert tscript.script(caller)(3.0) == caller(3.0) == 2.5
    assert "^halve[]()" in tscript.script(caller).graph


# ---- @unused ------------------------------------------------------------------------------

def test_unused_function_raises_only_when_reached():
    reference, ours = both(calls_unused)
    x = torch.ones(3)
    assert torch.equal(ours(x, False), reference(x, False))
    message = "This Python function is annotated to be ignored and cannot be run"
    with pytest.raises(torch.jit.Error, match=message):
        reference(x, True)
    with pytest.raises(tscript.Error, match=message):
        ours(x, True)
    assert "prim::RaiseException" in ours.graph and "not_for_script" not in ours.graph


def test_ignore_drop_is_unused():
    @tscript.ignore(drop=True)
    def dropped(x: int) -> int:
        return x

    def caller(x: int) -> int:
        return dropped(x)
    with pytest.raises(tscript.Error, match="annotated to be ignored"):
        tscript.script(caller)(1)


# ---- annotate, export, is_tracing ----------------------------------------------------------

def test_annotate_types_empty_containers_and_none():
    reference, ours = both(annotated_containers)
    for n in (0, 3):
        assert ours(n) == reference(n) == annotated_containers(n)
    assert ours.code == reference.code
    assert ": int? = prim::Constant()" in ours.graph


def test_annotate_converts_a_tensor_to_a_number():
    reference, ours = both(annotate_tensor_as_float)
    x = torch.tensor([1.5, 2.0])
    assert ours(x) == reference(x) == 3.5
    assert "aten::FloatImplicit" in ours.graph


def test_tscript_annotate_works_in_eager_and_script():
    assert tscript_annotate(2) == tscript.script(tscript_annotate)(2) == [2.0]


def test_annotate_rejects_a_value_of_another_type():
    def wrong(n: int) -> str:
        return torch.jit.annotate(str, n)
    with pytest.raises(RuntimeError, match="expected an expression of type str but found int"):
        torch.jit.script(wrong)
    with pytest.raises(tscript.CompileError, match="expected an expression of type str but found int"):
        tscript.script(wrong)


def test_export_is_a_plain_mark_for_functions():
    @tscript.export
    def exported(x: int) -> int:
        return x + 1
    assert exported(1) == 2 and tscript.script(exported)(1) == 2


def test_is_tracing_is_false_in_script():
    def tracing(x: int) -> int:
        if tscript.is_tracing() or torch.jit.is_tracing():
            return -1
        return x
    assert tscript.script(tracing)(4) == torch.jit.script(tracing)(4) == 4


# ---- CompilationUnit ----------------------------------------------------------------------

SOURCE = '''
def double(y: int) -> int:
    return y * 2

def twice_plus(x: int, k: int = 5) -> int:
    return double(x) + k
'''


def test_compilation_unit_functions_are_attributes():
    reference = torch.jit.CompilationUnit(SOURCE)
    ours = tscript.CompilationUnit(SOURCE)
    assert ours.twice_plus(3) == reference.twice_plus(3) == 11
    assert ours.twice_plus(3, k=1) == reference.twice_plus(3, k=1) == 7
    assert isinstance(ours.double, tscript.ScriptFunction)
    assert ours.double.schema == str(reference.double.schema)
    assert "<string>:3:11" in ours.double.graph
    assert ours.find_function("double") is ours.double and ours.find_function("nope") is None
    with pytest.raises(AttributeError):
        ours.nope


def test_compilation_unit_define_adds_functions_once():
    cu = tscript.CompilationUnit()
    cu.define("def f(x: int) -> int:\n    return x + 1\n")
    cu.define("def g(x: float) -> float:\n    return x / 2\n")
    assert cu.f(1) == 2 and cu.g(3.0) == 1.5
    with pytest.raises(RuntimeError, match="method 'f' already defined"):
        cu.define("def f(x: int) -> int:\n    return x\n")


def test_compilation_unit_errors_point_into_the_string():
    source = "def f(x: int) -> int:\n    return x + 'a'\n"
    with pytest.raises(RuntimeError, match='File "<string>", line 2'):
        torch.jit.CompilationUnit(source)
    with pytest.raises(tscript.CompileError) as error:
        tscript.CompilationUnit(source)
    assert str(error.value).startswith("<string>:2:11: error:")
    assert "return x + 'a'" in str(error.value)


def test_compilation_unit_resolves_names_in_the_callers_frame():
    @torch.jit.ignore
    def from_python(x: int) -> int:
        return x * 10
    cu = tscript.CompilationUnit("def f(x: int) -> int:\n    return from_python(x) + 1\n")
    assert cu.f(2) == 21 == torch.jit.CompilationUnit(
        "def f(x: int) -> int:\n    return from_python(x) + 1\n").f(2)


# ---- argument type errors ----------------------------------------------------------------

def takes(xs: List[int], d: Dict[str, float], t: Tensor) -> int:
    return len(xs)


def test_wrong_argument_type_names_parameter_and_type():
    ours = tscript.script(takes)
    reference = torch.jit.script(takes)
    t = torch.ones(1)
    with pytest.raises(RuntimeError, match="Expected a value of type 'Tensor' for argument 't'"):
        reference([1], {}, 3)
    with pytest.raises(TypeError) as error:
        ours([1], {}, 3)
    assert isinstance(error.value, RuntimeError)  # as torch.jit's, for code that catches that
    assert str(error.value).startswith("takes() Expected a value of type 'Tensor' for argument "
                                       "'t' but instead found type 'int'.")
    assert "Declaration: takes(int[] xs, Dict(str, float) d, Tensor t) -> int" in str(error.value)
    with pytest.raises(TypeError, match=r"type 'List\[int\]' for argument 'xs' but instead found "
                                        r"type 'list' \(xs\[1\] is a 'str', expected 'int'\)"):
        ours([1, "a"], {}, t)
    with pytest.raises(TypeError, match=r"\(d\['k'\] is a 'str', expected 'float'\)"):
        ours([1], {"k": "v"}, t)
    with pytest.raises(TypeError, match="missing value for argument 't'"):
        ours([1], {})
    with pytest.raises(TypeError, match="unexpected keyword argument 'u'"):
        ours([1], {}, t, u=1)


def _first_ints_or_keys(x: Union[List[int], Dict[str, int]]) -> int:
    if tscript.isinstance(x, List[int]):
        return x[0] if len(x) > 0 else -1
    return len(x)


def test_tscript_isinstance_with_container_types():
    # In Python it looks at the elements, as torch.jit.isinstance does in eager mode.
    cases = [([1, 2], List[int], True), ([1, "a"], List[int], False), ([], List[str], True),
             ({"a": 1}, Dict[str, int], True), ({"a": 1.5}, Dict[str, int], False),
             ((1, "s"), Tuple[int, str], True), ((1,), Tuple[int, str], False),
             (None, Optional[int], True), (3, Optional[int], True), ("x", (int, str), True)]
    for value, target, expected in cases:
        assert tscript.isinstance(value, target) is expected, (value, target)
        assert torch.jit.isinstance(value, target) is expected, (value, target)
    # In compiled code it is the isinstance special form, refining the Union.
    scripted = tscript.script(_first_ints_or_keys)
    for value in ([7, 8], [], {"a": 1, "b": 2}):
        assert scripted(value) == _first_ints_or_keys(value)
    assert "prim::isinstance" in scripted.graph
