// See value_conversion.h.
#include "python/value_conversion.h"

#include <optional>
#include <unordered_map>
#include <torch/csrc/Device.h>
#include <torch/csrc/autograd/python_variable.h>

#include "runtime/constants.h"
#include "types/named_types.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

using runtime::Value;
using types::TypeKind;

// Faces and classes are only touched with the GIL held (conversions run with it).
std::unordered_map<const runtime::Object*, py::object>& pythonFaces() {
  static auto* faces = new std::unordered_map<const runtime::Object*, py::object>();  // leaked
  return *faces;
}

std::unordered_map<std::string, py::object>& pythonClasses() {
  static auto* classes = new std::unordered_map<std::string, py::object>();  // leaked
  return *classes;
}

// The Python class of a NamedTuple or enum that none was registered for (one read from an
// archive), from tscript._archive._archive_class, kept for the next conversions.
py::object archiveClass(const types::Type& type) {
  py::list names;
  std::string qualified, kind;
  if (const auto* named = type.as<types::TupleType>()) {
    qualified = named->qualifiedName().value_or("");
    kind = "namedtuple";
    for (const std::string& field : named->fieldNames()) names.append(py::str(field));
  } else {
    const auto& enumType = *type.as<types::EnumType>();
    qualified = enumType.qualifiedName();
    kind = "enum";
    for (const types::EnumType::Member& member : enumType.members()) {
      py::object value;
      switch (member.value.kind) {
        case types::ConstantLiteral::Kind::Int: value = py::int_(member.value.intValue); break;
        case types::ConstantLiteral::Kind::Float: value = py::float_(member.value.floatValue); break;
        default: value = py::str(member.value.strValue); break;
      }
      names.append(py::make_tuple(py::str(member.name), value));
    }
  }
  auto found = pythonClasses().find(qualified);
  if (found != pythonClasses().end()) return found->second;
  py::object cls = py::module_::import("tscript._archive").attr("_archive_class")(qualified, kind, names);
  pythonClasses()[qualified] = cls;
  return cls;
}

py::object objectToPython(const runtime::Object& object) {
  auto found = pythonFaces().find(&object);
  if (found != pythonFaces().end()) {
    py::object face = py::reinterpret_borrow<py::object>(PyWeakref_GetObject(found->second.ptr()));
    if (!face.is_none()) return face;
    pythonFaces().erase(found);
  }
  const auto* type = object.type->as<types::ClassType>();
  auto cls = type ? pythonClasses().find(type->qualifiedName()) : pythonClasses().end();
  if (cls != pythonClasses().end() && !type->isModule()) {
    // An object of a script class comes back as a new instance of the Python class, its
    // attributes copied (1.13's toPyObject): methods called on it run in Python.
    py::object instance = cls->second.attr("__new__")(cls->second);
    const auto& attributes = type->attributes();
    for (size_t slot = 0; slot < attributes.size(); ++slot) {
      py::setattr(instance, attributes[slot].name.c_str(), toPython(object.slots.at(slot)));
    }
    return instance;
  }
  throw py::type_error("an object of TorchScript class '" +
                       (type ? type->qualifiedName() : object.type->str()) +
                       "' cannot be passed to Python: its Python class is unknown");
}


// Where inside a parameter's value a conversion failed: `xs[1]`, `d['k']`, and what was there.
struct Mismatch {
  std::string path;
  types::TypePtr expected;
  std::string found;
};

// The TorchScript kind a Python object has on its own, when it has an obvious one.
std::optional<TypeKind> naturalKind(py::handle object) {
  PyObject* raw = object.ptr();
  if (object.is_none()) return TypeKind::None;
  if (PyBool_Check(raw)) return TypeKind::Bool;
  if (PyLong_Check(raw)) return TypeKind::Int;
  if (PyFloat_Check(raw)) return TypeKind::Float;
  if (PyUnicode_Check(raw)) return TypeKind::Str;
  if (THPVariable_Check(raw)) return TypeKind::Tensor;
  if (PyList_Check(raw)) return TypeKind::List;
  if (PyTuple_Check(raw)) return TypeKind::Tuple;
  if (PyDict_Check(raw)) return TypeKind::Dict;
  return std::nullopt;
}

class Converter {
 public:
  Converter(const std::string& function, const std::string& parameter)
      : function_(function), parameter_(parameter) {}

  // Converts a whole parameter value; a mismatch anywhere inside is reported against it.
  Value convertParameter(py::handle object, const types::TypePtr& type) {
    try {
      return convert(object, type, parameter_);
    } catch (const Mismatch& mismatch) {
      std::string message = function_ + "() Expected a value of type '" + type->annotationStr() +
                            "' for argument '" + parameter_ + "' but instead found type '" +
                            pythonTypeName(object) + "'";
      if (mismatch.path != parameter_) {
        message += " (" + mismatch.path + " is a '" + mismatch.found + "', expected '" +
                   mismatch.expected->annotationStr() + "')";
      }
      throw py::type_error(message + ".");
    }
  }

 private:
  Value convert(py::handle object, const types::TypePtr& type, const std::string& path) {
    switch (type->kind()) {
      case TypeKind::Tensor:
        if (THPVariable_Check(object.ptr())) return Value(THPVariable_Unpack(object.ptr()));
        break;
      case TypeKind::Int:
        if (PyLong_Check(object.ptr()) && !PyBool_Check(object.ptr())) {
          return Value(object.cast<int64_t>());
        }
        break;
      case TypeKind::Float:
        if (PyFloat_Check(object.ptr())) return Value(PyFloat_AS_DOUBLE(object.ptr()));
        if (PyLong_Check(object.ptr()) && !PyBool_Check(object.ptr())) {
          return Value(double(object.cast<int64_t>()));  // an int is accepted for a float
        }
        break;
      case TypeKind::Bool:
        if (PyBool_Check(object.ptr())) return Value(object.ptr() == Py_True);
        break;
      case TypeKind::Str:
        if (PyUnicode_Check(object.ptr())) return Value(object.cast<std::string>());
        break;
      case TypeKind::None:
        if (object.is_none()) return Value();
        break;
      case TypeKind::Number:
        if (PyBool_Check(object.ptr())) return Value(object.ptr() == Py_True);
        if (PyLong_Check(object.ptr())) return Value(object.cast<int64_t>());
        if (PyFloat_Check(object.ptr())) return Value(PyFloat_AS_DOUBLE(object.ptr()));
        break;
      case TypeKind::Device:
        if (THPDevice_Check(object.ptr())) {
          return Value(reinterpret_cast<THPDevice*>(object.ptr())->device);
        }
        break;
      case TypeKind::Optional:
        if (object.is_none()) return Value();
        return convert(object, type->as<types::OptionalType>()->element(), path);
      case TypeKind::Union: {
        // The member of the object's own kind first (3 is the int of Union[int, float], not
        // 3.0), then any member that accepts it.
        const auto& members = type->as<types::UnionType>()->members();
        std::optional<TypeKind> own = naturalKind(object);
        for (const types::TypePtr& member : members) {
          if (own && member->kind() == *own) return convert(object, member, path);
        }
        for (const types::TypePtr& member : members) {
          try {
            return convert(object, member, path);
          } catch (const Mismatch&) {
          }
        }
        break;
      }
      case TypeKind::Enum: {
        const auto& enumType = *type->as<types::EnumType>();
        auto cls = pythonClasses().find(enumType.qualifiedName());
        if (cls != pythonClasses().end() && PyObject_IsInstance(object.ptr(), cls->second.ptr()) == 1) {
          return runtime::enumMemberValue(type, object.attr("name").cast<std::string>());
        }
        if (cls == pythonClasses().end() &&
            PyObject_IsInstance(object.ptr(), archiveClass(enumType).ptr()) == 1) {
          // An enum of a loaded archive, never scripted in this process.
          return runtime::enumMemberValue(type, object.attr("name").cast<std::string>());
        }
        break;
      }
      case TypeKind::Any: return convertAny(object, path);
      case TypeKind::Class: {
        // An instance of the script class's Python class becomes a new object with its
        // attributes converted to the attribute types (1.13's toIValue): the script code
        // works on a copy, as in torch.jit.
        const auto& classType = type->as<types::ClassType>();
        auto cls = pythonClasses().find(classType->qualifiedName());
        if (classType->isModule() || cls == pythonClasses().end() ||
            PyObject_IsInstance(object.ptr(), cls->second.ptr()) != 1) {
          break;
        }
        const auto& attributes = classType->attributes();
        auto instance = c10::make_intrusive<runtime::Object>(type, attributes.size());
        for (size_t slot = 0; slot < attributes.size(); ++slot) {
          const std::string& name = attributes[slot].name;
          std::string attributePath = path + "." + name;
          if (!py::hasattr(object, name.c_str())) {
            throw py::type_error(function_ + "() argument '" + parameter_ + "': " + attributePath +
                                 " is missing: an object of TorchScript class '" +
                                 classType->qualifiedName() + "' needs every attribute its "
                                 "__init__ assigns");
          }
          instance->slots[slot] = convert(object.attr(name.c_str()), attributes[slot].type,
                                          attributePath);
        }
        return Value(std::move(instance));
      }
      case TypeKind::List: {
        if (!PyList_Check(object.ptr()) && !PyTuple_Check(object.ptr())) break;
        const types::TypePtr& element = type->as<types::ListType>()->element();
        std::vector<Value> elements;
        size_t index = 0;
        for (py::handle item : object) {
          elements.push_back(convert(item, element, path + "[" + std::to_string(index++) + "]"));
        }
        return runtime::makeList(element, std::move(elements));
      }
      case TypeKind::Tuple: {
        if (!PyTuple_Check(object.ptr())) break;
        const auto& elementTypes = type->as<types::TupleType>()->elements();
        if (py::len(object) != elementTypes.size()) break;
        std::vector<Value> elements;
        size_t i = 0;
        for (py::handle item : object) {
          std::string itemPath = path + "[" + std::to_string(i) + "]";
          elements.push_back(convert(item, elementTypes[i++], itemPath));
        }
        return runtime::makeTuple(std::move(elements),
                                  type->as<types::TupleType>()->isNamed() ? type : nullptr);
      }
      case TypeKind::Dict: {
        if (!PyDict_Check(object.ptr())) break;
        const auto* dict = type->as<types::DictType>();
        Value result = runtime::makeDict(dict->key(), dict->value());
        for (auto [key, item] : object.cast<py::dict>()) {
          std::string itemPath = path + "[" + py::repr(key).cast<std::string>() + "]";
          result.toDict().insertOrAssign(convert(key, dict->key(), "a key of " + path),
                                         convert(item, dict->value(), itemPath));
        }
        return result;
      }
      default: break;
    }
    throw Mismatch{path, type, pythonTypeName(object)};
  }

  Value convertAny(py::handle object, const std::string& path) {
    if (THPVariable_Check(object.ptr())) return Value(THPVariable_Unpack(object.ptr()));
    if (object.is_none()) return Value();
    if (PyBool_Check(object.ptr())) return Value(object.ptr() == Py_True);
    if (PyLong_Check(object.ptr())) return Value(object.cast<int64_t>());
    if (PyFloat_Check(object.ptr())) return Value(PyFloat_AS_DOUBLE(object.ptr()));
    if (PyUnicode_Check(object.ptr())) return Value(object.cast<std::string>());
    throw Mismatch{path, types::anyType(), pythonTypeName(object)};
  }

  const std::string& function_;
  const std::string& parameter_;
};

}  // namespace

void setPythonFace(const runtime::Object& object, py::handle face) {
  pythonFaces()[&object] = py::weakref(face);
}

void setPythonClass(const std::string& qualifiedName, py::handle cls) {
  pythonClasses()[qualifiedName] = py::reinterpret_borrow<py::object>(cls);
}

runtime::Value toValue(py::handle object, const types::TypePtr& type, const std::string& function,
                       const std::string& parameter) {
  return Converter(function, parameter).convertParameter(object, type);
}

std::string pythonTypeName(py::handle object) {
  if (THPVariable_Check(object.ptr())) return "Tensor";
  if (object.is_none()) return "NoneType";
  return py::str(object.get_type().attr("__name__"));
}

py::object toPython(const runtime::Value& value) {
  switch (value.kind()) {
    case runtime::ValueKind::None: return py::none();
    case runtime::ValueKind::Bool: return py::bool_(value.toBool());
    case runtime::ValueKind::Int: return py::int_(value.toInt());
    case runtime::ValueKind::Float: return py::float_(value.toFloat());
    case runtime::ValueKind::String: return py::str(value.toStringRef());
    case runtime::ValueKind::Tensor:
      return py::reinterpret_steal<py::object>(THPVariable_Wrap(value.toTensor()));
    case runtime::ValueKind::Device:
      return py::reinterpret_steal<py::object>(THPDevice_New(value.toDevice()));
    case runtime::ValueKind::Complex: {
      c10::complex<double> c = value.toComplex();
      return py::reinterpret_steal<py::object>(PyComplex_FromDoubles(c.real(), c.imag()));
    }
    case runtime::ValueKind::List: {
      const auto& elements = value.toList().elements;
      py::list list(elements.size());
      for (size_t i = 0; i < elements.size(); ++i) list[i] = toPython(elements[i]);
      return list;
    }
    case runtime::ValueKind::Tuple: {
      const runtime::TupleObject& object = value.toTuple();
      const auto& elements = object.elements;
      py::tuple tuple(elements.size());
      for (size_t i = 0; i < elements.size(); ++i) tuple[i] = toPython(elements[i]);
      // A NamedTuple comes back as an instance of its Python class (1.13 makes a look-alike
      // class of the same name instead; an instance of the program's own class is what
      // isinstance checks and attribute access expect).
      const auto* named = object.namedType ? object.namedType->as<types::TupleType>() : nullptr;
      if (named && named->qualifiedName()) {
        auto cls = pythonClasses().find(*named->qualifiedName());
        if (cls != pythonClasses().end()) return cls->second(*tuple);
        return archiveClass(*named)(*tuple);
      }
      return tuple;
    }
    case runtime::ValueKind::Dict: {
      py::dict dict;
      for (const auto& entry : value.toDict()) dict[toPython(entry.key)] = toPython(entry.value);
      return dict;
    }
    case runtime::ValueKind::Object: return objectToPython(value.toObject());
    case runtime::ValueKind::Enum: {
      // The member of the Python class: `Color["RED"]`.
      const runtime::EnumObject& member = value.toEnum();
      const auto* type = member.type->as<types::EnumType>();
      if (!type) throw py::type_error("an enum member without an enum type");
      auto cls = pythonClasses().find(type->qualifiedName());
      py::object pythonClass = cls != pythonClasses().end() ? cls->second : archiveClass(*type);
      return pythonClass[py::str(member.name)];
    }
    default:
      throw py::type_error(std::string("a TorchScript ") + value.kindName() +
                           " value cannot be returned to Python yet");
  }
}

}  // namespace tscript::python
