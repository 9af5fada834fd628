// Annotation expressions -> Types.
//
// What is accepted, beyond what torch.jit 1.13 accepts: PEP 604 unions (`int | None`, which
// 1.13 rejects with "Expression of type | cannot be used in a type expression") and the
// spellings that printed `.code` uses (`Device`, `NoneType`, `number`, `__torch__.X`), so that
// code loaded from archives compiles with the same converter.
#include "types/annotation.h"

#include <optional>
#include <unordered_map>


namespace tscript::types {

namespace {

using lang::CompileError;
using lang::Expr;

// The dotted name of a Name/Attribute chain (`torch.jit.Future`), or nullopt for anything else.
std::optional<std::string> dottedName(const Expr& expr) {
  if (const auto* name = expr.as<lang::NameExpr>()) return name->id;
  if (const auto* attribute = expr.as<lang::AttributeExpr>()) {
    std::optional<std::string> base = dottedName(*attribute->value);
    if (!base) return std::nullopt;
    return *base + "." + attribute->attr;
  }
  return std::nullopt;
}

// Module prefixes under which the typing names may be written.
std::string withoutTypingPrefix(const std::string& name) {
  for (const char* prefix : {"typing.", "typing_extensions."}) {
    std::string p(prefix);
    if (name.compare(0, p.size(), p) == 0) return name.substr(p.size());
  }
  return name;
}

// Names that are types on their own.
TypePtr builtinSimpleType(const std::string& name) {
  static const std::unordered_map<std::string, TypePtr (*)()> table = {
      {"int", intType},
      {"float", floatType},
      {"bool", boolType},
      {"str", strType},
      {"complex", complexType},
      {"None", noneType},
      {"NoneType", noneType},
      {"Any", anyType},
      {"Tensor", tensorType},
      {"torch.Tensor", tensorType},
      {"torch.device", deviceType},
      {"Device", deviceType},
      // dtype, layout and memory_format values are ints in TorchScript.
      {"torch.dtype", intType},
      {"torch.layout", intType},
      {"torch.memory_format", intType},
      {"torch.Generator", generatorType},
      {"Generator", generatorType},
      {"torch.Stream", streamType},
      {"Stream", streamType},
      {"number", numberType},  // printed code spells Scalar arguments `number`
  };
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second();
}

enum class Constructor { List, Dict, Tuple, Optional, Union, Final, Future, RRef };

std::optional<Constructor> constructorNamed(const std::string& name) {
  static const std::unordered_map<std::string, Constructor> table = {
      {"List", Constructor::List},
      {"list", Constructor::List},
      {"Dict", Constructor::Dict},
      {"dict", Constructor::Dict},
      {"Tuple", Constructor::Tuple},
      {"tuple", Constructor::Tuple},
      {"Optional", Constructor::Optional},
      {"Union", Constructor::Union},
      {"Final", Constructor::Final},
      // Spellings users write in annotations (`torch.jit.Final[int]`): names in the source
      // being compiled, not a use of libtorch's TorchScript.
      {"torch.jit.Final", Constructor::Final},
      {"Future", Constructor::Future},
      {"torch.jit.Future", Constructor::Future},
      {"torch.futures.Future", Constructor::Future},
      {"RRef", Constructor::RRef},
      {"torch.distributed.rpc.RRef", Constructor::RRef},
      // `BroadcastingList2[int]` (torch.nn.functional's parameters) is List[int] as a type;
      // that a single int is also accepted (and repeated) is the function signature's
      // business (broadcastingListSize), not the type's.
      {"BroadcastingList1", Constructor::List},
      {"BroadcastingList2", Constructor::List},
      {"BroadcastingList3", Constructor::List},
      {"BroadcastingList4", Constructor::List},
      {"BroadcastingList5", Constructor::List},
      {"BroadcastingList6", Constructor::List},
  };
  auto it = table.find(name);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

// Error texts for a constructor used without arguments, worded as torch.jit 1.13 words them.
std::string missingArgumentsMessage(Constructor constructor, const std::string& written) {
  switch (constructor) {
    case Constructor::Dict:
      return "Attempted to use " + written +
             " without contained types. Please add contained type, e.g. " + written +
             "[int, int]";
    case Constructor::Union:
      return "Attempted to use " + written +
             " without contained types. Please add contained types, e.g. " + written +
             "[int, str]";
    default:
      return "Attempted to use " + written +
             " without a contained type. Please add a contained type, e.g. " + written + "[int]";
  }
}

class AnnotationConverter {
 public:
  explicit AnnotationConverter(const AnnotationResolver& resolver) : resolver_(resolver) {}

 private:
  const lang::SourceRange* forwardReference_ = nullptr;  // the string literal being converted

 public:

  AnnotatedType convertTop(const Expr& expr, bool allowFinal) {
    if (const auto* subscript = expr.as<lang::SubscriptExpr>()) {
      std::optional<std::string> name = dottedName(*subscript->value);
      if (name && constructorNamed(withoutTypingPrefix(*name)) == Constructor::Final) {
        if (!allowFinal) {
          throw CompileError(expr.range,
                             "Final is only allowed on class and module attributes; "
                             "remove Final[...] here (a local variable cannot be declared Final)");
        }
        std::vector<const Expr*> arguments = typeArguments(*subscript);
        expectArgumentCount(*subscript, *name, arguments, 1, "exactly one type argument");
        return {convert(*arguments[0]), true};
      }
    }
    return {convert(expr), false};
  }

  TypePtr convert(const Expr& expr) {
    switch (expr.kind) {
      case lang::ExprKind::Name:
      case lang::ExprKind::Attribute:
        return convertName(expr);
      case lang::ExprKind::Subscript:
        return convertSubscript(*expr.as<lang::SubscriptExpr>());
      case lang::ExprKind::Constant:
        return convertConstant(*expr.as<lang::ConstantExpr>());
      case lang::ExprKind::BinOp: {
        const auto& binop = *expr.as<lang::BinOpExpr>();
        if (binop.op == lang::BinOpKind::BitOr) {
          return unionOf({convert(*binop.left), convert(*binop.right)});
        }
        break;
      }
      case lang::ExprKind::List:
        throw CompileError(expr.range,
                           "A list is not a type; to annotate a list write List[T], e.g. "
                           "List[int]");
      case lang::ExprKind::Tuple:
        throw CompileError(expr.range,
                           "A tuple of types is not a type; to annotate a tuple write "
                           "Tuple[T1, T2], e.g. Tuple[int, str]");
      default:
        break;
    }
    throw CompileError(expr.range, "'" + std::string(expr.range.text()) +
                                       "' cannot be used as a type annotation");
  }

 private:
  TypePtr convertName(const Expr& expr) {
    std::optional<std::string> written = dottedName(expr);
    if (!written) {
      throw CompileError(expr.range, "'" + std::string(expr.range.text()) +
                                         "' cannot be used as a type annotation");
    }
    std::string name = withoutTypingPrefix(*written);
    if (TypePtr simple = builtinSimpleType(name)) return simple;
    if (std::optional<Constructor> constructor = constructorNamed(name)) {
      if (*constructor == Constructor::Final) {
        throw CompileError(expr.range, "Final must be given a type, e.g. Final[int]");
      }
      throw CompileError(expr.range, missingArgumentsMessage(*constructor, *written));
    }
    if (resolver_) {
      // Inside a string annotation the resolver sees the string literal's range: names are
      // looked up in the scope of the file the string is written in.
      if (TypePtr resolved = resolver_(*written, forwardReference_ ? *forwardReference_ : expr.range)) {
        return resolved;
      }
    }
    std::string message = "Unknown type name '" + *written + "'";
    if (std::optional<std::string> hint = hintFor(name)) message += "; " + *hint;
    throw CompileError(expr.range, message);
  }

  static std::optional<std::string> hintFor(const std::string& name) {
    static const std::unordered_map<std::string, std::string> likelyMeant = {
        {"string", "str"},      {"integer", "int"},   {"long", "int"},
        {"double", "float"},    {"boolean", "bool"},  {"Int", "int"},
        {"Float", "float"},     {"Bool", "bool"},     {"Str", "str"},
        {"torch.FloatTensor", "torch.Tensor"},        {"torch.LongTensor", "torch.Tensor"},
        {"Set", "List (TorchScript has no sets)"},    {"set", "List (TorchScript has no sets)"},
        {"Sequence", "List"},   {"Mapping", "Dict"},  {"Iterable", "List"},
        {"torch.Size", "List[int]"},
    };
    auto it = likelyMeant.find(name);
    if (it != likelyMeant.end()) return "did you mean " + it->second + "?";
    return "only builtin types, TorchScript classes, NamedTuples, Enums and interfaces can be "
           "used as types";
  }

  // The arguments inside the brackets: `X[a, b]` has two, `X[a]` one, `Tuple[()]` none.
  static std::vector<const Expr*> typeArguments(const lang::SubscriptExpr& subscript) {
    std::vector<const Expr*> arguments;
    if (const auto* tuple = subscript.slice->as<lang::TupleExpr>()) {
      for (const lang::ExprPtr& element : tuple->elts) arguments.push_back(element.get());
    } else {
      arguments.push_back(subscript.slice.get());
    }
    return arguments;
  }

  static void expectArgumentCount(const lang::SubscriptExpr& subscript, const std::string& written,
                                  const std::vector<const Expr*>& arguments, size_t count,
                                  const char* what) {
    if (arguments.size() == count) return;
    throw CompileError(subscript.range, written + " takes " + what + ", got " +
                                            std::to_string(arguments.size()));
  }

  TypePtr convertSubscript(const lang::SubscriptExpr& subscript) {
    std::optional<std::string> written = dottedName(*subscript.value);
    std::optional<Constructor> constructor;
    if (written) constructor = constructorNamed(withoutTypingPrefix(*written));
    if (!constructor) {
      std::string base(subscript.value->range.text());
      throw CompileError(subscript.range,
                         "'" + base + "' does not take type arguments; only List, Dict, Tuple, "
                         "Optional, Union, Future and RRef do");
    }
    std::vector<const Expr*> arguments = typeArguments(subscript);
    for (const Expr* argument : arguments) {
      if (argument->kind == lang::ExprKind::Slice) {
        throw CompileError(argument->range, "A slice cannot be used as a type argument");
      }
    }
    switch (*constructor) {
      case Constructor::List:
        expectArgumentCount(subscript, *written, arguments, 1, "exactly one type argument");
        return listOf(convert(*arguments[0]));
      case Constructor::Optional: {
        expectArgumentCount(subscript, *written, arguments, 1, "exactly one type argument");
        // typing flattens Optional[Union[A, B]] to Union[A, B, None], and so does torch.jit.
        TypePtr element = convert(*arguments[0]);
        if (element->kind() == TypeKind::Union) return unionOf({element, noneType()});
        return optionalOf(std::move(element));
      }
      case Constructor::Future:
        expectArgumentCount(subscript, *written, arguments, 1, "exactly one type argument");
        return futureOf(convert(*arguments[0]));
      case Constructor::RRef:
        expectArgumentCount(subscript, *written, arguments, 1, "exactly one type argument");
        return rrefOf(convert(*arguments[0]));
      case Constructor::Dict: {
        expectArgumentCount(subscript, *written, arguments, 2,
                            "exactly two type arguments (key and value)");
        TypePtr key = convert(*arguments[0]);
        checkDictKey(key, arguments[0]->range);
        return dictOf(std::move(key), convert(*arguments[1]));
      }
      case Constructor::Tuple:
        return convertTuple(subscript, arguments);
      case Constructor::Union:
        return convertUnion(subscript, arguments);
      case Constructor::Final:
        throw CompileError(subscript.range,
                           "Final is only allowed as the outermost annotation of a class or "
                           "module attribute");
    }
    return nullptr;
  }

  TypePtr convertTuple(const lang::SubscriptExpr& subscript,
                       const std::vector<const Expr*>& arguments) {
    std::vector<TypePtr> elements;
    for (const Expr* argument : arguments) {
      if (const auto* constant = argument->as<lang::ConstantExpr>();
          constant && constant->value.kind == lang::ConstantValue::Kind::Ellipsis) {
        throw CompileError(argument->range,
                           "Variable-length tuples (Tuple[T, ...]) are not supported in "
                           "TorchScript; use List[T], or write out every element type");
      }
      elements.push_back(convert(*argument));
    }
    return tupleOf(std::move(elements));
  }

  TypePtr convertUnion(const lang::SubscriptExpr& subscript,
                       const std::vector<const Expr*>& arguments) {
    if (arguments.empty()) {
      throw CompileError(subscript.range, "Union needs at least one type argument");
    }
    std::vector<TypePtr> members;
    for (const Expr* argument : arguments) members.push_back(convert(*argument));
    // As torch.jit does for the Python annotation: exactly {int, float, complex} is Number.
    if (members.size() == 3) {
      bool hasInt = false, hasFloat = false, hasComplex = false;
      for (const TypePtr& member : members) {
        hasInt |= member->kind() == TypeKind::Int;
        hasFloat |= member->kind() == TypeKind::Float;
        hasComplex |= member->kind() == TypeKind::Complex;
      }
      if (hasInt && hasFloat && hasComplex) return numberType();
    }
    return unionOf(std::move(members));
  }

  // TorchScript dicts hash their keys; only these kinds can be keys (c10 DictType::create).
  static void checkDictKey(const TypePtr& key, const lang::SourceRange& range) {
    switch (key->kind()) {
      case TypeKind::Any:
      case TypeKind::Int:
      case TypeKind::Bool:
      case TypeKind::Float:
      case TypeKind::Complex:
      case TypeKind::Str:
      case TypeKind::Tensor:
      case TypeKind::Device:
        return;
      default:
        throw CompileError(range, "Cannot create dict for key type '" + key->schemaStr() +
                                      "', only int, float, complex, Tensor, device and string "
                                      "keys are supported");
    }
  }

  TypePtr convertConstant(const lang::ConstantExpr& constant) {
    switch (constant.value.kind) {
      case lang::ConstantValue::Kind::None:
        return noneType();
      case lang::ConstantValue::Kind::Str:
        return convertForwardReference(constant);
      default:
        throw CompileError(constant.range, "'" + std::string(constant.range.text()) +
                                               "' is a value, not a type");
    }
  }

  // `'Optional[Point]'`: the string is parsed as an expression and converted. Errors inside it
  // are reported at the string literal, quoting the inner message.
  TypePtr convertForwardReference(const lang::ConstantExpr& constant) {
    const lang::SourceRange& at = constant.range;
    std::string fileName = at.valid() ? at.file->name() : "<string annotation>";
    auto file = std::make_shared<lang::SourceFile>(fileName, constant.value.text,
                                                   at.valid() ? at.line() : 1);
    const lang::SourceRange* outer = forwardReference_;
    forwardReference_ = &at;
    try {
      lang::ExprPtr parsed = lang::parseExpression(file);
      TypePtr type = convert(*parsed);
      forwardReference_ = outer;
      return type;
    } catch (const CompileError& error) {
      forwardReference_ = outer;
      throw CompileError(at, "in string annotation '" + constant.value.text + "': " +
                                 error.message());
    }
  }

  const AnnotationResolver& resolver_;
};

}  // namespace

std::optional<size_t> broadcastingListSize(const lang::Expr& annotation) {
  const auto* subscript = annotation.as<lang::SubscriptExpr>();
  if (!subscript) return std::nullopt;
  std::optional<std::string> name = dottedName(*subscript->value);
  if (!name) return std::nullopt;
  std::string base = withoutTypingPrefix(*name);
  if (base == "Optional") return broadcastingListSize(*subscript->slice);
  size_t dot = base.rfind('.');
  if (dot != std::string::npos) base = base.substr(dot + 1);
  static const std::string kPrefix = "BroadcastingList";
  if (base.size() != kPrefix.size() + 1 || base.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  char digit = base.back();
  if (digit < '1' || digit > '6') return std::nullopt;
  return static_cast<size_t>(digit - '0');
}

TypePtr typeFromAnnotation(const lang::Expr& expr, const AnnotationResolver& resolver) {
  return AnnotationConverter(resolver).convertTop(expr, /*allowFinal=*/false).type;
}

AnnotatedType annotationAllowingFinal(const lang::Expr& expr, const AnnotationResolver& resolver) {
  return AnnotationConverter(resolver).convertTop(expr, /*allowFinal=*/true);
}

TypeCommentTypes signatureFromTypeComment(const lang::TypeCommentSignature& signature,
                                          const AnnotationResolver& resolver) {
  TypeCommentTypes types;
  types.ellipsisArguments = signature.ellipsisArguments;
  for (const lang::ExprPtr& argument : signature.argumentTypes) {
    if (argument->kind == lang::ExprKind::Starred) {
      throw CompileError(argument->range,
                         "Variable numbers of arguments (*args) are not supported in "
                         "TorchScript, so a type comment cannot give a starred type");
    }
    types.argumentTypes.push_back(typeFromAnnotation(*argument, resolver));
  }
  if (signature.returnType) types.returnType = typeFromAnnotation(*signature.returnType, resolver);
  return types;
}

TypeCommentTypes signatureFromTypeComment(const std::string& commentText,
                                          const lang::SourceRange& at,
                                          const AnnotationResolver& resolver) {
  auto file = std::make_shared<lang::SourceFile>(at.valid() ? at.file->name() : "<type comment>",
                                                 commentText, at.valid() ? at.line() : 1);
  return signatureFromTypeComment(lang::parseTypeCommentSignature(file), resolver);
}

}  // namespace tscript::types
