// Primitive singletons, composite type constructors and their spellings.
// (Tensor details: tensor_type.cpp; Union canonicalization: union_type.cpp;
//  subtyping and unification: subtyping.cpp.)
#include "types/type.h"

#include <stdexcept>

namespace tscript::types {

bool operator==(const Type& a, const Type& b) { return &a == &b || a.equals(b); }

namespace {

// A type without parameters. There is one instance per kind, so the default
// kind-only `equals` is exactly right.
class PrimitiveType final : public Type {
 public:
  PrimitiveType(TypeKind kind, const char* graphName, const char* annotationName)
      : Type(kind), graphName_(graphName), annotationName_(annotationName) {}
  std::string str() const override { return graphName_; }
  std::string annotationStr() const override { return annotationName_; }
  bool isSubtypeOfHook(const Type& other) const override;

 private:
  const char* graphName_;
  const char* annotationName_;
};

// Schemas spell some arguments ScalarType, Layout or MemoryFormat, but the values are plain
// ints (graphs and code say `int`), so an int is accepted for them and they for an int.
bool isIntLike(TypeKind kind) {
  return kind == TypeKind::Int || kind == TypeKind::ScalarType || kind == TypeKind::Layout ||
         kind == TypeKind::MemoryFormat;
}

bool PrimitiveType::isSubtypeOfHook(const Type& other) const {
  switch (kind()) {
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Complex:
      if (other.kind() == TypeKind::Number) return true;
      break;
    default:
      break;
  }
  return isIntLike(kind()) && isIntLike(other.kind());
}

TypePtr makePrimitive(TypeKind kind, const char* graphName, const char* annotationName = nullptr) {
  return std::make_shared<PrimitiveType>(kind, graphName,
                                         annotationName ? annotationName : graphName);
}

}  // namespace

// Spellings measured on PyTorch 1.13 (Type.str() / annotation_str of the c10 singletons).
#define TSCRIPT_PRIMITIVE(fn, ...)                          \
  TypePtr fn() {                                            \
    static const TypePtr instance = makePrimitive(__VA_ARGS__); \
    return instance;                                        \
  }
TSCRIPT_PRIMITIVE(anyType, TypeKind::Any, "Any")
TSCRIPT_PRIMITIVE(noneType, TypeKind::None, "NoneType")
TSCRIPT_PRIMITIVE(intType, TypeKind::Int, "int")
TSCRIPT_PRIMITIVE(floatType, TypeKind::Float, "float")
TSCRIPT_PRIMITIVE(complexType, TypeKind::Complex, "complex")
TSCRIPT_PRIMITIVE(boolType, TypeKind::Bool, "bool")
TSCRIPT_PRIMITIVE(strType, TypeKind::Str, "str")
TSCRIPT_PRIMITIVE(deviceType, TypeKind::Device, "Device")
TSCRIPT_PRIMITIVE(streamType, TypeKind::Stream, "Stream")
TSCRIPT_PRIMITIVE(generatorType, TypeKind::Generator, "Generator")
TSCRIPT_PRIMITIVE(layoutType, TypeKind::Layout, "Layout", "int")
TSCRIPT_PRIMITIVE(scalarTypeType, TypeKind::ScalarType, "ScalarType", "int")
TSCRIPT_PRIMITIVE(memoryFormatType, TypeKind::MemoryFormat, "MemoryFormat", "int")
TSCRIPT_PRIMITIVE(qschemeType, TypeKind::QScheme, "QScheme")
TSCRIPT_PRIMITIVE(storageType, TypeKind::Storage, "Storage")
TSCRIPT_PRIMITIVE(capsuleType, TypeKind::Capsule, "Capsule")
// `Scalar` in schemas and graphs, `number` in annotation_str and in messages.
TSCRIPT_PRIMITIVE(numberType, TypeKind::Number, "Scalar", "number")
TSCRIPT_PRIMITIVE(functionType, TypeKind::Function, "Function")
TSCRIPT_PRIMITIVE(anyListType, TypeKind::AnyList, "list")
TSCRIPT_PRIMITIVE(anyTupleType, TypeKind::AnyTuple, "tuple")
TSCRIPT_PRIMITIVE(anyClassType, TypeKind::AnyClass, "AnyClassType")
TSCRIPT_PRIMITIVE(anyEnumType, TypeKind::AnyEnum, "AnyEnumType")
#undef TSCRIPT_PRIMITIVE

TypePtr tensorType() {
  static const TypePtr instance = std::make_shared<TensorType>(TensorDetails{});
  return instance;
}

TypePtr tensorTypeWith(TensorDetails details) {
  if (details == TensorDetails{}) return tensorType();
  if (details.strides && details.sizes && details.strides->size() != details.sizes->size()) {
    throw std::invalid_argument("tensorTypeWith: " + std::to_string(details.strides->size()) +
                                " strides given for a tensor of rank " +
                                std::to_string(details.sizes->size()));
  }
  return std::make_shared<TensorType>(std::move(details));
}

// ---- constructors ------------------------------------------------------------------------

static void requireType(const TypePtr& type, const char* what) {
  if (!type) throw std::invalid_argument(std::string(what) + ": null type");
}

TypePtr listOf(TypePtr element) {
  requireType(element, "listOf");
  return std::make_shared<ListType>(std::move(element));
}

TypePtr dictOf(TypePtr key, TypePtr value) {
  requireType(key, "dictOf");
  requireType(value, "dictOf");
  return std::make_shared<DictType>(std::move(key), std::move(value));
}

TypePtr tupleOf(std::vector<TypePtr> elements) {
  for (const TypePtr& element : elements) requireType(element, "tupleOf");
  return std::make_shared<TupleType>(std::move(elements), std::nullopt,
                                     std::vector<std::string>{});
}

TypePtr fieldNamedTupleOf(std::vector<std::string> fieldNames, std::vector<TypePtr> elements) {
  for (const TypePtr& element : elements) requireType(element, "fieldNamedTupleOf");
  if (fieldNames.size() != elements.size() || fieldNames.empty()) {
    throw std::invalid_argument("fieldNamedTupleOf: " + std::to_string(fieldNames.size()) +
                                " field names for " + std::to_string(elements.size()) +
                                " elements");
  }
  return std::make_shared<TupleType>(std::move(elements), std::nullopt, std::move(fieldNames));
}

TypePtr namedTupleOf(std::string qualifiedName, std::vector<std::string> fieldNames,
                     std::vector<TypePtr> elements) {
  for (const TypePtr& element : elements) requireType(element, "namedTupleOf");
  if (fieldNames.size() != elements.size()) {
    throw std::invalid_argument("namedTupleOf: " + std::to_string(fieldNames.size()) +
                                " field names for " + std::to_string(elements.size()) +
                                " elements");
  }
  return std::make_shared<TupleType>(std::move(elements), std::move(qualifiedName),
                                     std::move(fieldNames));
}

TypePtr optionalOf(TypePtr element) {
  requireType(element, "optionalOf");
  switch (element->kind()) {
    case TypeKind::None:
    case TypeKind::Optional:
      return element;
    case TypeKind::Union:
      // A Union that already holds None needs no wrapper; otherwise 1.13 keeps the Union
      // whole: unifying Union[int, str] with None gives `Union(int, str)?`.
      if (element->as<UnionType>()->canHoldNone()) return element;
      return std::make_shared<OptionalType>(std::move(element));
    default:
      return std::make_shared<OptionalType>(std::move(element));
  }
}

TypePtr futureOf(TypePtr element) {
  requireType(element, "futureOf");
  return std::make_shared<FutureType>(std::move(element));
}

TypePtr rrefOf(TypePtr element) {
  requireType(element, "rrefOf");
  return std::make_shared<RRefType>(std::move(element));
}

TypePtr typeVar(std::string name) { return std::make_shared<VarType>(std::move(name)); }

// ---- equality ------------------------------------------------------------------------------

bool SingleElementType::equals(const Type& other) const {
  if (other.kind() != kind()) return false;
  return *element_ == *static_cast<const SingleElementType&>(other).element_;
}

bool DictType::equals(const Type& other) const {
  const DictType* dict = other.as<DictType>();
  return dict && *key_ == *dict->key_ && *value_ == *dict->value_;
}

TupleType::TupleType(std::vector<TypePtr> elements, std::optional<std::string> qualifiedName,
                     std::vector<std::string> fieldNames)
    : Type(Kind),
      elements_(std::move(elements)),
      qualifiedName_(std::move(qualifiedName)),
      fieldNames_(std::move(fieldNames)) {}

bool TupleType::equals(const Type& other) const {
  const TupleType* tuple = other.as<TupleType>();
  // Field names count too (c10 compares the tuples' schemas): `(values, indices)` of
  // aten::max.dim is not the plain `(Tensor, Tensor)`.
  if (!tuple || tuple->qualifiedName_ != qualifiedName_ || tuple->fieldNames_ != fieldNames_ ||
      tuple->elements_.size() != elements_.size()) {
    return false;
  }
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (*elements_[i] != *tuple->elements_[i]) return false;
  }
  return true;
}

bool VarType::equals(const Type& other) const {
  const VarType* var = other.as<VarType>();
  return var && var->name_ == name_;
}

// ---- spellings -----------------------------------------------------------------------------
// Graph spelling (str) follows c10's `operator<<(ostream, Type)`, which is what graphs print:
// tensor details show inside lists, optionals, tuples, futures and rrefs, but Dict and Union
// print their members with the plain spelling (so a Dict of refined tensors still says
// `Dict(str, Tensor)`). We mirror that by using schemaStr() for Dict and Union members.

std::string ListType::str() const { return element()->str() + "[]"; }
std::string ListType::schemaStr() const { return element()->schemaStr() + "[]"; }
std::string ListType::annotationStr() const { return "List[" + element()->annotationStr() + "]"; }

std::string OptionalType::str() const { return element()->str() + "?"; }
std::string OptionalType::schemaStr() const { return element()->schemaStr() + "?"; }
std::string OptionalType::annotationStr() const {
  return "Optional[" + element()->annotationStr() + "]";
}

std::string FutureType::str() const { return "Future[" + element()->str() + "]"; }
std::string FutureType::schemaStr() const { return "Future(" + element()->schemaStr() + ")"; }
std::string FutureType::annotationStr() const {
  return "Future[" + element()->annotationStr() + "]";
}

std::string RRefType::str() const { return "RRef[" + element()->str() + "]"; }
std::string RRefType::schemaStr() const { return "RRef(" + element()->schemaStr() + ")"; }
std::string RRefType::annotationStr() const { return "RRef[" + element()->annotationStr() + "]"; }

std::string DictType::str() const { return schemaStr(); }
std::string DictType::schemaStr() const {
  return "Dict(" + key_->schemaStr() + ", " + value_->schemaStr() + ")";
}
std::string DictType::annotationStr() const {
  return "Dict[" + key_->annotationStr() + ", " + value_->annotationStr() + "]";
}

std::string TupleType::str() const {
  std::string out = hasFieldNames() ? "NamedTuple(" : "(";
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (i > 0) out += ", ";
    if (hasFieldNames()) out += fieldNames_[i] + " : ";
    out += elements_[i]->str();
  }
  return out + ")";
}

std::string TupleType::schemaStr() const {
  if (isNamed()) return *qualifiedName_;
  std::string out = "(";
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (i > 0) out += ", ";
    out += elements_[i]->schemaStr();
  }
  return out + ")";
}

std::string TupleType::annotationStr() const {
  if (isNamed()) return *qualifiedName_;
  if (elements_.empty()) return "Tuple[()]";
  std::string out = "Tuple[";
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (i > 0) out += ", ";
    out += elements_[i]->annotationStr();
  }
  return out + "]";
}

}  // namespace tscript::types
