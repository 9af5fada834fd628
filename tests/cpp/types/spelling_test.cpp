// Type spellings in the graph/schema form (str) and the code form (annotationStr), pinned to
// what PyTorch 1.13 prints (measured with /usr/bin/python3: torch.jit.script(...).graph,
// torch._C.parse_schema, and Type.str()/annotation_str; see IR_AND_CODE_FORMAT §2.2, §5.22).
#include <gtest/gtest.h>

#include "types/type.h"

namespace tscript::types {
namespace {

void expectSpelling(const TypePtr& type, const std::string& graph, const std::string& code) {
  EXPECT_EQ(type->str(), graph);
  EXPECT_EQ(type->annotationStr(), code);
}

TEST(Spelling, Primitives) {
  expectSpelling(intType(), "int", "int");
  expectSpelling(floatType(), "float", "float");
  expectSpelling(boolType(), "bool", "bool");
  expectSpelling(strType(), "str", "str");
  expectSpelling(complexType(), "complex", "complex");
  expectSpelling(noneType(), "NoneType", "NoneType");
  expectSpelling(anyType(), "Any", "Any");
  expectSpelling(deviceType(), "Device", "Device");
  expectSpelling(streamType(), "Stream", "Stream");
  expectSpelling(generatorType(), "Generator", "Generator");
  expectSpelling(tensorType(), "Tensor", "Tensor");
  expectSpelling(functionType(), "Function", "Function");
  expectSpelling(storageType(), "Storage", "Storage");
}

TEST(Spelling, NumberIsScalarInSchemasAndNumberInAnnotations) {
  // parse_schema("f(Scalar? x) -> int"): str 'Scalar?', annotation_str 'Optional[number]'.
  expectSpelling(numberType(), "Scalar", "number");
  expectSpelling(optionalOf(numberType()), "Scalar?", "Optional[number]");
}

TEST(Spelling, DtypeLayoutMemoryFormatAreIntsInCode) {
  EXPECT_EQ(scalarTypeType()->str(), "ScalarType");
  EXPECT_EQ(layoutType()->str(), "Layout");
  EXPECT_EQ(memoryFormatType()->str(), "MemoryFormat");
  EXPECT_EQ(scalarTypeType()->annotationStr(), "int");
  EXPECT_TRUE(isSubtypeOf(intType(), layoutType()));
  EXPECT_TRUE(isSubtypeOf(scalarTypeType(), intType()));
}

TEST(Spelling, Singletons) {
  EXPECT_EQ(intType(), intType());
  EXPECT_EQ(tensorType(), tensorTypeWith({}));
  EXPECT_TRUE(*listOf(intType()) == *listOf(intType()));
}

TEST(Spelling, Lists) {
  expectSpelling(listOf(intType()), "int[]", "List[int]");
  expectSpelling(listOf(tensorType()), "Tensor[]", "List[Tensor]");
  expectSpelling(listOf(tupleOf({intType(), floatType()})), "(int, float)[]",
                 "List[Tuple[int, float]]");
  expectSpelling(optionalOf(listOf(optionalOf(tensorType()))), "Tensor?[]?",
                 "Optional[List[Optional[Tensor]]]");
}

TEST(Spelling, Dicts) {
  expectSpelling(dictOf(strType(), listOf(intType())), "Dict(str, int[])",
                 "Dict[str, List[int]]");
  expectSpelling(optionalOf(dictOf(intType(), tensorType())), "Dict(int, Tensor)?",
                 "Optional[Dict[int, Tensor]]");
}

TEST(Spelling, Tuples) {
  expectSpelling(tupleOf({intType(), strType()}), "(int, str)", "Tuple[int, str]");
  expectSpelling(tupleOf({}), "()", "Tuple[()]");
  expectSpelling(optionalOf(tupleOf({intType(), strType()})), "(int, str)?",
                 "Optional[Tuple[int, str]]");
}

TEST(Spelling, NamedTuple) {
  TypePtr nt = namedTupleOf("__torch__.NT", {"x", "y"}, {intType(), tensorType()});
  expectSpelling(nt, "NamedTuple(x : int, y : Tensor)", "__torch__.NT");
  // Schemas name it: `f(..., __torch__.NT p, ...)`.
  EXPECT_EQ(nt->schemaStr(), "__torch__.NT");
  EXPECT_EQ(listOf(nt)->schemaStr(), "__torch__.NT[]");
}

TEST(Spelling, Optionals) {
  expectSpelling(optionalOf(intType()), "int?", "Optional[int]");
  // Optional[Optional[int]] is int? (torch.jit.script of `x: Optional[Optional[int]]`).
  expectSpelling(optionalOf(optionalOf(intType())), "int?", "Optional[int]");
  EXPECT_EQ(optionalOf(noneType()), noneType());
}

TEST(Spelling, FutureAndRRef) {
  expectSpelling(futureOf(tensorType()), "Future[Tensor]", "Future[Tensor]");
  expectSpelling(rrefOf(intType()), "RRef[int]", "RRef[int]");
  // parse_schema("f(Future(int) x) -> RRef(int)") prints back with parentheses.
  EXPECT_EQ(futureOf(intType())->schemaStr(), "Future(int)");
  EXPECT_EQ(rrefOf(intType())->schemaStr(), "RRef(int)");
}

TEST(Spelling, TypeVariables) {
  expectSpelling(typeVar("t"), "t", "t");
  expectSpelling(listOf(typeVar("t1")), "t1[]", "List[t1]");
  EXPECT_TRUE(*typeVar("t") == *typeVar("t"));
  EXPECT_FALSE(*typeVar("t") == *typeVar("t1"));
}

// ---- tensors (TensorType.create_from_tensor(...).str() and with_sizes/with_dtype) --------

TensorDetails complete2x3() {
  TensorDetails d;
  d.dtype = ScalarKind::Float;
  d.sizes = std::vector<std::optional<int64_t>>{2, 3};
  d.strides = std::vector<int64_t>{3, 1};
  d.requiresGrad = false;
  d.device = "cpu";
  return d;
}

TEST(Spelling, CompleteTensor) {
  expectSpelling(tensorTypeWith(complete2x3()),
                 "Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)", "Tensor");
  TensorDetails d = complete2x3();
  d.requiresGrad = true;
  d.sizes = std::vector<std::optional<int64_t>>{3, 2};
  d.strides = std::vector<int64_t>{1, 3};
  EXPECT_EQ(tensorTypeWith(d)->str(), "Float(3, 2, strides=[1, 3], requires_grad=1, device=cpu)");
}

TEST(Spelling, PartialTensors) {
  TensorDetails d;
  d.dtype = ScalarKind::Float;
  d.sizes = std::vector<std::optional<int64_t>>{std::nullopt, std::nullopt};
  d.requiresGrad = false;
  d.device = "cpu";
  EXPECT_EQ(tensorTypeWith(d)->str(), "Float(*, *, requires_grad=0, device=cpu)");
  d.strides = std::vector<int64_t>{3, 1};  // with_sizes([None, None]) keeps the strides
  EXPECT_EQ(tensorTypeWith(d)->str(), "Float(*, *, strides=[3, 1], requires_grad=0, device=cpu)");

  TensorDetails zeroDim;
  zeroDim.dtype = ScalarKind::Long;
  zeroDim.sizes = std::vector<std::optional<int64_t>>{};
  zeroDim.device = "cpu";
  EXPECT_EQ(tensorTypeWith(zeroDim)->str(), "Long(device=cpu)");
  zeroDim.requiresGrad = false;
  EXPECT_EQ(tensorTypeWith(zeroDim)->str(), "Long(requires_grad=0, device=cpu)");

  TensorDetails gradOnly;
  gradOnly.requiresGrad = false;
  EXPECT_EQ(tensorTypeWith(gradOnly)->str(), "Tensor(requires_grad=0)");

  TensorDetails dtypeOnly;
  dtypeOnly.dtype = ScalarKind::Float;
  EXPECT_EQ(tensorTypeWith(dtypeOnly)->str(), "FloatTensor");

  TensorDetails rankOnly;
  rankOnly.sizes = std::vector<std::optional<int64_t>>{std::nullopt, 3};
  EXPECT_EQ(tensorTypeWith(rankOnly)->str(), "Tensor(*, 3)");
  rankOnly.sizes = std::vector<std::optional<int64_t>>{};
  EXPECT_EQ(tensorTypeWith(rankOnly)->str(), "Tensor()");
}

TEST(Spelling, TensorDetailsShowInsideListsOptionalsTuplesFuturesButNotDictsOrUnions) {
  TypePtr t = tensorTypeWith(complete2x3());
  const std::string full = "Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)";
  EXPECT_EQ(listOf(t)->str(), full + "[]");
  EXPECT_EQ(optionalOf(t)->str(), full + "?");
  EXPECT_EQ(tupleOf({t, intType()})->str(), "(" + full + ", int)");
  EXPECT_EQ(futureOf(t)->str(), "Future[" + full + "]");
  EXPECT_EQ(dictOf(strType(), t)->str(), "Dict(str, Tensor)");
  EXPECT_EQ(unionOf({t, strType()})->str(), "Union(Tensor, str)");
  // Schemas and code never show details.
  EXPECT_EQ(listOf(t)->schemaStr(), "Tensor[]");
  EXPECT_EQ(listOf(t)->annotationStr(), "List[Tensor]");
}

TEST(Spelling, TensorDetailsAreValidated) {
  TensorDetails d = complete2x3();
  d.strides = std::vector<int64_t>{1};
  EXPECT_THROW(tensorTypeWith(d), std::invalid_argument);
}

}  // namespace
}  // namespace tscript::types
