// The pickle stack machine, restricted to what TorchScript archives need, with every input
// bound checked (see unpickler.h for the safety contract).
#include "serialize/unpickler.h"

#include <bit>
#include <cstdio>
#include <unordered_map>

#include "serialize/byte_cursor.h"
#include "serialize/pickle_node.h"
#include "serialize/pickle_opcodes.h"

namespace tscript::serialize {

using detail::PickleNode;

namespace {

std::string hexByte(uint8_t byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", byte);
  return text;
}

const char* opcodeName(uint8_t op) {
  switch (static_cast<PickleOpcode>(op)) {
#define TSCRIPT_OPCODE_NAME(name) \
  case PickleOpcode::name: return #name;
    TSCRIPT_OPCODE_NAME(MARK) TSCRIPT_OPCODE_NAME(STOP) TSCRIPT_OPCODE_NAME(POP)
    TSCRIPT_OPCODE_NAME(POP_MARK) TSCRIPT_OPCODE_NAME(DUP) TSCRIPT_OPCODE_NAME(BININT)
    TSCRIPT_OPCODE_NAME(BININT1) TSCRIPT_OPCODE_NAME(BININT2) TSCRIPT_OPCODE_NAME(NONE)
    TSCRIPT_OPCODE_NAME(BINPERSID) TSCRIPT_OPCODE_NAME(REDUCE)
    TSCRIPT_OPCODE_NAME(SHORT_BINSTRING) TSCRIPT_OPCODE_NAME(BINUNICODE)
    TSCRIPT_OPCODE_NAME(APPEND) TSCRIPT_OPCODE_NAME(BUILD) TSCRIPT_OPCODE_NAME(GLOBAL)
    TSCRIPT_OPCODE_NAME(DICT) TSCRIPT_OPCODE_NAME(EMPTY_DICT) TSCRIPT_OPCODE_NAME(APPENDS)
    TSCRIPT_OPCODE_NAME(BINGET) TSCRIPT_OPCODE_NAME(LONG_BINGET) TSCRIPT_OPCODE_NAME(LIST)
    TSCRIPT_OPCODE_NAME(EMPTY_LIST) TSCRIPT_OPCODE_NAME(BINPUT) TSCRIPT_OPCODE_NAME(LONG_BINPUT)
    TSCRIPT_OPCODE_NAME(SETITEM) TSCRIPT_OPCODE_NAME(TUPLE) TSCRIPT_OPCODE_NAME(EMPTY_TUPLE)
    TSCRIPT_OPCODE_NAME(SETITEMS) TSCRIPT_OPCODE_NAME(BINFLOAT) TSCRIPT_OPCODE_NAME(PROTO)
    TSCRIPT_OPCODE_NAME(NEWOBJ) TSCRIPT_OPCODE_NAME(TUPLE1) TSCRIPT_OPCODE_NAME(TUPLE2)
    TSCRIPT_OPCODE_NAME(TUPLE3) TSCRIPT_OPCODE_NAME(NEWTRUE) TSCRIPT_OPCODE_NAME(NEWFALSE)
    TSCRIPT_OPCODE_NAME(LONG1) TSCRIPT_OPCODE_NAME(BINBYTES) TSCRIPT_OPCODE_NAME(SHORT_BINBYTES)
    TSCRIPT_OPCODE_NAME(SHORT_BINUNICODE) TSCRIPT_OPCODE_NAME(BINUNICODE8)
    TSCRIPT_OPCODE_NAME(BINBYTES8) TSCRIPT_OPCODE_NAME(MEMOIZE) TSCRIPT_OPCODE_NAME(FRAME)
#undef TSCRIPT_OPCODE_NAME
  }
  return nullptr;
}

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), as Python's decoder.
bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<uint8_t>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t codePoint;
    if ((byte & 0xe0) == 0xc0) {
      length = 2;
      codePoint = byte & 0x1f;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
      codePoint = byte & 0x0f;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4;
      codePoint = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (codePoint < kMinimum[length] || codePoint > 0x10ffff ||
        (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

// Module and attribute names of a GLOBAL: printable, no spaces (bytes >= 0x80 pass, so that
// UTF-8 identifiers survive).
bool isPlausibleGlobalPart(std::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    auto byte = static_cast<uint8_t>(c);
    if (byte <= 0x20 || byte == 0x7f) return false;
  }
  return true;
}

}  // namespace

// One parse: the machine state plus the input cursor. Errors carry "<source>: offset N
// (OPCODE): problem" where N is the offset of the opcode being executed.
class Unpickler::Run {
 public:
  Run(const Unpickler& owner, std::span<const uint8_t> bytes, std::string_view sourceName)
      : owner_(owner), limits_(owner.limits_), cursor_(bytes, std::string(sourceName)),
        sourceName_(sourceName) {}

  PickleValue execute() {
    if (cursor_.remaining() > limits_.maxInputBytes) {
      cursor_.fail("pickle of " + std::to_string(cursor_.remaining()) +
                   " bytes exceeds the limit of " + std::to_string(limits_.maxInputBytes));
    }
    while (true) {
      if (cursor_.atEnd()) cursor_.fail("truncated: the pickle ends without a STOP opcode");
      opcodeOffset_ = cursor_.offset();
      opcode_ = cursor_.u8("opcode");
      if (opcode_ == static_cast<uint8_t>(PickleOpcode::STOP)) break;
      step(static_cast<PickleOpcode>(opcode_));
    }
    if (!marks_.empty()) fail("STOP with an unclosed MARK");
    if (stack_.size() != 1) {
      fail("STOP with " + std::to_string(stack_.size()) + " values on the stack, expected 1");
    }
    if (!cursor_.atEnd()) {
      fail(std::to_string(cursor_.remaining()) + " bytes of garbage after STOP");
    }
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    const char* name = opcodeName(opcode_);
    throw SerializeError(sourceName_ + ": offset " + std::to_string(opcodeOffset_) + " (" +
                         (name ? name : hexByte(opcode_)) + "): " + message);
  }

  // --- stack ---------------------------------------------------------------------------
  void push(PickleValue value) {
    if (stack_.size() + marks_.size() >= limits_.maxStackSize) {
      fail("stack exceeds the limit of " + std::to_string(limits_.maxStackSize) + " entries");
    }
    const PickleNode& node = *PickleNode::of(value);
    if (node.depth > limits_.maxNestingDepth) {
      fail("values nested deeper than " + std::to_string(limits_.maxNestingDepth) + " levels");
    }
    if (node.expandedSize > limits_.maxExpandedNodes) {
      fail("value expands to more than " + std::to_string(limits_.maxExpandedNodes) +
           " nodes (too many shared references)");
    }
    stack_.push_back(std::move(value));
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  PickleValue pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    PickleValue value = std::move(stack_.back());
    stack_.pop_back();
    return value;
  }
  PickleValue& top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  // The values above the most recent mark, which is removed.
  std::vector<PickleValue> popToMark() {
    if (marks_.empty()) fail("no MARK to pop to");
    size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleValue> items(std::make_move_iterator(stack_.begin() + mark),
                                   std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    if (items.size() > limits_.maxContainerSize) {
      fail(std::to_string(items.size()) + " items exceed the container limit of " +
           std::to_string(limits_.maxContainerSize));
    }
    return items;
  }

  // --- building ------------------------------------------------------------------------
  // Makes `child` part of `parent`'s node. The child is sealed first and the parent must not
  // be: a sealed node is already some value's child, and growing it could close a cycle
  // (`l = []; l.append(l)`) or change a value that was already used elsewhere.
  void adopt(PickleNode& parent, const PickleValue& child) {
    PickleNode::of(child)->sealed = true;
    if (parent.sealed) {
      fail(std::string("modifies a ") + pickleKindName(parent.kind) +
           " that is already part of another value (self-referential pickles are not supported)");
    }
    parent.addChildStatistics(child);
    if (parent.depth > limits_.maxNestingDepth) {
      fail("values nested deeper than " + std::to_string(limits_.maxNestingDepth) + " levels");
    }
    if (parent.expandedSize > limits_.maxExpandedNodes) {
      fail("value expands to more than " + std::to_string(limits_.maxExpandedNodes) +
           " nodes (too many shared references)");
    }
  }
  void sealAll(const std::vector<PickleValue>& values) {
    for (const PickleValue& value : values) PickleNode::of(value)->sealed = true;
  }
  PickleNode& expectNode(PickleValue& value, PickleKind kind, const char* role) {
    PickleNode& node = *PickleNode::of(value);
    if (node.kind != kind) {
      fail(std::string(role) + " is a " + pickleKindName(node.kind) + ", expected a " +
           pickleKindName(kind));
    }
    return node;
  }
  void appendItems(PickleValue& list, std::vector<PickleValue> items) {
    PickleNode& node = expectNode(list, PickleKind::List, "the target of APPEND(S)");
    if (node.items.size() + items.size() > limits_.maxContainerSize) {
      fail("list exceeds the container limit of " + std::to_string(limits_.maxContainerSize));
    }
    for (PickleValue& item : items) {
      adopt(node, item);
      node.items.push_back(std::move(item));
    }
  }
  void setItems(PickleValue& dict, std::vector<PickleValue> keysAndValues) {
    PickleNode& node = expectNode(dict, PickleKind::Dict, "the target of SETITEM(S)");
    if (keysAndValues.size() % 2 != 0) fail("odd number of items for SETITEMS");
    if (node.entries.size() + keysAndValues.size() / 2 > limits_.maxContainerSize) {
      fail("dict exceeds the container limit of " + std::to_string(limits_.maxContainerSize));
    }
    for (size_t i = 0; i < keysAndValues.size(); i += 2) {
      adopt(node, keysAndValues[i]);
      adopt(node, keysAndValues[i + 1]);
      node.entries.emplace_back(std::move(keysAndValues[i]), std::move(keysAndValues[i + 1]));
    }
  }

  std::string readText(uint64_t length, const char* what) {
    if (length > cursor_.remaining()) {
      fail(std::string(what) + " of " + std::to_string(length) + " bytes runs past the end (" +
           std::to_string(cursor_.remaining()) + " bytes left)");
    }
    return std::string(cursor_.takeText(length, what));
  }
  std::string readUnicode(uint64_t length) {
    std::string text = readText(length, "string");
    if (!isValidUtf8(text)) fail("string is not valid UTF-8");
    return text;
  }
  std::string readLine(const char* what) {
    std::string line;
    while (true) {
      if (cursor_.atEnd()) fail(std::string("truncated: ") + what + " has no end of line");
      char c = static_cast<char>(cursor_.u8(what));
      if (c == '\n') return line;
      if (line.size() >= limits_.maxGlobalNameBytes) {
        fail(std::string(what) + " is longer than " + std::to_string(limits_.maxGlobalNameBytes) +
             " bytes");
      }
      line += c;
    }
  }

  void memoPut(uint64_t index) {
    PickleValue& value = top();
    if (memo_.size() >= limits_.maxMemoEntries && !memo_.count(index)) {
      fail("memo exceeds the limit of " + std::to_string(limits_.maxMemoEntries) + " entries");
    }
    memo_.insert_or_assign(index, value);
    PickleNode::of(value)->memoized = true;
  }
  void memoGet(uint64_t index) {
    auto entry = memo_.find(index);
    if (entry == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    push(entry->second);
  }

  // Strings and globals default to memoized (what a writer wants); a parsed one is memoized
  // only if the pickle says so, so that re-pickling reproduces the input.
  void pushUnmemoized(PickleValue value) {
    value.setMemoized(false);
    push(std::move(value));
  }

  void pushTuple(std::vector<PickleValue> items, TupleEncoding encoding) {
    sealAll(items);
    push(PickleValue::tuple(std::move(items), encoding));
  }

  void step(PickleOpcode op) {
    switch (op) {
      case PickleOpcode::PROTO: {
        uint8_t protocol = cursor_.u8("protocol");
        if (protocol < 2 || protocol > 5) fail("unsupported protocol " + std::to_string(protocol));
        return;
      }
      case PickleOpcode::FRAME: {
        uint64_t length = cursor_.u64le("frame length");
        if (length > cursor_.remaining()) fail("frame runs past the end of the pickle");
        return;
      }
      case PickleOpcode::MARK:
        if (stack_.size() + marks_.size() >= limits_.maxStackSize) {
          fail("stack exceeds the limit of " + std::to_string(limits_.maxStackSize) + " entries");
        }
        marks_.push_back(stack_.size());
        return;
      case PickleOpcode::POP:
        if (!marks_.empty() && marks_.back() == stack_.size()) {
          marks_.pop_back();
        } else {
          pop();
        }
        return;
      case PickleOpcode::POP_MARK:
        popToMark();
        return;
      case PickleOpcode::DUP:
        push(top());
        return;
      case PickleOpcode::NONE: push(PickleValue::none()); return;
      case PickleOpcode::NEWTRUE: push(PickleValue::boolean(true)); return;
      case PickleOpcode::NEWFALSE: push(PickleValue::boolean(false)); return;
      case PickleOpcode::BININT1: push(PickleValue::integer(cursor_.u8("BININT1 operand"))); return;
      case PickleOpcode::BININT2:
        push(PickleValue::integer(cursor_.u16le("BININT2 operand")));
        return;
      case PickleOpcode::BININT:
        push(PickleValue::integer(static_cast<int32_t>(cursor_.u32le("BININT operand"))));
        return;
      case PickleOpcode::LONG1: {
        uint8_t length = cursor_.u8("LONG1 length");
        if (length > 8) {
          fail("integer of " + std::to_string(length) + " bytes does not fit in 64 bits");
        }
        auto bytes = cursor_.take(length, "LONG1 digits");
        uint64_t value = 0;
        for (size_t i = length; i-- > 0;) value = (value << 8) | bytes[i];
        if (length > 0 && length < 8 && (bytes[length - 1] & 0x80)) {
          value |= ~uint64_t{0} << (8 * length);  // sign-extend
        }
        push(PickleValue::integer(static_cast<int64_t>(value)));
        return;
      }
      case PickleOpcode::BINFLOAT:
        push(PickleValue::floating(std::bit_cast<double>(cursor_.u64be("BINFLOAT operand"))));
        return;
      case PickleOpcode::BINUNICODE:
        pushUnmemoized(PickleValue::string(readUnicode(cursor_.u32le("string length"))));
        return;
      case PickleOpcode::SHORT_BINUNICODE:
      case PickleOpcode::SHORT_BINSTRING:
        pushUnmemoized(PickleValue::string(readUnicode(cursor_.u8("string length"))));
        return;
      case PickleOpcode::BINUNICODE8:
        pushUnmemoized(PickleValue::string(readUnicode(cursor_.u64le("string length"))));
        return;
      case PickleOpcode::BINBYTES:
        push(PickleValue::bytes(readText(cursor_.u32le("bytes length"), "bytes")));
        return;
      case PickleOpcode::SHORT_BINBYTES:
        push(PickleValue::bytes(readText(cursor_.u8("bytes length"), "bytes")));
        return;
      case PickleOpcode::BINBYTES8:
        push(PickleValue::bytes(readText(cursor_.u64le("bytes length"), "bytes")));
        return;
      case PickleOpcode::EMPTY_TUPLE: push(PickleValue::tuple({})); return;
      case PickleOpcode::TUPLE1:
      case PickleOpcode::TUPLE2:
      case PickleOpcode::TUPLE3: {
        size_t count = static_cast<size_t>(op) - static_cast<size_t>(PickleOpcode::TUPLE1) + 1;
        if (stack_.size() < floor() + count) fail("stack underflow");
        std::vector<PickleValue> items(stack_.end() - static_cast<ptrdiff_t>(count), stack_.end());
        stack_.resize(stack_.size() - count);
        pushTuple(std::move(items), TupleEncoding::Compact);
        return;
      }
      case PickleOpcode::TUPLE: pushTuple(popToMark(), TupleEncoding::Marked); return;
      case PickleOpcode::EMPTY_LIST: push(PickleValue::list({})); return;
      case PickleOpcode::LIST: {
        std::vector<PickleValue> items = popToMark();
        sealAll(items);
        push(PickleValue::list(std::move(items)));
        return;
      }
      case PickleOpcode::APPEND: {
        PickleValue item = pop();
        appendItems(top(), {std::move(item)});
        return;
      }
      case PickleOpcode::APPENDS: {
        std::vector<PickleValue> items = popToMark();
        appendItems(top(), std::move(items));
        return;
      }
      case PickleOpcode::EMPTY_DICT: push(PickleValue::dict({})); return;
      case PickleOpcode::DICT: {
        std::vector<PickleValue> items = popToMark();
        push(PickleValue::dict({}));
        setItems(top(), std::move(items));
        return;
      }
      case PickleOpcode::SETITEM: {
        PickleValue value = pop();
        PickleValue key = pop();
        setItems(top(), {std::move(key), std::move(value)});
        return;
      }
      case PickleOpcode::SETITEMS: {
        std::vector<PickleValue> items = popToMark();
        setItems(top(), std::move(items));
        return;
      }
      case PickleOpcode::GLOBAL: {
        std::string module = readLine("GLOBAL module");
        std::string name = readLine("GLOBAL name");
        if (!isPlausibleGlobalPart(module) || !isPlausibleGlobalPart(name)) {
          fail("malformed global name '" + module + "." + name + "'");
        }
        if (!owner_.allowList_.allows(module, name)) {
          fail("global '" + module + "." + name +
               "' is not allowed (TorchScript archives only reference torch rebuild helpers, "
               "storages and __torch__ classes)");
        }
        pushUnmemoized(PickleValue::global(std::move(module), std::move(name)));
        return;
      }
      case PickleOpcode::REDUCE:
      case PickleOpcode::NEWOBJ: {
        PickleValue args = pop();
        PickleValue callable = pop();
        expectNode(callable, PickleKind::Global,
                   op == PickleOpcode::REDUCE ? "the callable of REDUCE" : "the class of NEWOBJ");
        if (op == PickleOpcode::NEWOBJ) expectNode(args, PickleKind::Tuple, "NEWOBJ's arguments");
        sealAll({callable, args});
        push(op == PickleOpcode::REDUCE ? PickleValue::reduce(std::move(callable), std::move(args))
                                        : PickleValue::newObject(std::move(callable),
                                                                 std::move(args)));
        return;
      }
      case PickleOpcode::BUILD: {
        PickleValue state = pop();
        PickleNode& object = expectNode(top(), PickleKind::Object, "the target of BUILD");
        if (object.parts.size() != 2) fail("BUILD applied twice to one object");
        adopt(object, state);
        object.parts.push_back(std::move(state));
        return;
      }
      case PickleOpcode::BINPERSID: {
        PickleValue id = pop();
        sealAll({id});
        push(PickleValue::persistentId(std::move(id)));
        return;
      }
      case PickleOpcode::BINPUT: memoPut(cursor_.u8("memo index")); return;
      case PickleOpcode::LONG_BINPUT: memoPut(cursor_.u32le("memo index")); return;
      case PickleOpcode::MEMOIZE: memoPut(memoCount_++); return;
      case PickleOpcode::BINGET: memoGet(cursor_.u8("memo index")); return;
      case PickleOpcode::LONG_BINGET: memoGet(cursor_.u32le("memo index")); return;
      case PickleOpcode::STOP: return;  // handled by execute()
    }
    fail("unsupported pickle opcode " + hexByte(opcode_));
  }

  const Unpickler& owner_;
  const UnpicklerLimits& limits_;
  ByteCursor cursor_;
  std::string sourceName_;
  size_t opcodeOffset_ = 0;
  uint8_t opcode_ = 0;
  std::vector<PickleValue> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  std::unordered_map<uint64_t, PickleValue> memo_;
  uint64_t memoCount_ = 0;
};

Unpickler::Unpickler(GlobalAllowList allowList, UnpicklerLimits limits)
    : allowList_(std::move(allowList)), limits_(limits) {}

PickleValue Unpickler::parse(std::span<const uint8_t> bytes, std::string_view sourceName) {
  Run run(*this, bytes, sourceName);
  return run.execute();
}

PickleValue unpickle(std::span<const uint8_t> bytes, std::string_view sourceName) {
  return Unpickler().parse(bytes, sourceName);
}

PickleValue unpickle(std::string_view bytes, std::string_view sourceName) {
  return unpickle(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                           bytes.size()),
                  sourceName);
}

}  // namespace tscript::serialize
