// Printed classes and methods (see archive_code.h).
#include "archive/archive_code.h"

#include <cctype>

#include "ir/attributes.h"
#include "runtime/constants.h"
#include "runtime/operator_info.h"

namespace tscript::archive {

namespace {

bool isIdentifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string nameList(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const std::string& name : names) text += ir::quoteString(name) + ", ";
  return text + "]";
}

}  // namespace

ir::CodeSignature codeSignatureOf(const compiler::CompiledFunction& function, const std::string& name) {
  ir::CodeSignature signature;
  signature.name = name;
  for (size_t i = 0; i < function.parameterNames.size(); ++i) {
    signature.arguments.push_back({function.parameterNames[i], function.parameterTypes[i],
                                   function.parameterDefaults[i],
                                   function.parameterBroadcastSizes.empty()
                                       ? std::nullopt
                                       : function.parameterBroadcastSizes[i]});
  }
  signature.returnType = function.returnType;
  return signature;
}

ir::CodePrinterOptions archiveCodePrinterOptions(bool printFirstArgumentType,
                                                 const std::vector<runtime::Value>* constants) {
  ir::CodePrinterOptions options;
  options.operatorInfo = runtime::operatorInfoForPrinting;
  options.printFirstArgumentType = printFirstArgumentType;
  options.qualifiedFunctionName = [](const std::string& name) {
    return name.rfind("__torch__.", 0) == 0 ? name : "__torch__." + name;
  };
  if (constants) {
    // A loaded tensor constant carries its tensor: its index is where that tensor is in the
    // archive's table (texts such as `<Tensor>` would make different tensors one entry).
    options.tensorConstantIndex = [constants](const ir::Node& node) -> size_t {
      const at::Tensor* tensor = runtime::tensorOfAttribute(node.attribute("value").get<ir::TensorText>());
      for (size_t i = 0; tensor && i < constants->size(); ++i) {
        const runtime::Value& constant = (*constants)[i];
        if (constant.isTensor() && constant.toTensor().unsafeGetTensorImpl() == tensor->unsafeGetTensorImpl()) {
          return i;
        }
      }
      throw ir::CodePrintError("code printer: a tensor constant that is not in constants.pkl: " + node.toString());
    };
  }
  return options;
}

std::string methodCode(compiler::CompilationUnit& unit, const types::ClassType& type,
                       const std::string& name, const std::vector<runtime::Value>* constants) {
  const compiler::CompiledFunction& method = unit.method(type, name);
  ir::CodePrinter printer(archiveCodePrinterOptions(false, constants));
  printer.printFunction(*method.graph, codeSignatureOf(method, name));
  return printer.text();
}

std::string constantLiteralCode(const types::ConstantLiteral& literal) {
  using Kind = types::ConstantLiteral::Kind;
  switch (literal.kind) {
    case Kind::None: return "None";
    case Kind::Bool: return literal.boolValue ? "True" : "False";
    case Kind::Int: return std::to_string(literal.intValue);
    case Kind::Float: return ir::formatDouble(literal.floatValue);
    case Kind::Str: return ir::quoteString(literal.strValue);
    case Kind::Tuple: {
      std::string text = "(";
      for (size_t i = 0; i < literal.elements.size(); ++i) {
        if (i > 0) text += ", ";
        text += constantLiteralCode(literal.elements[i]);
      }
      return text + (literal.elements.size() == 1 ? ",)" : ")");
    }
  }
  return "None";
}

std::string enumClassCode(const types::EnumType& type) {
  const std::string& name = type.qualifiedName();
  std::string text = "class " + name.substr(name.rfind('.') + 1) + "(Enum):\n";
  for (const types::EnumType::Member& member : type.members()) {
    text += "  " + member.name + " = " + constantLiteralCode(member.value) + "\n";
  }
  return text;
}

void printClass(ir::CodePrinter& printer, compiler::CompilationUnit& unit,
                const types::ClassType& type, const ClassCodeParts& parts) {
  printClassHeader(printer, type, parts);
  for (const std::string& name : parts.methods) {
    const compiler::CompiledFunction& method = unit.method(type, name);
    printer.printFunction(*method.graph, codeSignatureOf(method, name), 1);
  }
}

void printClassHeader(ir::CodePrinter& printer, const types::ClassType& type,
                      const ClassCodeParts& parts,
                      const std::function<bool(const std::string& attribute)>& savedAttribute) {
  std::vector<types::ClassType::Attribute> attributes;
  for (const auto& attribute : type.attributes()) {
    if (!savedAttribute || savedAttribute(attribute.name)) attributes.push_back(attribute);
  }
  std::string header = "class " + type.baseName() + (type.isModule() ? "(Module):\n" : ":\n");
  if (type.isModule()) {
    std::vector<std::string> parameters, buffers;
    for (const auto& attribute : attributes) {
      if (attribute.isParameter) parameters.push_back(attribute.name);
      if (attribute.isBuffer) buffers.push_back(attribute.name);
    }
    header += "  __parameters__ = " + nameList(parameters) + "\n";
    header += "  __buffers__ = " + nameList(buffers) + "\n";
    if (!parts.forwardPreHooks.empty()) {
      header += "  __forward_pre_hooks__ = " + nameList(parts.forwardPreHooks) + "\n";
    }
    if (!parts.forwardHooks.empty()) {
      header += "  __forward_hooks__ = " + nameList(parts.forwardHooks) + "\n";
    }
  }
  if (!attributes.empty() && !isIdentifier(attributes[0].name)) header += "  __annotations__ = []\n";
  for (const auto& attribute : attributes) {
    if (isIdentifier(attribute.name)) {
      header += "  " + attribute.name + " : " + attribute.type->annotationStr() + "\n";
    } else {
      header += "  __annotations__[" + ir::quoteString(attribute.name) + "] = " +
                attribute.type->annotationStr() + "\n";
    }
  }
  for (const auto& [name, value] : type.constants()) {
    header += "  " + name + " : Final[" + value.type()->annotationStr() + "] = " +
              constantLiteralCode(value) + "\n";
  }
  printer.appendText(header);
}

void printFunction(ir::CodePrinter& printer, compiler::CompilationUnit& unit, const std::string& name,
                   const std::string& printedName) {
  const compiler::CompiledFunction& function = unit.function(name);
  printer.printFunction(*function.graph, codeSignatureOf(function, printedName), 0);
}

std::string interfaceCode(const types::InterfaceType& interface) {
  const std::string& name = interface.qualifiedName();
  std::string text = "class " + name.substr(name.rfind('.') + 1) +
                     (interface.isModuleInterface() ? "(ModuleInterface):\n" : "(Interface):\n");
  for (const auto& [method, signature] : interface.methods()) {
    text += "  def " + method + "(self";
    for (size_t i = 0; i < signature.parameterNames.size(); ++i) {
      text += ", " + signature.parameterNames[i] + ": " +
              signature.parameterTypes[i]->annotationStr();
    }
    text += ") -> " + signature.returnType->annotationStr() + ":\n    pass\n";
  }
  return text;
}

}  // namespace tscript::archive
