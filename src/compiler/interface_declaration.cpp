#include "compiler/interface_declaration.h"

#include <optional>
#include <vector>

#include "lang/diagnostics.h"
#include "types/annotation.h"

namespace tscript::compiler {

namespace {

// The default written in an interface declaration: a literal (number, str, bool, None, a
// tuple of those), as a signature holds it; nullopt when it is something else.
std::optional<types::ConstantLiteral> literalOf(const lang::Expr& expression) {
  using Kind = lang::ConstantValue::Kind;
  if (const auto* constant = expression.as<lang::ConstantExpr>()) {
    const lang::ConstantValue& value = constant->value;
    switch (value.kind) {
      case Kind::None: return types::ConstantLiteral::none();
      case Kind::True: return types::ConstantLiteral::ofBool(true);
      case Kind::False: return types::ConstantLiteral::ofBool(false);
      case Kind::Int: return types::ConstantLiteral::ofInt(value.intValue);
      case Kind::Float: return types::ConstantLiteral::ofFloat(value.floatValue);
      case Kind::Str: return types::ConstantLiteral::ofStr(value.text);
      default: return std::nullopt;
    }
  }
  if (const auto* unary = expression.as<lang::UnaryOpExpr>()) {
    std::optional<types::ConstantLiteral> operand = literalOf(*unary->operand);
    if (unary->op != lang::UnaryOpKind::USub || !operand) return std::nullopt;
    if (operand->kind == types::ConstantLiteral::Kind::Int) return types::ConstantLiteral::ofInt(-operand->intValue);
    if (operand->kind == types::ConstantLiteral::Kind::Float) return types::ConstantLiteral::ofFloat(-operand->floatValue);
    return std::nullopt;
  }
  if (const auto* tuple = expression.as<lang::TupleExpr>()) {
    std::vector<types::ConstantLiteral> elements;
    for (const lang::ExprPtr& element : tuple->elts) {
      std::optional<types::ConstantLiteral> literal = literalOf(*element);
      if (!literal) return std::nullopt;
      elements.push_back(std::move(*literal));
    }
    return types::ConstantLiteral::ofTuple(std::move(elements));
  }
  return std::nullopt;
}

// The default of `arg` (typed `type`) as the signature keeps it: an int for a float
// parameter becomes a float, as a call would convert it.
types::ConstantLiteral interfaceDefault(const std::string& method, const lang::Arg& arg,
                                        const lang::Expr& expression, const types::TypePtr& type) {
  std::optional<types::ConstantLiteral> literal = literalOf(expression);
  if (!literal) {
    throw lang::CompileError(expression.range, "the default of parameter '" + arg.name +
                                                   "' of interface method '" + method +
                                                   "' is not a literal; an interface default "
                                                   "must be a number, str, bool, None or a "
                                                   "tuple of those");
  }
  if (type->kind() == types::TypeKind::Float && literal->kind == types::ConstantLiteral::Kind::Int) {
    literal = types::ConstantLiteral::ofFloat(static_cast<double>(literal->intValue));
  }
  if (!types::isSubtypeOf(literal->type(), type)) {
    throw lang::CompileError(expression.range, "the default of parameter '" + arg.name +
                                                   "' of interface method '" + method +
                                                   "' has type " + literal->type()->annotationStr() +
                                                   ", not the parameter's type " +
                                                   type->annotationStr());
  }
  return *literal;
}

}  // namespace

types::MethodSignature interfaceMethodSignature(const lang::FunctionDefStmt& def,
                                                Resolver& resolver) {
  const lang::Arguments& args = *def.args;
  if (args.vararg || args.kwarg) {
    throw lang::CompileError(args.vararg ? args.vararg->range : args.kwarg->range,
                             "interface method '" + def.name + "' takes *args or **kwargs; "
                             "declare each parameter with a name and a type");
  }
  std::vector<const lang::Arg*> parameters;
  for (const lang::Arg& arg : args.posonlyargs) parameters.push_back(&arg);
  for (const lang::Arg& arg : args.args) parameters.push_back(&arg);
  for (const lang::Arg& arg : args.kwonlyargs) parameters.push_back(&arg);
  if (parameters.empty()) {
    throw lang::CompileError(def.nameRange, "interface method '" + def.name +
                                                "' has no `self` parameter");
  }
  if (!def.returns) {
    throw lang::CompileError(def.nameRange, "interface declarations must have a return type "
                                            "annotated (method '" + def.name + "')");
  }
  types::AnnotationResolver typeResolver = [&resolver](const std::string& name,
                                                       const lang::SourceRange& range) {
    return resolver.resolveType(name, range);
  };
  // Python's defaults: the last `defaults.size()` positional parameters, and the keyword-only
  // parameters with a non-null kw_defaults entry.
  std::vector<const lang::Expr*> defaults(parameters.size(), nullptr);
  size_t positional = args.posonlyargs.size() + args.args.size();
  for (size_t i = 0; i < args.defaults.size(); ++i) {
    defaults[positional - args.defaults.size() + i] = args.defaults[i].get();
  }
  for (size_t i = 0; i < args.kwDefaults.size(); ++i) {
    defaults[positional + i] = args.kwDefaults[i].get();
  }
  types::MethodSignature signature;
  for (size_t i = 1; i < parameters.size(); ++i) {
    const lang::Arg& arg = *parameters[i];
    signature.parameterNames.push_back(arg.name);
    signature.parameterTypes.push_back(
        arg.annotation ? types::typeFromAnnotation(*arg.annotation, typeResolver)
                       : types::tensorType());
    signature.parameterDefaults.push_back(
        defaults[i] ? std::optional(interfaceDefault(def.name, arg, *defaults[i],
                                                     signature.parameterTypes.back()))
                    : std::nullopt);
  }
  signature.returnType = types::typeFromAnnotation(*def.returns, typeResolver);
  return signature;
}

std::string interfaceMismatchReason(const types::TypePtr& actual, const types::TypePtr& wanted) {
  const auto* interface = wanted->as<types::InterfaceType>();
  if (!interface) return "";
  std::string why;
  types::implementsInterface(*actual, *interface, &why);
  return why.empty() ? "" : ": " + why;
}

}  // namespace tscript::compiler
