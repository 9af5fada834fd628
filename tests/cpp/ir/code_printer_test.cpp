// The `.code` printer, rule by rule. Expected texts are what torch.jit 1.13 prints for the
// same graphs (most graphs here are from IR_AND_CODE_FORMAT.md §5, measured on 1.13).
#include <gtest/gtest.h>

#include <string>

#include "ir/code_printer.h"
#include "ir/parser.h"

namespace tscript::ir {
namespace {

// A tiny stand-in for the operator registry: the schemas these tests call.
std::optional<OperatorInfo> fakeSchemas(const Node& node) {
  auto arg = [](std::string name, std::optional<ConstantValue> def = std::nullopt,
                bool kwOnly = false) {
    OperatorArgumentInfo info;
    info.name = std::move(name);
    info.defaultValue = std::move(def);
    info.keywordOnly = kwOnly;
    return info;
  };
  const std::string& kind = node.kind().toQualString();
  OperatorInfo info;
  if (kind == "aten::add" && node.inputs().size() == 3) {
    // add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1)
    info.arguments = {arg("self"), arg("other"), arg("alpha", ConstantValue::fromInt(1), true)};
  } else if (kind == "aten::zeros_like") {
    info.arguments = {arg("self"), arg("dtype", ConstantValue::none(), true),
                      arg("layout", ConstantValue::none(), true),
                      arg("device", ConstantValue::none(), true),
                      arg("pin_memory", ConstantValue::none(), true),
                      arg("memory_format", ConstantValue::none(), true)};
  } else if (kind == "aten::sum" && node.inputs().size() == 4) {
    info.arguments = {arg("self"), arg("dim"), arg("keepdim", ConstantValue::fromBool(false)),
                      arg("dtype", ConstantValue::none(), true)};
  } else if (kind == "prim::RaiseException") {
    info.arguments = {arg("msg"), arg("cls", ConstantValue::none())};
  } else if (kind == "aten::format") {
    info.arguments = {arg("self")};
    info.isVararg = true;
  } else {
    return std::nullopt;
  }
  return info;
}

std::string code(const std::string& graphText, const std::string& name = "f") {
  CodePrinterOptions options;
  options.operatorInfo = fakeSchemas;
  std::shared_ptr<Graph> graph = parseGraph(graphText);
  return printFunctionCode(*graph, name, options);
}

// ---- header ---------------------------------------------------------------------------------

TEST(CodePrinterHeader, FirstParameterOnTheDefLineOthersIndentedByFour) {
  EXPECT_EQ(code("graph(%x.1 : Tensor,\n"
                 "      %n.1 : int[]):\n"
                 "  return (%x.1)\n"),
            "def f(x: Tensor,\n"
            "    n: List[int]) -> Tensor:\n"
            "  return x\n");
  EXPECT_EQ(code("graph():\n"
                 "  %0 : NoneType = prim::Constant()\n"
                 "  return (%0)\n"),
            "def f() -> NoneType:\n"
            "  return None\n");
}

TEST(CodePrinterHeader, SignatureGivesDefaultsAndDeclaredReturnType) {
  std::shared_ptr<Graph> graph = parseGraph(
      "graph(%x.1 : Tensor?,\n"
      "      %k.1 : int[]):\n"
      "  %2 : NoneType = prim::Constant()\n"
      "  return (%2)\n");
  CodeSignature signature = signatureFromGraph(*graph, "g");
  signature.arguments[0].defaultValue = ConstantValue::none();
  signature.arguments[1].defaultValue = ConstantValue::fromInt(1);
  signature.arguments[1].broadcastSize = 2;
  signature.returnType = types::optionalOf(types::intType());
  EXPECT_EQ(printFunctionCode(*graph, signature),
            "def g(x: Optional[Tensor]=None,\n"
            "    k: List[int]=[1, 1]) -> Optional[int]:\n"
            "  return None\n");
}

TEST(CodePrinterHeader, MethodOmitsSelfTypeAndNestsInAClass) {
  std::shared_ptr<Graph> graph = parseGraph(
      "graph(%self : __torch__.M,\n"
      "      %x.1 : Tensor):\n"
      "  %w : Tensor = prim::GetAttr[name=\"weight\"](%self)\n"
      "  %y : Tensor = aten::mul(%x.1, %w)\n"
      "  return (%y)\n",
      NamedTypeHooks{[](const std::string&) { return types::anyType(); }, {}, {}, {}});
  CodePrinterOptions options;
  options.printFirstArgumentType = false;
  CodePrinter printer(options);
  printer.printFunction(*graph, signatureFromGraph(*graph, "forward"), /*level=*/1);
  EXPECT_EQ(printer.text(),
            "  def forward(self,\n"
            "    x: Tensor) -> Tensor:\n"
            "    w = self.weight\n"
            "    return torch.mul(x, w)\n");
}

// ---- names ----------------------------------------------------------------------------------

TEST(CodePrinterNames, DebugNameBasesGetACounterPerBase) {
  // x.1 is the parameter `x`; later x values become x0, x1; unnamed ones _0, _1.
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %1 : int = prim::Constant[value=2]()\n"
                 "  %x.3 : Tensor = aten::mul(%x.1, %1)\n"
                 "  %x.5 : Tensor = aten::mul(%x.3, %x.3)\n"
                 "  %4 : Tensor = aten::neg(%x.5)\n"
                 "  %5 : Tensor = aten::mul(%4, %4)\n"
                 "  %6 : Tensor = aten::mul(%5, %5)\n"
                 "  return (%6)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  x0 = torch.mul(x, 2)\n"
            "  x1 = torch.mul(x0, x0)\n"
            "  _0 = torch.neg(x1)\n"
            "  _1 = torch.mul(_0, _0)\n"
            "  return torch.mul(_1, _1)\n");
}

TEST(CodePrinterNames, ReservedWordsAndInvalidCharacters) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %in.1 : Tensor = aten::neg(%x.1)\n"
                 "  %self.w : Tensor = aten::neg(%in.1)\n"
                 "  %ops : Tensor = aten::mul(%self.w, %in.1)\n"
                 "  %5 : Tensor = aten::mul(%ops, %ops)\n"
                 "  return (%5)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  in0 = torch.neg(x)\n"
            "  self_w = torch.neg(in0)\n"
            "  ops0 = torch.mul(self_w, in0)\n"
            "  return torch.mul(ops0, ops0)\n");
}

// ---- inlining -------------------------------------------------------------------------------

TEST(CodePrinterInlining, SingleUseUnnamedValuesAreInlinedInOrder) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %1 : Tensor = aten::cos(%x.1)\n"
                 "  %2 : Tensor = aten::sin(%1)\n"
                 "  %3 : Tensor = aten::mul(%2, %x.1)\n"
                 "  return (%3)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  return torch.mul(torch.sin(torch.cos(x)), x)\n");
}

TEST(CodePrinterInlining, OutOfOrderUsesAreNotInlined) {
  // %2 is computed before %3 but used after it: inlining %2 would move its evaluation.
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %2 : Tensor = aten::neg(%x.1)\n"
                 "  %3 : Tensor = aten::relu(%x.1)\n"
                 "  %4 : Tensor = aten::mul(%3, %2)\n"
                 "  return (%4)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  _0 = torch.neg(x)\n"
            "  return torch.mul(torch.relu(x), _0)\n");
}

TEST(CodePrinterInlining, NamedValuesStayNamedUnlessReturned) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %y.1 : Tensor = aten::neg(%x.1)\n"
                 "  %z.1 : Tensor = aten::relu(%y.1)\n"
                 "  return (%z.1)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  y = torch.neg(x)\n"
            "  return torch.relu(y)\n");
}

TEST(CodePrinterInlining, LongExpressionsAreSplitWithTheArgumentsBeforeThem) {
  // torch.transpose(torch.view(x, [-1, 2]), 0, 1) is 45 columns: assigned to _0.
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %4 : int = prim::Constant[value=-1]()\n"
                 "  %2 : int = prim::Constant[value=1]()\n"
                 "  %5 : int = prim::Constant[value=2]()\n"
                 "  %8 : int = prim::Constant[value=0]()\n"
                 "  %6 : int[] = prim::ListConstruct(%4, %5)\n"
                 "  %7 : Tensor = aten::view(%x.1, %6)\n"
                 "  %9 : Tensor = aten::transpose(%7, %8, %2)\n"
                 "  %y.1 : Tensor = aten::contiguous(%9)\n"
                 "  return (%y.1)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  _0 = torch.transpose(torch.view(x, [-1, 2]), 0, 1)\n"
            "  return torch.contiguous(_0)\n");
}

TEST(CodePrinterInlining, LongConstantsAreAssignedFirst) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %6 : NoneType = prim::Constant()\n"
                 "  %s.1 : str = prim::Constant[value=\"long string constant that should be "
                 "emitted on its own line\"]()\n"
                 "  %1 : str = prim::Constant[value=\"value\"]()\n"
                 "   = prim::Print(%1, %x.1)\n"
                 "   = prim::Print(%s.1)\n"
                 "  return (%6)\n"),
            "def f(x: Tensor) -> NoneType:\n"
            "  s = \"long string constant that should be emitted on its own line\"\n"
            "  print(\"value\", x)\n"
            "  print(s)\n"
            "  return None\n");
}

// ---- constants ------------------------------------------------------------------------------

TEST(CodePrinterConstants, CodeSpellings) {
  EXPECT_EQ(code("graph():\n"
                 "  %0 : float = prim::Constant[value=1.]()\n"
                 "  %1 : float = prim::Constant[value=0.10000000000000001]()\n"
                 "  %2 : bool = prim::Constant[value=1]()\n"
                 "  %3 : Device = prim::Constant[value=\"cpu\"]()\n"
                 "  %4 : NoneType = prim::Constant()\n"
                 "  %5 : complex = prim::Constant[value=0.+2.j]()\n"
                 "  %6 : float = prim::Constant[value=-inf]()\n"
                 "  %7 : (float, float, bool, Device, NoneType, complex, float) = "
                 "prim::TupleConstruct(%0, %1, %2, %3, %4, %5, %6)\n"
                 "  return (%7)\n"),
            "def f() -> Tuple[float, float, bool, Device, NoneType, complex, float]:\n"
            "  _0 = (1., 0.10000000000000001, True, torch.device(\"cpu\"), None, 0.+2.j, "
            "-inf)\n"
            "  return _0\n");
}

TEST(CodePrinterConstants, TensorsAndNonAsciiStringsGoToTheConstantTable) {
  CodePrinter printer;
  std::shared_ptr<Graph> graph = parseGraph(
      "graph():\n"
      "  %0 : Tensor = prim::Constant[value={2.5}]()\n"
      "  %1 : str = prim::Constant[value=\"\\0)+\\/.)\"]()\n"
      "  %2 : (Tensor, str) = prim::TupleConstruct(%0, %1)\n"
      "  return (%2)\n");
  printer.printFunction(*graph, signatureFromGraph(*graph, "f"));
  EXPECT_EQ(printer.text(),
            "def f() -> Tuple[Tensor, str]:\n"
            "  return (CONSTANTS.c0, CONSTANTS.c1)\n");
  ASSERT_EQ(printer.constantTable().size(), 2u);
  EXPECT_EQ(printer.constantTable()[1].text, "\xc3\xa9");
}

TEST(CodePrinterConstants, ListsAndEmptyContainersAreAnnotated) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %l.1 : int[] = prim::ListConstruct()\n"
                 "  %d.1 : Dict(str, int) = prim::DictConstruct()\n"
                 "  %n : NoneType = prim::Constant()\n"
                 "  %5 : Tensor?[] = prim::ListConstruct(%x.1, %n)\n"
                 "  %t : (int[], Dict(str, int), Tensor?[]) = prim::TupleConstruct(%l.1, %d.1, %5)\n"
                 "  return (%t)\n"),
            "def f(x: Tensor) -> Tuple[List[int], Dict[str, int], List[Optional[Tensor]]]:\n"
            "  l = annotate(List[int], [])\n"
            "  d = annotate(Dict[str, int], {})\n"
            "  _0 = annotate(List[Optional[Tensor]], [x, None])\n"
            "  return (l, d, _0)\n");
}

// ---- operator calls -------------------------------------------------------------------------

TEST(CodePrinterCalls, TrailingDefaultsDroppedKeywordOnlyNamed) {
  EXPECT_EQ(code("graph(%x.1 : Tensor):\n"
                 "  %one : int = prim::Constant[value=1]()\n"
                 "  %onef : float = prim::Constant[value=1.]()\n"
                 "  %seven : int = prim::Constant[value=7]()\n"
                 "  %none : NoneType = prim::Constant()\n"
                 "  %a.1 : Tensor = aten::add(%x.1, %x.1, %one)\n"
                 "  %b.1 : Tensor = aten::add(%a.1, %x.1, %onef)\n"
                 "  %c.1 : Tensor = aten::zeros_like(%b.1, %seven, %none, %none, %none, %none)\n"
                 "  return (%c.1)\n"),
            "def f(x: Tensor) -> Tensor:\n"
            "  a = torch.add(x, x)\n"
            "  b = torch.add(a, x, alpha=1.)\n"
            "  return torch.zeros_like(b, dtype=7)\n");
}

TEST(CodePrinterCalls, SpecialForms) {
  EXPECT_EQ(code("graph(%l.1 : int[], %o.1 : int?, %s.1 : str):\n"
                 "  %0 : int = prim::Constant[value=0]()\n"
                 "  %1 : int = aten::__getitem__(%l.1, %0)\n"
                 "  %2 : int = prim::unchecked_cast(%o.1)\n"
                 "  %3 : float = aten::Float(%2)\n"
                 "  %m : str = prim::Constant[value=\"{}{}\"]()\n"
                 "  %4 : str = aten::format(%m, %1, %3)\n"
                 "  %5 : str = aten::add(%s.1, %4)\n"
                 "  return (%5)\n"),
            "def f(l: List[int],\n"
            "    o: Optional[int],\n"
            "    s: str) -> str:\n"
            "  _0 = torch.format(\"{}{}\", l[0], float(unchecked_cast(int, o)))\n"
            "  return torch.add(s, _0)\n");
}

// ---- control flow ---------------------------------------------------------------------------

TEST(CodePrinterControlFlow, IfAssignsOutputsAndAnnotatesOptionalOnce) {
  EXPECT_EQ(code("graph(%c.1 : bool,\n"
                 "      %y.1 : int?):\n"
                 "  %a.1 : NoneType = prim::Constant()\n"
                 "  %a : int? = prim::If(%c.1)\n"
                 "    block0():\n"
                 "      -> (%y.1)\n"
                 "    block1():\n"
                 "      -> (%a.1)\n"
                 "  return (%a)\n"),
            "def f(c: bool,\n"
            "    y: Optional[int]) -> Optional[int]:\n"
            "  if c:\n"
            "    a : Optional[int] = y\n"
            "  else:\n"
            "    a = None\n"
            "  return a\n");
}

TEST(CodePrinterControlFlow, EmptyBranchPrintsPassAndRaiseDropsDefaultClass) {
  EXPECT_EQ(code("graph(%x.1 : int?):\n"
                 "  %32 : str = prim::Constant[value=\"AssertionError: \"]()\n"
                 "  %2 : NoneType = prim::Constant()\n"
                 "  %17 : int = prim::Constant[value=1]()\n"
                 "  %27 : int = prim::Uninitialized()\n"
                 "  %3 : bool = aten::__isnot__(%x.1, %2)\n"
                 "  %x : int = prim::If(%3)\n"
                 "    block0():\n"
                 "      %x.7 : int = prim::unchecked_cast(%x.1)\n"
                 "      -> (%x.7)\n"
                 "    block1():\n"
                 "       = prim::RaiseException(%32, %2)\n"
                 "      -> (%27)\n"
                 "   = prim::If(%3)\n"
                 "    block0():\n"
                 "      -> ()\n"
                 "    block1():\n"
                 "      -> ()\n"
                 "  %18 : int = aten::add(%x, %17)\n"
                 "  return (%18)\n"),
            "def f(x: Optional[int]) -> int:\n"
            "  _0 = uninitialized(int)\n"
            "  _1 = torch.__isnot__(x, None)\n"
            "  if _1:\n"
            "    x0 = unchecked_cast(int, x)\n"
            "  else:\n"
            "    ops.prim.RaiseException(\"AssertionError: \")\n"
            "    x0 = _0\n"
            "  if _1:\n"
            "    pass\n"
            "  else:\n"
            "    pass\n"
            "  return torch.add(x0, 1)\n");
}

TEST(CodePrinterControlFlow, ForAndWhileLoops) {
  // IR_AND_CODE_FORMAT.md §5.1: a while loop, and a for loop with `continue` that the front
  // end turned into a while loop with a manual counter.
  EXPECT_EQ(code("graph(%x.1 : Tensor,\n"
                 "      %n.1 : int):\n"
                 "  %24 : bool = prim::Constant[value=1]()\n"
                 "  %i.1 : int = prim::Constant[value=0]()\n"
                 "  %3 : int = prim::Constant[value=9223372036854775807]()\n"
                 "  %10 : int = prim::Constant[value=2]()\n"
                 "  %14 : int = prim::Constant[value=1]()\n"
                 "  %18 : int = prim::Constant[value=5]()\n"
                 "  %21 : int = prim::Constant[value=3]()\n"
                 "  %48 : bool = prim::Constant[value=0]()\n"
                 "  %54 : bool = aten::lt(%i.1, %n.1)\n"
                 "  %x.19 : Tensor, %i : int = prim::Loop(%3, %54, %x.1, %i.1)\n"
                 "    block0(%8 : int, %x.17 : Tensor, %i.13 : int):\n"
                 "      %x.5 : Tensor = aten::mul(%x.17, %10)\n"
                 "      %i.7 : int = aten::add(%i.13, %14)\n"
                 "      %19 : bool = aten::gt(%i.7, %18)\n"
                 "      %98 : bool = prim::If(%19)\n"
                 "        block0():\n"
                 "          -> (%48)\n"
                 "        block1():\n"
                 "          %89 : bool = aten::lt(%i.7, %n.1)\n"
                 "          -> (%89)\n"
                 "      -> (%98, %x.5, %i.7)\n"
                 "  %x : Tensor, %114 : int = prim::Loop(%3, %24, %x.19, %i.1)\n"
                 "    block0(%25 : int, %x.21 : Tensor, %115 : int):\n"
                 "      %27 : bool = aten::eq(%115, %14)\n"
                 "      %109 : Tensor = prim::If(%27)\n"
                 "        block0():\n"
                 "          -> (%x.21)\n"
                 "        block1():\n"
                 "          %x.23 : Tensor = aten::add(%x.21, %115, %14)\n"
                 "          -> (%x.23)\n"
                 "      %116 : int = aten::add(%115, %14)\n"
                 "      %117 : bool = aten::lt(%116, %21)\n"
                 "      %118 : bool = aten::__and__(%117, %24)\n"
                 "      -> (%118, %109, %116)\n"
                 "  return (%x)\n",
                 "loops"),
            "def loops(x: Tensor,\n"
            "    n: int) -> Tensor:\n"
            "  x0 = x\n"
            "  i = 0\n"
            "  _0 = torch.lt(0, n)\n"
            "  while _0:\n"
            "    x1 = torch.mul(x0, 2)\n"
            "    i0 = torch.add(i, 1)\n"
            "    if torch.gt(i0, 5):\n"
            "      _1 = False\n"
            "    else:\n"
            "      _1 = torch.lt(i0, n)\n"
            "    _0, x0, i = _1, x1, i0\n"
            "  x2 = x0\n"
            "  _2 = 0\n"
            "  _3 = True\n"
            "  while _3:\n"
            "    if torch.eq(_2, 1):\n"
            "      _4 = x2\n"
            "    else:\n"
            "      _4 = torch.add(x2, _2)\n"
            "    _5 = torch.add(_2, 1)\n"
            "    _6 = torch.__and__(torch.lt(_5, 3), True)\n"
            "    _3, x2, _2 = _6, _4, _5\n"
            "  return x2\n");
}

TEST(CodePrinterControlFlow, CountedLoopWithAnOptionalCarriedValue) {
  EXPECT_EQ(code("graph(%y.1 : int?):\n"
                 "  %15 : bool = prim::Constant[value=1]()\n"
                 "  %a.1 : NoneType = prim::Constant()\n"
                 "  %12 : int = prim::Constant[value=3]()\n"
                 "  %18 : int = prim::Constant[value=1]()\n"
                 "  %b : int? = prim::Loop(%12, %15, %y.1)\n"
                 "    block0(%i.1 : int, %b.17 : int?):\n"
                 "      %19 : bool = aten::eq(%i.1, %18)\n"
                 "      %b.15 : int? = prim::If(%19)\n"
                 "        block0():\n"
                 "          -> (%a.1)\n"
                 "        block1():\n"
                 "          -> (%b.17)\n"
                 "      -> (%15, %b.15)\n"
                 "  return (%b)\n"),
            "def f(y: Optional[int]) -> Optional[int]:\n"
            "  b: Optional[int] = y\n"
            "  for i in range(3):\n"
            "    if torch.eq(i, 1):\n"
            "      b0 : Optional[int] = None\n"
            "    else:\n"
            "      b0 = b\n"
            "    b = b0\n"
            "  return b\n");
}

TEST(CodePrinterControlFlow, LoopThatIsBothCountedAndConditionalIsAnError) {
  EXPECT_THROW(code("graph(%n.1 : int, %c.1 : bool):\n"
                    "   = prim::Loop(%n.1, %c.1)\n"
                    "    block0(%i : int):\n"
                    "      -> (%c.1)\n"
                    "  %r : NoneType = prim::Constant()\n"
                    "  return (%r)\n"),
               CodePrintError);
}

TEST(CodePrinterControlFlow, UnpackKeepsTheTrailingComma) {
  EXPECT_EQ(code("graph(%t.1 : (int, int)):\n"
                 "  %a.1 : int, %b.1 : int = prim::TupleUnpack(%t.1)\n"
                 "  %2 : int = aten::add(%a.1, %b.1)\n"
                 "  return (%2)\n"),
            "def f(t: Tuple[int, int]) -> int:\n"
            "  a, b, = t\n"
            "  return torch.add(a, b)\n");
}

}  // namespace
}  // namespace tscript::ir
