// Bindings for loaded archives (src/archive/archive_loader.h): `_C._load_archive` and the
// `_C.LoadedObject` that python/tscript/_archive.py wraps as a module.
#include <pybind11/stl.h>

#include "archive/archive_code.h"
#include "archive/archive_loader.h"
#include "archive/archive_writer.h"
#include "python/bindings.h"
#include "python/module_objects.h"
#include "python/value_conversion.h"
#include "runtime/constants.h"
#include "runtime/interpreter.h"
#include "serialize/serialize_error.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

// An object of a loaded archive (the root module, a submodule, a script object).
class LoadedObject {
 public:
  LoadedObject(std::shared_ptr<archive::LoadedArchive> archive, runtime::Value object)
      : archive_(std::move(archive)), object_(std::move(object)) {}

  const types::ClassType& type() const { return *object_.toObject().type->as<types::ClassType>(); }

  std::vector<std::string> methodNames() const {
    std::vector<std::string> names;
    if (archive::ArchiveClass* definition = archive_->importer().findClass(type().qualifiedName())) {
      for (const auto& method : definition->methods()) names.push_back(method.first);
    }
    return names;
  }

  std::vector<std::string> attributeNames() const {
    std::vector<std::string> names;
    for (const auto& attribute : type().attributes()) names.push_back(attribute.name);
    return names;
  }

  std::string attributeKind(const std::string& name) const {
    const types::ClassType::Attribute* attribute = type().findAttribute(name);
    if (!attribute) throw py::key_error(name);
    if (attribute->isParameter) return "parameter";
    if (attribute->isBuffer) return "buffer";
    if (attribute->isModule) return "module";
    return "attribute";
  }

  py::object get(const std::string& name) const {
    std::optional<size_t> slot = type().findAttributeSlot(name);
    if (!slot) {
      if (const types::ConstantLiteral* constant = type().findConstant(name)) {
        (void)constant;
        throw py::attribute_error("'" + name + "' is a constant of " + type().qualifiedName());
      }
      throw py::attribute_error(name);
    }
    const runtime::Value& value = object_.toObject().slots[*slot];
    if (value.isObject()) return py::cast(LoadedObject(archive_, value));
    return toPython(value);
  }

  void set(const std::string& name, py::handle value) {
    std::optional<size_t> slot = type().findAttributeSlot(name);
    if (!slot) throw py::attribute_error(name);
    const auto& attribute = type().attributes()[*slot];
    if (py::isinstance<LoadedObject>(value)) {
      const LoadedObject& other = value.cast<const LoadedObject&>();
      if (!archive::valueFitsType(other.object_, attribute.type)) {
        throw py::type_error("cannot assign a module of type " + other.type().qualifiedName() +
                             " to attribute '" + name + "' of type " + attribute.type->annotationStr());
      }
      object_.toObject().slots[*slot] = other.object_;
      return;
    }
    if (py::isinstance<ScriptObject>(value)) {
      // A scripted module put into an interface-typed slot of a loaded module: its methods
      // live in the Python module compiler, which dispatch finds by its class.
      const ScriptObject& other = value.cast<const ScriptObject&>();
      const auto* interface = attribute.type->as<types::InterfaceType>();
      std::string whyNot = "it is not of the attribute's type";
      if (!interface ||
          !types::implementsInterface(*other.definition()->type(), *interface, &whyNot)) {
        throw std::runtime_error("Object of type " + other.definition()->type()->qualifiedName() +
                                 " cannot be assigned to attribute '" + name + "' of type " +
                                 attribute.type->annotationStr() + ": " + whyNot);
      }
      for (const auto& method : interface->methods()) other.definition()->code(method.first);
      object_.toObject().slots[*slot] = other.value();
      return;
    }
    object_.toObject().slots[*slot] = toValue(value, attribute.type, type().baseName(), name);
  }

  py::object call(const std::string& name, py::args args, py::kwargs kwargs) {
    return callWithHooks(name, args, kwargs, false);
  }

  // `m(x)`: forward with the module's forward hooks (LoadedArchive::callModule).
  py::object callModule(py::args args, py::kwargs kwargs) {
    return callWithHooks("forward", args, kwargs, true);
  }

  py::object callWithHooks(const std::string& name, py::args args, py::kwargs kwargs, bool hooks) {
    const types::ClassType& classType = type();
    if (!archive_->importer().unit().hasMethod(classType, name)) {
      throw py::attribute_error("'" + classType.qualifiedName() + "' has no method '" + name + "'");
    }
    const compiler::CompiledFunction& method = archive_->importer().unit().method(classType, name);
    const auto& names = method.parameterNames;
    const auto& types = method.parameterTypes;
    if (args.size() + 1 > names.size()) {
      throw py::type_error(name + "() expected at most " + std::to_string(names.size() - 1) +
                           " argument(s) but received " + std::to_string(args.size()) + " argument(s).");
    }
    std::vector<runtime::Value> values;
    std::vector<std::pair<std::string, runtime::Value>> keywords;
    for (size_t i = 0; i < args.size(); ++i) values.push_back(toValue(args[i], types[i + 1], name, names[i + 1]));
    for (auto item : kwargs) {
      std::string keyword = py::str(item.first);
      auto position = std::find(names.begin() + 1, names.end(), keyword);
      if (position == names.end()) {
        throw py::type_error(name + "() got an unexpected keyword argument '" + keyword + "'");
      }
      keywords.emplace_back(keyword, toValue(item.second, types[position - names.begin()], name, keyword));
    }
    runtime::Value result;
    {
      py::gil_scoped_release release;
      result = hooks ? archive_->callModule(object_, std::move(values), keywords)
                     : archive_->callMethod(object_, name, std::move(values), keywords);
    }
    if (result.isObject()) return py::cast(LoadedObject(archive_, result));
    return toPython(result);
  }

  std::string code(const std::string& name) {
    return archive::methodCode(archive_->importer().unit(), type(), name, &archive_->importer().constants());
  }

  std::string inlinedGraph(const std::string& name) {
    return archive_->importer().unit().inlinedMethodGraph(type(), name)->toString(true);
  }

  std::string graph(const std::string& name) {
    return archive_->importer().unit().method(type(), name).graph->toString(true);
  }

  std::string schema(const std::string& name) {
    return compiler::schemaText(name, archive_->importer().unit().method(type(), name));
  }

  py::dict extraFiles() const {
    py::dict files;
    for (const std::string& name : archive_->extraFileNames()) {
      files[py::str(name)] = py::bytes(archive_->extraFile(name));
    }
    return files;
  }

  bool sameObject(const LoadedObject& other) const {
    return &object_.toObject() == &other.object_.toObject();
  }

  std::shared_ptr<archive::LoadedArchive> archive_;
  runtime::Value object_;
};

}  // namespace

// bind_save.cpp: the archive to `path`, or its bytes when `path` is None.
py::object writeArchiveFromPython(const archive::ArchiveContents& contents, const py::object& path);
std::vector<std::pair<std::string, std::string>> extraFilesFromPython(const py::handle& extraFiles);

void bindArchive(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const serialize::SerializeError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  py::class_<LoadedObject>(m, "LoadedObject")
      .def_property_readonly("qualified_name", [](const LoadedObject& o) { return o.type().qualifiedName(); })
      .def_property_readonly("is_module", [](const LoadedObject& o) { return o.type().isModule(); })
      .def("method_names", &LoadedObject::methodNames)
      .def("has_method", [](LoadedObject& o, const std::string& name) {
        return o.archive_->importer().unit().hasMethod(o.type(), name);
      })
      .def("attribute_names", &LoadedObject::attributeNames)
      .def("attribute_kind", &LoadedObject::attributeKind)
      .def("attribute_type", [](const LoadedObject& o, const std::string& name) {
        const types::ClassType::Attribute* attribute = o.type().findAttribute(name);
        if (!attribute) throw py::key_error(name);
        return attribute->type->annotationStr();
      })
      .def("has_slot", [](const LoadedObject& o, const std::string& name) {
        return o.type().findAttributeSlot(name).has_value();
      })
      .def("constant_names", [](const LoadedObject& o) {
        std::vector<std::string> names;
        for (const auto& entry : o.type().constants()) names.push_back(entry.first);
        return names;
      })
      .def("get", &LoadedObject::get)
      .def("set", &LoadedObject::set)
      .def("call", &LoadedObject::call)
      .def("call_module", &LoadedObject::callModule)
      .def("code", &LoadedObject::code)
      .def("graph", &LoadedObject::graph)
      .def("inlined_graph", &LoadedObject::inlinedGraph)
      .def("schema", &LoadedObject::schema)
      .def("extra_files", &LoadedObject::extraFiles)
      .def("same_object", &LoadedObject::sameObject)
      .def("save", [](LoadedObject& o, py::object path, py::object extraFiles) {
        if (!o.type().isModule()) {
          throw py::type_error("only modules can be saved; " + o.type().qualifiedName() + " is a script class");
        }
        archive::ArchiveContents contents = archive::contentsOfLoaded(*o.archive_, o.object_);
        contents.extraFiles = extraFilesFromPython(extraFiles);
        return writeArchiveFromPython(contents, path);
      }, py::arg("path"), py::arg("extra_files"))
      .def_property_readonly("format_version", [](const LoadedObject& o) { return o.archive_->version(); });

  m.def(
      "_load_archive",
      [](py::object source, std::optional<std::string> mapLocation) {
        archive::ArchiveLoadOptions options;
        if (mapLocation) options.mapLocation = c10::Device(*mapLocation);
        std::shared_ptr<archive::LoadedArchive> loaded;
        if (py::isinstance<py::bytes>(source)) {
          std::string bytes = source.cast<std::string>();
          py::gil_scoped_release release;
          loaded = archive::LoadedArchive::fromBuffer(bytes, options);
        } else {
          std::string path = source.cast<std::string>();
          py::gil_scoped_release release;
          loaded = archive::LoadedArchive::open(path, options);
        }
        runtime::Value root = loaded->root();
        return LoadedObject(std::move(loaded), std::move(root));
      },
      py::arg("source"), py::arg("map_location") = py::none());
}

}  // namespace tscript::python
