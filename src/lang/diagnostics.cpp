#include "lang/diagnostics.h"

namespace tscript::lang {

std::string renderDiagnostic(const SourceRange& range, const std::string& severity,
                             const std::string& message) {
  // Without a range (an error about a whole function, a note) there is no place to show.
  std::string out = (range.valid() ? range.location() + ": " : "") + severity + ": " + message + "\n";
  out += range.excerpt();
  return out;
}

CompileError::CompileError(SourceRange range, std::string message)
    : std::runtime_error(""), range_(std::move(range)), message_(std::move(message)) {
  rendered_ = render();
}

CompileError& CompileError::addNote(SourceRange range, std::string message) {
  notes_.push_back({std::move(range), std::move(message)});
  rendered_ = render();
  return *this;
}

std::string CompileError::render() const {
  std::string out = renderDiagnostic(range_, "error", message_);
  for (const DiagnosticNote& note : notes_) out += renderDiagnostic(note.range, "note", note.message);
  return out;
}

}  // namespace tscript::lang
