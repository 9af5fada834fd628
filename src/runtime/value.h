// The runtime value: what the interpreter's registers and stack hold.
//
// Layout (16 bytes): an 8-byte payload and a one-byte kind.
//
//   kind            payload
//   -------------   -------------------------------------------------------------
//   None            unused
//   Bool            bool
//   Int             int64_t (TorchScript's int)
//   Float           double  (TorchScript's float)
//   Device          c10::DeviceType + c10::DeviceIndex
//   Tensor          at::Tensor, i.e. one owned reference to a TensorImpl (undefined tensors
//                   hold UndefinedTensorImpl's singleton, which is not refcounted)
//   Complex..       c10::intrusive_ptr_target*, one owned reference, never null
//
// Copying a heap kind is one atomic increment, moving steals, and scalars never touch the
// heap, so `s = s + i` costs no allocation. Accessors are inline and check the kind (one
// predictable branch); a wrong kind is an internal error (the compiler typed the program).
//
// Containers have Python's reference semantics: a Value holding a list is a reference to a
// ListObject, so `b = a; b.append(1)` changes `a` too. Tuples are immutable.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/util/complex.h>
#include <c10/util/intrusive_ptr.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "types/type.h"

namespace tscript::runtime {

enum class ValueKind : uint8_t {
  // Inline: the payload is the value.
  None, Bool, Int, Float, Device,
  // The payload is an at::Tensor.
  Tensor,
  // Refcounted objects (c10::intrusive_ptr_target subclasses). Keep these last: a kind is
  // refcounted iff kind >= Complex.
  Complex, String, List, Dict, Tuple, Object, Enum, Future, Function, Capsule,
};
const char* valueKindName(ValueKind kind);  // "int", "str", "List", ...

class StringObject;
class ComplexObject;
class ListObject;
class DictObject;
class TupleObject;
class Object;
class EnumObject;
class FutureObject;

class Value {
 public:
  Value() noexcept : kind_(ValueKind::None) { payload_.trivial.asInt = 0; }
  Value(bool value) noexcept : kind_(ValueKind::Bool) {  // NOLINT: implicit on purpose
    payload_.trivial.asInt = 0;
    payload_.trivial.asBool = value;
  }
  // Every integral type but bool becomes an int (so `Value(3)` and `Value(size_t)` work).
  template <typename Integer>
    requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>)
  Value(Integer value) noexcept : kind_(ValueKind::Int) {  // NOLINT
    payload_.trivial.asInt = static_cast<int64_t>(value);
  }
  Value(double value) noexcept : kind_(ValueKind::Float) {  // NOLINT
    payload_.trivial.asFloat = value;
  }
  Value(c10::Device device) noexcept : kind_(ValueKind::Device) {  // NOLINT
    payload_.trivial.asInt = 0;
    payload_.trivial.asDevice.type = device.type();
    payload_.trivial.asDevice.index = device.index();
  }
  Value(at::Tensor tensor) noexcept : kind_(ValueKind::Tensor) {  // NOLINT
    new (&payload_.asTensor) at::Tensor(std::move(tensor));
  }
  Value(c10::complex<double> value);  // NOLINT
  Value(std::string value);           // NOLINT
  Value(std::string_view value) : Value(std::string(value)) {}  // NOLINT
  // Without this, a string literal would convert to bool.
  Value(const char* value) : Value(std::string(value)) {}  // NOLINT
  Value(c10::intrusive_ptr<StringObject> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<ListObject> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<DictObject> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<TupleObject> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<Object> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<EnumObject> object) noexcept;  // NOLINT
  Value(c10::intrusive_ptr<FutureObject> object) noexcept;  // NOLINT

  // Function values and capsules are objects whose classes live elsewhere (the runtime's
  // Function, custom classes); they are held as plain intrusive_ptr_targets and handed back
  // with toOpaque<T>() by code that knows what it stored.
  static Value function(c10::intrusive_ptr<c10::intrusive_ptr_target> object) {
    return Value(ValueKind::Function, object.release());
  }
  static Value capsule(c10::intrusive_ptr<c10::intrusive_ptr_target> object) {
    return Value(ValueKind::Capsule, object.release());
  }

  Value(const Value& other) noexcept : kind_(other.kind_) {
    if (kind_ == ValueKind::Tensor) {
      new (&payload_.asTensor) at::Tensor(other.payload_.asTensor);
    } else {
      payload_.trivial = other.payload_.trivial;
      if (isRefcountedKind(kind_)) c10::raw::intrusive_ptr::incref(payload_.trivial.asObject);
    }
  }
  Value(Value&& other) noexcept : kind_(other.kind_) { stealFrom(other); }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      release();
      kind_ = other.kind_;
      stealFrom(other);
    }
    return *this;
  }
  Value& operator=(const Value& other) noexcept {
    if (this != &other) *this = Value(other);
    return *this;
  }
  ~Value() { release(); }

  ValueKind kind() const { return kind_; }
  const char* kindName() const { return valueKindName(kind_); }

  // ---- kind tests ----------------------------------------------------------------------
  bool isNone() const { return kind_ == ValueKind::None; }
  bool isBool() const { return kind_ == ValueKind::Bool; }
  bool isInt() const { return kind_ == ValueKind::Int; }
  bool isFloat() const { return kind_ == ValueKind::Float; }
  bool isComplex() const { return kind_ == ValueKind::Complex; }
  bool isNumber() const { return isInt() || isFloat() || isComplex(); }
  bool isDevice() const { return kind_ == ValueKind::Device; }
  bool isTensor() const { return kind_ == ValueKind::Tensor; }
  bool isString() const { return kind_ == ValueKind::String; }
  bool isList() const { return kind_ == ValueKind::List; }
  bool isDict() const { return kind_ == ValueKind::Dict; }
  bool isTuple() const { return kind_ == ValueKind::Tuple; }
  bool isObject() const { return kind_ == ValueKind::Object; }
  bool isEnum() const { return kind_ == ValueKind::Enum; }
  bool isFuture() const { return kind_ == ValueKind::Future; }
  bool isFunction() const { return kind_ == ValueKind::Function; }
  bool isCapsule() const { return kind_ == ValueKind::Capsule; }
  bool isRefcounted() const { return isRefcountedKind(kind_); }

  // ---- scalars -------------------------------------------------------------------------
  bool toBool() const {
    expectKind(ValueKind::Bool);
    return payload_.trivial.asBool;
  }
  int64_t toInt() const {
    expectKind(ValueKind::Int);
    return payload_.trivial.asInt;
  }
  double toFloat() const {
    expectKind(ValueKind::Float);
    return payload_.trivial.asFloat;
  }
  c10::Device toDevice() const {
    expectKind(ValueKind::Device);
    return c10::Device(payload_.trivial.asDevice.type, payload_.trivial.asDevice.index);
  }
  c10::complex<double> toComplex() const;
  // int, float or bool as a double (the `number` of mixed arithmetic).
  double toNumberAsFloat() const {
    if (isFloat()) return payload_.trivial.asFloat;
    if (isInt()) return static_cast<double>(payload_.trivial.asInt);
    expectKind(ValueKind::Bool);
    return payload_.trivial.asBool ? 1.0 : 0.0;
  }

  // ---- tensors -------------------------------------------------------------------------
  const at::Tensor& toTensor() const& {
    expectKind(ValueKind::Tensor);
    return payload_.asTensor;
  }
  at::Tensor toTensor() && {
    expectKind(ValueKind::Tensor);
    at::Tensor tensor = std::move(payload_.asTensor);
    release();
    kind_ = ValueKind::None;
    return tensor;
  }

  // ---- heap objects: borrowed references (valid while this Value lives) ----------------
  const std::string& toStringRef() const;
  ListObject& toList() const { return objectAs<ListObject>(ValueKind::List); }
  DictObject& toDict() const { return objectAs<DictObject>(ValueKind::Dict); }
  const TupleObject& toTuple() const { return objectAs<TupleObject>(ValueKind::Tuple); }
  Object& toObject() const { return objectAs<Object>(ValueKind::Object); }
  const EnumObject& toEnum() const { return objectAs<EnumObject>(ValueKind::Enum); }
  FutureObject& toFuture() const { return objectAs<FutureObject>(ValueKind::Future); }
  template <typename T>
  T& toOpaque() const {
    if (kind_ != ValueKind::Function && kind_ != ValueKind::Capsule) {
      throwWrongKind(ValueKind::Capsule);
    }
    return *static_cast<T*>(payload_.trivial.asObject);
  }

  // ---- heap objects: owning references -------------------------------------------------
  c10::intrusive_ptr<ListObject> toListPtr() const { return ownedAs<ListObject>(ValueKind::List); }
  c10::intrusive_ptr<DictObject> toDictPtr() const { return ownedAs<DictObject>(ValueKind::Dict); }
  c10::intrusive_ptr<TupleObject> toTuplePtr() const {
    return ownedAs<TupleObject>(ValueKind::Tuple);
  }
  c10::intrusive_ptr<Object> toObjectPtr() const { return ownedAs<Object>(ValueKind::Object); }

  // ---- identity and Python semantics (value.cpp) ---------------------------------------
  // Python's `is`: same object for heap kinds (same TensorImpl for tensors), equal value
  // for scalars and None.
  bool isSameIdentity(const Value& other) const;
  // The raw object pointer of a heap kind (tensors: the TensorImpl), else nullptr.
  const void* identity() const;

  // Python's repr() and str() of the value: [1, 2.5], {'a': 1}, (1,), 'x', 1e+20, True.
  std::string repr() const;
  std::string str() const;

 private:
  static constexpr bool isRefcountedKind(ValueKind kind) { return kind >= ValueKind::Complex; }

  Value(ValueKind kind, c10::intrusive_ptr_target* owned) noexcept : kind_(kind) {
    TORCH_INTERNAL_ASSERT(owned != nullptr, "a Value never holds a null object");
    payload_.trivial.asObject = owned;
  }

  void expectKind(ValueKind expected) const {
    if (C10_UNLIKELY(kind_ != expected)) throwWrongKind(expected);
  }
  [[noreturn]] void throwWrongKind(ValueKind expected) const;

  template <typename T>
  T& objectAs(ValueKind expected) const {
    expectKind(expected);
    return *static_cast<T*>(payload_.trivial.asObject);
  }
  template <typename T>
  c10::intrusive_ptr<T> ownedAs(ValueKind expected) const {
    expectKind(expected);
    auto* object = static_cast<T*>(payload_.trivial.asObject);
    c10::raw::intrusive_ptr::incref(object);
    return c10::intrusive_ptr<T>::reclaim(object);
  }

  // Takes other's payload (kind_ already copied) and leaves other None.
  void stealFrom(Value& other) noexcept {
    if (kind_ == ValueKind::Tensor) {
      new (&payload_.asTensor) at::Tensor(std::move(other.payload_.asTensor));
      other.payload_.asTensor.~Tensor();
    } else {
      payload_.trivial = other.payload_.trivial;
    }
    other.kind_ = ValueKind::None;
  }
  void release() noexcept {
    if (kind_ == ValueKind::Tensor) {
      payload_.asTensor.~Tensor();
    } else if (isRefcountedKind(kind_)) {
      c10::raw::intrusive_ptr::decref(payload_.trivial.asObject);
    }
  }

  union Payload {
    union Trivial {
      bool asBool;
      int64_t asInt;
      double asFloat;
      struct {
        c10::DeviceType type;
        c10::DeviceIndex index;
      } asDevice;
      c10::intrusive_ptr_target* asObject;
    } trivial;
    at::Tensor asTensor;
    Payload() : trivial{} {}
    ~Payload() {}
  } payload_;
  ValueKind kind_;
};

static_assert(sizeof(Value) == 16, "Value must stay a 16-byte tagged union");

// ---- Python semantics on keys (value.cpp) -----------------------------------------------
// `==` as Python has it for the hashable kinds and containers: numbers compare by value
// across int/float/bool/complex, strings by content, tensors by identity (dict keys), lists
// and tuples element-wise, None == None.
bool valuesEqual(const Value& a, const Value& b);
// A hash consistent with valuesEqual (hash(1) == hash(1.0) == hash(True)).
size_t hashValue(const Value& value);

struct ValueHash {
  size_t operator()(const Value& value) const { return hashValue(value); }
};
struct ValueEqual {
  bool operator()(const Value& a, const Value& b) const { return valuesEqual(a, b); }
};

// The type of a value as TorchScript sees it: containers report their element types,
// objects their class, tensors the unrefined Tensor.
types::TypePtr typeOfValue(const Value& value);

// ---- printing (value_printer.cpp) -------------------------------------------------------
// How torch.jit 1.13 prints a value in print(), str() and string formatting. It is not
// Python's: integral floats print as `1.` and others with 17 significant digits
// (`0.10000000000000001`), strings inside containers are unquoted (`[a, b]`, `{a: 1.}`),
// complex numbers as `1.+2.j`. Value::repr()/str() give Python's spelling instead.
std::string scriptStr(const Value& value);
// A float as torch.jit 1.13 prints it (see scriptStr).
std::string scriptFloatStr(double value);
// A float as Python's repr() prints it: the shortest text that reads back as the same
// double, `1.0`, `0.1`, `1e+20`, `1e-05`, `inf`, `nan`.
std::string pythonFloatRepr(double value);
// A str as Python's repr() quotes it: 'a', "it's", 'tab\t'.
std::string pythonStringRepr(const std::string& text);

// ---- the heap objects -------------------------------------------------------------------

class StringObject final : public c10::intrusive_ptr_target {
 public:
  explicit StringObject(std::string text) : text(std::move(text)) {}
  const std::string text;  // immutable, as Python's str
};

class ComplexObject final : public c10::intrusive_ptr_target {
 public:
  explicit ComplexObject(c10::complex<double> value) : value(value) {}
  const c10::complex<double> value;
};

// A list: its element type (List[int] -> int) and the elements, which the list owns.
class ListObject final : public c10::intrusive_ptr_target {
 public:
  explicit ListObject(types::TypePtr elementType, std::vector<Value> elements = {})
      : elementType(std::move(elementType)), elements(std::move(elements)) {}
  types::TypePtr elementType;
  std::vector<Value> elements;
};

// A dict: insertion-ordered with O(1) lookup, as Python's. Entries live in a vector in
// insertion order; an index maps each key to its position. Erasing leaves a hole (a dead
// entry) so positions stay valid; holes are squeezed out once they outnumber live entries.
// Re-assigning an existing key keeps its position, as Python does.
class DictObject final : public c10::intrusive_ptr_target {
 public:
  struct Entry {
    Value key;
    Value value;
  };

  DictObject(types::TypePtr keyType, types::TypePtr valueType)
      : keyType(std::move(keyType)), valueType(std::move(valueType)) {}

  size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }
  // The value for `key`, or nullptr.
  Value* find(const Value& key);
  const Value* find(const Value& key) const;
  bool contains(const Value& key) const { return index_.count(key) != 0; }
  // d[key] = value: a new key goes last, an existing key keeps its place.
  void insertOrAssign(Value key, Value value);
  // Inserts only if absent; returns the value now stored for `key`.
  Value& insertIfAbsent(Value key, Value value);
  bool erase(const Value& key);
  void clear();
  // The first or last live entry in insertion order (the dict must not be empty).
  const Entry& front() const;
  const Entry& back() const;

  // Iteration over live entries, in insertion order. The dict must not change meanwhile.
  class Iterator {
   public:
    Iterator(const std::vector<std::optional<Entry>>* entries, size_t position)
        : entries_(entries), position_(position) {
      skipHoles();
    }
    const Entry& operator*() const { return *(*entries_)[position_]; }
    const Entry* operator->() const { return &*(*entries_)[position_]; }
    Iterator& operator++() {
      ++position_;
      skipHoles();
      return *this;
    }
    bool operator==(const Iterator& other) const { return position_ == other.position_; }

   private:
    void skipHoles() {
      while (position_ < entries_->size() && !(*entries_)[position_]) ++position_;
    }
    const std::vector<std::optional<Entry>>* entries_;
    size_t position_;
  };
  Iterator begin() const { return Iterator(&entries_, 0); }
  Iterator end() const { return Iterator(&entries_, entries_.size()); }

  types::TypePtr keyType;
  types::TypePtr valueType;

 private:
  void compactIfSparse();

  std::vector<std::optional<Entry>> entries_;  // nullopt: an erased entry (a hole)
  std::unordered_map<Value, size_t, ValueHash, ValueEqual> index_;
};

// A tuple: immutable elements. A named tuple also carries its TupleType (with field names);
// plain tuples leave `namedType` null and get their type from their elements.
class TupleObject final : public c10::intrusive_ptr_target {
 public:
  explicit TupleObject(std::vector<Value> elements, types::TypePtr namedType = nullptr)
      : elements(std::move(elements)), namedType(std::move(namedType)) {}
  const std::vector<Value> elements;
  const types::TypePtr namedType;
};

// An instance of a TorchScript class (or module): its class type and one slot per attribute,
// in the order the class declares them.
class Object final : public c10::intrusive_ptr_target {
 public:
  Object(std::shared_ptr<const types::Type> type, size_t slotCount)
      : type(std::move(type)), slots(slotCount) {}
  const std::shared_ptr<const types::Type> type;
  std::vector<Value> slots;
};

// A member of a TorchScript Enum: its enum type, its name and its value (int, float or str).
class EnumObject final : public c10::intrusive_ptr_target {
 public:
  EnumObject(types::TypePtr type, std::string name, Value value)
      : type(std::move(type)), name(std::move(name)), value(std::move(value)) {}
  const types::TypePtr type;
  const std::string name;
  const Value value;
};

// TODO(fork/wait): a placeholder so that Future[T] values have a kind. It holds a completed
// value only; waiting, callbacks, errors and the thread pool come with fork/wait.
class FutureObject final : public c10::intrusive_ptr_target {
 public:
  explicit FutureObject(types::TypePtr elementType) : elementType(std::move(elementType)) {}
  const types::TypePtr elementType;
  Value value;
  bool completed = false;
};

// ---- inline definitions that need complete object classes ----------------------------
inline Value::Value(c10::intrusive_ptr<StringObject> object) noexcept
    : Value(ValueKind::String, object.release()) {}
inline Value::Value(c10::intrusive_ptr<ListObject> object) noexcept
    : Value(ValueKind::List, object.release()) {}
inline Value::Value(c10::intrusive_ptr<DictObject> object) noexcept
    : Value(ValueKind::Dict, object.release()) {}
inline Value::Value(c10::intrusive_ptr<TupleObject> object) noexcept
    : Value(ValueKind::Tuple, object.release()) {}
inline Value::Value(c10::intrusive_ptr<Object> object) noexcept
    : Value(ValueKind::Object, object.release()) {}
inline Value::Value(c10::intrusive_ptr<EnumObject> object) noexcept
    : Value(ValueKind::Enum, object.release()) {}
inline Value::Value(c10::intrusive_ptr<FutureObject> object) noexcept
    : Value(ValueKind::Future, object.release()) {}

// ---- construction helpers ---------------------------------------------------------------
inline Value makeList(types::TypePtr elementType, std::vector<Value> elements = {}) {
  return Value(c10::make_intrusive<ListObject>(std::move(elementType), std::move(elements)));
}
inline Value makeDict(types::TypePtr keyType, types::TypePtr valueType) {
  return Value(c10::make_intrusive<DictObject>(std::move(keyType), std::move(valueType)));
}
inline Value makeTuple(std::vector<Value> elements, types::TypePtr namedType = nullptr) {
  return Value(c10::make_intrusive<TupleObject>(std::move(elements), std::move(namedType)));
}

// ---- inline definitions that need the object classes ------------------------------------
inline const std::string& Value::toStringRef() const {
  return objectAs<StringObject>(ValueKind::String).text;
}
inline c10::complex<double> Value::toComplex() const {
  return objectAs<ComplexObject>(ValueKind::Complex).value;
}

}  // namespace tscript::runtime
