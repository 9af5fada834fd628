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

// `(x: int) -> int` etc.: a method signature for the interface tests.
MethodSignature sig(std::vector<std::string> names, std::vector<TypePtr> types, TypePtr result) {
  return MethodSignature{std::move(names), std::move(types), /*parameterDefaults=*/{}, std::move(result)};
}

TEST(InterfaceType, ClassesImplementingAllMethodsAreSubtypes) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.I");
  i->addMethod("f", sig({"x"}, {intType()}, intType()));
  ClassTypePtr good = ClassType::create("__torch__.Good");
  good->addMethod("f", sig({"x"}, {intType()}, intType()));
  good->addMethod("g", sig({}, {}, noneType()));
  ClassTypePtr wrongSignature = ClassType::create("__torch__.Wrong");
  wrongSignature->addMethod("f", sig({"x"}, {floatType()}, intType()));
  ClassTypePtr wrongName = ClassType::create("__torch__.WrongName");
  wrongName->addMethod("f", sig({"y"}, {intType()}, intType()));
  ClassTypePtr missing = ClassType::create("__torch__.Missing");

  EXPECT_TRUE(isSubtypeOf(good, i));
  EXPECT_FALSE(isSubtypeOf(wrongSignature, i));
  EXPECT_FALSE(isSubtypeOf(wrongName, i));  // 1.13 compares parameter names too
  EXPECT_FALSE(isSubtypeOf(missing, i));
  EXPECT_FALSE(isSubtypeOf(i, good));
  EXPECT_EQ(TypePtr(i)->str(), "InterfaceType<I>");  // c10 InterfaceType::str in 1.13
  EXPECT_EQ(TypePtr(i)->annotationStr(), "__torch__.I");

  // 1.13's texts (ClassType::isSubtypeOfExt), without its trailing newlines.
  std::string why;
  EXPECT_FALSE(implementsInterface(*missing, *i, &why));
  EXPECT_EQ(why, "Class '__torch__.Missing' does not have method 'f' but '__torch__.I' does.");
  EXPECT_FALSE(implementsInterface(*wrongSignature, *i, &why));
  EXPECT_EQ(why,
            "Method on class '__torch__.Wrong' (1) is not compatible with interface "
            "'__torch__.I' (2)\n"
            "  (1) f(__torch__.Wrong self, float x) -> int\n"
            "  (2) f(InterfaceType<I> self, int x) -> int");

  // Two classes sharing an interface unify to it when it is given as the hint.
  UnifyOptions hint;
  hint.typeHint = i;
  ClassTypePtr other = ClassType::create("__torch__.Other");
  other->addMethod("f", sig({"x"}, {intType()}, intType()));
  EXPECT_FALSE(unifyTypes(good, other));
  EXPECT_EQ((*unifyTypes(good, other, hint))->annotationStr(), "__torch__.I");
}

TEST(InterfaceType, ParametersAreContravariantResultsCovariant) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.I");
  i->addMethod("f", sig({"x"}, {intType()}, optionalOf(intType())));
  ClassTypePtr wider = ClassType::create("__torch__.Wider");
  wider->addMethod("f", sig({"x"}, {optionalOf(intType())}, intType()));
  EXPECT_TRUE(isSubtypeOf(wider, i));
  ClassTypePtr narrower = ClassType::create("__torch__.Narrower");
  narrower->addMethod("f", sig({"x"}, {intType()}, optionalOf(floatType())));
  EXPECT_FALSE(isSubtypeOf(narrower, i));
}

TEST(InterfaceType, MethodsNotCompiledYetComeFromTheProvider) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.I");
  i->addMethod("f", sig({}, {}, intType()));
  ClassTypePtr lazy = ClassType::create("__torch__.Lazy");
  std::vector<std::string> asked;
  ClassType* raw = lazy.get();
  lazy->setMethodProvider([&asked, raw](const std::string& name) {
    asked.push_back(name);
    if (name != "f") return false;
    raw->addMethod("f", sig({}, {}, intType()));
    return true;
  });
  EXPECT_TRUE(isSubtypeOf(lazy, i));
  EXPECT_TRUE(isSubtypeOf(lazy, i));  // recorded now: not asked again
  EXPECT_EQ(asked, std::vector<std::string>{"f"});
  EXPECT_EQ(lazy->findMethodSignature("g"), nullptr);
  lazy->setMethodProvider({});
}

TEST(InterfaceType, ModuleInterfacesNeedModules) {
  InterfaceTypePtr i = InterfaceType::create("__torch__.ModI", /*isModuleInterface=*/true);
  i->addMethod("forward", sig({"x"}, {tensorType()}, tensorType()));
  ClassTypePtr module = ClassType::create("__torch__.Mod", true);
  module->addMethod("forward", sig({"x"}, {tensorType()}, tensorType()));
  ClassTypePtr plain = ClassType::create("__torch__.Plain");
  plain->addMethod("forward", sig({"x"}, {tensorType()}, tensorType()));
  EXPECT_TRUE(isSubtypeOf(module, i));
  EXPECT_FALSE(isSubtypeOf(plain, i));
  std::string why;
  implementsInterface(*plain, *i, &why);
  EXPECT_EQ(why,
            "Class '__torch__.Plain' is not a subtype of the module interface '__torch__.ModI', "
            "only ScriptModule class can be subtype of module interface.");
}

TEST(InterfaceType, InterfaceWithMoreMethodsIsASubtype) {
  InterfaceTypePtr small = InterfaceType::create("__torch__.Small");
  small->addMethod("f", sig({}, {}, intType()));
  InterfaceTypePtr big = InterfaceType::create("__torch__.Big");
  big->addMethod("f", sig({}, {}, intType()));
  big->addMethod("g", sig({}, {}, intType()));
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
