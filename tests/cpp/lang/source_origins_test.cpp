// 1.13's traceback frames (context lines, tildes per line of a range) and the registry of
// generated sources' origins (weak: a dead file or dead origins are forgotten).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lang/source_origins.h"

namespace tscript::lang {
namespace {

const char* kCode =
    "def f(x):\n"
    "    a = 1\n"
    "    b = 2\n"
    "    c = g(x,\n"
    "          a)\n"
    "    d = 3\n"
    "    e = 4\n"
    "    return c\n";

SourceRange rangeOf(const SourceFilePtr& file, const std::string& text) {
  size_t at = file->text().find(text);
  return SourceRange(file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + text.size()));
}

TEST(TracebackFrame, TwoLinesOfContextAroundAOneLineRange) {
  auto file = std::make_shared<SourceFile>("m.py", kCode, 10);
  EXPECT_EQ(tracebackFrame(rangeOf(file, "3"), "f"),
            "  File \"m.py\", line 15, in f\n"
            "    c = g(x,\n"
            "          a)\n"
            "    d = 3\n"
            "        ~ <--- HERE\n"
            "    e = 4\n"
            "    return c\n");
}

TEST(TracebackFrame, EachLineOfARangeIsUnderlined) {
  auto file = std::make_shared<SourceFile>("m.py", kCode, 1);
  EXPECT_EQ(tracebackFrame(rangeOf(file, "g(x,\n          a)"), "f"),
            "  File \"m.py\", line 4, in f\n"
            "    a = 1\n"
            "    b = 2\n"
            "    c = g(x,\n"
            "        ~~~~\n"
            "          a)\n"
            "          ~~ <--- HERE\n"
            "    d = 3\n"
            "    e = 4\n");
}

TEST(TracebackFrame, AtTheStartOfAFileAndWithoutAFunctionName) {
  auto file = std::make_shared<SourceFile>("m.py", "x = y\n", 1);
  EXPECT_EQ(tracebackFrame(rangeOf(file, "y"), ""), "  File \"m.py\", line 1\nx = y\n    ~ <--- HERE\n");
  EXPECT_EQ(tracebackFrame(SourceRange(), "f"), "");
}

class FixedOrigin : public SourceOrigins {
 public:
  explicit FixedOrigin(SourceRange range) : range_(std::move(range)) {}
  std::optional<SourceRange> rangeThatGenerated(uint32_t) const override { return range_; }

 private:
  SourceRange range_;
};

TEST(SourceOrigins, RegisteredWhileBothLive) {
  auto original = std::make_shared<SourceFile>("m.py", kCode, 1);
  auto printed = std::make_shared<SourceFile>("code/__torch__.py", "torch.add(x, 1)\n");
  EXPECT_EQ(sourceOriginsOf(printed.get()), nullptr);
  auto origins = std::make_shared<FixedOrigin>(rangeOf(original, "a = 1"));
  setSourceOrigins(printed, origins);
  ASSERT_NE(sourceOriginsOf(printed.get()), nullptr);
  EXPECT_EQ(sourceOriginsOf(printed.get())->rangeThatGenerated(3)->text(), "a = 1");
  EXPECT_EQ(sourceOriginsOf(original.get()), nullptr);
  origins.reset();
  EXPECT_EQ(sourceOriginsOf(printed.get()), nullptr) << "the owner let the origins go";
}

}  // namespace
}  // namespace tscript::lang
