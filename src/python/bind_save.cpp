// Saving scripted and traced modules (`tscript.save`, `RecursiveScriptModule.save`): the
// module's types, their compiled methods and the functions they call printed as 1.13's
// `code/` files, then src/archive/archive_writer.h writes the archive.
//
// What gets printed, starting from the root module's type: every class a saved attribute,
// a method's graph or a function's graph mentions (module types, script classes), and every
// Python function a graph calls (function_cache.h). A class's methods are those compiled so
// far (CompilationUnit::compiledMethodNames), as 1.13 saves the methods a module has, not
// every `def` of its Python class. Traced methods print their display graph, whose tensor
// constants go to constants.pkl in the order printed (equal tensors share one entry, as 1.13).
// A scripted function is saved inside a `__torch__.PlaceholderModule`, as 1.13 saves it.
#include <pybind11/stl.h>

#include <ATen/ops/equal.h>

#include <deque>
#include <set>

#include "archive/archive_code.h"
#include "archive/archive_writer.h"
#include "python/bindings.h"
#include "python/function_cache.h"
#include "python/module_objects.h"
#include "python/traced_module.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_writer.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

using serialize::SerializeError;

bool isFunctionConstant(const ir::Node* node) {
  if (node->kind() != ir::prim::Constant || node->outputs().size() != 1) return false;
  const ir::AttributeValue* name = node->findAttribute("name");
  return name != nullptr && name->kind() == ir::AttributeKind::s &&
         node->output()->type()->kind() == types::TypeKind::Function;
}

std::string qualifierOf(const std::string& qualifiedName) {
  return qualifiedName.substr(0, qualifiedName.rfind('.'));
}


// A forward (pre-)hook of a scripted module type: its method and the name archives give it.
struct HookMethod {
  std::shared_ptr<const types::ClassType> type;
  std::string method;     // `__forward_pre_hook_0`
  std::string savedName;  // the Python function's name
};

// The hook a prim::CallMethod node calls (a module calling its submodule's hooks), if any.
std::optional<HookMethod> hookCalledBy(const ir::Node& node) {
  if (node.kind() != ir::Symbol::make("prim", "CallMethod") || node.inputs().empty()) return std::nullopt;
  const auto* classType = node.inputs()[0]->type()->as<types::ClassType>();
  PyClassDefinition* python = classType ? pythonDefinitionOf(*classType) : nullptr;
  if (!python) return std::nullopt;
  std::string saved = python->savedHookName(node.s("name"));
  if (saved.empty()) return std::nullopt;
  return HookMethod{python->type(), node.s("name"), saved};
}

class ModuleCodeCollector {
 public:
  explicit ModuleCodeCollector(archive::ArchiveContents& contents) : contents_(contents) {}

  // `root` is the saved object: the classes of objects held in interface-typed slots are
  // known only from the objects.
  void collect(const runtime::Value& root) {
    addClass(root.toObject().type);
    std::set<const void*> seen;
    addClassesInInterfaceSlots(root, seen);
    drain();
  }

  // A scripted function saved as 1.13 saves one: a module class `placeholder` (only
  // `training : bool`) whose forward has the function's body, `self` first, and no parameter
  // defaults (1.13 drops them: `forward(x: int, y: float)` for `f(x: int, y: float = 2.)`).
  void collectPlaceholder(const std::shared_ptr<const types::ClassType>& placeholder,
                          const CachedFunction& function) {
    seenClasses_.insert(placeholder->qualifiedName());
    currentFunction_ = function.qualifiedName;
    scan(*function.compiled.graph, true);
    std::shared_ptr<ir::Graph> display = function.displayGraph(&qualifiedNames_);
    display->insertInput(0, "self")->setType(placeholder);
    ir::CodeSignature signature = archive::codeSignatureOf(function.compiled, "forward");
    signature.arguments.insert(signature.arguments.begin(), ir::CodeArgument{"self", placeholder, {}, {}});
    for (ir::CodeArgument& argument : signature.arguments) argument.defaultValue.reset();
    ir::CodePrinter& printer = printerFor(placeholder->qualifiedName());
    archive::printClassHeader(printer, *placeholder, archive::ClassCodeParts{});
    printer.printFunction(*display, signature, 1);
    drain();
  }

 private:
  // Prints what is pending until nothing is, then hands the files to the contents.
  void drain() {
    while (!pendingClasses_.empty() || !pendingFunctions_.empty() || !pendingNamedTuples_.empty() ||
           !pendingHookFunctions_.empty() || !pendingInterfaces_.empty()) {
      // Hook functions, then interfaces, come last: after everything the classes refer to.
      if (pendingNamedTuples_.empty() && pendingClasses_.empty() && pendingFunctions_.empty()) {
        if (!pendingHookFunctions_.empty()) {
          HookMethod hook = pendingHookFunctions_.front();
          pendingHookFunctions_.pop_front();
          printHook(hook, 0);
        } else {
          auto interface = pendingInterfaces_.front();
          pendingInterfaces_.pop_front();
          printerFor(interface->qualifiedName()).appendText(archive::interfaceCode(*interface));
        }
        continue;
      }
      if (!pendingNamedTuples_.empty()) {
        const types::Type* named = pendingNamedTuples_.front();
        pendingNamedTuples_.pop_front();
        if (const auto* enumType = named->as<types::EnumType>()) {
          printerFor(enumType->qualifiedName()).appendText(archive::enumClassCode(*enumType));
        } else {
          printNamedTuple(*named->as<types::TupleType>());
        }
      } else if (!pendingClasses_.empty()) {
        auto type = pendingClasses_.front();
        pendingClasses_.pop_front();
        printClass(*type);
      } else {
        auto function = pendingFunctions_.front();
        pendingFunctions_.pop_front();
        printFunction(*function);
      }
    }
    for (auto& [qualifier, printer] : files_) {
      archive::CodeFile file{qualifier, printer->text(), {}};
      file.sourceRanges = printer->sourceRanges();
      contents_.code.push_back(std::move(file));
    }
  }

  // The classes of the objects in interface-typed slots of `object` and of the objects below
  // it, in the order the pickler meets them (slot order, depth first).
  void addClassesInInterfaceSlots(const runtime::Value& object, std::set<const void*>& seen) {
    if (!object.isObject() || !seen.insert(&object.toObject()).second) return;
    const auto* type = object.toObject().type->as<types::ClassType>();
    if (!type) return;
    const auto& slots = object.toObject().slots;
    for (size_t i = 0; i < type->attributes().size() && i < slots.size(); ++i) {
      if (type->attributes()[i].type->kind() == types::TypeKind::Interface && slots[i].isObject()) {
        addClass(slots[i].toObject().type);
      }
      addClassesInInterfaceSlots(slots[i], seen);
    }
  }

  void addClass(const types::TypePtr& type) {
    if (!type) return;
    if (const auto* classType = type->as<types::ClassType>()) {
      if (seenClasses_.insert(classType->qualifiedName()).second) {
        pendingClasses_.push_back(std::static_pointer_cast<const types::ClassType>(type));
      }
      return;
    }
    if (const auto* tuple = type->as<types::TupleType>(); tuple && tuple->isNamed()) {
      // Printed once the class being printed is finished (a definition never interrupts one).
      if (seenClasses_.insert(*tuple->qualifiedName()).second) pendingNamedTuples_.push_back(tuple);
    }
    if (const auto* interface = type->as<types::InterfaceType>()) {
      // Printed after the classes of objects (1.13 prints the classes of pickled objects
      // first, then what their code refers to).
      if (seenClasses_.insert(interface->qualifiedName()).second) {
        pendingInterfaces_.push_back(std::static_pointer_cast<const types::InterfaceType>(type));
      }
      for (const auto& method : interface->methods()) {
        for (const types::TypePtr& parameter : method.second.parameterTypes) addClass(parameter);
        addClass(method.second.returnType);
      }
      return;
    }
    if (const auto* enumType = type->as<types::EnumType>()) {
      // Printed once the class being printed is finished, like NamedTuples.
      if (seenClasses_.insert(enumType->qualifiedName()).second) pendingNamedTuples_.push_back(enumType);
      return;
    }
    for (const types::TypePtr& contained : type->containedTypes()) addClass(contained);
  }

  // Classes and functions `block` refers to. Function constants are named by cache keys in
  // emitted graphs (`emitted`), by Python names in display graphs.
  void scan(const ir::Block& block, bool emitted) {
    for (const ir::Node* node : block.nodes()) {
      if (node->kind() == ir::Symbol::make("prim", "PythonOp")) {
        // 1.13's error: an @ignore'd function stays a Python call, which no archive can hold.
        const ir::AttributeValue* name = node->findAttribute("name");
        std::string callee = name && name->kind() == ir::AttributeKind::s ? name->get<std::string>() : "?";
        throw SerializeError("Could not export Python function call '" + callee + "' (in " +
                             currentFunction_ + "). Remove calls to Python functions before "
                             "export. Did you forget to add @script or @script_method annotation? "
                             "If this is a nn.ModuleList, add it to __constants__");
      }
      for (const ir::Value* output : node->outputs()) addClass(output->type());
      if (std::optional<HookMethod> hook = hookCalledBy(*node)) {
        // 1.13 prints the hooks a caller calls as functions too, in the file of the class's
        // qualified name (`code/__torch__/M.py`); its loader reads the class's methods.
        if (seenFunctions_.insert(hook->type->qualifiedName() + "." + hook->savedName).second) {
          pendingHookFunctions_.push_back(*hook);
        }
      }
      if (!emitted && isFunctionConstant(node)) {
        // A traced method's calls name the callee as Python does, with no way back to its graph.
        throw SerializeError("save: the traced method " + currentFunction_ + " calls the scripted function '" +
                             node->s("name") + "'; saving traced modules that call scripted functions "
                             "is not supported yet");
      }
      if (emitted && isFunctionConstant(node)) {
        std::shared_ptr<const CachedFunction> function = findCachedFunction(node->s("name"));
        if (!function) {
          throw SerializeError("save: the function '" + node->s("name") +
                               "' a method calls is no longer known (its Python function is gone)");
        }
        if (seenFunctions_.insert(function->key).second) pendingFunctions_.push_back(function);
      }
      for (const ir::Block* inner : node->blocks()) scan(*inner, emitted);
    }
  }

  // Classes and functions `graph` refers to, and the file-format version its operators need.
  void scan(const ir::Graph& graph, bool emitted) {
    // Parameter types too (`def use(self, s: __torch__.Scorer)`: the interface is printed).
    for (const ir::Value* input : graph.inputs()) addClass(input->type());
    scan(*graph.block(), emitted);
    contents_.version = std::max(contents_.version, archive::fileFormatVersionOf(graph));
  }

  ir::CodePrinter& printerFor(const std::string& qualifiedName) {
    std::string qualifier = qualifierOf(qualifiedName);
    for (auto& file : files_) {
      if (file.first == qualifier) return *file.second;
    }
    ir::CodePrinterOptions options = archive::archiveCodePrinterOptions(true);
    options.recordSourceRanges = true;  // for the `.debug_pkl` records
    options.qualifiedFunctionName = [this](const std::string& name) {
      auto found = qualifiedNames_.find(name);
      return found != qualifiedNames_.end() ? found->second : "__torch__." + name;
    };
    options.tensorConstantIndex = [this](const ir::Node& node) { return constantIndex(node); };
    options.methodCallAsFunction = [](const ir::Node& node) -> std::optional<std::string> {
      std::optional<HookMethod> hook = hookCalledBy(node);
      if (!hook) return std::nullopt;
      return hook->type->qualifiedName() + "." + hook->savedName;
    };
    files_.emplace_back(qualifier, std::make_unique<ir::CodePrinter>(std::move(options)));
    return *files_.back().second;
  }

  size_t constantIndex(const ir::Node& node) {
    auto found = currentConstants_ ? currentConstants_->find(&node) : tracer::TensorConstants::const_iterator();
    if (!currentConstants_ || found == currentConstants_->end()) {
      throw SerializeError("save: a tensor constant of " + currentFunction_ +
                           " has no tensor value to save (" + node.toString() + ")");
    }
    const at::Tensor& tensor = found->second;
    for (size_t i = 0; i < contents_.constants.size(); ++i) {
      const at::Tensor& known = contents_.constants[i].toTensor();
      if (known.unsafeGetTensorImpl() == tensor.unsafeGetTensorImpl() ||
          (known.options().type_equal(tensor.options()) && known.sizes() == tensor.sizes() &&
           at::equal(known, tensor))) {
        return i;
      }
    }
    contents_.constants.emplace_back(tensor);
    return contents_.constants.size() - 1;
  }

  void printClass(const types::ClassType& type) {
    compiler::CompilationUnit& unit = *moduleCompiler().unit;
    if (!unit.findClass(type.qualifiedName())) {
      throw SerializeError("save: class '" + type.qualifiedName() + "' has no TorchScript code");
    }
    archive::ClassCodeParts parts;
    PyClassDefinition* python = pythonDefinitionOf(type);
    for (const std::string& name : unit.compiledMethodNames(type)) {
      if (!python || python->savedHookName(name).empty()) parts.methods.push_back(name);
    }
    if (python) {
      for (const std::string& hook : python->forwardPreHookMethods()) {
        parts.forwardPreHooks.push_back(python->savedHookName(hook));
      }
      for (const std::string& hook : python->forwardHookMethods()) {
        parts.forwardHooks.push_back(python->savedHookName(hook));
      }
    }
    auto saved = [&type](const std::string& attribute) { return !isHiddenTracedAttribute(type, attribute); };
    for (const auto& attribute : type.attributes()) {
      if (saved(attribute.name)) addClass(attribute.type);
    }
    ir::CodePrinter& printer = printerFor(type.qualifiedName());
    archive::printClassHeader(printer, type, parts, saved);
    for (const std::string& name : parts.methods) {
      currentFunction_ = type.qualifiedName() + "." + name;
      if (std::optional<TracedMethodForSave> traced = tracedMethodForSave(type, name)) {
        scan(*traced->graph, false);
        currentConstants_ = traced->constants;
        printer.printFunction(*traced->graph, traced->signature, 1);
        currentConstants_ = nullptr;
        continue;
      }
      const compiler::CompiledFunction& method = unit.method(type, name);
      scan(*method.graph, true);
      std::shared_ptr<ir::Graph> display = displayGraphOf(*method.graph, &qualifiedNames_);
      printer.printFunction(*display, archive::codeSignatureOf(method, name), 1);
    }
    if (!python) return;
    // Then the hooks, each once: forward hooks first, then pre-hooks, as 1.13 prints them.
    std::set<std::string> printedHooks;
    std::vector<std::string> hookMethods = python->forwardHookMethods();
    for (const std::string& hook : python->forwardPreHookMethods()) hookMethods.push_back(hook);
    auto typePtr = std::static_pointer_cast<const types::ClassType>(
        unit.findClass(type.qualifiedName())->type());
    for (const std::string& method : hookMethods) {
      HookMethod hook{typePtr, method, python->savedHookName(method)};
      if (printedHooks.insert(hook.savedName).second) printHook(hook, 1);
    }
  }

  // A forward (pre-)hook: a method of the module class (level 1) or, where a caller calls it,
  // a function of the class's qualified name (level 0).
  void printHook(const HookMethod& hook, int level) {
    compiler::CompilationUnit& unit = *moduleCompiler().unit;
    const compiler::CompiledFunction& method = unit.method(*hook.type, hook.method);
    currentFunction_ = hook.type->qualifiedName() + "." + hook.savedName;
    scan(*method.graph, true);
    std::shared_ptr<ir::Graph> display = displayGraphOf(*method.graph, &qualifiedNames_);
    std::string where = level == 0 ? hook.type->qualifiedName() + "." + hook.savedName : hook.type->qualifiedName();
    printerFor(where).printFunction(*display, archive::codeSignatureOf(method, hook.savedName), level);
  }

  // `class P(NamedTuple):` with one `field : T` line per field, as 1.13 prints it (field
  // types are printed before they are met, so the classes they name follow).
  void printNamedTuple(const types::TupleType& tuple) {
    const std::string& name = *tuple.qualifiedName();
    std::string text = "class " + name.substr(name.rfind('.') + 1) + "(NamedTuple):\n";
    for (size_t i = 0; i < tuple.elements().size(); ++i) {
      text += "  " + tuple.fieldNames().at(i) + " : " + tuple.elements()[i]->annotationStr() + "\n";
    }
    printerFor(name).appendText(text);
  }

  void printFunction(const CachedFunction& function) {
    currentFunction_ = function.qualifiedName;
    scan(*function.compiled.graph, true);
    std::shared_ptr<ir::Graph> display = function.displayGraph(&qualifiedNames_);
    ir::CodeSignature signature = archive::codeSignatureOf(function.compiled, function.name);
    printerFor(function.qualifiedName).printFunction(*display, signature, 0);
  }

  archive::ArchiveContents& contents_;
  std::deque<std::shared_ptr<const types::ClassType>> pendingClasses_;
  std::deque<std::shared_ptr<const CachedFunction>> pendingFunctions_;
  // NamedTuple and enum types, printed after the class that met them. They are kept alive by
  // the graphs and attribute types that mention them.
  std::deque<const types::Type*> pendingNamedTuples_;
  std::deque<std::shared_ptr<const types::InterfaceType>> pendingInterfaces_;
  std::deque<HookMethod> pendingHookFunctions_;
  std::set<std::string> seenClasses_;
  std::set<std::string> seenFunctions_;
  std::map<std::string, std::string> qualifiedNames_;  // Python name of a function -> qualified
  std::vector<std::pair<std::string, std::unique_ptr<ir::CodePrinter>>> files_;
  const tracer::TensorConstants* currentConstants_ = nullptr;
  std::string currentFunction_;
};

std::vector<std::pair<std::string, std::string>> extraFilesFrom(const py::handle& extraFiles) {
  std::vector<std::pair<std::string, std::string>> files;
  if (extraFiles.is_none()) return files;
  for (auto item : py::reinterpret_borrow<py::dict>(extraFiles)) {
    std::string name = py::str(item.first);
    if (py::isinstance<py::bytes>(item.second)) {
      files.emplace_back(name, item.second.cast<std::string>());
    } else if (py::isinstance<py::str>(item.second)) {
      files.emplace_back(name, item.second.cast<std::string>());  // UTF-8, as 1.13
    } else {
      throw py::type_error("_extra_files['" + name + "'] must be str or bytes, not " +
                           std::string(py::str(item.second.get_type().attr("__name__"))));
    }
  }
  return files;
}

}  // namespace

// Writes `contents` to `path`, or returns the archive's bytes when `path` is None.
py::object writeArchiveFromPython(const archive::ArchiveContents& contents, const py::object& path) {
  // With the GIL held: `__getstate__` methods may be compiled on first use.
  if (!path.is_none()) {
    archive::writeArchiveToFile(contents, path.cast<std::string>());
    return py::none();
  }
  std::vector<uint8_t> bytes = archive::writeArchive(contents, "archive");
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::vector<std::pair<std::string, std::string>> extraFilesFromPython(const py::handle& extraFiles) {
  return extraFilesFrom(extraFiles);
}

void bindSave(py::module_& m) {
  m.def(
      "_save_module",
      [](const ScriptObject& root, py::object path, py::object extraFiles) {
        archive::ArchiveContents contents;
        contents.root = root.value();
        contents.extraFiles = extraFilesFrom(extraFiles);
        contents.savedAttribute = [](const types::ClassType& type, const std::string& attribute) {
          return !isHiddenTracedAttribute(type, attribute);
        };
        contents.hasGetState = [](const types::ClassType& type) {
          PyClassDefinition* definition = pythonDefinitionOf(type);
          return definition && definition->hasMethod("__getstate__") &&
                 definition->hasMethod("__setstate__");
        };
        contents.getState = [](const runtime::Value& object) {
          const auto& type = *object.toObject().type->as<types::ClassType>();
          runtime::Stack stack{object};
          runtime::run(pythonDefinitionOf(type)->code("__getstate__"), stack);
          return stack.back();
        };
        ModuleCodeCollector(contents).collect(root.value());
        return writeArchiveFromPython(contents, path);
      },
      py::arg("module"), py::arg("path"), py::arg("extra_files"));
  m.def(
      "_save_function",
      [](py::object function, py::object path, py::object extraFiles) {
        // The function's compiled form is cached (function_cache.h): scripting compiled it.
        std::shared_ptr<const CachedFunction> cached = compilePythonFunction(function, lang::SourceRange());
        auto placeholder = types::ClassType::create("__torch__.PlaceholderModule", /*isModule=*/true);
        placeholder->addAttribute({"training", types::boolType()});
        auto object = c10::make_intrusive<runtime::Object>(placeholder, 1);
        object->slots[0] = runtime::Value(true);
        archive::ArchiveContents contents;
        contents.root = runtime::Value(object);
        contents.extraFiles = extraFilesFrom(extraFiles);
        ModuleCodeCollector(contents).collectPlaceholder(placeholder, *cached);
        return writeArchiveFromPython(contents, path);
      },
      py::arg("function"), py::arg("path"), py::arg("extra_files"),
      "Saves a scripted function as 1.13 does: a __torch__.PlaceholderModule whose forward is it.");
}

}  // namespace tscript::python
