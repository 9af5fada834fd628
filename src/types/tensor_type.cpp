// Tensor types with details: spelling, merge, and the subtype rule "knows at least as much".
#include <sstream>

#include "types/type.h"

namespace tscript::types {

const char* scalarKindName(ScalarKind kind) {
  switch (kind) {
    case ScalarKind::Byte: return "Byte";
    case ScalarKind::Char: return "Char";
    case ScalarKind::Short: return "Short";
    case ScalarKind::Int: return "Int";
    case ScalarKind::Long: return "Long";
    case ScalarKind::Half: return "Half";
    case ScalarKind::Float: return "Float";
    case ScalarKind::Double: return "Double";
    case ScalarKind::ComplexHalf: return "ComplexHalf";
    case ScalarKind::ComplexFloat: return "ComplexFloat";
    case ScalarKind::ComplexDouble: return "ComplexDouble";
    case ScalarKind::Bool: return "Bool";
    case ScalarKind::QInt8: return "QInt8";
    case ScalarKind::QUInt8: return "QUInt8";
    case ScalarKind::QInt32: return "QInt32";
    case ScalarKind::BFloat16: return "BFloat16";
  }
  return "?";
}

// The graph spelling, as c10 prints a TensorType at full verbosity:
//   dtype and rank known   Float(2, *, strides=[3, 1], requires_grad=0, device=cpu)
//   rank only              Tensor(*, *)
//   dtype only             FloatTensor(requires_grad=0)
//   neither                Tensor, Tensor(requires_grad=0, device=cpu)
// Strides are printed only when the rank is at least 1 and every stride is known.
std::string TensorType::str() const {
  std::ostringstream out;
  if (details_.dtype) {
    out << scalarKindName(*details_.dtype);
    if (!details_.sizes) out << "Tensor";
  } else {
    out << "Tensor";
  }
  // Properties after the sizes; the separator depends on whether anything came before.
  size_t printed = 0;
  auto separate = [&] {
    if (printed++ > 0) out << ", ";
  };
  if (details_.sizes) {
    out << "(";
    for (const std::optional<int64_t>& size : *details_.sizes) {
      separate();
      if (size) {
        out << *size;
      } else {
        out << "*";
      }
    }
    if (!details_.sizes->empty() && details_.strides &&
        details_.strides->size() == details_.sizes->size()) {
      out << ", strides=[";
      for (size_t i = 0; i < details_.strides->size(); ++i) {
        if (i > 0) out << ", ";
        out << (*details_.strides)[i];
      }
      out << "]";
    }
  }
  bool hasProperties = details_.requiresGrad || details_.device;
  if (!details_.sizes && hasProperties) out << "(";
  if (details_.requiresGrad) {
    separate();
    out << "requires_grad=" << (*details_.requiresGrad ? 1 : 0);
  }
  if (details_.device) {
    separate();
    out << "device=" << *details_.device;
  }
  if (details_.sizes || hasProperties) out << ")";
  return out.str();
}

bool TensorType::equals(const Type& other) const {
  const TensorType* tensor = other.as<TensorType>();
  return tensor && tensor->details_ == details_;
}

template <typename T>
static std::optional<T> mergeProperty(const std::optional<T>& a, const std::optional<T>& b) {
  return a == b ? a : std::nullopt;
}

TensorDetails TensorType::merge(const TensorDetails& other) const {
  TensorDetails merged;
  merged.dtype = mergeProperty(details_.dtype, other.dtype);
  if (details_.sizes && other.sizes && details_.sizes->size() == other.sizes->size()) {
    std::vector<std::optional<int64_t>> sizes;
    for (size_t i = 0; i < details_.sizes->size(); ++i) {
      sizes.push_back(mergeProperty((*details_.sizes)[i], (*other.sizes)[i]));
    }
    merged.sizes = std::move(sizes);
    merged.strides = mergeProperty(details_.strides, other.strides);
  }
  merged.requiresGrad = mergeProperty(details_.requiresGrad, other.requiresGrad);
  merged.device = mergeProperty(details_.device, other.device);
  return merged;
}

// A refined tensor is a subtype of any tensor type whose known properties it shares: that
// is, merging with the supertype loses nothing the supertype knows.
bool TensorType::isSubtypeOfHook(const Type& other) const {
  const TensorType* tensor = other.as<TensorType>();
  return tensor && merge(tensor->details_) == tensor->details_;
}

}  // namespace tscript::types
