// Annotation expressions -> types. Spellings and error texts marked "1.13" were measured by
// scripting the same annotation with torch.jit (PyTorch 1.13, /usr/bin/python3).
#include <gtest/gtest.h>

#include "lang/parser.h"
#include "types/annotation.h"
#include "types/named_types.h"

namespace tscript::types {
namespace {

// Knows one class, one named tuple and one enum, like a compiler resolver would.
TypePtr testResolver(const std::string& name, const lang::SourceRange&) {
  static const TypePtr point = ClassType::create("__torch__.Point");
  static const TypePtr nt = namedTupleOf("__torch__.NT", {"x", "y"}, {intType(), tensorType()});
  static const TypePtr color = EnumType::create("__torch__.Color", intType(),
                                                {{"RED", ConstantLiteral::ofInt(1)}});
  if (name == "Point" || name == "geometry.Point") return point;
  if (name == "NT") return nt;
  if (name == "Color") return color;
  return nullptr;
}

lang::ExprPtr parse(const std::string& text) {
  return lang::parseExpression(std::make_shared<lang::SourceFile>("ann.py", text));
}

TypePtr convert(const std::string& text) { return typeFromAnnotation(*parse(text), testResolver); }

// The graph spelling and the code spelling of the converted annotation.
std::string graph(const std::string& text) { return convert(text)->str(); }
std::string code(const std::string& text) { return convert(text)->annotationStr(); }

// The full rendered error (location, message, excerpt with caret).
std::string errorOf(const std::string& text) {
  try {
    convert(text);
  } catch (const lang::CompileError& error) {
    return error.what();
  }
  return "<no error>";
}

TEST(Annotation, Primitives) {
  EXPECT_EQ(graph("int"), "int");
  EXPECT_EQ(graph("float"), "float");
  EXPECT_EQ(graph("bool"), "bool");
  EXPECT_EQ(graph("str"), "str");
  EXPECT_EQ(graph("complex"), "complex");
  EXPECT_EQ(graph("None"), "NoneType");
  EXPECT_EQ(graph("Any"), "Any");
  EXPECT_EQ(graph("typing.Any"), "Any");
  EXPECT_EQ(graph("Tensor"), "Tensor");
  EXPECT_EQ(graph("torch.Tensor"), "Tensor");
  EXPECT_EQ(graph("torch.device"), "Device");
  // 1.13: `r: torch.dtype` is `%r : int`.
  EXPECT_EQ(graph("torch.dtype"), "int");
  EXPECT_EQ(graph("torch.layout"), "int");
  EXPECT_EQ(graph("torch.memory_format"), "int");
}

TEST(Annotation, CodeSpellingsReadBack) {
  // What the .code printer writes must convert back to the same type.
  for (const char* text : {"List[int]", "Dict[str, List[int]]", "Tuple[int, str]", "Tuple[()]",
                           "Optional[int]", "Union[int, NoneType, str]", "Device", "NoneType",
                           "Optional[List[Optional[Tensor]]]", "Future[Tensor]",
                           "Optional[number]"}) {
    EXPECT_EQ(code(text), text);
  }
}

TEST(Annotation, Containers) {
  EXPECT_EQ(graph("List[int]"), "int[]");
  EXPECT_EQ(graph("typing.List[int]"), "int[]");
  EXPECT_EQ(graph("Dict[str, List[int]]"), "Dict(str, int[])");
  EXPECT_EQ(graph("Tuple[int, str]"), "(int, str)");
  EXPECT_EQ(graph("Tuple[()]"), "()");
  EXPECT_EQ(graph("Tuple[int]"), "(int)");  // 1.13: TupleType([int]).str() is "(int)"
  EXPECT_EQ(graph("List[Tuple[int, float]]"), "(int, float)[]");
  // PEP 585 (1.13: list[int] -> int[], dict[str, int] -> Dict(str, int), tuple[()] -> ()).
  EXPECT_EQ(graph("list[int]"), "int[]");
  EXPECT_EQ(graph("dict[str, int]"), "Dict(str, int)");
  EXPECT_EQ(graph("tuple[int, str]"), "(int, str)");
  EXPECT_EQ(graph("tuple[()]"), "()");
  EXPECT_EQ(graph("torch.jit.Future[int]"), "Future[int]");
  EXPECT_EQ(graph("Future[List[int]]"), "Future[int[]]");
  EXPECT_EQ(graph("torch.distributed.rpc.RRef[Tensor]"), "RRef[Tensor]");
}

TEST(Annotation, OptionalAndUnion) {
  EXPECT_EQ(graph("Optional[int]"), "int?");
  EXPECT_EQ(graph("Optional[Optional[int]]"), "int?");  // 1.13
  EXPECT_EQ(graph("Optional[List[Optional[Tensor]]]"), "Tensor?[]?");
  EXPECT_EQ(graph("Union[int, str, None]"), "Union(int, NoneType, str)");  // 1.13
  EXPECT_EQ(code("Union[int, str, None]"), "Union[int, NoneType, str]");
  EXPECT_EQ(graph("Optional[Union[int, str]]"), "Union(int, NoneType, str)");  // 1.13
  EXPECT_EQ(graph("Union[int, Optional[str]]"), "Union(int, NoneType, str)");  // 1.13
  EXPECT_EQ(graph("Union[float, int]"), "Union(float, int)");  // 1.13
  EXPECT_EQ(graph("Union[int]"), "int");                        // 1.13
  EXPECT_EQ(graph("Union[int, None]"), "int?");
  EXPECT_EQ(graph("Union[int, bool]"), "Union(int, bool)");  // 1.13
  // 1.13: Union[int, float, complex] is Scalar, and with None it is Scalar?.
  EXPECT_EQ(graph("Union[int, float, complex]"), "Scalar");
  EXPECT_EQ(graph("Union[int, float, complex, None]"), "Scalar?");
  EXPECT_EQ(graph("Union[List[int], Tuple[int, int], None]"), "Union((int, int), int[], NoneType)");
  // PEP 604 (rejected by 1.13, accepted here).
  EXPECT_EQ(graph("int | None"), "int?");
  EXPECT_EQ(graph("int | str | None"), "Union(int, NoneType, str)");
  EXPECT_EQ(graph("List[int] | None"), "int[]?");
}

TEST(Annotation, ForwardReferences) {
  EXPECT_EQ(graph("'Optional[int]'"), "int?");  // 1.13
  EXPECT_EQ(graph("List['Point']"), "__torch__.Point[]");
  EXPECT_EQ(graph("\"Dict[str, Tensor]\""), "Dict(str, Tensor)");
}

TEST(Annotation, ResolvedNames) {
  EXPECT_EQ(graph("Point"), "__torch__.Point");
  EXPECT_EQ(graph("geometry.Point"), "__torch__.Point");
  EXPECT_EQ(graph("NT"), "NamedTuple(x : int, y : Tensor)");
  EXPECT_EQ(code("NT"), "__torch__.NT");
  EXPECT_EQ(graph("Color"), "Enum<__torch__.Color>");
  EXPECT_EQ(graph("Optional[Point]"), "__torch__.Point?");
}

TEST(Annotation, Final) {
  AnnotatedType final = annotationAllowingFinal(*parse("Final[int]"), testResolver);
  EXPECT_TRUE(final.isFinal);
  EXPECT_EQ(final.type, intType());
  AnnotatedType finalDotted = annotationAllowingFinal(*parse("torch.jit.Final[List[int]]"), testResolver);
  EXPECT_TRUE(finalDotted.isFinal);
  EXPECT_EQ(finalDotted.type->str(), "int[]");
  AnnotatedType plain = annotationAllowingFinal(*parse("int"), testResolver);
  EXPECT_FALSE(plain.isFinal);
  EXPECT_EQ(errorOf("Final[int]"),
            "ann.py:1:0: error: Final is only allowed on class and module attributes; remove "
            "Final[...] here (a local variable cannot be declared Final)\n"
            "Final[int]\n"
            "^~~~~~~~~~\n");
  EXPECT_EQ(errorOf("List[Final[int]]"),
            "ann.py:1:5: error: Final is only allowed as the outermost annotation of a class or "
            "module attribute\n"
            "List[Final[int]]\n"
            "     ^~~~~~~~~~\n");
}

// ---- errors ---------------------------------------------------------------------------------

TEST(AnnotationErrors, UnknownNames) {
  EXPECT_EQ(errorOf("Foo"),
            "ann.py:1:0: error: Unknown type name 'Foo'; only builtin types, TorchScript "
            "classes, NamedTuples, Enums and interfaces can be used as types\n"
            "Foo\n"
            "^~~\n");
  EXPECT_EQ(errorOf("List[string]"),
            "ann.py:1:5: error: Unknown type name 'string'; did you mean str?\n"
            "List[string]\n"
            "     ^~~~~~\n");
  EXPECT_EQ(errorOf("mymod.Thing"),
            "ann.py:1:0: error: Unknown type name 'mymod.Thing'; only builtin types, "
            "TorchScript classes, NamedTuples, Enums and interfaces can be used as types\n"
            "mymod.Thing\n"
            "^~~~~~~~~~~\n");
}

TEST(AnnotationErrors, WrongNumberOfArguments) {
  EXPECT_EQ(errorOf("List[int, str]"),
            "ann.py:1:0: error: List takes exactly one type argument, got 2\n"
            "List[int, str]\n"
            "^~~~~~~~~~~~~~\n");
  EXPECT_EQ(errorOf("Dict[int]"),
            "ann.py:1:0: error: Dict takes exactly two type arguments (key and value), got 1\n"
            "Dict[int]\n"
            "^~~~~~~~~\n");
  EXPECT_EQ(errorOf("Optional[int, str]"),
            "ann.py:1:0: error: Optional takes exactly one type argument, got 2\n"
            "Optional[int, str]\n"
            "^~~~~~~~~~~~~~~~~~\n");
}

TEST(AnnotationErrors, ConstructorsWithoutArguments) {
  // The 1.13 messages.
  EXPECT_EQ(errorOf("List"),
            "ann.py:1:0: error: Attempted to use List without a contained type. Please add a "
            "contained type, e.g. List[int]\n"
            "List\n"
            "^~~~\n");
  EXPECT_EQ(errorOf("Optional"),
            "ann.py:1:0: error: Attempted to use Optional without a contained type. Please add "
            "a contained type, e.g. Optional[int]\n"
            "Optional\n"
            "^~~~~~~~\n");
  EXPECT_EQ(errorOf("Dict"),
            "ann.py:1:0: error: Attempted to use Dict without contained types. Please add "
            "contained type, e.g. Dict[int, int]\n"
            "Dict\n"
            "^~~~\n");
  EXPECT_EQ(errorOf("Tuple"),
            "ann.py:1:0: error: Attempted to use Tuple without a contained type. Please add a "
            "contained type, e.g. Tuple[int]\n"
            "Tuple\n"
            "^~~~~\n");
}

TEST(AnnotationErrors, DictKeys) {
  // 1.13: "Cannot create dict for key type 'int[]', only int, float, complex, Tensor, device
  // and string keys are supported".
  EXPECT_EQ(errorOf("Dict[List[int], int]"),
            "ann.py:1:5: error: Cannot create dict for key type 'int[]', only int, float, "
            "complex, Tensor, device and string keys are supported\n"
            "Dict[List[int], int]\n"
            "     ^~~~~~~~~\n");
  EXPECT_EQ(graph("Dict[Tensor, int]"), "Dict(Tensor, int)");
}

TEST(AnnotationErrors, NotTypes) {
  EXPECT_EQ(errorOf("Tuple[int, ...]"),
            "ann.py:1:11: error: Variable-length tuples (Tuple[T, ...]) are not supported in "
            "TorchScript; use List[T], or write out every element type\n"
            "Tuple[int, ...]\n"
            "           ^~~\n");
  EXPECT_EQ(errorOf("int[3]"),
            "ann.py:1:0: error: 'int' does not take type arguments; only List, Dict, Tuple, "
            "Optional, Union, Future and RRef do\n"
            "int[3]\n"
            "^~~~~~\n");
  EXPECT_EQ(errorOf("3"),
            "ann.py:1:0: error: '3' is a value, not a type\n"
            "3\n"
            "^\n");
  EXPECT_EQ(errorOf("[int]"),
            "ann.py:1:0: error: A list is not a type; to annotate a list write List[T], e.g. "
            "List[int]\n"
            "[int]\n"
            "^~~~~\n");
  EXPECT_EQ(errorOf("f(x)"),
            "ann.py:1:0: error: 'f(x)' cannot be used as a type annotation\n"
            "f(x)\n"
            "^~~~\n");
}

TEST(AnnotationErrors, InsideStringAnnotations) {
  EXPECT_EQ(errorOf("List['Bar']"),
            "ann.py:1:5: error: in string annotation 'Bar': Unknown type name 'Bar'; only "
            "builtin types, TorchScript classes, NamedTuples, Enums and interfaces can be used "
            "as types\n"
            "List['Bar']\n"
            "     ^~~~~\n");
}

// ---- type comments --------------------------------------------------------------------------

TEST(TypeComment, Signature) {
  lang::SourceRange at(std::make_shared<lang::SourceFile>("m.py", "def f(a, b):\n"), 0, 3);
  TypeCommentTypes types =
      signatureFromTypeComment("(int, List[str]) -> Optional[Tensor]", at, testResolver);
  ASSERT_EQ(types.argumentTypes.size(), 2u);
  EXPECT_EQ(types.argumentTypes[0]->str(), "int");
  EXPECT_EQ(types.argumentTypes[1]->str(), "str[]");
  EXPECT_EQ(types.returnType->str(), "Tensor?");
  EXPECT_FALSE(types.ellipsisArguments);

  TypeCommentTypes noArgs = signatureFromTypeComment("() -> Point", at, testResolver);
  EXPECT_TRUE(noArgs.argumentTypes.empty());
  EXPECT_EQ(noArgs.returnType->str(), "__torch__.Point");

  TypeCommentTypes ellipsis = signatureFromTypeComment("(...) -> int", at, testResolver);
  EXPECT_TRUE(ellipsis.ellipsisArguments);
  EXPECT_EQ(ellipsis.returnType, intType());
}

TEST(TypeComment, Errors) {
  lang::SourceRange at(std::make_shared<lang::SourceFile>("m.py", "def f(a):\n"), 0, 3);
  try {
    signatureFromTypeComment("(Foo) -> int", at, testResolver);
    FAIL() << "expected an error";
  } catch (const lang::CompileError& error) {
    EXPECT_EQ(std::string(error.what()),
              "m.py:1:1: error: Unknown type name 'Foo'; only builtin types, TorchScript "
              "classes, NamedTuples, Enums and interfaces can be used as types\n"
              "(Foo) -> int\n"
              " ^~~\n");
  }
  EXPECT_THROW(signatureFromTypeComment("(*int) -> int", at, testResolver), lang::CompileError);
}

}  // namespace
}  // namespace tscript::types
