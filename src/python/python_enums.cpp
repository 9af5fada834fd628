// See python_enums.h.
#include "python/python_enums.h"

#include <pybind11/stl.h>

#include <unordered_map>

#include "compiler/function_emitter.h"
#include "compiler/named_type_values.h"
#include "compiler/schema_matching.h"
#include "lang/diagnostics.h"
#include "python/value_conversion.h"
#include "types/named_types.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

// Only touched with the GIL held (definition from Python, lookups while compiling).
std::unordered_map<std::string, types::TypePtr>& enumTypes() {
  static auto* types = new std::unordered_map<std::string, types::TypePtr>();  // leaked
  return *types;
}

types::ConstantLiteral memberLiteral(py::handle value, const std::string& enumName,
                                     const std::string& member) {
  if (PyBool_Check(value.ptr())) {
    // bool is an int to Python, not to TorchScript.
  } else if (PyLong_Check(value.ptr())) {
    return types::ConstantLiteral::ofInt(value.cast<int64_t>());
  } else if (PyFloat_Check(value.ptr())) {
    return types::ConstantLiteral::ofFloat(value.cast<double>());
  } else if (PyUnicode_Check(value.ptr())) {
    return types::ConstantLiteral::ofStr(value.cast<std::string>());
  }
  throw py::type_error("enum " + enumName + " cannot be used in TorchScript: member '" + member +
                       "' has a value of type '" + pythonTypeName(value) +
                       "'; enum values must be all int, all float or all str");
}

void defineEnum(const std::string& qualifiedName, py::list members, py::handle cls) {
  if (enumTypes().count(qualifiedName)) return;
  std::vector<types::EnumType::Member> typed;
  types::TypePtr valueType;
  for (py::handle entry : members) {
    py::tuple pair = py::reinterpret_borrow<py::tuple>(entry);
    std::string name = pair[0].cast<std::string>();
    types::ConstantLiteral literal = memberLiteral(pair[1], qualifiedName, name);
    types::TypePtr memberType = literal.type();
    if (valueType && !valueType->equals(*memberType)) {
      throw py::type_error("enum " + qualifiedName + " cannot be used in TorchScript: its values "
                           "have different types (" + valueType->annotationStr() + " and " +
                           memberType->annotationStr() + " of member '" + name +
                           "'); enum values must be all int, all float or all str");
    }
    valueType = memberType;
    typed.push_back({std::move(name), std::move(literal)});
  }
  if (!valueType) {
    throw py::type_error("enum " + qualifiedName + " cannot be used in TorchScript: it has no members");
  }
  enumTypes()[qualifiedName] = types::EnumType::create(qualifiedName, valueType, std::move(typed));
  setPythonClass(qualifiedName, cls);
}

}  // namespace

types::TypePtr enumTypeNamed(const std::string& qualifiedName) {
  auto found = enumTypes().find(qualifiedName);
  return found == enumTypes().end() ? nullptr : found->second;
}

compiler::SugaredValuePtr enumClassValue(const std::string& qualifiedName) {
  types::TypePtr type = enumTypeNamed(qualifiedName);
  if (!type) throw std::logic_error("internal: enum " + qualifiedName + " is not defined");
  return std::make_shared<compiler::EnumClassValue>(type);
}

compiler::SugaredValuePtr enumMemberValue(const std::string& qualifiedName,
                                          const std::string& member) {
  // A member named by a global (`DEFAULT = Color.RED`): the class's attribute, resolved on use.
  class Member final : public compiler::SugaredValue {
   public:
    Member(compiler::SugaredValuePtr cls, std::string name)
        : cls_(std::move(cls)), name_(std::move(name)) {}
    std::string describe() const override { return "enum member '" + name_ + "'"; }
    ir::Value* asValue(const lang::SourceRange& range, compiler::FunctionEmitter& emitter) override {
      return cls_->attr(range, emitter, name_)->asValue(range, emitter);
    }
    compiler::SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                   const std::string& name) override {
      return compiler::SimpleValue(asValue(range, emitter)).attr(range, emitter, name);
    }

   private:
    compiler::SugaredValuePtr cls_;
    std::string name_;
  };
  return std::make_shared<Member>(enumClassValue(qualifiedName), member);
}

void bindEnums(py::module_& m) {
  m.def("_define_enum", &defineEnum, py::arg("qualified_name"), py::arg("members"), py::arg("cls"),
        "Makes an enum.Enum subclass a TorchScript enum (python_enums.h); TypeError when its "
        "values are not all int, all float or all str.");
}

}  // namespace tscript::python
