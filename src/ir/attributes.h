// Node attributes: named compile-time values attached to a node (`prim::Constant[value=2]`,
// `prim::GetAttr[name="weight"]`, the `Subgraph` of `prim::fork`).
//
// There is no ATen in this layer, so values that TorchScript keeps as IValues (lists, tuples,
// devices) are a small recursive `ConstantValue`, and tensors are kept as the text the graph
// printer shows for them (`{2.5}`, ` 1  2 [ CPULongType{2} ]`, `<Tensor>`); whoever needs the
// real tensor (the runtime, freezing) owns it elsewhere.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "types/type.h"

namespace tscript::ir {

class Graph;

// The kinds of TorchScript's attributes (`AttributeKind`), named by their one-letter tag.
enum class AttributeKind : uint8_t {
  i,     // int64 (bools are stored as 0/1)
  is,    // int64 list
  f,     // double
  fs,    // double list
  c,     // complex
  s,     // string
  ss,    // string list
  ty,    // a type
  tys,   // a type list
  g,     // a graph (subgraph)
  t,     // a tensor, kept as its printed text
  ts,    // a tensor list, kept as a count (prints as `[<Tensors>]`)
  ival,  // anything else: lists, tuples, None, bools, nested
};
const char* attributeKindName(AttributeKind kind);  // "i", "is", ...

struct Complex {
  double real = 0;
  double imag = 0;
  bool operator==(const Complex&) const = default;
};

// A tensor attribute: the printed form (see file comment) and, when whoever made the node has
// the tensor itself (a loaded archive's CONSTANTS.cN), that tensor as an opaque handle this
// layer never looks into (runtime/constants.h makes and reads it).
struct TensorText {
  std::string text;
  std::shared_ptr<const void> value;
  bool operator==(const TensorText&) const = default;
};

// A generic constant (TorchScript's `ival` attribute). Lists and tuples nest.
struct ConstantValue {
  enum class Kind : uint8_t {
    None, Bool, Int, Double, Complex, String, Device, EnumCase, Tensor, List, Tuple
  };

  Kind kind = Kind::None;
  bool boolValue = false;
  int64_t intValue = 0;
  double doubleValue = 0;
  Complex complexValue;
  // String; Device (`cuda:1`); EnumCase (`__torch__.Color.RED`); Tensor (printed text)
  std::string text;
  std::vector<ConstantValue> elements;  // List, Tuple

  static ConstantValue none() { return {}; }
  static ConstantValue fromBool(bool v);
  static ConstantValue fromInt(int64_t v);
  static ConstantValue fromDouble(double v);
  static ConstantValue fromComplex(Complex v);
  static ConstantValue fromString(std::string v);
  static ConstantValue fromDevice(std::string v);  // prints as torch.device("cuda:1")
  static ConstantValue fromEnumCase(std::string qualifiedCase);  // __torch__.Color.RED
  static ConstantValue fromTensorText(std::string v);
  static ConstantValue list(std::vector<ConstantValue> elements);
  static ConstantValue tuple(std::vector<ConstantValue> elements);

  bool operator==(const ConstantValue&) const = default;
};

using GraphPtr = std::shared_ptr<Graph>;

// One attribute value. The variant alternative *is* the kind (see kind()).
class AttributeValue {
 public:
  using Storage = std::variant<int64_t, std::vector<int64_t>, double, std::vector<double>, Complex,
                               std::string, std::vector<std::string>, types::TypePtr,
                               std::vector<types::TypePtr>, GraphPtr, TensorText, size_t,
                               ConstantValue>;

  AttributeValue() : storage_(int64_t(0)) {}
  AttributeValue(Storage storage) : storage_(std::move(storage)) {}  // NOLINT: implicit by design

  AttributeKind kind() const { return static_cast<AttributeKind>(storage_.index()); }
  const Storage& storage() const { return storage_; }

  template <typename T>
  const T& get() const { return std::get<T>(storage_); }
  template <typename T>
  const T* getIf() const { return std::get_if<T>(&storage_); }

 private:
  // The order of the alternatives matches AttributeKind; `size_t` is the `ts` count.
  Storage storage_;
};

// ---- the printed forms (shared by the graph printer and, later, the code printer) -------

// A double as TorchScript prints it (`IValue::repr`): `1.`, `-0.`, `2.5`, `1e+17`,
// `10000000000` (integral values from 1e10 up to 1e17 print without a point), `inf`, `nan`.
std::string formatDouble(double value);
// `0.+2.j`, `1.5-2.j`
std::string formatComplex(Complex value);
// Double-quoted with C escapes; bytes outside printable ASCII become 3-digit octal computed
// on a *signed* char, exactly as PyTorch 1.13 does (so UTF-8 text comes out as `\0)+`). The
// IR parser inverts that arithmetic, which keeps print(parse(text)) == text.
std::string quoteString(std::string_view value);
std::string formatConstant(const ConstantValue& value);
// The text between `name=` and the next `,`/`]` in a node's attribute list.
std::string formatAttribute(const AttributeValue& value);

}  // namespace tscript::ir
