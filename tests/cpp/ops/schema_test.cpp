// The schema parser and printer on each feature of 1.13's schema syntax. Every schema text
// below that 1.13 prints is checked to print back identically; the whole set of dispatcher
// schemas is round-tripped against c10 in registry_test.cpp.
#include <gtest/gtest.h>

#include <fstream>

#include "ops/schema.h"
#include "types/named_types.h"

namespace tscript::ops {
namespace {

using types::TypeKind;

// Parses, checks the round trip, and returns the schema.
Schema roundTrip(const std::string& text) {
  Schema schema = parseSchema(text);
  EXPECT_EQ(printSchema(schema), text);
  return schema;
}

TEST(SchemaParser, AddTensorNameOverloadKeywordOnlyAndDefault) {
  Schema s = roundTrip("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor");
  EXPECT_EQ(s.name, "aten::add");
  EXPECT_EQ(s.overloadName, "Tensor");
  EXPECT_EQ(s.qualifiedOverloadName(), "aten::add.Tensor");
  EXPECT_EQ(s.ns(), "aten");
  ASSERT_EQ(s.arguments.size(), 3u);
  EXPECT_EQ(s.arguments[0].name, "self");
  EXPECT_EQ(s.arguments[0].type->kind(), TypeKind::Tensor);
  EXPECT_FALSE(s.arguments[1].keywordOnly);
  EXPECT_TRUE(s.arguments[2].keywordOnly);
  EXPECT_EQ(s.arguments[2].type->kind(), TypeKind::Number);
  ASSERT_TRUE(s.arguments[2].defaultValue);
  EXPECT_EQ(*s.arguments[2].defaultValue, ir::ConstantValue::fromInt(1));
  EXPECT_EQ(s.firstKeywordOnlyIndex(), 2u);
  ASSERT_EQ(s.returns.size(), 1u);
  EXPECT_TRUE(s.returns[0].name.empty());
  EXPECT_FALSE(s.isVararg);
  EXPECT_FALSE(s.isVarret);
  EXPECT_FALSE(s.isMutable());
}

TEST(SchemaParser, DefaultOverloadHasEmptyOverloadName) {
  Schema s = roundTrip("aten::relu(Tensor self) -> Tensor");
  EXPECT_EQ(s.overloadName, "");
  EXPECT_EQ(s.qualifiedOverloadName(), "aten::relu");
}

TEST(SchemaParser, OutArgumentsAndWriteAnnotations) {
  Schema s = roundTrip(
      "aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)");
  const Argument& out = s.arguments[3];
  ASSERT_TRUE(out.alias);
  EXPECT_EQ(out.alias->beforeSets, std::vector<std::string>{"a"});
  EXPECT_EQ(out.alias->afterSets, std::vector<std::string>{"a"});
  EXPECT_TRUE(out.alias->isWrite);
  EXPECT_TRUE(out.isOut);
  EXPECT_TRUE(s.isMutable());
  EXPECT_FALSE(s.returns[0].isOut);  // returns are never keyword-only, so never "out"
  // A written positional argument is not an out argument.
  Schema inplace = roundTrip("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)");
  EXPECT_TRUE(inplace.arguments[0].isWrite());
  EXPECT_FALSE(inplace.arguments[0].isOut);
}

TEST(SchemaParser, AliasArrowsWildcardsAndUnions) {
  Schema split = roundTrip(
      "aten::split.Tensor(Tensor(a -> *) self, int split_size, int dim=0) -> Tensor(a)[]");
  const AliasAnnotation& self = *split.arguments[0].alias;
  EXPECT_EQ(self.beforeSets, std::vector<std::string>{"a"});
  EXPECT_EQ(self.afterSets, std::vector<std::string>{"*"});
  EXPECT_FALSE(self.isWrite);
  // `Tensor(a)[]`: the list's annotation has no sets of its own and contains the element's.
  const AliasAnnotation& result = *split.returns[0].alias;
  EXPECT_TRUE(result.beforeSets.empty());
  ASSERT_EQ(result.contained.size(), 1u);
  EXPECT_EQ(result.contained[0].beforeSets, std::vector<std::string>{"a"});
  EXPECT_EQ(split.returns[0].type->str(), "Tensor[]");

  Schema to = roundTrip("aten::cpu(Tensor(a) self) -> Tensor(b|a)");
  EXPECT_EQ(to.returns[0].alias->beforeSets, (std::vector<std::string>{"b", "a"}));

  // Written list elements make the list annotation written too (c10's rule).
  Schema foreach = roundTrip("aten::_foreach_add_.Scalar(Tensor(a!)[] self, Scalar scalar) -> ()");
  EXPECT_TRUE(foreach.arguments[0].isWrite());
  // Annotations on the list itself and on type variables, before `?`.
  roundTrip("aten::values.str(Dict(str, t) self) -> t[](*)");
  roundTrip("aten::get.str(Dict(str, t) self, str key) -> t(*)?");
  roundTrip("aten::update.str(Dict(str, t)(a!) self, Dict(str, t)(a!) to_add) -> ()");
  // The `!` shorthand names a fresh set.
  Schema fresh = parseSchema("foo::bar(Tensor! x) -> Tensor");
  EXPECT_EQ(fresh.arguments[0].alias->beforeSets, std::vector<std::string>{"$0"});
  EXPECT_EQ(printSchema(fresh), "foo::bar(Tensor($0!) x) -> Tensor");
}

TEST(SchemaParser, VarargsAndVarret) {
  Schema unpack = roundTrip("prim::TupleUnpack(Any tup) -> ...");
  EXPECT_TRUE(unpack.isVarret);
  EXPECT_TRUE(unpack.returns.empty());
  Schema format = roundTrip("aten::format(str self, ...) -> str");
  EXPECT_TRUE(format.isVararg);
  EXPECT_EQ(format.arguments.size(), 1u);
  Schema fusion = roundTrip("prim::FusionGroup(...) -> ...");
  EXPECT_TRUE(fusion.isVararg);
  EXPECT_TRUE(fusion.arguments.empty());
  roundTrip("static_runtime::fused_equally_split(Tensor input, int num_split, int dim) -> ...");
  roundTrip("prim::BroadcastSizes(...) -> int[]");
  roundTrip("foo::bar(Tensor x) -> (Tensor, ...)");
}

TEST(SchemaParser, ReturnShapes) {
  Schema none = roundTrip("aten::record_stream(Tensor(a!) self, Stream s) -> ()");
  EXPECT_TRUE(none.returns.empty());
  Schema named = roundTrip(
      "aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)");
  ASSERT_EQ(named.returns.size(), 2u);
  EXPECT_EQ(named.returns[0].name, "values");
  EXPECT_EQ(named.returns[1].name, "indices");
  Schema twoUnnamed = roundTrip("aten::frexp.Tensor(Tensor self) -> (Tensor mantissa, Tensor exponent)");
  EXPECT_EQ(twoUnnamed.returns.size(), 2u);
  // A single return that starts with `(` keeps its parentheses.
  Schema items = roundTrip("aten::items.str(Dict(str, t) self) -> ((str, t)[])");
  ASSERT_EQ(items.returns.size(), 1u);
  EXPECT_EQ(items.returns[0].type->kind(), TypeKind::List);
  Schema tuple = roundTrip("foo::pair(Tensor x) -> ((Tensor, Tensor))");
  ASSERT_EQ(tuple.returns.size(), 1u);
  EXPECT_EQ(tuple.returns[0].type->kind(), TypeKind::Tuple);
  // Unparenthesized single return with a name.
  Schema namedSingle = roundTrip("c10d::alltoall_(Tensor[] _0, Tensor[] _1, __torch__.torch.classes.c10d.ProcessGroup _2, int _3) -> __torch__.torch.classes.c10d.Work _0");
  EXPECT_EQ(namedSingle.returns[0].name, "_0");
}

TEST(SchemaParser, ContainerAndOptionalTypes) {
  Schema s = roundTrip(
      "foo::types(Tensor? a, Tensor[] b, Tensor?[] c, int[] d, float[]? e, Dict(str, t) f, "
      "(Tensor, int) g, Future(t) h, RRef(t) i, t1 j, Any k, AnyClassType l, AnyEnumType m, "
      "complex n, Storage o, Generator? p, QScheme q, Capsule r, Device s) -> t[]");
  const auto& a = s.arguments;
  EXPECT_EQ(a[0].type->kind(), TypeKind::Optional);
  EXPECT_EQ(a[1].type->str(), "Tensor[]");
  EXPECT_EQ(a[2].type->kind(), TypeKind::List);
  EXPECT_EQ(a[2].type->as<types::ListType>()->element()->kind(), TypeKind::Optional);
  EXPECT_EQ(a[4].type->kind(), TypeKind::Optional);
  EXPECT_EQ(a[5].type->kind(), TypeKind::Dict);
  EXPECT_EQ(a[5].type->as<types::DictType>()->value()->kind(), TypeKind::Var);
  EXPECT_EQ(a[6].type->kind(), TypeKind::Tuple);
  EXPECT_EQ(a[7].type->kind(), TypeKind::Future);
  EXPECT_EQ(a[8].type->kind(), TypeKind::RRef);
  EXPECT_EQ(a[9].type->kind(), TypeKind::Var);
  EXPECT_EQ(a[9].type->as<types::VarType>()->name(), "t1");
  EXPECT_EQ(a[10].type->kind(), TypeKind::Any);
  EXPECT_EQ(a[11].type->kind(), TypeKind::AnyClass);
  EXPECT_EQ(a[12].type->kind(), TypeKind::AnyEnum);
  EXPECT_EQ(a[13].type->kind(), TypeKind::Complex);
  EXPECT_EQ(a[14].type->kind(), TypeKind::Storage);
  EXPECT_EQ(a[15].type->kind(), TypeKind::Optional);
  EXPECT_EQ(a[16].type->kind(), TypeKind::QScheme);
  EXPECT_EQ(a[17].type->kind(), TypeKind::Capsule);
  EXPECT_EQ(a[18].type->kind(), TypeKind::Device);
}

TEST(SchemaParser, FixedSizeListsAndTheirDefaults) {
  Schema conv = roundTrip(
      "aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, "
      "int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor");
  const Argument& stride = conv.arguments[3];
  EXPECT_EQ(stride.fixedSize, 2);
  EXPECT_EQ(stride.type->str(), "int[]");
  // `int[2] stride=1` is the list [1, 1] (and prints back as 1).
  EXPECT_EQ(*stride.defaultValue,
            ir::ConstantValue::list({ir::ConstantValue::fromInt(1), ir::ConstantValue::fromInt(1)}));
  // A one-element list prints as a list; an empty one stays empty; unequal elements print whole.
  roundTrip("aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=[1], "
            "int[1] padding=[0], int[1] dilation=[1], int groups=1) -> Tensor");
  EXPECT_EQ(printSchema(parseSchema("foo::f(int[1] padding=0) -> ()")), "foo::f(int[1] padding=[0]) -> ()");
  roundTrip("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, "
            "int[2] dilation=1, bool ceil_mode=False) -> Tensor");
  roundTrip("aten::flip(Tensor self, int[] dims) -> Tensor");
  roundTrip("aten::fft_fft2(Tensor self, int[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor");
  Schema optionalSized = roundTrip("aten::fft_ihfftn(Tensor self, int[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor");
  EXPECT_EQ(optionalSized.arguments[1].fixedSize, 1);
  EXPECT_EQ(optionalSized.arguments[1].type->kind(), TypeKind::Optional);
  // Written as a one-value list, read as N copies: all equal, so it prints as one value.
  EXPECT_EQ(printSchema(parseSchema("foo::f(int[3] x=[2, 2, 2]) -> ()")), "foo::f(int[3] x=2) -> ()");
}

TEST(SchemaParser, SymIntIsIntSpelledSymInt) {
  Schema s = roundTrip(
      "aten::empty_strided(SymInt[] size, SymInt[] stride, *, ScalarType? dtype=None, "
      "Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor");
  EXPECT_TRUE(s.arguments[0].symInt);
  EXPECT_EQ(s.arguments[0].type->str(), "int[]");
  roundTrip("aten::sym_size.int(Tensor self, int dim) -> SymInt");
  roundTrip("aten::narrow(Tensor(a) self, int dim, SymInt start, SymInt length) -> Tensor(a)");
  roundTrip("aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)");
  roundTrip("prims::slice(Tensor(a) a, SymInt[] start_indices, SymInt[] limit_indices, SymInt[]? strides=None) -> Tensor(a)");
  // c10 only shortens int lists spelled `int`: a SymInt list prints whole.
  EXPECT_EQ(printSchema(parseSchema("foo::f(SymInt[2] x=1) -> ()")), "foo::f(SymInt[2] x=[1, 1]) -> ()");
}

TEST(SchemaParser, ScalarTypeLayoutMemoryFormatAreIntToTorchScript) {
  Schema s = roundTrip(
      "aten::to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, "
      "MemoryFormat? memory_format=None) -> Tensor(a)");
  EXPECT_EQ(s.arguments[1].realType->kind(), TypeKind::ScalarType);
  EXPECT_EQ(s.arguments[1].type->kind(), TypeKind::Int);
  EXPECT_EQ(s.arguments[4].realType->str(), "MemoryFormat?");
  EXPECT_EQ(s.arguments[4].type->str(), "int?");
  Schema layout = roundTrip("aten::to_dense(Tensor self, ScalarType? dtype=None) -> Tensor");
  EXPECT_EQ(layout.arguments[1].type->str(), "int?");
}

TEST(SchemaParser, NamedConstantDefaultsFoldToTheirValues) {
  // What native_functions.yaml writes, and what 1.13 prints for it.
  EXPECT_EQ(printSchema(parseSchema(
                "aten::mse_loss(Tensor self, Tensor target, int reduction=Mean) -> Tensor")),
            "aten::mse_loss(Tensor self, Tensor target, int reduction=1) -> Tensor");
  EXPECT_EQ(printSchema(parseSchema(
                "aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=contiguous_format) -> Tensor(a)")),
            "aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)");
  EXPECT_EQ(printSchema(parseSchema("foo::f(ScalarType dtype=long, Layout layout=strided, ScalarType? d=float) -> ()")),
            "foo::f(ScalarType dtype=4, Layout layout=0, ScalarType? d=6) -> ()");
}

TEST(SchemaParser, ScalarDefaults) {
  Schema s = roundTrip(
      "foo::f(float a=1., float b=0.33333333333333331, float c=1e-08, float d=-0.5, Scalar e=1, "
      "Scalar f=2.5, bool g=True, bool h=False, str i=\"linear\", str? j=None, int k=-100, "
      "float l=1.0000000000000001e-05, str m=\" \\n\\t\\f\\v\", str n=\"\\\"\\'\\\\\") -> ()");
  const auto& a = s.arguments;
  EXPECT_EQ(*a[0].defaultValue, ir::ConstantValue::fromDouble(1.0));
  EXPECT_EQ(*a[2].defaultValue, ir::ConstantValue::fromDouble(1e-08));
  EXPECT_EQ(*a[4].defaultValue, ir::ConstantValue::fromInt(1));
  EXPECT_EQ(*a[5].defaultValue, ir::ConstantValue::fromDouble(2.5));
  EXPECT_EQ(*a[6].defaultValue, ir::ConstantValue::fromBool(true));
  EXPECT_EQ(*a[8].defaultValue, ir::ConstantValue::fromString("linear"));
  EXPECT_EQ(*a[9].defaultValue, ir::ConstantValue::none());
  EXPECT_EQ(*a[10].defaultValue, ir::ConstantValue::fromInt(-100));
  EXPECT_EQ(*a[12].defaultValue, ir::ConstantValue::fromString(" \n\t\f\v"));
  EXPECT_EQ(*a[13].defaultValue, ir::ConstantValue::fromString("\"'\\"));
  // A float argument with an integral default is a double (prints `2.`); single quotes read.
  EXPECT_EQ(printSchema(parseSchema("foo::f(float x=2, str s='a') -> ()")), "foo::f(float x=2., str s=\"a\") -> ()");
  // Float lists, bool lists, device defaults.
  roundTrip("foo::f(float[] x=[1., 2.5], bool[3] mask=[True, False, True], Device d=\"cpu\") -> ()");
  EXPECT_EQ(printSchema(parseSchema("foo::f(float[2] x=[1, 2]) -> ()")), "foo::f(float[2] x=[1., 2.]) -> ()");
}

TEST(SchemaParser, CustomClassesKeepTheirName) {
  Schema s = roundTrip(
      "profiler::_record_function_enter_new(str name, str? args=None) -> "
      "__torch__.torch.classes.profiler._RecordFunction");
  const auto* cls = s.returns[0].type->as<types::ClassType>();
  ASSERT_NE(cls, nullptr);
  EXPECT_EQ(cls->qualifiedName(), "__torch__.torch.classes.profiler._RecordFunction");
}

TEST(SchemaParser, WhitespaceIsFlexible) {
  Schema s = parseSchema("  aten::add.Tensor( Tensor self ,Tensor  other,*,Scalar alpha = 1 )->Tensor  ");
  EXPECT_EQ(printSchema(s), "aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor");
  EXPECT_EQ(printSchema(parseSchema("foo::f(Tensor( a ! -> * ) x) -> Tensor")),
            "foo::f(Tensor(a! -> *) x) -> Tensor");
}

// The column of the error and its message.
std::pair<size_t, std::string> errorOf(const std::string& text) {
  try {
    parseSchema(text);
  } catch (const SchemaParseError& error) {
    return {error.column(), error.message()};
  }
  ADD_FAILURE() << "no error for: " << text;
  return {0, ""};
}

TEST(SchemaParser, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(errorOf("add(Tensor self) -> Tensor"),
            std::make_pair(size_t(3), std::string("expected '::' after the namespace (operator names are `ns::name`)")));
  EXPECT_EQ(errorOf("aten::add(Tensor self) Tensor"), std::make_pair(size_t(23), std::string("expected '->'")));
  EXPECT_EQ(errorOf("aten::add(Tensr self) -> Tensor"),
            std::make_pair(size_t(10), std::string("unknown type 'Tensr'")));
  EXPECT_EQ(errorOf("aten::add(Tensor self, ..., int x) -> Tensor"),
            std::make_pair(size_t(28), std::string("'...' must be the last element of the argument list")));
  EXPECT_EQ(errorOf("aten::add(Tensor) -> Tensor").first, 16u);  // argument name missing
  EXPECT_EQ(errorOf("aten::add(Tensor a) -> Tensor junk junk").second, "unexpected text after the schema");
  EXPECT_EQ(errorOf("aten::f(str s=\"abc) -> ()"), std::make_pair(size_t(14), std::string("unterminated string")));
  EXPECT_EQ(errorOf("aten::f(int x=Median) -> ()"), std::make_pair(size_t(14), std::string("unknown constant 'Median'")));
  EXPECT_EQ(errorOf("aten::f(Tensor x=1) -> ()").second, "a default value of type Tensor can only be None");
  EXPECT_EQ(errorOf("aten::f(str[] x=[\"a\"]) -> ()").second,
            "list defaults are only supported for int, float and bool lists");
  EXPECT_EQ(errorOf("aten::f(int[x] a) -> ()").second, "expected a list size or ']'");
  EXPECT_EQ(errorOf("aten::f(Tensor(a x) -> ()").second, "expected ')'");
  EXPECT_EQ(errorOf("aten::f(int x, *, *, int y) -> ()").second, "'*' appears twice in the argument list");
  EXPECT_EQ(errorOf("aten::f(int x) -> (..., int)").second, "'...' must be the last element of the return list");

  try {
    parseSchema("aten::add(Tensr self) -> Tensor");
    FAIL();
  } catch (const SchemaParseError& error) {
    EXPECT_STREQ(error.what(),
                 "schema error at column 10: unknown type 'Tensr'\n"
                 "aten::add(Tensr self) -> Tensor\n"
                 "          ^");
  }
}

TEST(SchemaPrinter, TypeSpellings) {
  using namespace types;
  EXPECT_EQ(schemaTypeString(*listOf(optionalOf(tensorType()))), "Tensor?[]");
  EXPECT_EQ(schemaTypeString(*optionalOf(listOf(intType())), /*symInt=*/true), "SymInt[]?");
  EXPECT_EQ(schemaTypeString(*dictOf(strType(), typeVar("t"))), "Dict(str, t)");
  EXPECT_EQ(schemaTypeString(*tupleOf({intType(), numberType()})), "(int, Scalar)");
  EXPECT_EQ(schemaTypeString(*futureOf(tensorType())), "Future(Tensor)");
  EXPECT_EQ(schemaTypeString(*tupleOf({})), "()");
}

// Every schema torch.jit 1.13 knows (data/README.md): parses, and prints back unchanged.
TEST(SchemaParser, RoundTripsEverySchemaTorch113Prints) {
  std::ifstream in(TSCRIPT_SOURCE_DIR "/tests/cpp/ops/data/torch113_all_schemas.txt");
  ASSERT_TRUE(in) << "missing tests/cpp/ops/data/torch113_all_schemas.txt";
  size_t count = 0;
  size_t failures = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++count;
    try {
      std::string printed = printSchema(parseSchema(line));
      if (printed != line && ++failures <= 20) ADD_FAILURE() << "read:    " << line << "\nprinted: " << printed;
    } catch (const SchemaParseError& error) {
      if (++failures <= 20) ADD_FAILURE() << error.what();
    }
  }
  EXPECT_EQ(count, 4165u);
  EXPECT_EQ(failures, 0u);
}

}  // namespace
}  // namespace tscript::ops
