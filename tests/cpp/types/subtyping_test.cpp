// Subtyping and unification, with the rules of PyTorch 1.13 (c10 type.cpp, union_type.cpp;
// control-flow joins measured with torch.jit.script).
#include <gtest/gtest.h>

#include "types/type.h"

namespace tscript::types {
namespace {

TEST(Subtyping, AnyIsTheTop) {
  for (TypePtr t : {intType(), noneType(), tensorType(), listOf(intType()), optionalOf(strType()),
                    unionOf({intType(), strType()})}) {
    EXPECT_TRUE(isSubtypeOf(t, anyType())) << t->str();
  }
  EXPECT_FALSE(isSubtypeOf(anyType(), intType()));
}

TEST(Subtyping, Optional) {
  EXPECT_TRUE(isSubtypeOf(noneType(), optionalOf(intType())));
  EXPECT_TRUE(isSubtypeOf(intType(), optionalOf(intType())));
  EXPECT_FALSE(isSubtypeOf(optionalOf(intType()), intType()));
  EXPECT_FALSE(isSubtypeOf(floatType(), optionalOf(intType())));
  EXPECT_TRUE(isSubtypeOf(optionalOf(intType()), optionalOf(intType())));
  EXPECT_FALSE(isSubtypeOf(noneType(), intType()));
}

TEST(Subtyping, Union) {
  TypePtr u = unionOf({intType(), strType()});
  EXPECT_TRUE(isSubtypeOf(intType(), u));
  EXPECT_TRUE(isSubtypeOf(strType(), u));
  EXPECT_FALSE(isSubtypeOf(noneType(), u));
  EXPECT_FALSE(isSubtypeOf(u, intType()));
  EXPECT_TRUE(isSubtypeOf(u, unionOf({intType(), strType(), floatType()})));
  EXPECT_FALSE(isSubtypeOf(unionOf({intType(), floatType()}), u));
  // Optional[int] <: Union[int, str, None] but not Union[int, str].
  EXPECT_TRUE(isSubtypeOf(optionalOf(intType()), unionOf({intType(), strType(), noneType()})));
  EXPECT_FALSE(isSubtypeOf(optionalOf(intType()), u));
  // Union[int, None] is Optional[int] already.
  EXPECT_TRUE(*unionOf({intType(), noneType()}) == *optionalOf(intType()));
}

TEST(Subtyping, Number) {
  EXPECT_TRUE(isSubtypeOf(intType(), numberType()));
  EXPECT_TRUE(isSubtypeOf(floatType(), numberType()));
  EXPECT_TRUE(isSubtypeOf(complexType(), numberType()));
  EXPECT_FALSE(isSubtypeOf(boolType(), numberType()));  // `tensor + True` matches no overload
  EXPECT_FALSE(isSubtypeOf(numberType(), intType()));
  EXPECT_TRUE(isSubtypeOf(intType(), optionalOf(numberType())));
  EXPECT_TRUE(isSubtypeOf(numberType(), unionOf({intType(), floatType(), complexType(), strType()})));
  EXPECT_FALSE(isSubtypeOf(numberType(), unionOf({intType(), floatType()})));
  EXPECT_TRUE(isSubtypeOf(unionOf({intType(), floatType()}), numberType()));
}

TensorDetails floatDetails(std::vector<std::optional<int64_t>> sizes) {
  TensorDetails d;
  d.dtype = ScalarKind::Float;
  d.sizes = std::move(sizes);
  return d;
}

TEST(Subtyping, RefinedTensorsAreTensors) {
  TypePtr f23 = tensorTypeWith(floatDetails({2, 3}));
  TypePtr f2x = tensorTypeWith(floatDetails({2, std::nullopt}));
  EXPECT_TRUE(isSubtypeOf(f23, tensorType()));
  EXPECT_TRUE(isSubtypeOf(f23, f2x));
  EXPECT_FALSE(isSubtypeOf(f2x, f23));
  EXPECT_FALSE(isSubtypeOf(tensorType(), f23));
  EXPECT_TRUE(isSubtypeOf(f23, optionalOf(tensorType())));
  TensorDetails grad;
  grad.requiresGrad = false;
  EXPECT_TRUE(isSubtypeOf(f23, tensorTypeWith(grad)) == false);  // f23 says nothing of grad
}

TEST(Subtyping, ListsAndDictsAreInvariant) {
  EXPECT_FALSE(isSubtypeOf(listOf(intType()), listOf(optionalOf(intType()))));
  EXPECT_FALSE(isSubtypeOf(listOf(tensorTypeWith(floatDetails({2}))), listOf(tensorType())));
  EXPECT_TRUE(isSubtypeOf(listOf(intType()), anyListType()));
  EXPECT_FALSE(isSubtypeOf(dictOf(strType(), intType()), dictOf(strType(), optionalOf(intType()))));
  EXPECT_TRUE(isSubtypeOf(dictOf(strType(), intType()), dictOf(strType(), intType())));
}

TEST(Subtyping, TuplesAndFuturesAreCovariant) {
  EXPECT_TRUE(isSubtypeOf(tupleOf({intType(), noneType()}),
                          tupleOf({intType(), optionalOf(intType())})));
  EXPECT_FALSE(isSubtypeOf(tupleOf({intType()}), tupleOf({intType(), intType()})));
  EXPECT_TRUE(isSubtypeOf(tupleOf({intType()}), anyTupleType()));
  EXPECT_TRUE(isSubtypeOf(futureOf(intType()), futureOf(optionalOf(intType()))));
  EXPECT_FALSE(isSubtypeOf(rrefOf(intType()), rrefOf(optionalOf(intType()))));
}

TEST(Subtyping, NamedTuplesAreTuplesButNotTheOtherWayRound) {
  TypePtr nt = namedTupleOf("__torch__.NT", {"x", "y"}, {intType(), tensorType()});
  TypePtr plain = tupleOf({intType(), tensorType()});
  EXPECT_TRUE(isSubtypeOf(nt, plain));
  EXPECT_FALSE(isSubtypeOf(plain, nt));
  EXPECT_FALSE(*nt == *plain);
  EXPECT_TRUE(*nt == *namedTupleOf("__torch__.NT", {"x", "y"}, {intType(), tensorType()}));
}

// ---- unification -------------------------------------------------------------------------

std::string unified(const TypePtr& a, const TypePtr& b) {
  std::optional<TypePtr> t = unifyTypes(a, b);
  return t ? (*t)->str() : "<none>";
}

TEST(Unify, EqualTypesAndSubtypes) {
  EXPECT_EQ(unified(intType(), intType()), "int");
  EXPECT_EQ(unified(intType(), optionalOf(intType())), "int?");
  EXPECT_EQ(unified(anyType(), intType()), "Any");
}

TEST(Unify, ValueAndNoneJoinAsOptional) {
  // `if c: y = [1] else: y = None` -> int[]? (torch.jit.script).
  EXPECT_EQ(unified(listOf(intType()), noneType()), "int[]?");
  EXPECT_EQ(unified(noneType(), intType()), "int?");
  EXPECT_EQ(unified(noneType(), noneType()), "NoneType");
}

TEST(Unify, DifferentTypesDoNotUnify) {
  EXPECT_EQ(unified(intType(), floatType()), "<none>");
  EXPECT_EQ(unified(intType(), tensorType()), "<none>");
  // Optional[int] vs Optional[float]: "Type mismatch: y is set to type Optional[int] in the
  // true branch and type Optional[float] in the false branch" (torch.jit.script).
  EXPECT_EQ(unified(optionalOf(intType()), optionalOf(floatType())), "<none>");
  EXPECT_EQ(unified(listOf(intType()), listOf(floatType())), "<none>");
  // Lists are invariant, so List[int] and List[None] do not join as List[int?].
  EXPECT_EQ(unified(listOf(intType()), listOf(noneType())), "<none>");
}

TEST(Unify, OptionalWithValue) {
  TypePtr f2 = tensorTypeWith(floatDetails({2}));
  TypePtr f3 = tensorTypeWith(floatDetails({3}));
  EXPECT_EQ(unified(optionalOf(f2), f3), "Float(*)?");
}

TEST(Unify, TuplesUnifyElementwise) {
  // (int, int?) and (int, NoneType) -> (int, int?) (torch.jit.script).
  EXPECT_EQ(unified(tupleOf({intType(), optionalOf(intType())}), tupleOf({intType(), noneType()})),
            "(int, int?)");
  EXPECT_EQ(unified(tupleOf({intType(), noneType()}), tupleOf({intType(), intType()})),
            "(int, int?)");
  EXPECT_EQ(unified(tupleOf({intType()}), tupleOf({intType(), intType()})), "<none>");
}

TEST(Unify, TensorsMergeTheirDetails) {
  TypePtr f23 = tensorTypeWith(floatDetails({2, 3}));
  TypePtr f24 = tensorTypeWith(floatDetails({2, 4}));
  EXPECT_EQ(unified(f23, f24), "Float(2, *)");
  EXPECT_EQ(unified(f23, tensorTypeWith(floatDetails({2}))), "FloatTensor");
  // Lists of differently refined tensors join as lists of plain tensors.
  EXPECT_EQ(unified(listOf(f23), listOf(f24)), "Tensor[]");
  EXPECT_EQ(unified(dictOf(strType(), f23), dictOf(strType(), f24)), "Dict(str, Tensor)");
}

TEST(Unify, DefaultToUnionAndTypeHint) {
  UnifyOptions toUnion;
  toUnion.defaultToUnion = true;
  // [1, 2.0] -> List[Union[float, int]].
  std::optional<TypePtr> u = unifyTypes(intType(), floatType(), toUnion);
  ASSERT_TRUE(u);
  EXPECT_EQ((*u)->annotationStr(), "Union[float, int]");

  UnifyOptions hint;
  hint.typeHint = optionalOf(numberType());
  std::optional<TypePtr> h = unifyTypes(intType(), floatType(), hint);
  ASSERT_TRUE(h);
  EXPECT_EQ((*h)->str(), "Scalar?");
}

TEST(Unify, TypeList) {
  std::string whyNot;
  EXPECT_EQ((*unifyTypeList({intType(), noneType(), intType()}))->str(), "int?");
  EXPECT_FALSE(unifyTypeList({intType(), intType(), strType()}, {}, &whyNot));
  EXPECT_EQ(whyNot,
            "Could not unify type list since element 2 of type str did not match the types "
            "before it (int)");
  EXPECT_FALSE(unifyTypeList({}, {}, &whyNot));
  EXPECT_EQ(whyNot, "Cannot get unified type from empty list");
}

TEST(Unify, UnshapedType) {
  TypePtr f23 = tensorTypeWith(floatDetails({2, 3}));
  EXPECT_EQ(unshapedType(tupleOf({listOf(f23), optionalOf(f23)}))->str(), "(Tensor[], Tensor?)");
}

}  // namespace
}  // namespace tscript::types
