// Value: construction of heap kinds, identity, Python equality and hashing, dicts.
// Printing is in value_printer.cpp.
#include "runtime/value.h"

#include <cmath>
#include <functional>

#include "runtime/errors.h"

namespace tscript::runtime {

const char* valueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::None: return "None";
    case ValueKind::Bool: return "bool";
    case ValueKind::Int: return "int";
    case ValueKind::Float: return "float";
    case ValueKind::Device: return "Device";
    case ValueKind::Tensor: return "Tensor";
    case ValueKind::Complex: return "complex";
    case ValueKind::String: return "str";
    case ValueKind::List: return "List";
    case ValueKind::Dict: return "Dict";
    case ValueKind::Tuple: return "Tuple";
    case ValueKind::Object: return "Object";
    case ValueKind::Enum: return "Enum";
    case ValueKind::Future: return "Future";
    case ValueKind::Function: return "Function";
    case ValueKind::Capsule: return "Capsule";
  }
  return "?";
}

Value::Value(c10::complex<double> value)
    : Value(ValueKind::Complex, c10::make_intrusive<ComplexObject>(value).release()) {}

Value::Value(std::string value)
    : Value(ValueKind::String, c10::make_intrusive<StringObject>(std::move(value)).release()) {}

void Value::throwWrongKind(ValueKind expected) const {
  // The compiler typed the program, so this is a bug in tscript, not in the user's code.
  throw ScriptError("RuntimeError", std::string("internal error: expected a value of kind ") +
                                        valueKindName(expected) + " but got " +
                                        valueKindName(kind_));
}

const void* Value::identity() const {
  if (kind_ == ValueKind::Tensor) return payload_.asTensor.unsafeGetTensorImpl();
  if (isRefcountedKind(kind_)) return payload_.trivial.asObject;
  return nullptr;
}

bool Value::isSameIdentity(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case ValueKind::None: return true;
    case ValueKind::Bool: return toBool() == other.toBool();
    case ValueKind::Int: return toInt() == other.toInt();
    case ValueKind::Float: return toFloat() == other.toFloat();
    case ValueKind::Device: return toDevice() == other.toDevice();
    default: return identity() == other.identity();
  }
}

// ---- Python equality and hashing ----------------------------------------------------------

namespace {

bool isNumeric(const Value& v) { return v.isBool() || v.isInt() || v.isFloat() || v.isComplex(); }

c10::complex<double> asComplex(const Value& v) {
  return v.isComplex() ? v.toComplex() : c10::complex<double>(v.toNumberAsFloat(), 0.0);
}

bool isIntegral(const Value& v) { return v.isBool() || v.isInt(); }
int64_t asInt(const Value& v) { return v.isBool() ? int64_t(v.toBool()) : v.toInt(); }

bool numbersEqual(const Value& a, const Value& b) {
  if (isIntegral(a) && isIntegral(b)) return asInt(a) == asInt(b);
  if (a.isComplex() || b.isComplex()) return asComplex(a) == asComplex(b);
  return a.toNumberAsFloat() == b.toNumberAsFloat();
}

size_t combineHashes(size_t seed, size_t hash) {
  return seed ^ (hash + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

size_t hashFloat(double d) {
  // Integral floats hash as the int they equal, so that 1 and 1.0 find the same entry.
  if (std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 &&
      d < 9223372036854775808.0) {
    return std::hash<int64_t>()(static_cast<int64_t>(d));
  }
  return std::hash<double>()(d);
}

}  // namespace

bool valuesEqual(const Value& a, const Value& b) {
  if (isNumeric(a) && isNumeric(b)) return numbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::None: return true;
    case ValueKind::String: return a.toStringRef() == b.toStringRef();
    case ValueKind::Device: return a.toDevice() == b.toDevice();
    case ValueKind::List: {
      const auto& x = a.toList().elements;
      const auto& y = b.toList().elements;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!valuesEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::Tuple: {
      const auto& x = a.toTuple().elements;
      const auto& y = b.toTuple().elements;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!valuesEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::Dict: {
      const DictObject& x = a.toDict();
      const DictObject& y = b.toDict();
      if (x.size() != y.size()) return false;
      for (const auto& entry : x) {
        const Value* other = y.find(entry.key);
        if (!other || !valuesEqual(entry.value, *other)) return false;
      }
      return true;
    }
    case ValueKind::Enum: {
      const EnumObject& x = a.toEnum();
      const EnumObject& y = b.toEnum();
      return x.name == y.name && x.type->equals(*y.type);
    }
    default:
      // Tensors (as dict keys), objects, futures, functions: identity.
      return a.isSameIdentity(b);
  }
}

size_t hashValue(const Value& value) {
  switch (value.kind()) {
    case ValueKind::None: return 0;
    case ValueKind::Bool: return std::hash<int64_t>()(value.toBool() ? 1 : 0);
    case ValueKind::Int: return std::hash<int64_t>()(value.toInt());
    case ValueKind::Float: return hashFloat(value.toFloat());
    case ValueKind::Complex: {
      c10::complex<double> c = value.toComplex();
      if (c.imag() == 0.0) return hashFloat(c.real());
      return combineHashes(hashFloat(c.real()), hashFloat(c.imag()));
    }
    case ValueKind::String: return std::hash<std::string>()(value.toStringRef());
    case ValueKind::Device: {
      c10::Device device = value.toDevice();
      return combineHashes(static_cast<size_t>(device.type()), static_cast<size_t>(device.index()));
    }
    case ValueKind::Tuple: {
      size_t seed = 0x345678;
      for (const Value& element : value.toTuple().elements) {
        seed = combineHashes(seed, hashValue(element));
      }
      return seed;
    }
    case ValueKind::Enum:
      return std::hash<std::string>()(value.toEnum().name);
    default:
      return std::hash<const void*>()(value.identity());
  }
}

types::TypePtr typeOfValue(const Value& value) {
  switch (value.kind()) {
    case ValueKind::None: return types::noneType();
    case ValueKind::Bool: return types::boolType();
    case ValueKind::Int: return types::intType();
    case ValueKind::Float: return types::floatType();
    case ValueKind::Device: return types::deviceType();
    case ValueKind::Tensor: return types::tensorType();
    case ValueKind::Complex: return types::complexType();
    case ValueKind::String: return types::strType();
    case ValueKind::List: return types::listOf(value.toList().elementType);
    case ValueKind::Dict: return types::dictOf(value.toDict().keyType, value.toDict().valueType);
    case ValueKind::Tuple: {
      const TupleObject& tuple = value.toTuple();
      if (tuple.namedType) return tuple.namedType;
      std::vector<types::TypePtr> elements;
      elements.reserve(tuple.elements.size());
      for (const Value& element : tuple.elements) elements.push_back(typeOfValue(element));
      return types::tupleOf(std::move(elements));
    }
    case ValueKind::Object: return value.toObject().type;
    case ValueKind::Enum: return value.toEnum().type;
    case ValueKind::Future: return types::futureOf(value.toFuture().elementType);
    case ValueKind::Function: return types::functionType();
    case ValueKind::Capsule: return types::capsuleType();
  }
  return types::anyType();
}

// ---- DictObject -----------------------------------------------------------------------------

Value* DictObject::find(const Value& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second]->value;
}

const Value* DictObject::find(const Value& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second]->value;
}

void DictObject::insertOrAssign(Value key, Value value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second]->value = std::move(value);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.push_back(Entry{std::move(key), std::move(value)});
}

Value& DictObject::insertIfAbsent(Value key, Value value) {
  auto it = index_.find(key);
  if (it != index_.end()) return entries_[it->second]->value;
  index_.emplace(key, entries_.size());
  entries_.push_back(Entry{std::move(key), std::move(value)});
  return entries_.back()->value;
}

bool DictObject::erase(const Value& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  size_t position = it->second;
  index_.erase(it);
  entries_[position].reset();
  compactIfSparse();
  return true;
}

void DictObject::clear() {
  index_.clear();
  entries_.clear();
}

const DictObject::Entry& DictObject::front() const { return *begin(); }

const DictObject::Entry& DictObject::back() const {
  size_t position = entries_.size();
  while (!entries_[--position]) {
  }
  return *entries_[position];
}

void DictObject::compactIfSparse() {
  size_t live = index_.size();
  if (live == 0) {
    entries_.clear();
    return;
  }
  // Amortized O(1): at least `live` erasures happened since the last squeeze.
  if (entries_.size() - live <= live || entries_.size() < 16) return;
  std::vector<std::optional<Entry>> packed;
  packed.reserve(live);
  for (auto& entry : entries_) {
    if (!entry) continue;
    index_[entry->key] = packed.size();
    packed.push_back(std::move(entry));
  }
  entries_ = std::move(packed);
}

}  // namespace tscript::runtime
