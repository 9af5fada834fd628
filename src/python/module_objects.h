// The objects behind scripted modules, shared by the bindings that make them: module types
// described from Python (bind_module.cpp), traced methods, archives loaded from Python.
//
// A ModuleType is a ClassType (the slots) plus where the source of each method is (the
// ClassDefinition the compiler asks). Every module type lives in one process-wide
// compilation unit (moduleCompiler()), so a type and its compiled methods are shared by all
// the modules that have it. A ScriptObject is a runtime Object (the slots' values) with its
// type; the Python RecursiveScriptModule (python/tscript/_module.py) wraps one.
#pragma once

#include <pybind11/pybind11.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "compiler/compilation_unit.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "python/function_cache.h"
#include "python/python_calls.h"
#include "python/python_resolver.h"
#include "python/value_conversion.h"
#include "runtime/code.h"
#include "runtime/constants.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "runtime/method_dispatch.h"
#include "types/annotation.h"
#include "types/named_types.h"

namespace tscript::python {

namespace py = pybind11;

// The process-wide unit of module types and the Python resolver of their methods' globals.
struct ModuleCompiler {
  std::shared_ptr<PythonResolver> resolver;
  std::shared_ptr<compiler::CompilationUnit> unit;
};

inline ModuleCompiler*& moduleCompilerSlot() {
  static ModuleCompiler* compiler = nullptr;  // leaked: holds Python objects past finalization
  return compiler;
}

inline ModuleCompiler& moduleCompiler() {
  ModuleCompiler* compiler = moduleCompilerSlot();
  if (!compiler) throw std::runtime_error("internal: tscript's module compiler is not set up");
  return *compiler;
}

// A module type as Python describes it (ModuleType below is its Python handle). It is also
// the runtime's method table of its objects, for calls through interfaces.
class PyClassDefinition final : public compiler::ClassDefinition, public runtime::MethodTable {
 public:
  PyClassDefinition(const std::string& qualifiedName, bool isModule)
      : type_(types::ClassType::create(qualifiedName, isModule)) {}

  const std::shared_ptr<types::ClassType>& type() const override { return type_; }
  Container container() const override { return container_; }
  void setContainer(Container container) { container_ = container; }

  std::optional<compiler::MethodSource> methodSource(const std::string& name) override {
    auto method = methods_.find(name);
    if (method == methods_.end()) return std::nullopt;
    PythonResolver& resolver = *moduleCompiler().resolver;
    auto declaration = declarations_.find(name);
    py::handle stub = declaration == declarations_.end() ? py::handle() : declaration->second;
    return compiler::MethodSource{&resolver.parseMethod(method->second, stub), &resolver};
  }

  compiler::SugaredValuePtr extraAttribute(ir::Value* self, const std::string& name,
                                           const lang::SourceRange& range,
                                           compiler::FunctionEmitter&) override {
    auto method = pythonMethods_.find(name);
    if (method != pythonMethods_.end()) return pythonCallValue(method->second, range, self);
    auto found = namedValues_.find(name);
    if (found == namedValues_.end()) return nullptr;
    return sugaredFromDescriptor(*moduleCompiler().resolver, found->second, range);
  }

  // `Cls.name` without an object: a static method (or why the class member cannot be used).
  compiler::SugaredValuePtr staticAttribute(const std::string& name, const lang::SourceRange& range) {
    auto found = namedValues_.find(name);
    if (found == namedValues_.end()) return nullptr;
    return sugaredFromDescriptor(*moduleCompiler().resolver, found->second, range);
  }

  std::string whyNoAttribute(const std::string& name) const override {
    auto why = failedAttributes_.find(name);
    return why == failedAttributes_.end() ? "" : why->second;
  }

  void addMethod(const std::string& name, py::object function) { methods_[name] = std::move(function); }
  // An `@_overload_method` method: one method `name__i` per declaration, each with the
  // declaration's signature and `function`'s body.
  void addOverloadedMethod(const std::string& name, py::object function, py::list declarations) {
    std::vector<std::string>& names = overloads_[name];
    for (size_t i = 0; i < declarations.size(); ++i) {
      std::string mangled = name + "__" + std::to_string(i);
      methods_[mangled] = function;
      declarations_[mangled] = declarations[i];
      names.push_back(mangled);
    }
  }
  // `savedNames` (empty, or one per pre-hook then hook): the Python names of the hook
  // functions, which archives use for them (1.13 names hook methods after the function).
  void setHooks(std::vector<std::string> preHooks, std::vector<std::string> hooks,
                std::vector<std::string> savedNames = {}) {
    savedHookNames_.clear();
    for (size_t i = 0; i < savedNames.size() && i < preHooks.size() + hooks.size(); ++i) {
      savedHookNames_[i < preHooks.size() ? preHooks[i] : hooks[i - preHooks.size()]] = savedNames[i];
    }
    preHooks_ = std::move(preHooks);
    hooks_ = std::move(hooks);
  }
  // The name an archive gives hook method `method`, or "" when it is not a hook.
  std::string savedHookName(const std::string& method) const {
    auto found = savedHookNames_.find(method);
    if (found != savedHookNames_.end()) return found->second;
    bool isHook = std::find(preHooks_.begin(), preHooks_.end(), method) != preHooks_.end() ||
                  std::find(hooks_.begin(), hooks_.end(), method) != hooks_.end();
    return isHook ? method : "";
  }
  std::vector<std::string> forwardPreHookMethods() const override { return preHooks_; }
  std::vector<std::string> forwardHookMethods() const override { return hooks_; }
  std::vector<std::string> overloads(const std::string& name) const override {
    auto found = overloads_.find(name);
    return found == overloads_.end() ? std::vector<std::string>{} : found->second;
  }
  // An attribute that is not a slot: a method left in Python (a python_call descriptor) or a
  // function stored on the module (`self.activation = F.relu`), described as a global name.
  void addNamedValue(const std::string& name, py::object descriptor) {
    namedValues_[name] = std::move(descriptor);
  }
  // A method left in Python (@ignore, @unused): a python_call descriptor without `self`.
  void addPythonMethod(const std::string& name, py::object descriptor) {
    pythonMethods_[name] = std::move(descriptor);
  }
  void addFailedAttribute(const std::string& name, std::string why) {
    failedAttributes_[name] = std::move(why);
  }
  bool hasMethod(const std::string& name) const { return methods_.count(name) > 0; }

  // The compiled method and the interpreter code of it with every call inlined (shared by
  // all objects of this type). Throws CompileError.
  const compiler::CompiledFunction& method(const std::string& name) {
    return moduleCompiler().unit->method(*type_, name);
  }
  std::shared_ptr<const ir::Graph> inlinedGraph(const std::string& name) {
    std::shared_ptr<ir::Graph> graph = moduleCompiler().unit->inlinedMethodGraph(*type_, name);
    // Calls of Python functions (F.relu) are compiled outside the unit (function_cache.h).
    inlinePythonFunctionCalls(*graph);
    return graph;
  }
  // Compiles on first use: call with the GIL held.
  runtime::Code& code(const std::string& name) {
    std::lock_guard<std::recursive_mutex> lock(codesMutex_);
    auto found = codes_.find(name);
    if (found == codes_.end()) {
      found = codes_.emplace(name, std::make_unique<runtime::Code>(inlinedGraph(name), name)).first;
    }
    return *found->second;
  }

  // runtime::MethodTable: a call through an interface, from a thread that may not hold the
  // GIL. Methods are compiled when an object is stored in an interface-typed slot, so this
  // normally finds the code; otherwise it takes the GIL (never while holding the mutex,
  // which GIL holders take) and compiles.
  const runtime::Code* methodCode(const std::string& name) override {
    {
      std::lock_guard<std::recursive_mutex> lock(codesMutex_);
      auto found = codes_.find(name);
      if (found != codes_.end()) return found->second.get();
    }
    py::gil_scoped_acquire gil;
    if (!moduleCompiler().unit->hasMethod(*type_, name)) return nullptr;
    try {
      return &code(name);
    } catch (const lang::CompileError& error) {
      throw runtime::ScriptError("RuntimeError", std::string("compiling method '") + name +
                                                     "' of " + type_->qualifiedName() +
                                                     " failed: " + error.what());
    }
  }

 private:
  std::shared_ptr<types::ClassType> type_;
  Container container_ = Container::None;
  std::map<std::string, py::object> methods_;      // name -> the Python function (unbound)
  std::map<std::string, py::object> declarations_;  // name__i -> its @_overload_method stub
  std::map<std::string, std::vector<std::string>> overloads_;  // name -> name__0, name__1...
  std::map<std::string, py::object> namedValues_;  // name -> descriptor (python_resolver.h)
  std::map<std::string, py::object> pythonMethods_;  // name -> python_call descriptor
  std::vector<std::string> preHooks_, hooks_;         // methods, in the order they run
  std::map<std::string, std::string> savedHookNames_;  // hook method -> Python function name
  std::map<std::string, std::string> failedAttributes_;
  std::recursive_mutex codesMutex_;  // codes_ (a method compiling may compile a callee's)
  std::map<std::string, std::unique_ptr<runtime::Code>> codes_;
};

// The Python handle of a module type.
// The Python definition behind a module or class type compiled from Python (null otherwise).
inline PyClassDefinition* pythonDefinitionOf(const types::ClassType& type) {
  return dynamic_cast<PyClassDefinition*>(moduleCompiler().unit->findClass(type.qualifiedName()));
}

class ModuleType {
 public:
  ModuleType(const std::string& qualifiedName, bool isModule)
      : definition_(std::make_shared<PyClassDefinition>(qualifiedName, isModule)) {}

  const std::shared_ptr<PyClassDefinition>& definition() const { return definition_; }
  const types::ClassType& type() const { return *definition_->type(); }

  // `annotation` is a TorchScript annotation (`List[int]`, `Optional[Tensor]`) or a
  // ModuleType (a submodule). `kind` is "parameter", "buffer", "module" or "attribute".
  void addAttribute(const std::string& name, py::object annotation, const std::string& kind) {
    types::ClassType::Attribute attribute;
    attribute.name = name;
    if (py::isinstance<ModuleType>(annotation)) {
      attribute.type = annotation.cast<ModuleType&>().definition_->type();
    } else {
      attribute.type = parseAnnotation(annotation.cast<std::string>(), name);
    }
    attribute.isParameter = kind == "parameter";
    attribute.isBuffer = kind == "buffer";
    attribute.isModule = kind == "module";
    definition_->type()->addAttribute(std::move(attribute));
  }

  void addConstant(const std::string& name, py::handle value) {
    definition_->type()->addConstant(name, constantLiteral(value, name));
  }

  // Adds the module's constants, given in the order 1.13's recursive scripting meets them (the
  // iteration order of its Python set of constant names), in the order 1.13's class then
  // declares them: that of the std::unordered_map<std::string, IValue> its concrete module
  // type keeps them in, filled in that order. Both orders are deterministic for one process
  // (Python's string hashing is seeded per process), so a module scripted here and by 1.13 in
  // the same process prints its `Final` lines in the same order.
  void addConstantsInTorchJitOrder(const std::vector<std::pair<std::string, py::object>>& constants) {
    std::unordered_map<std::string, py::object> asTorchJitKeepsThem;
    for (const auto& [name, value] : constants) asTorchJitKeepsThem.emplace(name, value);
    for (const auto& [name, value] : asTorchJitKeepsThem) addConstant(name, value);
  }

  std::string attributeType(const std::string& name) const {
    const types::ClassType::Attribute* attribute = type().findAttribute(name);
    if (!attribute) throw py::key_error(name);
    return attribute->type->annotationStr();
  }

  // Makes the type known to the compiler (after all attributes and methods are added), and
  // its methods callable through interfaces.
  void define() {
    moduleCompiler().unit->defineClass(definition_);
    runtime::registerMethodTable(definition_->type().get(), definition_);
  }

  // The method's signature parts, for Python's calls and `.schema`.
  const compiler::CompiledFunction& method(const std::string& name) { return definition_->method(name); }

 private:
  static types::TypePtr parseAnnotation(const std::string& text, const std::string& attribute) {
    auto file = std::make_shared<lang::SourceFile>("<type of attribute '" + attribute + "'>", text);
    lang::ExprPtr expression = lang::parseExpression(file);
    // Names are enum classes, or qualified names of TorchScript classes made before
    // (_module.py spells a class inside an annotation that way).
    return types::typeFromAnnotation(*expression, [](const std::string& name, const lang::SourceRange& range) {
      if (types::TypePtr enumType = definedPythonType(name, range)) return enumType;
      compiler::ClassDefinition* definition = moduleCompiler().unit->findClass(name);
      return definition ? types::TypePtr(definition->type()) : types::TypePtr();
    });
  }

  static types::ConstantLiteral constantLiteral(py::handle value, const std::string& name) {
    using types::ConstantLiteral;
    if (value.is_none()) return ConstantLiteral::none();
    if (PyBool_Check(value.ptr())) return ConstantLiteral::ofBool(value.ptr() == Py_True);
    if (PyLong_Check(value.ptr())) return ConstantLiteral::ofInt(value.cast<int64_t>());
    if (PyFloat_Check(value.ptr())) return ConstantLiteral::ofFloat(value.cast<double>());
    if (PyUnicode_Check(value.ptr())) return ConstantLiteral::ofStr(value.cast<std::string>());
    if (PyTuple_Check(value.ptr()) || PyList_Check(value.ptr())) {
      std::vector<ConstantLiteral> elements;
      for (py::handle element : value) elements.push_back(constantLiteral(element, name));
      return ConstantLiteral::ofTuple(std::move(elements));
    }
    throw py::type_error("constant '" + name + "' has a value of Python type '" +
                         pythonTypeName(value) + "'; module constants (__constants__, Final) "
                         "must be None, bool, int, float, str or a tuple of those");
  }

  std::shared_ptr<PyClassDefinition> definition_;
};

// An object of a module type: the slots' values.
class ScriptObject {
 public:
  explicit ScriptObject(const ModuleType& type)
      : definition_(type.definition()),
        object_(c10::make_intrusive<runtime::Object>(definition_->type(),
                                                     definition_->type()->attributes().size())) {}

  const std::shared_ptr<PyClassDefinition>& definition() const { return definition_; }
  runtime::Value value() const { return runtime::Value(object_); }

  explicit ScriptObject(std::shared_ptr<PyClassDefinition> definition)
      : definition_(std::move(definition)),
        object_(c10::make_intrusive<runtime::Object>(definition_->type(),
                                                     definition_->type()->attributes().size())) {}

  size_t slot(const std::string& name) const {
    std::optional<size_t> slot = definition_->type()->findAttributeSlot(name);
    if (!slot) throw py::attribute_error(name);
    return *slot;
  }
  bool hasSlot(const std::string& name) const {
    return definition_->type()->findAttributeSlot(name).has_value();
  }

  py::object get(const std::string& name) const { return toPython(object_->slots[slot(name)]); }

  // A new object of the same type holding the same slot values (lists, dicts, submodules
  // shared, as torch.jit's copy.copy shares them).
  ScriptObject shallowCopy() const {
    ScriptObject copy(definition_);
    copy.object_->slots = object_->slots;
    return copy;
  }

  // The Python object compiled code's calls into Python receive for this object.
  void setPythonFace(py::handle face) { python::setPythonFace(*object_, face); }

  // Assigns a slot from Python, converted to (and checked against) the slot's type.
  void set(const std::string& name, py::handle value) {
    size_t index = slot(name);
    const types::ClassType::Attribute& attribute = definition_->type()->attributes()[index];
    if (py::isinstance<ScriptObject>(value)) {
      ScriptObject& other = value.cast<ScriptObject&>();
      if (const auto* interface = attribute.type->as<types::InterfaceType>()) {
        // 1.13's words; checking compiles the methods the interface needs, so calls through
        // it find their code.
        std::string whyNot;
        if (!types::implementsInterface(*other.definition_->type(), *interface, &whyNot)) {
          throw std::runtime_error("Object of type " + other.definition_->type()->qualifiedName() +
                               " is not compatible with interface " +
                               interface->qualifiedName() + "\n" + whyNot);
        }
        for (const auto& method : interface->methods()) other.definition_->code(method.first);
        object_->slots[index] = runtime::Value(other.object_);
        return;
      }
      if (!types::isSubtypeOf(other.definition_->type(), attribute.type)) {
        throw py::type_error("cannot assign a module of type " +
                             other.definition_->type()->qualifiedName() + " to attribute '" +
                             name + "' of type " + attribute.type->annotationStr());
      }
      object_->slots[index] = runtime::Value(other.object_);
      return;
    }
    object_->slots[index] = toValue(value, attribute.type, definition_->type()->baseName(), name);
  }

  // Calls method `name` with Python arguments (positional `args`, keyword `kwargs` or null).
  py::object call(const std::string& name, PyObject* args, PyObject* kwargs) {
    const compiler::CompiledFunction& method = definition_->method(name);
    runtime::Code& code = definition_->code(name);
    const auto& names = method.parameterNames;
    const auto& types = method.parameterTypes;
    size_t positional = static_cast<size_t>(PyTuple_GET_SIZE(args));
    if (positional + 1 > names.size()) {
      throw py::type_error(name + "() expected at most " + std::to_string(names.size() - 1) +
                           " argument(s) but received " + std::to_string(positional) +
                           " argument(s).");
    }
    bool hasKeywords = kwargs && PyDict_GET_SIZE(kwargs) > 0;
    runtime::Stack stack;
    stack.reserve(names.size() + 1);
    stack.push_back(runtime::Value(object_));
    size_t consumedKeywords = 0;
    for (size_t i = 1; i < names.size(); ++i) {
      PyObject* keyword = hasKeywords ? PyDict_GetItemString(kwargs, names[i].c_str()) : nullptr;
      if (i - 1 < positional) {
        if (keyword) {
          throw py::type_error(name + "() got multiple values for argument '" + names[i] + "'");
        }
        stack.push_back(toValue(PyTuple_GET_ITEM(args, i - 1), types[i], name, names[i]));
      } else if (keyword) {
        stack.push_back(toValue(keyword, types[i], name, names[i]));
        ++consumedKeywords;
      } else if (const auto& fallback = method.parameterDefaults[i]) {
        stack.push_back(runtime::valueFromConstant(*fallback, types[i]));
      } else {
        throw py::type_error(name + "() is missing value for argument '" + names[i] + "'.");
      }
    }
    if (hasKeywords && consumedKeywords != static_cast<size_t>(PyDict_GET_SIZE(kwargs))) {
      for (auto item : py::reinterpret_borrow<py::dict>(kwargs)) {
        std::string keyword = py::str(item.first);
        if (std::find(names.begin() + 1, names.end(), keyword) == names.end()) {
          throw py::type_error(name + "() got an unexpected keyword argument '" + keyword + "'");
        }
      }
    }
    {
      // The interpreter touches no Python object: other threads may run meanwhile.
      py::gil_scoped_release release;
      runtime::run(code, stack);
    }
    return toPython(stack.back());
  }

 private:
  std::shared_ptr<PyClassDefinition> definition_;
  c10::intrusive_ptr<runtime::Object> object_;
};

}  // namespace tscript::python
