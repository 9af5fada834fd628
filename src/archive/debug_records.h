// The `code/<path>.py.debug_pkl` records of an archive (ARCHIVE_FORMAT.md §3): for each piece
// of a printed code file, the range of the user's Python it was printed from. 1.13 writes them
// next to every code file and uses them in tracebacks ("Traceback of TorchScript, original
// code"); an archive without them loads and runs the same.
//
// Layout, as 1.13 writes it (FORMAT_WITH_STRING_TABLE):
//
//   ('FORMAT_WITH_STRING_TABLE',
//    ('', line0, line1, ..., filename, ...),          # every string once; entry 0 is ''
//    ((byte_offset, ((lines, filename, first_line), start, end), tag), ...))
//
// `lines` (a build_intlist) indexes the table: their concatenation is the source text, and
// `start`/`end` are offsets into it. One record per change of range; a range of no source is
// (([], 0, 0), 0, 0). Tags number the distinct ranges of the whole archive in the order they
// are met (the mobile format's debug handles). Sources are the user's functions with their
// original indentation, as Python's inspect gives them; ours are kept dedented
// (SourceFile::columnOf(0) is the indentation taken away), so the writer indents them back and moves the offsets along.
//
// The older layout (before string tables) is also read: a bare tuple of
// (byte_offset, ((text, filename, first_line), start, end)).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ir/code_printer.h"
#include "lang/source.h"
#include "lang/source_origins.h"
#include "serialize/zip_reader.h"

namespace tscript::archive {

// Numbers the source ranges of one archive's records in the order they are first met, across
// its code files (one range used in two files has one tag), as 1.13's serializer does.
class SourceRangeTags {
 public:
  int64_t tagOf(const lang::SourceRange& range);

 private:
  std::map<std::tuple<const void*, uint32_t, uint32_t>, int64_t> tags_;
};

// The `.debug_pkl` bytes (a pickle) for a code file printed with these ranges.
std::string debugRecordPickle(const std::vector<ir::PrintedSourceRange>& ranges,
                              SourceRangeTags& tags);

struct DebugRecord {
  uint64_t offset = 0;      // into the printed code file
  lang::SourceRange range;  // invalid: printed from no source
  int64_t tag = 0;
};

// The records of a `.debug_pkl`, in offset order; nullopt when the bytes are not a debug record
// (not a pickle, another shape, indices out of the table, offsets decreasing or ranges outside
// their source). Never throws.
std::optional<std::vector<DebugRecord>> decodeDebugRecords(std::string_view bytes,
                                                           const std::string& recordName);

// The origins of a code file read from `zip`: the debug record `recordName` (absent: none),
// read and decoded the first time a range is asked for, as 1.13 does (an error is the only
// reader). A malformed record gives no origins: 1.13 instead fails while formatting the error,
// which hides the error itself.
std::shared_ptr<const lang::SourceOrigins> archiveCodeOrigins(
    std::shared_ptr<const serialize::ZipReader> zip, std::string recordName);

}  // namespace tscript::archive
