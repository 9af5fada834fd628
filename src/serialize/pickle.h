// The pickle value tree: what the unpickler produces and the pickler consumes. It mirrors the
// pickle stack machine rather than TorchScript values, so this layer needs neither the runtime
// nor ATen; a later stage turns `_rebuild_tensor_v2(...)`, `build_intlist(...)` and
// `__torch__.M.__new__().__setstate__({...})` nodes into runtime values.
//
// Nodes are shared: a memo fetch (BINGET) yields the very node that was memoized, so a storage
// or a tensor referenced twice stays one node, and the pickler can write it once and fetch it
// again. The tree is acyclic by construction (the unpickler refuses to grow a node that is
// already some other node's child), and every node knows its nesting depth and the number of
// nodes a walk that does not share would visit, so consumers can refuse pathological inputs
// before walking them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tscript::serialize {

enum class PickleKind : uint8_t {
  None,
  Bool,
  Int,
  Float,
  String,        // BINUNICODE: UTF-8 text
  Bytes,         // BINBYTES / SHORT_BINBYTES
  List,
  Tuple,
  Dict,          // ordered: entries keep the order of SETITEMS
  Global,        // GLOBAL module\nname\n
  Object,        // callable + args via REDUCE or NEWOBJ, optionally a BUILD state
  PersistentId,  // BINPERSID applied to a value (TorchScript: the storage tuple)
};

const char* pickleKindName(PickleKind kind);

// How a tuple was (or will be) written. 1.13 writes the tensor size/stride tuples and the
// storage tuple as MARK ... TUPLE whatever their length, other tuples as EMPTY_TUPLE/TUPLE1-3
// when they are short; byte-identical re-pickling needs to know which.
enum class TupleEncoding : uint8_t { Compact, Marked };

// Which opcode made an Object node: `callable(*args)` or `cls.__new__(cls, *args)`.
enum class ObjectConstruction : uint8_t { Reduce, NewObj };

class PickleValue;
using PickleDictEntries = std::vector<std::pair<PickleValue, PickleValue>>;

namespace detail {
struct PickleNode;
}

class PickleValue {
 public:
  PickleValue();  // None

  static PickleValue none();
  static PickleValue boolean(bool value);
  static PickleValue integer(int64_t value);
  static PickleValue floating(double value);
  static PickleValue string(std::string value);
  static PickleValue bytes(std::string value);
  static PickleValue list(std::vector<PickleValue> items);
  static PickleValue tuple(std::vector<PickleValue> items,
                           TupleEncoding encoding = TupleEncoding::Compact);
  static PickleValue dict(PickleDictEntries entries);
  static PickleValue global(std::string module, std::string name);
  static PickleValue reduce(PickleValue callable, PickleValue args);
  static PickleValue newObject(PickleValue cls, PickleValue args);
  static PickleValue persistentId(PickleValue id);
  // An Object node with its BUILD state set (`obj` must be an Object without state).
  static PickleValue withState(PickleValue object, PickleValue state);

  PickleKind kind() const;
  bool is(PickleKind k) const { return kind() == k; }
  bool isNone() const { return is(PickleKind::None); }

  // Accessors throw SerializeError when the kind does not match.
  bool toBool() const;
  int64_t toInt() const;
  double toDouble() const;
  const std::string& toStringRef() const;  // String
  const std::string& toBytesRef() const;   // Bytes
  const std::vector<PickleValue>& items() const;  // List or Tuple
  TupleEncoding tupleEncoding() const;
  const PickleDictEntries& entries() const;  // Dict
  const std::string& globalModule() const;
  const std::string& globalName() const;
  std::string globalQualifiedName() const;  // "module.name"
  ObjectConstruction construction() const;
  const PickleValue& callable() const;
  const PickleValue& args() const;
  bool hasState() const;
  const PickleValue& state() const;
  const PickleValue& persistentIdValue() const;

  // Whether the pickler follows this node with BINPUT (and so may fetch it again with BINGET).
  // Strings and globals default to true, as 1.13 memoizes every one of them; everything else
  // defaults to false (1.13 memoizes a tensor, list or object only when it is shared).
  bool memoized() const;
  PickleValue& setMemoized(bool memoized);

  // Nesting depth (a scalar is 1) and the number of nodes a walk that expands shared nodes
  // would visit (saturating at UINT64_MAX).
  uint32_t depth() const;
  uint64_t expandedSize() const;

  // Node identity: two handles that came from one memo entry compare equal here.
  const void* identity() const { return node_.get(); }

 private:
  explicit PickleValue(std::shared_ptr<detail::PickleNode> node) : node_(std::move(node)) {}
  friend struct detail::PickleNode;

  std::shared_ptr<detail::PickleNode> node_;
};

// A readable, deterministic rendering of a tree (used by `tscript archive-info` and the tests,
// which rebuild the same text from Python's pickletools). Scalars are printed as Python would,
// strings double-quoted with C escapes; a container is printed on one line when that line is
// short, otherwise one item per line, indented two spaces per level:
//   GLOBAL            module.name
//   REDUCE            callable(arg0, arg1)        or callable(*value) when args is no tuple
//   NEWOBJ            cls.__new__(arg0)
//   BUILD             <object>.__setstate__(state)
//   BINPERSID         persistent_id(value)
std::string formatPickleValue(const PickleValue& value);

// Python's repr() of a float ("1.0", "2.5", "1e-05", "1.2345678901234568e+20", "inf", "nan").
std::string pythonFloatRepr(double value);

}  // namespace tscript::serialize
