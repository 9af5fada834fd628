// Errors reported against source code. All compile errors in tscript (parse, type, compile)
// share one shape:
//
//   file.py:3:8: error: message
//   <the source line>
//           ^~~~
//
// followed by optional notes (for example the chain of calls that led to compiling a function).
// An error or note without a source range is just `error: message` / `note: message`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "lang/source.h"

namespace tscript::lang {

struct DiagnosticNote {
  SourceRange range;  // may be invalid: then only the message is printed
  std::string message;
};

class CompileError : public std::runtime_error {
 public:
  CompileError(SourceRange range, std::string message);

  const SourceRange& range() const { return range_; }
  const std::string& message() const { return message_; }
  const std::vector<DiagnosticNote>& notes() const { return notes_; }

  // Adds context such as "while compiling function 'f' called from here"; returns *this so
  // that a catch block can add a note and rethrow.
  CompileError& addNote(SourceRange range, std::string message);

  // The full text: location, message, excerpt with caret, then the notes.
  std::string render() const;
  const char* what() const noexcept override { return rendered_.c_str(); }

 private:
  SourceRange range_;
  std::string message_;
  std::vector<DiagnosticNote> notes_;
  std::string rendered_;
};

// Renders one `file:line:col: <severity>: message` block with its excerpt.
std::string renderDiagnostic(const SourceRange& range, const std::string& severity,
                             const std::string& message);

}  // namespace tscript::lang
