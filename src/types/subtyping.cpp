// Subtyping (`a <: b`) and unification (the type of a control-flow join), with the rules of
// PyTorch 1.13 (c10 type.cpp / union_type.cpp):
//   - everything <: Any; None <: Optional[T]; T <: Optional[T]; T <: Union[..., T, ...]
//   - int, float, complex <: Number (Scalar); bool is not a number
//   - a refined tensor <: a tensor type that knows less (Float(2, 3) <: Tensor)
//   - lists and dicts are invariant (List[int] is not a List[Optional[int]]: it could be
//     appended None); tuples and futures are covariant
//   - a NamedTuple <: the plain tuple of its elements; classes <: the interfaces they implement

#include "types/type.h"

namespace tscript::types {

bool isSubtypeOf(const TypePtr& a, const TypePtr& b) {
  const Type& lhs = *a;
  const Type& rhs = *b;
  if (rhs.kind() == TypeKind::Any || lhs == rhs) return true;

  // A Union (Optional included) is a subtype when every member is.
  if (const UnionType* union_ = lhs.as<UnionType>()) {
    for (const TypePtr& member : union_->members()) {
      if (!isSubtypeOf(member, b)) return false;
    }
    return true;
  }
  if (const OptionalType* optional = lhs.as<OptionalType>()) {
    return isSubtypeOf(noneType(), b) && isSubtypeOf(optional->element(), b);
  }
  // Number is int | float | complex; it fits a Union holding all three.
  if (lhs.kind() == TypeKind::Number && rhs.kind() == TypeKind::Union) {
    return isSubtypeOf(intType(), b) && isSubtypeOf(floatType(), b) &&
           isSubtypeOf(complexType(), b);
  }

  if (const OptionalType* optional = rhs.as<OptionalType>()) {
    return lhs.kind() == TypeKind::None || isSubtypeOf(a, optional->element());
  }
  if (const UnionType* union_ = rhs.as<UnionType>()) {
    for (const TypePtr& member : union_->members()) {
      if (isSubtypeOf(a, member)) return true;
    }
    return false;
  }
  return lhs.isSubtypeOfHook(rhs);
}

bool ListType::isSubtypeOfHook(const Type& other) const {
  return other.kind() == TypeKind::AnyList;  // otherwise invariant: equality was checked
}

bool FutureType::isSubtypeOfHook(const Type& other) const {
  const FutureType* future = other.as<FutureType>();
  return future && isSubtypeOf(element(), future->element());
}

bool TupleType::isSubtypeOfHook(const Type& other) const {
  if (other.kind() == TypeKind::AnyTuple) return true;
  const TupleType* tuple = other.as<TupleType>();
  if (!tuple || tuple->elements_.size() != elements_.size()) return false;
  // A plain tuple is not a NamedTuple; a NamedTuple is a plain tuple, or one with the same
  // field names (c10 compares the names only).
  if (tuple->hasFieldNames() && fieldNames_ != tuple->fieldNames_) return false;
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (!isSubtypeOf(elements_[i], tuple->elements_[i])) return false;
  }
  return true;
}

TypePtr unshapedType(const TypePtr& type) {
  switch (type->kind()) {
    case TypeKind::Tensor:
      return tensorType();
    case TypeKind::List:
      return listOf(unshapedType(type->as<ListType>()->element()));
    case TypeKind::Optional:
      return optionalOf(unshapedType(type->as<OptionalType>()->element()));
    case TypeKind::Future:
      return futureOf(unshapedType(type->as<FutureType>()->element()));
    case TypeKind::RRef:
      return rrefOf(unshapedType(type->as<RRefType>()->element()));
    case TypeKind::Dict: {
      const DictType* dict = type->as<DictType>();
      return dictOf(unshapedType(dict->key()), unshapedType(dict->value()));
    }
    case TypeKind::Tuple: {
      const TupleType* tuple = type->as<TupleType>();
      std::vector<TypePtr> elements;
      for (const TypePtr& element : tuple->elements()) elements.push_back(unshapedType(element));
      if (tuple->isNamed()) {
        return namedTupleOf(*tuple->qualifiedName(), tuple->fieldNames(), std::move(elements));
      }
      if (tuple->hasFieldNames()) return fieldNamedTupleOf(tuple->fieldNames(), std::move(elements));
      return tupleOf(std::move(elements));
    }
    case TypeKind::Union: {
      std::vector<TypePtr> members;
      for (const TypePtr& member : type->as<UnionType>()->members()) {
        members.push_back(unshapedType(member));
      }
      return unionOf(std::move(members));
    }
    default:
      return type;
  }
}

static std::optional<TypePtr> unifyWithoutUnion(const TypePtr& a, const TypePtr& b,
                                                const TypePtr& typeHint) {
  if (isSubtypeOf(a, b)) return b;
  if (isSubtypeOf(b, a)) return a;

  if (const TensorType* tensorA = a->as<TensorType>()) {
    if (const TensorType* tensorB = b->as<TensorType>()) {
      return tensorTypeWith(tensorA->merge(tensorB->details()));
    }
  }
  // T and None join as Optional[T].
  bool aIsNone = a->kind() == TypeKind::None, bIsNone = b->kind() == TypeKind::None;
  if (aIsNone && !bIsNone) return optionalOf(b);
  if (bIsNone && !aIsNone) return optionalOf(a);

  // unify(Optional[T], U) = Optional[unify(T, U)]. (Number is not produced: too few operators
  // accept it, as 1.13 notes.)
  if (const OptionalType* optional = a->as<OptionalType>()) {
    if (std::optional<TypePtr> element = unifyTypes(optional->element(), b)) {
      return optionalOf(*element);
    }
  } else if (const OptionalType* optional = b->as<OptionalType>()) {
    if (std::optional<TypePtr> element = unifyTypes(optional->element(), a)) {
      return optionalOf(*element);
    }
  }

  // Tuples are immutable, so their elements may unify one by one: (int, None) and
  // (int, int) join as (int, int?).
  const TupleType* tupleA = a->as<TupleType>();
  const TupleType* tupleB = b->as<TupleType>();
  if (tupleA && tupleB) {
    if (tupleA->elements().size() != tupleB->elements().size()) return std::nullopt;
    std::vector<TypePtr> elements;
    for (size_t i = 0; i < tupleA->elements().size(); ++i) {
      std::optional<TypePtr> element = unifyTypes(tupleA->elements()[i], tupleB->elements()[i]);
      if (!element) return std::nullopt;
      elements.push_back(*element);
    }
    return tupleOf(std::move(elements));
  }

  const FutureType* futureA = a->as<FutureType>();
  const FutureType* futureB = b->as<FutureType>();
  if (futureA && futureB) {
    if (std::optional<TypePtr> element = unifyTypes(futureA->element(), futureB->element())) {
      return futureOf(*element);
    }
  }

  // Mutable containers (List, Dict) of differently refined tensors join as containers of
  // plain tensors.
  TypePtr unshapedA = unshapedType(a);
  TypePtr unshapedB = unshapedType(b);
  if (isSubtypeOf(unshapedA, unshapedB)) return unshapedB;
  if (isSubtypeOf(unshapedB, unshapedA)) return unshapedA;

  if (typeHint && isSubtypeOf(a, typeHint) && isSubtypeOf(b, typeHint)) return typeHint;
  return std::nullopt;
}

std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b) {
  return unifyWithoutUnion(a, b, nullptr);
}

std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b,
                                  const UnifyOptions& options) {
  std::optional<TypePtr> unified = unifyWithoutUnion(a, b, options.typeHint);
  if (!unified && options.defaultToUnion) return unionOf({a, b});
  return unified;
}

std::optional<TypePtr> unifyTypeList(const std::vector<TypePtr>& types,
                                     const UnifyOptions& options, std::string* whyNot) {
  if (types.empty()) {
    if (whyNot) *whyNot = "Cannot get unified type from empty list";
    return std::nullopt;
  }
  TypePtr result = types.front();
  for (size_t i = 1; i < types.size(); ++i) {
    std::optional<TypePtr> unified = unifyTypes(result, types[i], options);
    if (!unified) {
      if (whyNot) {
        *whyNot = "Could not unify type list since element " + std::to_string(i) + " of type " +
                  types[i]->annotationStr() + " did not match the types before it (" +
                  result->annotationStr() + ")";
      }
      return std::nullopt;
    }
    result = *unified;
  }
  return result;
}

}  // namespace tscript::types
