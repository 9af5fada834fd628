#include "compiler/interface_declaration.h"

#include "lang/diagnostics.h"
#include "types/annotation.h"

namespace tscript::compiler {

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
  types::MethodSignature signature;
  for (size_t i = 1; i < parameters.size(); ++i) {
    const lang::Arg& arg = *parameters[i];
    signature.parameterNames.push_back(arg.name);
    signature.parameterTypes.push_back(
        arg.annotation ? types::typeFromAnnotation(*arg.annotation, typeResolver)
                       : types::tensorType());
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
