// Bindings of the tracer's recorder (src/tracer) for python/tscript/_tracing.py.
//
// Python values cross as follows: tensors through libtorch_python's THPVariable wrapping
// (the same at::Tensor, no copy); tuples, lists of tensors and dicts with str/int keys are
// converted here (TorchScript's own Python <-> IValue conversion lives in torch::jit and is
// off limits). The recorder's hooks read the Python stack: the innermost frame that is not
// one of the trace helper's own files gives the `# file:line:0` comment and the local
// variable names, as 1.13 reads them.
#include <torch/csrc/autograd/python_variable.h>

#include <frameobject.h>

#include <memory>
#include <string>
#include <vector>

#include <c10/core/impl/LocalDispatchKeySet.h>

#include "python/bindings.h"
#include "python/function_cache.h"
#include "python/module_objects.h"
#include "python/traced_function.h"
#include "python/traced_module.h"
#include "tracer/recorder.h"
#include "tracer/recording_key.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

c10::IValue toIValue(py::handle object, const std::string& where) {
  if (THPVariable_Check(object.ptr())) return THPVariable_Unpack(object.ptr());
  if (py::isinstance<py::tuple>(object)) {
    std::vector<c10::IValue> elements;
    for (py::handle element : object) elements.push_back(toIValue(element, where));
    return c10::ivalue::Tuple::create(std::move(elements));
  }
  if (py::isinstance<py::list>(object)) {
    c10::List<at::Tensor> tensors;
    for (py::handle element : object) {
      if (!THPVariable_Check(element.ptr())) {
        throw tracer::TraceError(where + ": a list must hold tensors only, found " +
                                 std::string(py::str(py::type::of(element))));
      }
      tensors.push_back(THPVariable_Unpack(element.ptr()));
    }
    return tensors;
  }
  if (py::isinstance<py::dict>(object)) {
    auto items = py::reinterpret_borrow<py::dict>(object);
    bool stringKeys = true;
    bool intKeys = true;
    for (auto item : items) {
      stringKeys = stringKeys && py::isinstance<py::str>(item.first);
      intKeys = intKeys && py::isinstance<py::int_>(item.first) &&
                !py::isinstance<py::bool_>(item.first);
    }
    if (!stringKeys && !intKeys) {
      throw tracer::TraceError(where + ": dict keys must all be str or all be int");
    }
    c10::TypePtr keyType = stringKeys ? c10::TypePtr(c10::StringType::get())
                                      : c10::TypePtr(c10::IntType::get());
    c10::impl::GenericDict dict(keyType, c10::AnyType::get());
    for (auto item : items) {
      c10::IValue key = stringKeys ? c10::IValue(item.first.cast<std::string>())
                                   : c10::IValue(item.first.cast<int64_t>());
      dict.insert(std::move(key), toIValue(item.second, where));
    }
    return dict;
  }
  throw tracer::TraceError(where + ": cannot trace a value of type " +
                           std::string(py::str(py::type::of(object))) +
                           " (tensors and tuples, lists and dicts of tensors only)");
}

py::object toPython(const c10::IValue& value) {
  if (value.isTensor()) {
    return py::reinterpret_steal<py::object>(THPVariable_Wrap(value.toTensor()));
  }
  if (value.isTuple()) {
    const auto& elements = value.toTupleRef().elements();
    py::tuple tuple(elements.size());
    for (size_t i = 0; i < elements.size(); ++i) tuple[i] = toPython(elements[i]);
    return tuple;
  }
  if (value.isTensorList()) {
    py::list list;
    for (const at::Tensor& tensor : value.toTensorVector()) list.append(toPython(tensor));
    return list;
  }
  if (value.isGenericDict()) {
    py::dict dict;
    for (const auto& entry : value.toGenericDict()) {
      dict[toPython(entry.key())] = toPython(entry.value());
    }
    return dict;
  }
  if (value.isString()) return py::str(value.toStringRef());
  if (value.isInt()) return py::int_(value.toInt());
  throw tracer::TraceError(std::string("cannot return a ") + value.tagKind() + " to Python");
}

// Arguments of a compiled function called during a trace: what toIValue takes, plus the
// plain Python values a call may pass (they become constants in the graph).
c10::IValue argumentIValue(py::handle object, const std::string& where) {
  if (object.is_none()) return c10::IValue();
  if (PyBool_Check(object.ptr())) return c10::IValue(object.ptr() == Py_True);
  if (PyLong_Check(object.ptr())) return c10::IValue(object.cast<int64_t>());
  if (PyFloat_Check(object.ptr())) return c10::IValue(object.cast<double>());
  if (PyUnicode_Check(object.ptr())) return c10::IValue(object.cast<std::string>());
  if (py::isinstance<py::list>(object)) {
    bool allTensors = true;
    for (py::handle element : object) allTensors = allTensors && THPVariable_Check(element.ptr());
    if (!allTensors) {
      std::vector<int64_t> ints;
      std::vector<double> doubles;
      bool allInts = true, allNumbers = true;
      for (py::handle element : object) {
        allInts = allInts && PyLong_Check(element.ptr()) && !PyBool_Check(element.ptr());
        allNumbers = allNumbers && (PyLong_Check(element.ptr()) || PyFloat_Check(element.ptr()));
        if (allNumbers) doubles.push_back(element.cast<double>());
        if (allInts) ints.push_back(element.cast<int64_t>());
      }
      if (allInts) return c10::IValue(ints);
      if (allNumbers) return c10::IValue(doubles);
    }
  }
  return toIValue(object, where);
}

// A result of a compiled function called during a trace, for mapping its tensors; values
// without tensors are None here (they stay Python values).
c10::IValue resultIValue(py::handle object) {
  if (THPVariable_Check(object.ptr())) return THPVariable_Unpack(object.ptr());
  if (py::isinstance<py::tuple>(object)) {
    std::vector<c10::IValue> elements;
    for (py::handle element : object) elements.push_back(resultIValue(element));
    return c10::ivalue::Tuple::create(std::move(elements));
  }
  if (py::isinstance<py::list>(object)) {
    c10::List<at::Tensor> tensors;
    for (py::handle element : object) {
      if (!THPVariable_Check(element.ptr())) return c10::IValue();
      tensors.push_back(THPVariable_Unpack(element.ptr()));
    }
    return tensors;
  }
  return c10::IValue();
}

// The innermost Python frame whose file is not one of `skipFiles` (new reference), or null.
PyFrameObject* userFrame(const std::vector<std::string>& skipFiles) {
  PyFrameObject* frame = PyEval_GetFrame();
  Py_XINCREF(frame);
  while (frame != nullptr) {
    PyCodeObject* code = PyFrame_GetCode(frame);
    std::string file = py::reinterpret_borrow<py::str>(code->co_filename);
    Py_DECREF(code);
    bool skipped = false;
    for (const std::string& skip : skipFiles) skipped = skipped || file == skip;
    if (!skipped) return frame;
    PyFrameObject* back = PyFrame_GetBack(frame);
    Py_DECREF(frame);
    frame = back;
  }
  return nullptr;
}

tracer::TraceHooks pythonHooks(std::vector<std::string> skipFiles) {
  tracer::TraceHooks hooks;
  hooks.sourceLocation = [skipFiles]() -> std::string {
    py::gil_scoped_acquire gil;
    PyFrameObject* frame = userFrame(skipFiles);
    if (frame == nullptr) return "";
    PyCodeObject* code = PyFrame_GetCode(frame);
    std::string file = py::reinterpret_borrow<py::str>(code->co_filename);
    int line = PyFrame_GetLineNumber(frame);
    Py_DECREF(code);
    Py_DECREF(frame);
    // 1.13 records the frame's line with column 0.
    return file + ":" + std::to_string(line) + ":0";
  };
  hooks.variableName = [skipFiles](const at::Tensor& tensor) -> std::string {
    py::gil_scoped_acquire gil;
    PyFrameObject* frame = userFrame(skipFiles);
    if (frame == nullptr) return "";
    auto locals = py::reinterpret_steal<py::object>(PyFrame_GetLocals(frame));
    Py_DECREF(frame);
    if (!locals || !py::isinstance<py::dict>(locals)) return "";
    for (auto item : py::reinterpret_borrow<py::dict>(locals)) {
      if (!THPVariable_Check(item.second.ptr())) continue;
      if (THPVariable_Unpack(item.second.ptr()).unsafeGetTensorImpl() !=
          tensor.unsafeGetTensorImpl()) {
        continue;
      }
      std::string name = py::str(item.first);
      return name == "self" ? "" : name;  // `self` is the module, never a value name
    }
    return "";
  };
  hooks.warn = [](const std::string& message) {
    py::gil_scoped_acquire gil;
    py::object category = py::module_::import("tscript._tracing").attr("TracerWarning");
    // Level 1: the Python frame running the operator call, i.e. the user's line.
    if (PyErr_WarnEx(category.ptr(), message.c_str(), 1) != 0) throw py::error_already_set();
  };
  return hooks;
}

at::Tensor tensorOf(py::handle object);

// One recording, owned by Python. The session (the recording dispatch key) is only active
// inside `record(fn, inputs)`, so Python code outside the traced call is never recorded.
class PyTrace;
thread_local PyTrace* activeTrace = nullptr;

class PyTrace {
 public:
  explicit PyTrace(std::vector<std::string> skipFiles)
      : recorder_(pythonHooks(std::move(skipFiles))) {}

  py::object addInput(py::handle example, const std::string& name) {
    std::string where = name.empty() ? "trace input" : "trace input '" + name + "'";
    return toPython(recorder_.addInput(toIValue(example, where), name));
  }

  // Calls fn(*inputs) with recording on and returns its result (not yet the graph's output).
  py::object run(py::function fn, py::tuple inputs) {
    tracer::TraceSession session(recorder_);
    struct Active {
      explicit Active(PyTrace* trace) { activeTrace = trace; }
      ~Active() { activeTrace = nullptr; }
    } active(this);
    return fn(*inputs);
  }

  py::object record(py::function fn, py::tuple inputs) {
    py::object result = run(std::move(fn), std::move(inputs));
    setOutput(result);
    return result;
  }

  // The recorded calls not computed yet whose results can still be read are computed, the
  // others dropped (deferred_kernels.h); called once the traced code's result is released.
  void settle() { recorder_.deferred().settle(); }

  // Makes `result` the graph's output and finishes the graph.
  void setOutput(py::handle result) {
    if (result.is_none()) {
      throw tracer::TraceError(
          "the traced function returned None: a trace records only what the outputs depend "
          "on, so a function without outputs traces to nothing");
    }
    recorder_.setOutput(toIValue(result, "trace output"));
    recorder_.finish();
  }

  // Records a call of a compiled function (see recordCompiledCall in traced_function.h).
  py::object recordCall(std::string name, std::shared_ptr<const ir::Graph> graph,
                        py::tuple arguments, const py::function& runCallee) {
    // One name, one graph: a different function under a taken name gets a suffix.
    std::string unique = name;
    for (int n = 1;; ++n) {
      auto known = callees_.find(unique);
      if (known == callees_.end()) {
        callees_.emplace(unique, graph);
        break;
      }
      if (known->second == graph || known->second->toString() == graph->toString()) break;
      unique = name + "_" + std::to_string(n);
    }
    std::vector<c10::IValue> values;
    for (py::handle argument : arguments) {
      values.push_back(argumentIValue(argument, "argument of '" + name + "'"));
    }
    types::TypePtr returnType = graph->outputs().size() == 1
                                    ? types::unshapedType(graph->outputs()[0]->type())
                                    : types::noneType();
    ir::Node* call = recorder_.recordFunctionCall(unique, values, returnType);
    py::object result;
    {
      // The callee runs unrecorded, so no fallback flushes for it.
      recorder_.deferred().flush();
      tracer::RecordingPaused paused;
      result = runCallee();
    }
    recorder_.recordCallResult(call, resultIValue(result));
    return result;
  }

  // ---- module traces (traced_module.h) ----
  void setSelf(const ModuleType& type) {
    ir::Value* self = recorder_.graph().addInput("self");
    self->setType(type.definition()->type());
  }

  void addAttribute(py::handle tensor, const std::string& path) {
    recorder_.addTracedAttribute(tensorOf(tensor), path);
  }

  // A compiled submodule's method called during the trace (see Recorder::recordMethodCall).
  py::object callMethod(const std::string& path, ModuleType& type, const std::string& name,
                        py::tuple arguments, const py::function& runCallee) {
    std::vector<c10::IValue> values;
    for (py::handle argument : arguments) {
      values.push_back(argumentIValue(argument, "argument of '" + name + "'"));
    }
    types::TypePtr returnType = types::unshapedType(type.method(name).returnType);
    ir::Node* call = recorder_.recordMethodCall(path, type.definition()->type(), name, values,
                                                returnType);
    py::object result;
    {
      // The callee runs unrecorded, so no fallback flushes for it.
      recorder_.deferred().flush();
      tracer::RecordingPaused paused;
      result = runCallee();
    }
    recorder_.recordCallResult(call, resultIValue(result));
    return result;
  }

  void finishModuleMethod(ModuleType& owner, const std::string& name,
                          const std::vector<std::string>& argumentNames,
                          const std::string& rootPath, py::dict scopes) {
    std::map<int64_t, std::pair<std::string, ModuleType*>> calls;
    for (auto item : scopes) {
      auto scope = item.second.cast<py::tuple>();
      calls[item.first.cast<int64_t>()] = {scope[0].cast<std::string>(), &scope[1].cast<ModuleType&>()};
    }
    registerTracedMethods(recorder_, callees_, owner, name, argumentNames, rootPath, calls);
  }

  TracedFunction makeFunction(std::string name, std::vector<std::string> argumentNames) {
    return TracedFunction(std::move(name), recorder_.graphPtr(), recorder_.tensorConstants(),
                          callees_, std::move(argumentNames));
  }

  std::string graphText(bool printSourceLocations) {
    return recorder_.graph().toString(printSourceLocations);
  }

  tracer::Recorder& recorder() { return recorder_; }

 private:
  tracer::Recorder recorder_;
  CalleeGraphs callees_;
};

at::Tensor tensorOf(py::handle object) {
  if (!THPVariable_Check(object.ptr())) throw tracer::TraceError("expected a tensor");
  return THPVariable_Unpack(object.ptr());
}

tracer::Recorder& activeOrThrow() {
  tracer::Recorder* recorder = tracer::activeRecorder();
  if (recorder == nullptr) throw tracer::TraceError("no trace is being recorded on this thread");
  return *recorder;
}

at::Tensor tensorArgument(py::handle object, const char* what) {
  if (!THPVariable_Check(object.ptr())) {
    throw tracer::TraceError(std::string(what) + ": expected a tensor");
  }
  return THPVariable_Unpack(object.ptr());
}

bool recordingNow() {
  return tracer::activeRecorder() != nullptr &&
         !c10::impl::tls_is_dispatch_key_excluded(tracer::kRecordingKey);
}

}  // namespace

bool isTracingOnThisThread() { return activeTrace != nullptr && recordingNow(); }

py::object recordCompiledCall(const std::string& name, std::shared_ptr<const ir::Graph> graph,
                              py::tuple arguments, const py::function& run) {
  if (activeTrace == nullptr) throw tracer::TraceError("no trace is being recorded on this thread");
  return activeTrace->recordCall(name, std::move(graph), std::move(arguments), run);
}

void bindTracer(py::module_& m) {
  bindTracedFunction(m);
  bindTracedModules(m);
  static py::exception<tracer::TraceError> traceError(m, "TraceError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const tracer::TraceError& e) {
      traceError(e.what());
    }
  });

  py::class_<PyTrace>(m, "_Trace")
      .def(py::init<std::vector<std::string>>(), py::arg("skip_files"),
           "A recording; frames of `skip_files` are not the user's code (no locations or "
           "names are taken from them).")
      .def("add_input", &PyTrace::addInput, py::arg("example"), py::arg("name"),
           "Add a graph input for `example`; returns the value to call the function with.")
      .def("record", &PyTrace::record, py::arg("fn"), py::arg("inputs"),
           "Call fn(*inputs) with recording on; its result becomes the graph output.")
      .def("run", &PyTrace::run, py::arg("fn"), py::arg("inputs"),
           "Call fn(*inputs) with recording on and return the result.")
      .def("set_output", &PyTrace::setOutput, py::arg("result"),
           "Make `result` the graph's output and finish the graph.")
      .def("settle", &PyTrace::settle,
           "Compute the deferred calls whose results are still referenced; drop the rest.")
      .def("set_force_outplace",
           [](PyTrace& trace, bool force) { trace.recorder().setForceOutplace(force); })
      .def("make_function", &PyTrace::makeFunction, py::arg("name"), py::arg("argument_names"),
           "The finished recording as a TracedFunction.")
      .def("graph_text", &PyTrace::graphText, py::arg("print_source_locations") = true)
      .def("set_self", &PyTrace::setSelf, "Module traces: add `self` (first) of this type.")
      .def("add_attribute", &PyTrace::addAttribute, py::arg("tensor"), py::arg("path"))
      .def("push_scope", [](PyTrace& t, int64_t id) { t.recorder().pushScope(id); })
      .def("pop_scope", [](PyTrace& t, int64_t id) { t.recorder().popScope(id); })
      .def("call_method", &PyTrace::callMethod)
      .def("finish_module_method", &PyTrace::finishModuleMethod,
           "Split the finished module trace into methods and register them on the types.");

  // Called by _tracing.py's Tensor method patches while a trace is recorded on this thread.
  // True while a recording runs user code on this thread (not inside a compiled function
  // recorded as one call, nor inside the recorder's own work).
  m.def("_trace_is_recording", [] { return recordingNow(); });
  m.def("_trace_call_compiled",
        [](const std::string& name, py::handle function, py::tuple arguments, py::function run) {
          std::shared_ptr<const ir::Graph> graph = scriptFunctionRunGraph(function);
          if (graph == nullptr) {
            throw py::type_error("_trace_call_compiled: expected a tscript.ScriptFunction");
          }
          return recordCompiledCall(name, std::move(graph), std::move(arguments), run);
        },
        py::arg("name"), py::arg("function"), py::arg("arguments"), py::arg("run"),
        "Record a call of the compiled function `function` (named `name`) on the active "
        "trace; `run()` calls it with recording paused.");
  m.def("_trace_size", [](py::handle self, int64_t dim) {
    at::Tensor result = activeOrThrow().recordSize(tensorArgument(self, "size"), dim);
    return py::reinterpret_steal<py::object>(THPVariable_Wrap(result));
  });
  m.def("_trace_numel", [](py::handle self) {
    at::Tensor result = activeOrThrow().recordNumel(tensorArgument(self, "numel"));
    return py::reinterpret_steal<py::object>(THPVariable_Wrap(result));
  });
  m.def("_trace_push_item_context", [](const std::string& context) {
    if (context != "index" && context != "suppress") {
      throw tracer::TraceError("unknown item context '" + context + "'");
    }
    activeOrThrow().pushItemContext(context == "index" ? tracer::Recorder::ItemContext::Index
                                                       : tracer::Recorder::ItemContext::Suppress);
  });
  m.def("_trace_pop_item_context", [] { activeOrThrow().popItemContext(); });
  m.def("_trace_flush", [] {
    tracer::Recorder* recorder = tracer::activeRecorder();
    if (recorder != nullptr) recorder->deferred().flush();
  }, "Compute the deferred calls of the active recording (before Python reads tensor data).");
  m.def("_trace_is_traced", [](py::handle self) {
    tracer::Recorder* recorder = tracer::activeRecorder();
    return recorder != nullptr && THPVariable_Check(self.ptr()) &&
           recorder->isTraced(THPVariable_Unpack(self.ptr()));
  });
}

}  // namespace tscript::python
