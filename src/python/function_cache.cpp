// Python functions compiled once per process, and the calls to them (function_cache.h).
#include "python/function_cache.h"

#include "compiler/interface_declaration.h"
#include "python/python_resolver.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <unordered_map>

#include "compiler/compilation_unit.h"
#include "compiler/dead_code.h"
#include "compiler/inline_calls.h"
#include "compiler/schema_matching.h"
#include "ir/pass_registry.h"
#include "ir/verifier.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "passes/canonicalize_outputs.h"
#include "passes/constant_pooling.h"
#include "passes/hoist_uninitialized.h"
#include "types/annotation.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

using compiler::FunctionEmitter;
using compiler::NamedValue;
using compiler::SugaredValue;
using compiler::SugaredValuePtr;

const ir::Symbol& callFunctionKind() {
  static const ir::Symbol s = ir::Symbol::make("prim", "CallFunction");
  return s;
}

// One process-wide table. Everything here runs with the GIL held (compilation is called
// from Python), which serializes access.
struct Cache {
  PythonCallbacks callbacks;
  // (function, 0 or 1 + the index of the overload declaration) -> entry
  std::map<std::pair<PyObject*, size_t>, std::shared_ptr<CachedFunction>> entries;
  std::unordered_map<std::string, std::shared_ptr<CachedFunction>> byKey;
  // The functions being compiled, outermost first (recursion is an error, as in TorchScript).
  std::vector<std::pair<std::pair<PyObject*, size_t>, std::string>> compiling;
  std::map<PyObject*, py::object> weakReferences;  // function -> weakref dropping its entries
  uint64_t serial = 0;
};

Cache& cache() {
  static Cache* const instance = new Cache();  // leaked: Python objects outlive static dtors
  return *instance;
}

std::string pyName(py::handle object, const char* attribute) {
  py::object value = py::getattr(object, attribute, py::none());
  return value.is_none() ? py::repr(object).cast<std::string>() : value.cast<std::string>();
}

// Drops the entries of a function object when Python frees it (its address may be reused).
void watchLifetime(py::handle function) {
  Cache& c = cache();
  if (c.weakReferences.count(function.ptr())) return;
  PyObject* key = function.ptr();
  py::cpp_function onDeath([key](py::handle) {
    Cache& c = cache();
    for (auto it = c.entries.begin(); it != c.entries.end();) {
      if (it->first.first == key) {
        c.byKey.erase(it->second->key);
        it = c.entries.erase(it);
      } else {
        ++it;
      }
    }
    c.weakReferences.erase(key);
  });
  PyObject* reference = PyWeakref_NewRef(function.ptr(), onDeath.ptr());
  if (!reference) {
    PyErr_Clear();  // not weak-referenceable: keep the function alive instead
    c.weakReferences[key] = py::reinterpret_borrow<py::object>(function);
    return;
  }
  c.weakReferences[key] = py::reinterpret_steal<py::object>(reference);
}

struct ParsedDef {
  lang::Module module;
  lang::FunctionDefStmt* def = nullptr;
};

// `function`'s source, or for a tuple, the (source, filename, first line) it is.
ParsedDef parseFunction(py::handle function, const lang::SourceRange& use) {
  py::object found = PyTuple_Check(function.ptr()) ? py::reinterpret_borrow<py::object>(function)
                                                    : cache().callbacks.sourceOf(function);
  if (found.is_none()) {
    throw lang::CompileError(use, "cannot compile function '" + pyName(function, "__qualname__") +
                                      "': Python has no source code for it (it was made by "
                                      "exec or eval, typed at the interactive prompt, or its "
                                      "file is gone); tscript compiles functions from their "
                                      "source, so define it in a .py file");
  }
  py::tuple source = found;
  auto file = std::make_shared<lang::SourceFile>(source[1].cast<std::string>(),
                                                 source[0].cast<std::string>(),
                                                 source[2].cast<uint32_t>());
  ParsedDef parsed{lang::parseModule(file), nullptr};
  for (const lang::StmtPtr& statement : parsed.module.body) {
    if (auto* def = statement->as<lang::FunctionDefStmt>()) {
      parsed.def = def;
      break;
    }
  }
  if (!parsed.def) {
    throw lang::CompileError(use, "no function definition in the source of " +
                                      py::repr(function).cast<std::string>());
  }
  return parsed;
}

void forEachNode(ir::Block* block, const std::function<void(ir::Node*)>& visit) {
  for (ir::Node* node : block->nodes()) {
    visit(node);
    for (ir::Block* sub : node->blocks()) forEachNode(sub, visit);
  }
}

bool isFunctionConstant(const ir::Node* node) {
  return node->kind() == ir::prim::Constant && node->hasAttribute("name") &&
         node->outputs().size() == 1 && node->output()->type()->kind() == types::TypeKind::Function;
}

// The inlined graph of the cached function a prim::CallFunction calls (nullptr for other
// calls: a CompilationUnit's functions, methods).
std::shared_ptr<const ir::Graph> calleeGraph(const ir::Node& call) {
  if (call.kind() == ir::Symbol::make("prim", "CallMethod")) {
    // A method of a script class (python_resolver.h's class unit); its own calls are inlined
    // by the next round of inlineCalls.
    const auto* type = call.input(0)->type()->as<types::ClassType>();
    if (!type || !classUnit()) return nullptr;
    return classUnit()->method(*type, call.s("name")).graph;
  }
  const std::string* callee = compiler::calledFunctionName(call);
  if (!callee) return nullptr;
  auto found = cache().byKey.find(*callee);
  return found == cache().byKey.end() ? nullptr : found->second->inlinedGraph();
}

// The name torch.jit gives the compiled function: `__torch__.<module>.<name>`, and for the
// i-th overload (i > 0) the mangled `__torch__.<module>.___torch_mangle_<i-1>.<name>`, as a
// fresh 1.13 process numbers them.
std::string qualifiedNameOf(py::handle function, bool overloaded, size_t overloadIndex) {
  std::string module = pyName(function, "__module__");
  std::string name = pyName(function, "__name__");
  if (name == "<lambda>") name = "_lambda";
  std::string prefix = module == "__main__" ? "__torch__." : "__torch__." + module + ".";
  if (overloaded && overloadIndex > 0) {
    prefix += "___torch_mangle_" + std::to_string(overloadIndex - 1) + ".";
  }
  return prefix + name;
}

// The builtins (range, len, ...) after the Python globals, as a CompilationUnit resolves.
// Names in annotations that are aliases of types in the function's module (F's `DType = int`)
// are resolved through Python after the front door's own resolver.
class AliasResolver final : public compiler::Resolver {
 public:
  AliasResolver(std::shared_ptr<compiler::Resolver> inner, py::handle function)
      : inner_(std::move(inner)), function_(py::reinterpret_borrow<py::object>(function)) {}
  SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) override {
    if (SugaredValuePtr value = inner_->resolveValue(name, range)) return value;
    return compiler::resolveBuiltin(name);  // range, len, print, torch, math, ...
  }
  SugaredValuePtr objectValue(ir::Value* object) override { return inner_->objectValue(object); }
  std::optional<bool> objectIsInstance(const types::Type& objectType,
                                       const lang::Expr& target) override {
    return inner_->objectIsInstance(objectType, target);
  }
  std::optional<ir::ConstantValue> parameterDefault(const std::string& parameter,
                                                    const lang::SourceRange& where) override {
    return inner_->parameterDefault(parameter, where);
  }
  types::TypePtr resolveType(const std::string& name, const lang::SourceRange& range) override {
    if (types::TypePtr type = inner_->resolveType(name, range)) return type;
    // Leaked: a static py::object would be released after the interpreter is gone.
    static py::object* alias =
        new py::object(py::module_::import("tscript._resolution").attr("annotation_alias"));
    py::object text = (*alias)(function_, name);
    if (text.is_none()) return nullptr;
    auto file = std::make_shared<lang::SourceFile>("<annotation of " + name + ">", text.cast<std::string>());
    return types::typeFromAnnotation(*lang::parseExpression(file), nullptr);
  }

 private:
  std::shared_ptr<compiler::Resolver> inner_;
  py::object function_;
};

}  // namespace

void setPythonCallbacks(PythonCallbacks callbacks) { cache().callbacks = std::move(callbacks); }
const PythonCallbacks& pythonCallbacks() { return cache().callbacks; }

std::shared_ptr<const CachedFunction> findCachedFunction(const std::string& key) {
  auto found = cache().byKey.find(key);
  return found == cache().byKey.end() ? nullptr : found->second;
}

void inlinePythonFunctionCalls(ir::Graph& graph) { compiler::inlineCalls(graph, calleeGraph); }

std::shared_ptr<const CachedFunction> compilePythonFunction(py::handle function,
                                                            const lang::SourceRange& use,
                                                            py::handle overload,
                                                            size_t overloadIndex) {
  Cache& c = cache();
  std::pair<PyObject*, size_t> key{function.ptr(), overload ? overloadIndex + 1 : 0};
  auto known = c.entries.find(key);
  if (known != c.entries.end()) return known->second;
  std::string shortName = pyName(function, "__name__");
  for (size_t i = 0; i < c.compiling.size(); ++i) {
    if (c.compiling[i].first != key) continue;
    std::string chain;
    for (size_t j = i; j < c.compiling.size(); ++j) chain += c.compiling[j].second + " -> ";
    throw lang::CompileError(use, "recursive call of '" + shortName + "' (" + chain + shortName +
                                      "): TorchScript does not support recursion; rewrite it "
                                      "as a loop");
  }

  ParsedDef parsed = parseFunction(function, use);
  std::vector<const lang::SourceFile*> files{parsed.module.file.get()};
  ParsedDef declaration;
  if (overload) {
    // An `@_overload` declaration's signature with the implementation's body.
    declaration = parseFunction(overload, use);
    files.push_back(declaration.module.file.get());
    parsed.def->args = std::move(declaration.def->args);
    parsed.def->returns = std::move(declaration.def->returns);
    parsed.def->typeComment = declaration.def->typeComment;
  }

  auto entry = std::make_shared<CachedFunction>();
  entry->name = shortName;
  entry->qualifiedName = qualifiedNameOf(function, static_cast<bool>(overload), overloadIndex);
  entry->key = entry->qualifiedName + "#" + std::to_string(++c.serial);

  auto resolver = std::make_shared<AliasResolver>(makeFunctionResolver(function, files), function);
  c.compiling.push_back({key, shortName});
  try {
    FunctionEmitter emitter(*parsed.def, *resolver, compiler::registryOperatorMatcher());
    if (overload) emitter.dropDefaultsThatDoNotFit();
    entry->compiled = emitter.emit();
  } catch (...) {
    c.compiling.pop_back();
    throw;
  }
  c.compiling.pop_back();
  compiler::CompiledFunction& compiled = entry->compiled;
  // torch.jit's cleanup order: exit placeholders are made at the top before its constant
  // pooling (which orders as 1.13's only with dead code still there), then dead code goes and
  // control-flow outputs are ordered.
  passes::hoistUninitialized(*compiled.graph);
  passes::poolConstantsAsEmitted(*compiled.graph, [&compiled](const ir::Node* node) {
    return compiled.hoistedLiterals.count(node) > 0;
  });
  compiled.hoistedLiterals.clear();
  compiler::eliminateDeadCode(*compiled.graph);
  passes::canonicalizeOutputs(*compiled.graph);

  if (ir::verifyAfterEachPass()) ir::verify(*compiled.graph);
  watchLifetime(function);
  c.entries[key] = entry;
  c.byKey[entry->key] = entry;
  return entry;
}

std::shared_ptr<ir::Graph> displayGraphOf(const ir::Graph& emitted,
                                          std::map<std::string, std::string>* qualifiedNames) {
  std::shared_ptr<ir::Graph> graph = emitted.copy();
  forEachNode(graph->block(), [&](ir::Node* node) {
    if (!isFunctionConstant(node)) return;
    auto callee = cache().byKey.find(node->s("name"));
    if (callee == cache().byKey.end()) return;
    node->s_("name", callee->second->name);
    if (qualifiedNames) (*qualifiedNames)[callee->second->name] = callee->second->qualifiedName;
  });
  return graph;
}

std::shared_ptr<ir::Graph> CachedFunction::displayGraph(
    std::map<std::string, std::string>* qualifiedNames) const {
  return displayGraphOf(*compiled.graph, qualifiedNames);
}

std::shared_ptr<const ir::Graph> CachedFunction::inlinedGraph() const {
  if (inlined_) return inlined_;
  bool hasCalls = false;
  forEachNode(compiled.graph->block(), [&](ir::Node* node) {
    hasCalls |= isFunctionConstant(node) || node->kind() == ir::Symbol::make("prim", "CallMethod");
  });
  if (!hasCalls) return inlined_ = compiled.graph;
  // The callees' bodies (inlined themselves) in place of the calls.
  std::shared_ptr<ir::Graph> graph = compiled.graph->copy();
  compiler::inlineCalls(*graph, calleeGraph);
  if (ir::verifyAfterEachPass()) ir::verify(*graph);
  return inlined_ = graph;
}

namespace {

// The signature of a compiled function as schema matching sees it.
compiler::SchemaView schemaViewOf(const CachedFunction& entry) {
  const compiler::CompiledFunction& f = entry.compiled;
  compiler::SchemaView view;
  view.name = entry.name;
  view.text = entry.name + "(";
  for (size_t i = 0; i < f.parameterNames.size(); ++i) {
    compiler::ArgumentView argument;
    argument.name = f.parameterNames[i];
    argument.type = f.parameterTypes[i];
    if (i < f.parameterBroadcastSizes.size() && f.parameterBroadcastSizes[i]) {
      argument.fixedListSize = static_cast<int64_t>(*f.parameterBroadcastSizes[i]);
    }
    argument.defaultValue = f.parameterDefaults[i];
    view.text += (i ? ", " : "") + argument.type->annotationStr() + " " + argument.name;
    view.arguments.push_back(std::move(argument));
  }
  view.text += ") -> " + f.returnType->annotationStr();
  view.returns.push_back(f.returnType);
  return view;
}

// A list default inserted by matching is a list constant; torch.jit passes it to a function
// as a prim::ListConstruct of element constants.
void expandListDefaults(ir::Graph& graph, ir::Node* call) {
  for (size_t i = 0; i < call->inputs().size(); ++i) {
    ir::Value* input = call->input(i);
    ir::Node* producer = input->node();
    if (producer->kind() != ir::prim::Constant || input->type()->kind() != types::TypeKind::List ||
        input->uses().size() != 1 || !producer->hasAttribute("value")) {
      continue;
    }
    ir::ConstantValue constant;
    if (!ir::constantValueOf(producer, constant) || constant.kind != ir::ConstantValue::Kind::List) {
      continue;
    }
    const types::TypePtr& element = input->type()->as<types::ListType>()->element();
    ir::WithInsertPoint guard(graph, call);
    std::vector<ir::Value*> elements;
    for (const ir::ConstantValue& item : constant.elements) {
      elements.push_back(compiler::insertConstantValue(graph, item, element, call->sourceRange()));
    }
    ir::Node* list = graph.insert(ir::Symbol::make("prim", "ListConstruct"), elements, 1);
    list->output()->setType(input->type());
    call->replaceInput(i, list->output());
    producer->destroy();
  }
}

// Emits a call to `entry` when its signature accepts `args`; else returns false with the
// reason in `whyNot` (nothing inserted).
bool tryEmitCall(const CachedFunction& entry, FunctionEmitter& emitter,
                 const std::vector<NamedValue>& args, const lang::SourceRange& range,
                 ir::Value*& result, std::string& whyNot) {
  compiler::SchemaView schema = schemaViewOf(entry);
  if (!compiler::tryEmitWithSchema(emitter.graph(), callFunctionKind(), schema, args, range,
                                   result, whyNot)) {
    return false;
  }
  ir::Node* call = result->node();
  // As torch.jit: the defaults, then the function constant, then the call.
  expandListDefaults(emitter.graph(), call);
  ir::Node* function = emitter.insertNode(ir::prim::Constant, {}, 1, {});
  function->s_("name", entry.key);
  function->output()->setType(types::functionType());
  function->moveBefore(call);
  call->insertInput(0, function->output());
  return true;
}

std::shared_ptr<const CachedFunction> compileForCall(py::handle function, const lang::SourceRange& range,
                                                     py::handle overload = {}, size_t index = 0) {
  std::pair<PyObject*, size_t> key{function.ptr(), overload ? index + 1 : 0};
  for (const auto& compiling : cache().compiling) {
    // A recursive call: reported here, without a note pointing at itself.
    if (compiling.first == key) return compilePythonFunction(function, range, overload, index);
  }
  try {
    return compilePythonFunction(function, range, overload, index);
  } catch (lang::CompileError& error) {
    error.addNote(range, "while compiling '" + pyName(function, "__name__") +
                             "', called from here");
    throw;
  }
}

// The errors of a call that binds no argument list, worded as for Python: too many
// positional arguments, an unknown or repeated keyword, a missing argument, or (first) an
// argument whose type does not fit its parameter.
void checkArguments(const CachedFunction& entry, const std::vector<NamedValue>& args,
                    const lang::SourceRange& range) {
  const compiler::CompiledFunction& f = entry.compiled;
  const std::string& name = entry.name;
  std::vector<const NamedValue*> bound(f.parameterNames.size(), nullptr);
  size_t position = 0;
  size_t positional = std::count_if(args.begin(), args.end(), [](const NamedValue& a) { return a.name.empty(); });
  for (const NamedValue& arg : args) {
    size_t index;
    if (arg.name.empty()) {
      index = position++;
      if (index >= bound.size()) {
        throw lang::CompileError(arg.range, name + "() takes " + std::to_string(bound.size()) +
                                                " positional arguments but " +
                                                std::to_string(positional) + " were given");
      }
    } else {
      auto it = std::find(f.parameterNames.begin(), f.parameterNames.end(), arg.name);
      if (it == f.parameterNames.end()) {
        throw lang::CompileError(arg.range, name + "() got an unexpected keyword argument '" + arg.name + "'");
      }
      index = it - f.parameterNames.begin();
    }
    if (bound[index]) {
      throw lang::CompileError(arg.range, name + "() got multiple values for argument '" +
                                              f.parameterNames[index] + "'");
    }
    bound[index] = &arg;
  }
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i] && !f.parameterDefaults[i]) {
      throw lang::CompileError(range, name + "() is missing value for argument '" +
                                          f.parameterNames[i] + "'");
    }
    if (!bound[i]) continue;
    const types::TypePtr& actual = bound[i]->value->type();
    const types::TypePtr& wanted = f.parameterTypes[i];
    bool broadcast = i < f.parameterBroadcastSizes.size() && f.parameterBroadcastSizes[i];
    // Conversions schema matching may still apply (a tuple for a list, a tensor for a
    // number, a scalar for a broadcasting list) are left to it.
    bool convertible = broadcast || actual->kind() == types::TypeKind::Tuple ||
                       actual->kind() == types::TypeKind::Tensor ||
                       (actual->kind() == types::TypeKind::Str &&
                        wanted->str().find("Device") != std::string::npos);
    if (!convertible && !types::isSubtypeOf(actual, wanted)) {
      throw lang::CompileError(bound[i]->range, name + "() expects a value of type '" +
                                                    wanted->annotationStr() + "' for argument '" +
                                                    f.parameterNames[i] + "' but got a value of type '" +
                                                    actual->annotationStr() + "'" +
                                                    compiler::interfaceMismatchReason(actual, wanted));
    }
  }
}

// A Python function compiled from source (or one of its `@_overload` declarations).
class PythonFunctionValue final : public SugaredValue {
 public:
  PythonFunctionValue(py::object function, std::vector<py::object> overloads)
      : function_(std::move(function)), overloads_(std::move(overloads)) {}
  std::string describe() const override {
    return "function '" + pyName(function_, "__qualname__") + "'";
  }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    ir::Value* result = nullptr;
    std::string whyNot;
    if (overloads_.empty()) {
      auto entry = compileForCall(function_, range);
      checkArguments(*entry, args, range);
      if (!tryEmitCall(*entry, emitter, args, range, result, whyNot)) {
        throw lang::CompileError(range, entry->name + "(): " + whyNot)
            .addNote(lang::SourceRange(), "declaration: " + schemaViewOf(*entry).text);
      }
      return std::make_shared<compiler::SimpleValue>(result);
    }
    std::string failures;
    for (size_t i = 0; i < overloads_.size(); ++i) {
      auto entry = compileForCall(function_, range, overloads_[i], i);
      if (tryEmitCall(*entry, emitter, args, range, result, whyNot)) {
        return std::make_shared<compiler::SimpleValue>(result);
      }
      failures += "\n  " + schemaViewOf(*entry).text + ":\n    " + whyNot;
    }
    throw lang::CompileError(range, "no overload of '" + pyName(function_, "__name__") +
                                        "' accepts these arguments")
        .addNote(lang::SourceRange(), "the overloads tried:" + failures);
  }

 private:
  py::object function_;
  std::vector<py::object> overloads_;
};

// `boolean_dispatch`: one of two functions, chosen by a compile-time bool argument.
class BooleanDispatchValue final : public SugaredValue {
 public:
  explicit BooleanDispatchValue(py::tuple descriptor) : descriptor_(std::move(descriptor)) {}
  std::string describe() const override {
    return "function '" + descriptor_[1].cast<std::string>() + "'";
  }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    std::string name = descriptor_[1].cast<std::string>();
    std::string argName = descriptor_[2].cast<std::string>();
    size_t index = descriptor_[3].cast<size_t>();
    bool flag = descriptor_[4].cast<bool>();
    const NamedValue* given = nullptr;
    size_t position = 0;
    for (const NamedValue& arg : args) {
      if (arg.name == argName || (arg.name.empty() && position++ == index)) given = &arg;
    }
    if (given) {
      ir::ConstantValue constant;
      if (given->value->type()->kind() != types::TypeKind::Bool ||
          !ir::constantValueOf(given->value->node(), constant)) {
        throw lang::CompileError(given->range,
                                 "argument '" + argName + "' of " + name +
                                     "() must be a constant True or False: it chooses the "
                                     "function compiled (" + name + " dispatches on it)");
      }
      flag = constant.boolValue;
    }
    // The choice is itself a descriptor (a function, or another boolean dispatch).
    py::tuple chosen = descriptor_[flag ? 5 : 6];
    SugaredValuePtr function = functionDescriptorValue(chosen[0].cast<std::string>(), chosen, range);
    if (!function) {
      throw lang::CompileError(range, "internal: " + name + "() dispatches to an unknown kind '" +
                                          chosen[0].cast<std::string>() + "'");
    }
    return function->call(range, emitter, std::move(args));
  }

 private:
  py::tuple descriptor_;
};

// has_torch_function(...) and friends: False in compiled code.
class AlwaysFalse final : public SugaredValue {
 public:
  std::string describe() const override { return "has_torch_function"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue>) override {
    return std::make_shared<compiler::SimpleValue>(emitter.insertBoolConstant(false, range));
  }
};

}  // namespace

SugaredValuePtr functionDescriptorValue(const std::string& kind, const py::tuple& descriptor,
                                        const lang::SourceRange&) {
  if (kind == "function") {
    return std::make_shared<PythonFunctionValue>(descriptor[1], std::vector<py::object>{});
  }
  if (kind == "overloaded") {
    std::vector<py::object> overloads;
    for (py::handle declaration : descriptor[2]) {
      overloads.push_back(py::reinterpret_borrow<py::object>(declaration));
    }
    return std::make_shared<PythonFunctionValue>(descriptor[1], std::move(overloads));
  }
  if (kind == "boolean_dispatch") return std::make_shared<BooleanDispatchValue>(descriptor);
  if (kind == "always_false") return std::make_shared<AlwaysFalse>();
  return nullptr;
}

}  // namespace tscript::python
