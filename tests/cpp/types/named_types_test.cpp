#include <gtest/gtest.h>

#include "types/named_types.h"

namespace tscript::types {
namespace {

TEST(ClassType, AttributesKeepTheirOrderAndFlags) {
  ClassTypePtr m = ClassType::create("__torch__.M", /*isModule=*/true);
  EXPECT_EQ(m->addAttribute({"weight", tensorType(), /*isParameter=*/true}), 0u);
  EXPECT_EQ(m->addAttribute({"running_mean", tensorType(), false, /*isBuffer=*/true}), 1u);
  EXPECT_EQ(m->addAttribute({"count", intType()}), 2u);
  EXPECT_EQ(m->findAttributeSlot("count"), 2u);
  EXPECT_EQ(m->findAttributeSlot("nope"), std::nullopt);
  EXPECT_TRUE(m->findAttribute("weight")->isParameter);
  EXPECT_TRUE(m->findAttribute("running_mean")->isBuffer);
  EXPECT_THROW(m->addAttribute({"count", floatType()}), std::invalid_argument);
  EXPECT_TRUE(m->isModule());
  EXPECT_EQ(m->baseName(), "M");
  TypePtr asType = m;
  EXPECT_EQ(asType->str(), "__torch__.M");
  EXPECT_EQ(asType->annotationStr(), "__torch__.M");
}

TEST(ClassType, Constants) {
  ClassTypePtr c = ClassType::create("__torch__.C");
  c->addConstant("k", ConstantLiteral::ofInt(3));
  c->addConstant("shape", ConstantLiteral::ofTuple({ConstantLiteral::ofInt(1),
                                                    ConstantLiteral::ofStr("a"),
                                                    ConstantLiteral::none()}));
  EXPECT_EQ(c->findConstant("k")->intValue, 3);
  EXPECT_EQ(c->findConstant("shape")->type()->str(), "(int, str, NoneType)");
  EXPECT_EQ(ConstantLiteral::ofFloat(1.5).type(), floatType());
  EXPECT_EQ(ConstantLiteral::ofBool(true).type(), boolType());
  EXPECT_THROW(c->addConstant("k", ConstantLiteral::ofInt(4)), std::invalid_argument);
  EXPECT_THROW(c->addAttribute({"k", intType()}), std::invalid_argument);
}

TEST(ClassType, EqualByNameAndSubtypeOfAnyClass) {
  TypePtr a = ClassType::create("__torch__.A");
  EXPECT_TRUE(*a == *ClassType::create("__torch__.A"));
  EXPECT_FALSE(*a == *ClassType::create("__torch__.B"));
  EXPECT_TRUE(isSubtypeOf(a, anyClassType()));
  EXPECT_TRUE(isSubtypeOf(a, optionalOf(a)));
  EXPECT_FALSE(isSubtypeOf(a, ClassType::create("__torch__.B")));
}

TEST(InterfaceType, ClassesImplementingAllMethodsAreSubtypes) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.I");
  i->addMethod("f", "(int x) -> int");
  ClassTypePtr good = ClassType::create("__torch__.Good");
  good->addMethod("f", "(int x) -> int");
  good->addMethod("g", "() -> None");
  ClassTypePtr wrongSignature = ClassType::create("__torch__.Wrong");
  wrongSignature->addMethod("f", "(float x) -> int");
  ClassTypePtr missing = ClassType::create("__torch__.Missing");

  EXPECT_TRUE(isSubtypeOf(good, i));
  EXPECT_FALSE(isSubtypeOf(wrongSignature, i));
  EXPECT_FALSE(isSubtypeOf(missing, i));
  EXPECT_FALSE(isSubtypeOf(i, good));
  EXPECT_EQ(TypePtr(i)->str(), "InterfaceType<I>");  // c10 InterfaceType::str in 1.13
  EXPECT_EQ(TypePtr(i)->annotationStr(), "__torch__.I");

  std::string why;
  EXPECT_FALSE(implementsInterface(*missing, *i, &why));
  EXPECT_EQ(why, "Method 'f' of interface '__torch__.I' is missing from class '__torch__.Missing'");
  EXPECT_FALSE(implementsInterface(*wrongSignature, *i, &why));
  EXPECT_EQ(why,
            "Method 'f' of class '__torch__.Wrong' has signature (float x) -> int, but "
            "interface '__torch__.I' requires (int x) -> int");

  // Two classes sharing an interface unify to it when it is given as the hint.
  UnifyOptions hint;
  hint.typeHint = i;
  ClassTypePtr other = ClassType::create("__torch__.Other");
  other->addMethod("f", "(int x) -> int");
  EXPECT_FALSE(unifyTypes(good, other));
  EXPECT_EQ((*unifyTypes(good, other, hint))->annotationStr(), "__torch__.I");
}

TEST(InterfaceType, ModuleInterfacesNeedModules) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.ModI", /*isModuleInterface=*/true);
  i->addMethod("forward", "(Tensor x) -> Tensor");
  ClassTypePtr module = ClassType::create("__torch__.Mod", true);
  module->addMethod("forward", "(Tensor x) -> Tensor");
  ClassTypePtr plain = ClassType::create("__torch__.Plain");
  plain->addMethod("forward", "(Tensor x) -> Tensor");
  EXPECT_TRUE(isSubtypeOf(module, i));
  EXPECT_FALSE(isSubtypeOf(plain, i));
  std::string why;
  implementsInterface(*plain, *i, &why);
  EXPECT_EQ(why,
            "Only modules can implement the module interface '__torch__.ModI', and class "
            "'__torch__.Plain' is not a module");
}

TEST(InterfaceType, InterfaceWithMoreMethodsIsASubtype) {
  InterfaceTypePtr small = InterfaceType::create("__torch__.Small");
  small->addMethod("f", "() -> int");
  InterfaceTypePtr big = InterfaceType::create("__torch__.Big");
  big->addMethod("f", "() -> int");
  big->addMethod("g", "() -> int");
  EXPECT_TRUE(isSubtypeOf(big, small));
  EXPECT_FALSE(isSubtypeOf(small, big));
}

TEST(EnumType, SpellingMembersAndChecks) {
  // torch.jit.script graph: `%o : Enum<__torch__.E>`, code: `o: __torch__.E`.
  auto e = EnumType::create("__torch__.E", intType(),
                            {{"A", ConstantLiteral::ofInt(1)}, {"B", ConstantLiteral::ofInt(2)}});
  EXPECT_EQ(e->str(), "Enum<__torch__.E>");
  EXPECT_EQ(e->annotationStr(), "__torch__.E");
  EXPECT_EQ(e->findMember("B")->value.intValue, 2);
  EXPECT_EQ(e->findMember("C"), nullptr);
  EXPECT_TRUE(isSubtypeOf(e, anyEnumType()));
  EXPECT_EQ(unionOf({e, intType()})->str(), "Union(Enum<__torch__.E>, int)");
  EXPECT_THROW(EnumType::create("__torch__.F", intType(), {{"A", ConstantLiteral::ofStr("x")}}),
               std::invalid_argument);
  EXPECT_THROW(EnumType::create("__torch__.F", boolType(), {}), std::invalid_argument);
  EXPECT_THROW(EnumType::create("__torch__.F", strType(),
                                {{"A", ConstantLiteral::ofStr("x")}, {"A", ConstantLiteral::ofStr("y")}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace tscript::types
