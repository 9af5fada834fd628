// Where the text of a generated source came from. An archive's printed code file read with its
// `.debug_pkl` record maps each byte offset of the printed text back to the range of the
// user's Python that produced it: 1.13's "original code" in tracebacks, and the ranges a
// re-save records.
//
// The origins of a file are kept beside it rather than in SourceFile, which every stage
// shares: the registry holds weak references only, so the owner of the origins (the
// archive's importer) decides how long they live, and a file allocated later at the same
// address never inherits them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "lang/source.h"

namespace tscript::lang {

class SourceOrigins {
 public:
  virtual ~SourceOrigins() = default;
  // The original range that generated the text at `offset`; nullopt when none is known (an
  // invalid range: the text was printed from no source).
  virtual std::optional<SourceRange> rangeThatGenerated(uint32_t offset) const = 0;
};

// Records that `file` was generated and where from, for as long as both are alive.
// Thread-safe.
void setSourceOrigins(const SourceFilePtr& file, const std::shared_ptr<const SourceOrigins>& origins);
// The origins of `file`, or null for a file nothing generated (user source). Thread-safe.
std::shared_ptr<const SourceOrigins> sourceOriginsOf(const SourceFile* file);

// A traceback frame as 1.13 prints one (print_with_context): `  File "name", line N, in
// function`, two lines of context before, the lines of the range each followed by tildes
// under its non-blank part (` <--- HERE` after the last), then two lines of context after.
// Empty for an invalid range.
std::string tracebackFrame(const SourceRange& range, const std::string& functionName);

}  // namespace tscript::lang
