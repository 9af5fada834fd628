// The pickle writer (see pickler.h for the byte conventions it follows).
#include "serialize/pickler.h"

#include <bit>
#include <limits>
#include <unordered_map>

#include "serialize/pickle_opcodes.h"
#include "serialize/serialize_error.h"

namespace tscript::serialize {
namespace {

class PickleWriter {
 public:
  std::string finish(const PickleValue& root) {
    op(PickleOpcode::PROTO);
    byte(2);
    write(root);
    op(PickleOpcode::STOP);
    return std::move(out_);
  }

 private:
  void byte(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void op(PickleOpcode opcode) { byte(static_cast<uint8_t>(opcode)); }
  void littleEndian(uint64_t value, int width) {
    for (int i = 0; i < width; ++i) byte(static_cast<uint8_t>(value >> (8 * i)));
  }
  void lengthPrefixed(const std::string& text) {
    if (text.size() > std::numeric_limits<uint32_t>::max()) {
      throw SerializeError("pickle: a string of " + std::to_string(text.size()) +
                           " bytes does not fit BINUNICODE's 32-bit length");
    }
    littleEndian(text.size(), 4);
    out_ += text;
  }

  void writeInt(int64_t value) {
    if (value >= 0 && value <= 0xff) {
      op(PickleOpcode::BININT1);
      byte(static_cast<uint8_t>(value));
    } else if (value >= 0 && value <= 0xffff) {
      op(PickleOpcode::BININT2);
      littleEndian(static_cast<uint64_t>(value), 2);
    } else if (value >= std::numeric_limits<int32_t>::min() &&
               value <= std::numeric_limits<int32_t>::max()) {
      op(PickleOpcode::BININT);
      littleEndian(static_cast<uint32_t>(static_cast<int32_t>(value)), 4);
    } else {
      op(PickleOpcode::LONG1);
      byte(8);
      littleEndian(static_cast<uint64_t>(value), 8);
    }
  }

  void memoGet(uint64_t id) {
    if (id <= 0xff) {
      op(PickleOpcode::BINGET);
      byte(static_cast<uint8_t>(id));
    } else {
      op(PickleOpcode::LONG_BINGET);
      littleEndian(id, 4);
    }
  }
  uint64_t memoPut() {
    uint64_t id = nextMemoId_++;
    if (id <= 0xff) {
      op(PickleOpcode::BINPUT);
      byte(static_cast<uint8_t>(id));
    } else {
      op(PickleOpcode::LONG_BINPUT);
      littleEndian(id, 4);
    }
    return id;
  }

  // Returns the memo id when `value` (or, for strings and globals, an equal value) was
  // already written and memoized.
  const uint64_t* findMemoized(const PickleValue& value) const {
    if (auto it = byIdentity_.find(value.identity()); it != byIdentity_.end()) return &it->second;
    if (!value.memoized()) return nullptr;
    if (value.is(PickleKind::String)) {
      if (auto it = strings_.find(value.toStringRef()); it != strings_.end()) return &it->second;
    } else if (value.is(PickleKind::Global)) {
      if (auto it = globals_.find(globalKey(value)); it != globals_.end()) return &it->second;
    }
    return nullptr;
  }
  static std::string globalKey(const PickleValue& value) {
    return value.globalModule() + "\n" + value.globalName();
  }

  void write(const PickleValue& value) {
    if (const uint64_t* id = findMemoized(value)) {
      memoGet(*id);
      return;
    }
    writeContent(value);
    if (!value.memoized()) return;
    uint64_t id = memoPut();
    byIdentity_.emplace(value.identity(), id);
    if (value.is(PickleKind::String)) strings_.emplace(value.toStringRef(), id);
    if (value.is(PickleKind::Global)) globals_.emplace(globalKey(value), id);
  }

  void writeItems(const std::vector<PickleValue>& items) {
    for (const PickleValue& item : items) write(item);
  }

  void writeContent(const PickleValue& value) {
    switch (value.kind()) {
      case PickleKind::None: op(PickleOpcode::NONE); return;
      case PickleKind::Bool:
        op(value.toBool() ? PickleOpcode::NEWTRUE : PickleOpcode::NEWFALSE);
        return;
      case PickleKind::Int: writeInt(value.toInt()); return;
      case PickleKind::Float:
        op(PickleOpcode::BINFLOAT);
        for (int shift = 56; shift >= 0; shift -= 8) {
          byte(static_cast<uint8_t>(std::bit_cast<uint64_t>(value.toDouble()) >> shift));
        }
        return;
      case PickleKind::String:
        op(PickleOpcode::BINUNICODE);
        lengthPrefixed(value.toStringRef());
        return;
      case PickleKind::Bytes:
        if (value.toBytesRef().size() < 256) {
          op(PickleOpcode::SHORT_BINBYTES);
          byte(static_cast<uint8_t>(value.toBytesRef().size()));
          out_ += value.toBytesRef();
        } else {
          op(PickleOpcode::BINBYTES);
          lengthPrefixed(value.toBytesRef());
        }
        return;
      case PickleKind::List:
        op(PickleOpcode::EMPTY_LIST);
        op(PickleOpcode::MARK);
        writeItems(value.items());
        op(PickleOpcode::APPENDS);
        return;
      case PickleKind::Tuple: {
        const auto& items = value.items();
        if (value.tupleEncoding() == TupleEncoding::Compact && items.size() <= 3) {
          static constexpr PickleOpcode kBySize[] = {PickleOpcode::EMPTY_TUPLE, PickleOpcode::TUPLE1,
                                                     PickleOpcode::TUPLE2, PickleOpcode::TUPLE3};
          writeItems(items);
          op(kBySize[items.size()]);
        } else {
          op(PickleOpcode::MARK);
          writeItems(items);
          op(PickleOpcode::TUPLE);
        }
        return;
      }
      case PickleKind::Dict:
        op(PickleOpcode::EMPTY_DICT);
        op(PickleOpcode::MARK);
        for (const auto& [key, item] : value.entries()) {
          write(key);
          write(item);
        }
        op(PickleOpcode::SETITEMS);
        return;
      case PickleKind::Global:
        op(PickleOpcode::GLOBAL);
        out_ += value.globalModule() + "\n" + value.globalName() + "\n";
        return;
      case PickleKind::Object:
        write(value.callable());
        write(value.args());
        op(value.construction() == ObjectConstruction::Reduce ? PickleOpcode::REDUCE
                                                              : PickleOpcode::NEWOBJ);
        if (value.hasState()) {
          write(value.state());
          op(PickleOpcode::BUILD);
        }
        return;
      case PickleKind::PersistentId:
        write(value.persistentIdValue());
        op(PickleOpcode::BINPERSID);
        return;
    }
  }

  std::string out_;
  uint64_t nextMemoId_ = 0;
  std::unordered_map<const void*, uint64_t> byIdentity_;
  std::unordered_map<std::string, uint64_t> strings_;
  std::unordered_map<std::string, uint64_t> globals_;
};

}  // namespace

std::string pickle(const PickleValue& root) { return PickleWriter().finish(root); }

}  // namespace tscript::serialize
