// Union canonicalization and spelling, following PyTorch 1.13 (c10 union_type.cpp) so that
// Unions print with the same member order torch.jit prints.
#include <algorithm>
#include <stdexcept>

#include "types/type.h"

namespace tscript::types {

namespace {

// c10's TypeKind order (jit_type_base.h, 1.13). Union members are sorted by it, so it decides
// the printed order: Union(Tensor, int[], float, complex, NoneType, bool).
int c10KindRank(TypeKind kind) {
  switch (kind) {
    case TypeKind::Any: return 0;
    case TypeKind::Enum: return 1;
    case TypeKind::AnyEnum: return 2;
    case TypeKind::Tensor: return 3;
    case TypeKind::Storage: return 4;
    case TypeKind::Tuple: return 5;
    case TypeKind::List: return 6;
    case TypeKind::Dict: return 7;
    case TypeKind::Number: return 8;
    case TypeKind::Float: return 9;
    case TypeKind::Complex: return 10;
    case TypeKind::Future: return 11;
    case TypeKind::RRef: return 12;
    case TypeKind::Int: return 13;
    case TypeKind::None: return 14;
    case TypeKind::Str: return 15;
    case TypeKind::Generator: return 16;
    case TypeKind::Bool: return 18;
    case TypeKind::Optional: return 19;
    case TypeKind::Var: return 20;
    case TypeKind::Device: return 21;
    case TypeKind::Stream: return 22;
    case TypeKind::Function: return 23;
    case TypeKind::Class: return 24;
    case TypeKind::Capsule: return 26;
    case TypeKind::Interface: return 27;
    case TypeKind::QScheme: return 28;
    case TypeKind::ScalarType: return 29;
    case TypeKind::Layout: return 30;
    case TypeKind::MemoryFormat: return 31;
    case TypeKind::AnyList: return 32;
    case TypeKind::AnyTuple: return 33;
    case TypeKind::AnyClass: return 34;
    case TypeKind::Union: return 37;
  }
  return 99;
}

bool isNumberMember(TypeKind kind) {
  return kind == TypeKind::Int || kind == TypeKind::Float || kind == TypeKind::Complex;
}

// Nested Unions and Optionals dissolve into their members; Number into int, float, complex.
void flattenInto(const TypePtr& type, std::vector<TypePtr>& out) {
  if (const UnionType* union_ = type->as<UnionType>()) {
    for (const TypePtr& member : union_->members()) flattenInto(member, out);
  } else if (const OptionalType* optional = type->as<OptionalType>()) {
    flattenInto(optional->element(), out);
    out.push_back(noneType());
  } else if (type->kind() == TypeKind::Number) {
    out.push_back(intType());
    out.push_back(floatType());
    out.push_back(complexType());
  } else {
    out.push_back(type);
  }
}

// Merges every member that unifies with an earlier one into it (duplicates, subtypes,
// tensors with different details), walking from the back as 1.13 does so that the same
// members survive. None is never merged with anything here: that would make an Optional
// too early and hide members that could still coalesce.
void mergeUnifiableMembers(std::vector<TypePtr>& members) {
  if (members.empty()) return;
  auto supertypeOf = [](const TypePtr& a, const TypePtr& b) -> std::optional<TypePtr> {
    bool aIsNone = a->kind() == TypeKind::None;
    bool bIsNone = b->kind() == TypeKind::None;
    if (aIsNone != bIsNone) return std::nullopt;
    return unifyTypes(a, b);
  };
  size_t end = members.size() - 1;  // members after `end` are dead
  for (size_t i = members.size() - 1; i > 0; --i) {
    for (size_t j = std::min(i - 1, end);; --j) {
      if (std::optional<TypePtr> unified = supertypeOf(members[i], members[j])) {
        members[j] = *unified;
        members[i] = members[end];
        --end;
        break;
      }
      if (j == 0) break;
    }
  }
  members.erase(members.begin() + static_cast<std::ptrdiff_t>(end) + 1, members.end());
}

}  // namespace

TypePtr unionOf(std::vector<TypePtr> members) {
  if (members.empty()) throw std::invalid_argument("unionOf: a Union needs at least one member");
  std::vector<TypePtr> flat;
  for (const TypePtr& member : members) {
    if (!member) throw std::invalid_argument("unionOf: null type");
    flattenInto(member, flat);
  }
  mergeUnifiableMembers(flat);
  std::sort(flat.begin(), flat.end(), [](const TypePtr& a, const TypePtr& b) {
    int rankA = c10KindRank(a->kind()), rankB = c10KindRank(b->kind());
    if (rankA != rankB) return rankA < rankB;
    return a->schemaStr() < b->schemaStr();
  });

  if (flat.size() == 1) return flat.front();
  auto none = std::find_if(flat.begin(), flat.end(),
                           [](const TypePtr& t) { return t->kind() == TypeKind::None; });
  if (none != flat.end()) {
    if (flat.size() == 2) return optionalOf(flat[none == flat.begin() ? 1 : 0]);
    size_t numbers = std::count_if(flat.begin(), flat.end(),
                                   [](const TypePtr& t) { return isNumberMember(t->kind()); });
    if (flat.size() == 4 && numbers == 3) return optionalOf(numberType());
  }
  return std::make_shared<UnionType>(std::move(flat));
}

bool UnionType::canHoldNone() const {
  return std::any_of(members_.begin(), members_.end(),
                     [](const TypePtr& t) { return t->kind() == TypeKind::None; });
}

bool UnionType::canHoldNumber() const {
  size_t numbers = std::count_if(members_.begin(), members_.end(),
                                 [](const TypePtr& t) { return isNumberMember(t->kind()); });
  return numbers == 3;  // members are distinct, so this is int, float and complex
}

bool UnionType::equals(const Type& other) const {
  const UnionType* union_ = other.as<UnionType>();
  if (!union_ || union_->members_.size() != members_.size()) return false;
  // Both are canonical (sorted), so members correspond one to one.
  for (size_t i = 0; i < members_.size(); ++i) {
    if (*members_[i] != *union_->members_[i]) return false;
  }
  return true;
}

// When int, float and complex are all members they print as one `Scalar` (`number` in
// annotations) at the end: Union(Tensor, NoneType, Scalar).
//
// Deliberate difference from 1.13: its printer drops or misplaces the separator when a number
// member comes first (it prints `Union(, str, Scalar)` and `Union(TensorScalar)`); we print
// `Union(str, Scalar)` and `Union(Tensor, Scalar)`, which parse back.
static std::string spellUnion(const UnionType& type, const char* open, const char* close,
                              std::string (Type::*spell)() const, const TypePtr& number) {
  bool collapseNumbers = type.canHoldNumber();
  std::string out = std::string("Union") + open;
  bool first = true;
  auto append = [&](const std::string& text) {
    if (!first) out += ", ";
    out += text;
    first = false;
  };
  for (const TypePtr& member : type.members()) {
    if (collapseNumbers && isNumberMember(member->kind())) continue;
    append(((*member).*spell)());
  }
  if (collapseNumbers) append(((*number).*spell)());
  return out + close;
}

std::string UnionType::str() const { return spellUnion(*this, "(", ")", &Type::schemaStr, numberType()); }
std::string UnionType::schemaStr() const { return str(); }
std::string UnionType::annotationStr() const {
  return spellUnion(*this, "[", "]", &Type::annotationStr, numberType());
}

}  // namespace tscript::types
