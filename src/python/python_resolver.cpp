#include "python/python_resolver.h"

#include "python/python_interfaces.h"

#include <algorithm>

#include "types/annotation.h"

#include "compiler/function_emitter.h"
#include "compiler/named_type_values.h"
#include "compiler/torch_constants.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "python/function_cache.h"
#include "python/python_calls.h"
#include "python/python_enums.h"
#include "python/traced_function.h"

namespace py = pybind11;

namespace tscript::python {

using compiler::FunctionEmitter;
using compiler::NamedValue;
using compiler::SugaredValue;
using compiler::SugaredValuePtr;

namespace {

// A constant Python global (None, bool, int, float, str).
class PythonConstant final : public SugaredValue {
 public:
  explicit PythonConstant(py::object value) : value_(std::move(value)) {}
  std::string describe() const override { return "a Python constant"; }
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override {
    if (value_.is_none()) return emitter.insertNoneConstant(range);
    if (PyBool_Check(value_.ptr())) return emitter.insertBoolConstant(value_.ptr() == Py_True, range);
    if (PyLong_Check(value_.ptr())) return emitter.insertConstant(value_.cast<int64_t>(), range);
    if (PyFloat_Check(value_.ptr())) return emitter.insertConstant(value_.cast<double>(), range);
    if (PyTuple_Check(value_.ptr())) {
      // A tuple of constants (`LIMITS = (1, 4)`): a tuple built from its elements, so that
      // indexing and unpacking see each element's own type.
      std::vector<ir::Value*> elements;
      std::vector<types::TypePtr> elementTypes;
      for (py::handle item : value_) {
        PythonConstant element(py::reinterpret_borrow<py::object>(item));
        elements.push_back(element.asValue(range, emitter));
        elementTypes.push_back(elements.back()->type());
      }
      ir::Node* tuple = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), elements, 1, range);
      return tuple->output()->setType(types::tupleOf(std::move(elementTypes)));
    }
    return emitter.insertStringConstant(value_.cast<std::string>(), range);
  }
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(const lang::SourceRange& range,
                                                               FunctionEmitter& emitter) override {
    if (!PyTuple_Check(value_.ptr())) return std::nullopt;
    return compiler::SimpleValue(asValue(range, emitter)).unrolledElements(range, emitter);
  }

 private:
  py::object value_;
};

// torch.jit.is_scripting(): True in compiled code, a compile-time constant.
class IsScripting final : public SugaredValue {
 public:
  std::string describe() const override { return "is_scripting"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    if (!args.empty()) throw lang::CompileError(range, "is_scripting() takes no arguments");
    return std::make_shared<compiler::SimpleValue>(emitter.insertBoolConstant(true, range));
  }
};

std::string qualifiedName(py::handle function) {
  py::object name = py::getattr(function, "__qualname__", py::none());
  if (name.is_none()) name = py::repr(function);
  return name.cast<std::string>();
}

// A Python module seen from TorchScript: `torch`, `math`, `torch.jit`, `F`.
class PythonModule final : public SugaredValue {
 public:
  PythonModule(PythonResolver& resolver, py::object module)
      : resolver_(resolver), module_(std::move(module)) {}
  std::string describe() const override {
    return "module '" + py::str(module_.attr("__name__")).cast<std::string>() + "'";
  }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter&,
                       const std::string& name) override {
    py::object descriptor = resolver_.resolveAttribute(module_, name);
    if (SugaredValuePtr value = sugaredFromDescriptor(resolver_, descriptor, range)) return value;
    throw lang::CompileError(range, describe() + " has no attribute '" + name + "'");
  }

 private:
  PythonResolver& resolver_;
  py::object module_;
};

// A class that compiled code only reaches into (`Net.helper(x)`, a static method of a module
// class): attributes resolve through Python; anything else is the descriptor's error.
class StaticScope final : public SugaredValue {
 public:
  StaticScope(PythonResolver& resolver, py::object cls, std::string why, std::string instead)
      : resolver_(resolver), cls_(std::move(cls)), why_(std::move(why)), instead_(std::move(instead)) {}
  std::string describe() const override {
    return "class '" + py::str(cls_.attr("__name__")).cast<std::string>() + "'";
  }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter&,
                       const std::string& name) override {
    py::object descriptor = resolver_.resolveAttribute(cls_, name);
    if (SugaredValuePtr value = sugaredFromDescriptor(resolver_, descriptor, range)) return value;
    throw lang::CompileError(range, describe() + " has no attribute '" + name + "'");
  }
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter&) override { fail(range); }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter&,
                       std::vector<NamedValue>) override {
    fail(range);
  }

 private:
  [[noreturn]] void fail(const lang::SourceRange& range) const {
    throw lang::CompileError(range, instead_.empty() ? why_ : why_ + "; " + instead_);
  }

  PythonResolver& resolver_;
  py::object cls_;
  std::string why_;
  std::string instead_;
};

}  // namespace

// Defined in bind_module.cpp: the type of a ModuleType handle, and its constructor.
types::TypePtr classTypeOf(py::handle moduleType);
SugaredValuePtr classConstructor(py::handle moduleType, const lang::SourceRange& range);

types::TypePtr definedPythonType(const std::string& name, const lang::SourceRange&) {
  if (types::TypePtr interface = interfaceTypeNamed(name)) return interface;
  return enumTypeNamed(name);
}

compiler::CompilationUnit*& classUnit() {
  static compiler::CompilationUnit* unit = nullptr;
  return unit;
}

std::optional<ir::ConstantValue> PythonResolver::parameterDefault(const std::string& parameter,
                                                                  const lang::SourceRange& where) {
  auto function = functionsByFile_.find(where.file.get());
  if (function == functionsByFile_.end()) return std::nullopt;
  static py::object* lookup =
      new py::object(py::module_::import("tscript._script").attr("_parameter_default"));
  py::object value = (*lookup)(function->second, parameter);
  if (!PyTuple_Check(value.ptr()) || PyTuple_GET_SIZE(value.ptr()) != 1) return std::nullopt;
  py::handle constant = PyTuple_GET_ITEM(value.ptr(), 0);
  if (constant.is_none()) return ir::ConstantValue::none();
  if (PyBool_Check(constant.ptr())) return ir::ConstantValue::fromBool(constant.ptr() == Py_True);
  if (PyLong_Check(constant.ptr())) return ir::ConstantValue::fromInt(constant.cast<int64_t>());
  if (PyFloat_Check(constant.ptr())) return ir::ConstantValue::fromDouble(constant.cast<double>());
  if (PyUnicode_Check(constant.ptr())) return ir::ConstantValue::fromString(constant.cast<std::string>());
  return std::nullopt;
}

SugaredValuePtr PythonResolver::objectValue(ir::Value* object) {
  return classUnit() ? classUnit()->objectValue(object) : nullptr;
}

types::TypePtr namedTupleType(const py::tuple& descriptor) {
  std::vector<std::string> names;
  std::vector<types::TypePtr> fieldTypes;
  for (py::handle field : descriptor[2].cast<py::list>()) {
    py::tuple pair = py::reinterpret_borrow<py::tuple>(field);
    names.push_back(pair[0].cast<std::string>());
    std::string annotation = pair[1].is_none() ? "Tensor" : pair[1].cast<std::string>();
    auto file = std::make_shared<lang::SourceFile>("<field '" + names.back() + "'>", annotation);
    fieldTypes.push_back(types::typeFromAnnotation(*lang::parseExpression(file), definedPythonType));
  }
  return types::namedTupleOf(descriptor[1].cast<std::string>(), std::move(names), std::move(fieldTypes));
}

SugaredValuePtr sugaredFromDescriptor(PythonResolver& resolver, py::handle descriptor,
                                      const lang::SourceRange& range) {
  if (descriptor.is_none()) return nullptr;
  py::tuple tuple = py::reinterpret_borrow<py::tuple>(descriptor);
  std::string kind = tuple[0].cast<std::string>();
  if (kind == "module") return std::make_shared<PythonModule>(resolver, tuple[1]);
  if (kind == "static_scope") {
    return std::make_shared<StaticScope>(resolver, tuple[1], tuple[2].cast<std::string>(),
                                         tuple[3].cast<std::string>());
  }
  if (kind == "builtin") {
    return std::make_shared<compiler::BuiltinFunction>(
        ir::Symbol::fromQualString(tuple[1].cast<std::string>()));
  }
  if (SugaredValuePtr function = functionDescriptorValue(kind, tuple, range)) return function;
  if (kind == "constant") return std::make_shared<PythonConstant>(tuple[1]);
  if (kind == "class") return classConstructor(tuple[1], range);
  if (kind == "interface") {
    throw lang::CompileError(range, "'" + tuple[1].attr("qualified_name").cast<std::string>() +
                                        "' is an interface: it is a type for annotations, and "
                                        "cannot be constructed or called");
  }
  if (kind == "namedtuple") {
    // Missing fields take the Python class's defaults (`_field_defaults`).
    py::dict defaults = tuple[3].cast<py::dict>();
    auto emitDefault = [defaults](const std::string& field, const lang::SourceRange& where,
                                  FunctionEmitter& emitter) -> ir::Value* {
      if (!defaults.contains(field.c_str())) return nullptr;
      return PythonConstant(defaults[field.c_str()]).asValue(where, emitter);
    };
    return std::make_shared<compiler::NamedTupleConstructor>(namedTupleType(tuple), emitDefault);
  }
  if (kind == "enum") return enumClassValue(tuple[1].cast<std::string>());
  if (kind == "enum_member") {
    return enumMemberValue(tuple[1].cast<std::string>(), tuple[2].cast<std::string>());
  }
  if (kind == "exception") {
    return std::make_shared<compiler::ExceptionClass>(tuple[1].cast<std::string>());
  }
  if (kind == "is_scripting") return std::make_shared<IsScripting>();
  if (kind == "annotate") return std::make_shared<compiler::AnnotateFunction>();
  if (kind == "python_call") return pythonCallValue(tuple, range);
  if (kind == "traced_function") return tracedFunctionValue(tuple[1]);  // traced_function.h
  if (kind == "unsupported") {
    std::string instead = tuple[2].cast<std::string>();
    throw lang::CompileError(range, tuple[1].cast<std::string>() +
                                        (instead.empty() ? "" : "; " + instead));
  }
  if (kind == "torch_constant") {
    std::string name = tuple[1].cast<std::string>();
    std::optional<int64_t> value = compiler::torchEnumConstant(name);
    if (!value) return nullptr;  // a dtype TorchScript does not know: "not supported"
    return std::make_shared<PythonConstant>(py::int_(*value));
  }
  throw lang::CompileError(range, "internal: unknown name descriptor '" + kind + "'");
}

std::shared_ptr<compiler::Resolver> makeFunctionResolver(
    py::handle function, const std::vector<const lang::SourceFile*>& files) {
  const PythonCallbacks& callbacks = pythonCallbacks();
  auto resolver = std::make_shared<PythonResolver>(callbacks.resolveGlobal,
                                                   callbacks.resolveAttribute, callbacks.sourceOf);
  for (const lang::SourceFile* file : files) resolver->bindFile(file, function);
  return resolver;
}

lang::Module PythonResolver::parseFunction(py::handle function, const lang::SourceRange& use) {
  py::object found = sourceOf_(function);
  if (found.is_none()) {
    throw lang::CompileError(use, "cannot compile function '" + qualifiedName(function) +
                                      "': Python has no source code for it (it was made by "
                                      "exec or eval, typed at the interactive prompt, or its "
                                      "file is gone); tscript compiles functions from their "
                                      "source, so define it in a .py file");
  }
  py::tuple source = found;
  auto file = std::make_shared<lang::SourceFile>(
      source[1].cast<std::string>(), source[0].cast<std::string>(), source[2].cast<uint32_t>(),
      source.size() > 3 ? source[3].cast<uint32_t>() : 0);
  lang::Module module = lang::parseModule(file);
  functionsByFile_[file.get()] = py::reinterpret_borrow<py::object>(function);
  keepAlive_.push_back(py::reinterpret_borrow<py::object>(function));
  return module;
}

std::string PythonResolver::define(py::handle function, const lang::SourceRange& use) {
  auto known = definedNames_.find(function.ptr());
  if (known != definedNames_.end()) return known->second;
  lang::Module module = parseFunction(function, use);
  std::string name;
  for (const lang::StmtPtr& statement : module.body) {
    if (auto* def = statement->as<lang::FunctionDefStmt>()) {
      name = def->name;
      break;
    }
  }
  if (name.empty()) {
    throw lang::CompileError(lang::SourceRange(), "no function definition in the source of " +
                                                      py::repr(function).cast<std::string>());
  }
  definedNames_[function.ptr()] = name;
  unit_->define(std::move(module));
  return name;
}

namespace {

lang::FunctionDefStmt* firstDef(lang::Module& module, py::handle function) {
  for (lang::StmtPtr& statement : module.body) {
    if (auto* def = statement->as<lang::FunctionDefStmt>()) return def;
  }
  throw lang::CompileError(lang::SourceRange(), "no function definition in the source of " +
                                                    py::repr(function).cast<std::string>());
}

}  // namespace

const lang::FunctionDefStmt& PythonResolver::parseMethod(py::handle function,
                                                         py::handle declaration) {
  std::pair<PyObject*, PyObject*> key{function.ptr(), declaration.ptr()};
  auto known = methods_.find(key);
  if (known == methods_.end()) {
    lang::Module module = parseFunction(function, lang::SourceRange());
    if (declaration) {
      // The declaration's module stays alive with the body's: the moved signature's AST
      // points into its source file.
      lang::Module stub = parseFunction(declaration, lang::SourceRange());
      lang::FunctionDefStmt* def = firstDef(module, function);
      lang::FunctionDefStmt* signature = firstDef(stub, declaration);
      def->args = std::move(signature->args);
      def->returns = std::move(signature->returns);
      def->typeComment = signature->typeComment;
      methods_.emplace(std::pair<PyObject*, PyObject*>{declaration.ptr(), nullptr}, std::move(stub));
    }
    known = methods_.emplace(key, std::move(module)).first;
  }
  return *firstDef(known->second, function);
}

std::vector<std::string> PythonResolver::defineSource(py::object scope, std::string source,
                                                      std::string filename) {
  auto file = std::make_shared<lang::SourceFile>(std::move(filename), std::move(source));
  lang::Module module = lang::parseModule(file);
  std::vector<std::string> names;
  for (const lang::StmtPtr& statement : module.body) {
    if (auto* def = statement->as<lang::FunctionDefStmt>()) names.push_back(def->name);
  }
  functionsByFile_[file.get()] = std::move(scope);
  unit_->define(std::move(module));
  return names;
}

SugaredValuePtr PythonResolver::resolveValue(const std::string& name,
                                             const lang::SourceRange& range) {
  auto function = functionsByFile_.find(range.file.get());
  if (function == functionsByFile_.end()) return nullptr;
  py::object descriptor = resolveGlobal_(function->second, name);
  return sugaredFromDescriptor(*this, descriptor, range);
}

namespace {

// The descriptor of a global name or of a dotted name through Python modules
// (`torch.nn.TransformerEncoderLayer`), or None.
py::object descriptorOfName(const lang::Expr& expr, const py::object& resolveGlobal,
                            const py::object& resolveAttribute, const py::object& function) {
  if (const auto* name = expr.as<lang::NameExpr>()) return resolveGlobal(function, name->id);
  const auto* attribute = expr.as<lang::AttributeExpr>();
  if (!attribute) return py::none();
  py::object base = descriptorOfName(*attribute->value, resolveGlobal, resolveAttribute, function);
  if (base.is_none() || py::tuple(base)[0].cast<std::string>() != "module") return py::none();
  return resolveAttribute(py::tuple(base)[1], attribute->attr);
}

}  // namespace

std::optional<bool> PythonResolver::objectIsInstance(const types::Type& objectType,
                                                     const lang::Expr& target) {
  const auto* classType = objectType.as<types::ClassType>();
  auto function = functionsByFile_.find(target.range.file.get());
  if (!classType || function == functionsByFile_.end()) return std::nullopt;
  py::object descriptor;
  try {
    descriptor = descriptorOfName(target, resolveGlobal_, resolveAttribute_, function->second);
  } catch (const py::error_already_set&) {
    return std::nullopt;  // not a name Python can look up: the caller reports the target
  }
  // Only nn.Module classes ("static_scope") are answered here; script classes are types.
  if (descriptor.is_none() || py::tuple(descriptor)[0].cast<std::string>() != "static_scope") {
    return std::nullopt;
  }
  py::object answer = py::module_::import("tscript._module")
                          .attr("type_is_instance")(classType->qualifiedName(),
                                                    py::tuple(descriptor)[1]);
  if (answer.is_none()) return std::nullopt;
  return answer.cast<bool>();
}

types::TypePtr PythonResolver::resolveType(const std::string& name, const lang::SourceRange& range) {
  // A NamedTuple, script class or enum class named in an annotation.
  auto function = functionsByFile_.find(range.file.get());
  if (function == functionsByFile_.end()) return nullptr;
  py::object descriptor = resolveGlobal_(function->second, name);
  if (descriptor.is_none()) return nullptr;
  py::tuple tuple = descriptor;
  std::string kind = tuple[0].cast<std::string>();
  if (kind == "class") return classTypeOf(tuple[1]);
  if (kind == "interface") return interfaceTypeOf(tuple[1]);
  if (kind == "enum") return enumTypeNamed(tuple[1].cast<std::string>());
  if (kind != "namedtuple") return nullptr;
  return namedTupleType(tuple);
}

}  // namespace tscript::python
