// FileCheck: checks that a text (usually a printed graph) contains ordered patterns, with the
// semantics of LLVM FileCheck and PyTorch's torch._C.FileCheck:
//
//   CHECK: p          p occurs after the previous match
//   CHECK-NEXT: p     p occurs on the line right after the previous match's line
//   CHECK-SAME: p     p occurs on the same line as the previous match, after it
//   CHECK-NOT: p      p does not occur between the previous match and the next one
//                     (or the end of the region, when no positive check follows)
//   CHECK-DAG: p      consecutive DAG checks match in any order, without overlapping
//   CHECK-COUNT-n: p  p occurs n times in a row (each after the previous)
//   CHECK-LABEL: p    p occurs once, in order; splits the input into regions so that the
//                     checks between two labels only look between those labels' matches
//
// Patterns match as plain substrings; `{{regex}}` inside a pattern is an ECMAScript regex.
// Leading and trailing blanks of a pattern are ignored.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tscript::ir {

enum class CheckKind { Check, Next, Same, Not, Dag, Count, Label };

struct CheckDirective {
  CheckKind kind;
  std::string pattern;
  size_t count = 1;     // CHECK-COUNT-n
  size_t sourceLine = 0;  // line in the check file (0 when built in code)
};

struct FileCheckResult {
  bool ok = true;
  std::string message;  // empty when ok: which directive failed, where, and the input line
};

class FileCheckError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FileCheck {
 public:
  FileCheck& check(std::string pattern) { return add(CheckKind::Check, std::move(pattern)); }
  FileCheck& checkNext(std::string pattern) { return add(CheckKind::Next, std::move(pattern)); }
  FileCheck& checkSame(std::string pattern) { return add(CheckKind::Same, std::move(pattern)); }
  FileCheck& checkNot(std::string pattern) { return add(CheckKind::Not, std::move(pattern)); }
  FileCheck& checkDag(std::string pattern) { return add(CheckKind::Dag, std::move(pattern)); }
  FileCheck& checkLabel(std::string pattern) { return add(CheckKind::Label, std::move(pattern)); }
  FileCheck& checkCount(std::string pattern, size_t count);

  // Reads the directives of a check file: every line containing `PREFIX:`, `PREFIX-NEXT:`, ...
  // (the prefix must not follow a letter, digit, `_` or `-`). Throws FileCheckError for
  // malformed directives (unknown suffix, empty pattern, a NEXT/SAME first).
  static FileCheck fromCheckText(std::string_view checkText, std::string_view prefix = "CHECK");

  const std::vector<CheckDirective>& directives() const { return directives_; }

  FileCheckResult run(std::string_view input) const;
  // run(), throwing FileCheckError with the failure message.
  void runOrThrow(std::string_view input) const;

 private:
  FileCheck& add(CheckKind kind, std::string pattern, size_t count = 1, size_t line = 0);
  std::vector<CheckDirective> directives_;
};

}  // namespace tscript::ir
