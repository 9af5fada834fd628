// `.debug_pkl` records: writing 1.13's pickle from printed ranges, reading it back into origins.
#include "archive/debug_records.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "serialize/pickler.h"
#include "serialize/unpickler.h"

namespace tscript::archive {

using serialize::PickleKind;
using serialize::PickleValue;

namespace {

constexpr const char* kFormatWithStringTable = "FORMAT_WITH_STRING_TABLE";

// ---- writing ------------------------------------------------------------------------------

// The strings of one record's table, each once, '' first.
class StringTable {
 public:
  StringTable() { indexOf(""); }
  int64_t indexOf(const std::string& text) {
    auto [it, added] = indices_.try_emplace(text, static_cast<int64_t>(strings_.size()));
    if (added) strings_.push_back(text);
    return it->second;
  }
  PickleValue pickle() const {
    std::vector<PickleValue> items;
    items.reserve(strings_.size());
    for (const std::string& text : strings_) items.push_back(PickleValue::string(text));
    return PickleValue::tuple(std::move(items)).setMemoized(true);
  }

 private:
  std::unordered_map<std::string, int64_t> indices_;
  std::vector<std::string> strings_;
};

PickleValue intList(const std::vector<int64_t>& values) {
  std::vector<PickleValue> items;
  items.reserve(values.size());
  for (int64_t value : values) items.push_back(PickleValue::integer(value));
  // `build_intlist([...])`, the argument list in a MARK tuple, as 1.13 writes c10::List<int>.
  return PickleValue::reduce(
      PickleValue::global("torch.jit._pickle", "build_intlist"),
      PickleValue::tuple({PickleValue::list(std::move(items))}, serialize::TupleEncoding::Marked));
}

// A source as the record spells it, written once per record (later uses are memo fetches),
// with the offsets of its dedented text mapped to the indented text the table holds.
class SerializedSource {
 public:
  SerializedSource(const lang::SourceFile& file, StringTable& strings) {
    const std::string& text = file.text();
    const uint32_t indentation = file.columnOf(0);  // what the snippet was dedented by
    const std::string indent(indentation, ' ');
    std::vector<int64_t> lines;
    size_t begin = 0;
    while (true) {
      lineStarts_.push_back(static_cast<uint32_t>(begin));
      size_t newline = text.find('\n', begin);
      if (newline == std::string::npos) {
        // The part after the last newline ('' for text that ends with one), as 1.13 splits.
        std::string last = text.substr(begin);
        lines.push_back(strings.indexOf(last.empty() ? last : indent + last));
        break;
      }
      lines.push_back(strings.indexOf(indent + text.substr(begin, newline + 1 - begin)));
      begin = newline + 1;
    }
    indent_ = indentation;
    node_ = PickleValue::tuple({intList(lines), PickleValue::integer(strings.indexOf(file.name())),
                                PickleValue::integer(file.lineOf(0))})
                .setMemoized(true);
  }

  const PickleValue& node() const { return node_; }

  // Each line before and including the offset's own got `indent_` more bytes.
  int64_t indentedOffset(uint32_t offset) const {
    size_t line = static_cast<size_t>(std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset) -
                                      lineStarts_.begin());
    return static_cast<int64_t>(offset) + static_cast<int64_t>(indent_) * static_cast<int64_t>(line);
  }

 private:
  std::vector<uint32_t> lineStarts_;
  uint32_t indent_ = 0;
  PickleValue node_;
};

// ---- reading ------------------------------------------------------------------------------

// Thrown inside decoding for any shape it does not expect; never leaves this file.
struct Malformed {};

const PickleValue& itemAt(const PickleValue& tuple, size_t index) {
  if (!tuple.is(PickleKind::Tuple) || tuple.items().size() <= index) throw Malformed{};
  return tuple.items()[index];
}

int64_t intOf(const PickleValue& value) {
  if (!value.is(PickleKind::Int)) throw Malformed{};
  return value.toInt();
}

const std::string& stringOf(const PickleValue& value) {
  if (!value.is(PickleKind::String)) throw Malformed{};
  return value.toStringRef();
}

// The ints of `build_intlist([...])` (or of a plain list).
std::vector<int64_t> intsOf(const PickleValue& value) {
  const PickleValue* list = &value;
  if (value.is(PickleKind::Object)) {
    const PickleValue& callable = value.callable();
    if (!callable.is(PickleKind::Global) || callable.globalQualifiedName() != "torch.jit._pickle.build_intlist") {
      throw Malformed{};
    }
    list = &itemAt(value.args(), 0);
  }
  if (!list->is(PickleKind::List)) throw Malformed{};
  std::vector<int64_t> ints;
  for (const PickleValue& item : list->items()) ints.push_back(intOf(item));
  return ints;
}

class RecordDecoder {
 public:
  RecordDecoder(const PickleValue* strings, std::string recordName)
      : strings_(strings), recordName_(std::move(recordName)) {}

  DebugRecord record(const PickleValue& tuple) {
    DebugRecord record;
    int64_t offset = intOf(itemAt(tuple, 0));
    if (offset < 0) throw Malformed{};
    record.offset = static_cast<uint64_t>(offset);
    record.range = range(itemAt(tuple, 1));
    if (strings_) record.tag = intOf(itemAt(tuple, 2));
    return record;
  }

 private:
  lang::SourceRange range(const PickleValue& tuple) {
    lang::SourceFilePtr file = source(itemAt(tuple, 0));
    int64_t start = intOf(itemAt(tuple, 1));
    int64_t end = intOf(itemAt(tuple, 2));
    if (!file) return lang::SourceRange();  // (([], 0, 0), 0, 0): no source
    int64_t size = static_cast<int64_t>(file->text().size());
    if (start < 0 || start > end || start > size) throw Malformed{};
    // 1.13's own ranges may run past a source's end; the text they can show stops there.
    return lang::SourceRange(file, static_cast<uint32_t>(start), static_cast<uint32_t>(std::min(end, size)));
  }

  // The same source node (a memo fetch) gives the same SourceFile.
  lang::SourceFilePtr source(const PickleValue& tuple) {
    auto known = sources_.find(tuple.identity());
    if (known != sources_.end()) return known->second;
    std::string text;
    std::string name;
    const PickleValue& first = itemAt(tuple, 0);
    if (strings_) {
      for (int64_t index : intsOf(first)) text += tableString(index);
      name = tableString(intOf(itemAt(tuple, 1)));
    } else {
      text = stringOf(first);
      const PickleValue& filename = itemAt(tuple, 1);
      if (!filename.isNone()) name = stringOf(filename);
    }
    int64_t firstLine = intOf(itemAt(tuple, 2));
    if (firstLine < 0 || firstLine > UINT32_MAX) throw Malformed{};
    lang::SourceFilePtr file;
    if (!text.empty() || !name.empty()) {
      file = std::make_shared<lang::SourceFile>(name.empty() ? recordName_ : name, std::move(text),
                                                static_cast<uint32_t>(firstLine));
    }
    sources_.emplace(tuple.identity(), file);
    return file;
  }

  const std::string& tableString(int64_t index) const {
    const auto& items = strings_->items();
    if (index < 0 || static_cast<uint64_t>(index) >= items.size()) throw Malformed{};
    return stringOf(items[static_cast<size_t>(index)]);
  }

  const PickleValue* strings_;  // the string table; null for the older layout
  std::string recordName_;
  std::unordered_map<const void*, lang::SourceFilePtr> sources_;
};

class ArchiveCodeOrigins : public lang::SourceOrigins {
 public:
  ArchiveCodeOrigins(std::shared_ptr<const serialize::ZipReader> zip, std::string recordName)
      : zip_(std::move(zip)), recordName_(std::move(recordName)) {}

  std::optional<lang::SourceRange> rangeThatGenerated(uint32_t offset) const override {
    std::call_once(decoded_, [this] {
      try {
        if (!zip_->hasRecord(recordName_)) return;
        serialize::RecordBytes bytes = zip_->readRecord(recordName_);
        if (auto decoded = decodeDebugRecords(bytes.text(), zip_->archivePrefix() + "/" + recordName_)) {
          records_ = std::move(*decoded);
        }
      } catch (...) {
        records_.clear();  // an unreadable record (bad CRC, bad deflate stream): no origins
      }
    });
    // The last record at or before the offset (1.13's findSourceRangeThatGenerated).
    auto after = std::upper_bound(records_.begin(), records_.end(), offset,
                                  [](uint32_t at, const DebugRecord& record) { return at < record.offset; });
    if (after == records_.begin()) return std::nullopt;
    return std::prev(after)->range;
  }

 private:
  std::shared_ptr<const serialize::ZipReader> zip_;
  std::string recordName_;
  mutable std::once_flag decoded_;
  mutable std::vector<DebugRecord> records_;
};

}  // namespace

int64_t SourceRangeTags::tagOf(const lang::SourceRange& range) {
  auto key = std::make_tuple(static_cast<const void*>(range.file.get()), range.valid() ? range.start : 0u,
                             range.valid() ? range.end : 0u);
  auto [it, added] = tags_.try_emplace(key, static_cast<int64_t>(tags_.size()));
  return it->second;
}

std::string debugRecordPickle(const std::vector<ir::PrintedSourceRange>& ranges, SourceRangeTags& tags) {
  StringTable strings;
  std::unordered_map<const lang::SourceFile*, std::unique_ptr<SerializedSource>> sources;
  PickleValue noSource;  // (([], 0, 0), shared by every range of no source
  std::vector<PickleValue> records;
  records.reserve(ranges.size());
  for (const ir::PrintedSourceRange& printed : ranges) {
    const lang::SourceRange& range = printed.range;
    PickleValue rangeValue;
    if (!range.valid()) {
      if (noSource.kind() == PickleKind::None) {
        noSource = PickleValue::tuple({intList({}), PickleValue::integer(0), PickleValue::integer(0)})
                       .setMemoized(true);
      }
      rangeValue = PickleValue::tuple({noSource, PickleValue::integer(0), PickleValue::integer(0)});
    } else {
      std::unique_ptr<SerializedSource>& source = sources[range.file.get()];
      if (!source) source = std::make_unique<SerializedSource>(*range.file, strings);
      rangeValue = PickleValue::tuple({source->node(), PickleValue::integer(source->indentedOffset(range.start)),
                                       PickleValue::integer(source->indentedOffset(range.end))});
    }
    records.push_back(PickleValue::tuple({PickleValue::integer(static_cast<int64_t>(printed.offset)),
                                          std::move(rangeValue), PickleValue::integer(tags.tagOf(range))}));
  }
  // The table is complete only now, but it is written before the records that fill it.
  PickleValue root = PickleValue::tuple({PickleValue::string(kFormatWithStringTable), strings.pickle(),
                                         PickleValue::tuple(std::move(records)).setMemoized(true)});
  return serialize::pickle(root);
}

std::optional<std::vector<DebugRecord>> decodeDebugRecords(std::string_view bytes,
                                                           const std::string& recordName) {
  try {
    PickleValue root = serialize::unpickle(bytes, recordName);
    const PickleValue* strings = nullptr;
    const PickleValue* records = &root;
    if (root.is(PickleKind::Tuple) && root.items().size() == 3 && root.items()[0].is(PickleKind::String) &&
        root.items()[0].toStringRef() == kFormatWithStringTable) {
      strings = &root.items()[1];
      records = &root.items()[2];
      if (!strings->is(PickleKind::Tuple)) return std::nullopt;
    }
    if (!records->is(PickleKind::Tuple)) return std::nullopt;
    RecordDecoder decoder(strings, recordName);
    std::vector<DebugRecord> decoded;
    decoded.reserve(records->items().size());
    for (const PickleValue& record : records->items()) {
      decoded.push_back(decoder.record(record));
      // Lookups are binary searches by offset.
      if (decoded.size() > 1 && decoded[decoded.size() - 2].offset > decoded.back().offset) return std::nullopt;
    }
    return decoded;
  } catch (...) {
    // SerializeError from the unpickler, Malformed from the decoder, bad_alloc of a huge table
    return std::nullopt;
  }
}

std::shared_ptr<const lang::SourceOrigins> archiveCodeOrigins(std::shared_ptr<const serialize::ZipReader> zip,
                                                              std::string recordName) {
  return std::make_shared<ArchiveCodeOrigins>(std::move(zip), std::move(recordName));
}

}  // namespace tscript::archive
