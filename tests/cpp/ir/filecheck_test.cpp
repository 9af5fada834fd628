// FileCheck directives, semantics and failure messages.
#include <gtest/gtest.h>

#include "ir/filecheck.h"

namespace tscript::ir {
namespace {

const char* kInput =
    "graph(%x : Tensor):\n"
    "  %1 : int = prim::Constant[value=1]()\n"
    "  %2 : Tensor = aten::add(%x, %x, %1)\n"
    "  %3 : Tensor = aten::mul(%2, %2)\n"
    "  %4 : Tensor = aten::add(%3, %x, %1)\n"
    "  return (%4)\n";

bool passes(const std::string& checks) { return FileCheck::fromCheckText(checks).run(kInput).ok; }
std::string failure(const std::string& checks) {
  return FileCheck::fromCheckText(checks).run(kInput).message;
}

TEST(FileCheck, CheckInOrder) {
  EXPECT_TRUE(passes("# CHECK: prim::Constant\n# CHECK: aten::mul\n# CHECK: return"));
  EXPECT_FALSE(passes("# CHECK: aten::mul\n# CHECK: prim::Constant"));
}

TEST(FileCheck, CheckNext) {
  EXPECT_TRUE(passes("CHECK: prim::Constant\nCHECK-NEXT: aten::add\nCHECK-NEXT: aten::mul"));
  EXPECT_FALSE(passes("CHECK: prim::Constant\nCHECK-NEXT: aten::mul"));
  EXPECT_FALSE(passes("CHECK: aten::add\nCHECK-NEXT: %x"));  // same line is not the next line
}

TEST(FileCheck, CheckSame) {
  EXPECT_TRUE(passes("CHECK: aten::mul\nCHECK-SAME: (%2, %2)"));
  EXPECT_FALSE(passes("CHECK: aten::mul\nCHECK-SAME: %4"));
}

TEST(FileCheck, CheckNot) {
  EXPECT_TRUE(passes("CHECK: aten::mul\nCHECK-NOT: aten::mul\nCHECK: return"));
  EXPECT_FALSE(passes("CHECK: prim::Constant\nCHECK-NOT: aten::mul\nCHECK: return"));
  EXPECT_TRUE(passes("CHECK: return\nCHECK-NOT: aten"));
  EXPECT_FALSE(passes("CHECK-NOT: aten::sub\nCHECK-NOT: aten::mul"));
}

TEST(FileCheck, CheckDagMatchesInAnyOrder) {
  EXPECT_TRUE(passes("CHECK-DAG: aten::mul\nCHECK-DAG: prim::Constant\nCHECK: return"));
  // Two DAG checks may not claim the same text.
  EXPECT_FALSE(passes("CHECK: aten::mul\nCHECK-DAG: aten::add\nCHECK-DAG: aten::add"));
  EXPECT_TRUE(passes("CHECK-DAG: aten::add\nCHECK-DAG: aten::add"));
}

TEST(FileCheck, CheckCount) {
  EXPECT_TRUE(passes("CHECK-COUNT-2: aten::add\nCHECK-NOT: aten::add"));
  EXPECT_FALSE(passes("CHECK-COUNT-3: aten::add"));
  EXPECT_NE(failure("CHECK-COUNT-3: aten::add").find("found 2 of 3 occurrences"), std::string::npos);
}

TEST(FileCheck, CheckLabelBoundsRegions) {
  const char* input = "def f:\n  a\n  b\ndef g:\n  c\n";
  auto run = [&](const std::string& checks) { return FileCheck::fromCheckText(checks).run(input).ok; };
  EXPECT_TRUE(run("CHECK-LABEL: def f\nCHECK: b\nCHECK-LABEL: def g\nCHECK: c"));
  // `c` is not between the labels f and g.
  EXPECT_FALSE(run("CHECK-LABEL: def f\nCHECK: c\nCHECK-LABEL: def g"));
  EXPECT_TRUE(run("CHECK-LABEL: def f\nCHECK-NOT: c\nCHECK-LABEL: def g"));
  EXPECT_TRUE(run("CHECK-LABEL: def g\nCHECK-NEXT: c"));
  EXPECT_FALSE(run("CHECK-LABEL: def f\nCHECK-NEXT: b"));
}

TEST(FileCheck, Regex) {
  EXPECT_TRUE(passes("CHECK: %{{[0-9]+}} : Tensor = aten::mul"));
  EXPECT_FALSE(passes("CHECK: %{{[a-z]+}} : Tensor = aten::mul"));
  EXPECT_TRUE(passes("CHECK: value={{1|2}}]"));
  EXPECT_TRUE(passes("CHECK: aten::mul(%2, %2){{$}}"));
  EXPECT_TRUE(passes("CHECK: aten::mul\nCHECK: {{^}}  %4"));
  EXPECT_FALSE(passes("CHECK: aten::mul\nCHECK: {{^}}%4"));
}

TEST(FileCheck, BuilderApi) {
  FileCheck fc;
  fc.check("aten::add").checkNext("aten::mul").checkNot("aten::sub").checkCount("%", 3);
  EXPECT_TRUE(fc.run(kInput).ok);
}

TEST(FileCheck, FailureMessageNamesDirectiveAndLine) {
  std::string message = failure("# CHECK: aten::add\n# CHECK-NEXT: aten::sub\n");
  EXPECT_EQ(message,
            "CHECK-NEXT: aten::sub  (check file line 2)\n"
            "  error: expected string not found\n"
            "  scanning from input line 3:\n"
            "      %2 : Tensor = aten::add(%x, %x, %1)\n"
            "                             ^");
  message = failure("CHECK: aten::mul\nCHECK-NOT: aten::add\nCHECK: return");
  EXPECT_NE(message.find("CHECK-NOT: aten::add"), std::string::npos);
  EXPECT_NE(message.find("found a match where none is allowed"), std::string::npos);
  EXPECT_NE(message.find("at input line 5:\n      %4 : Tensor = aten::add(%3, %x, %1)\n"
                         "                    ^"),
            std::string::npos)
      << message;
}

TEST(FileCheck, MalformedCheckFiles) {
  EXPECT_THROW(FileCheck::fromCheckText("nothing here"), FileCheckError);
  EXPECT_THROW(FileCheck::fromCheckText("CHECK-NEXT: x"), FileCheckError);
  EXPECT_THROW(FileCheck::fromCheckText("CHECK-NXT: x"), FileCheckError);
  EXPECT_THROW(FileCheck::fromCheckText("CHECK:   "), FileCheckError);
  EXPECT_THROW(FileCheck::fromCheckText("CHECK: {{[}}"), FileCheckError);
  // Words that merely contain the prefix are not directives.
  EXPECT_EQ(FileCheck::fromCheckText("PRECHECK: a\nCHECK: b").directives().size(), 1u);
}

}  // namespace
}  // namespace tscript::ir
