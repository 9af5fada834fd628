#include "python/python_interfaces.h"

#include <pybind11/stl.h>

#include <map>
#include <memory>

#include "compiler/interface_declaration.h"
#include "python/bindings.h"
#include "python/module_objects.h"
#include "types/named_types.h"

namespace tscript::python {

namespace py = pybind11;

namespace {

// The Python handle of an interface type while its methods are added.
class InterfaceHandle {
 public:
  InterfaceHandle(const std::string& qualifiedName, bool isModuleInterface)
      : type_(types::InterfaceType::create(qualifiedName, isModuleInterface)) {}

  const std::shared_ptr<types::InterfaceType>& type() const { return type_; }

  // Reads method `name`'s signature from the source of `function` (its annotations resolve
  // through the function's globals).
  void addMethod(const std::string& name, py::handle function) {
    PythonResolver& resolver = *moduleCompiler().resolver;
    const lang::FunctionDefStmt& def = resolver.parseMethod(function);
    type_->addMethod(name, compiler::interfaceMethodSignature(def, resolver));
  }

  std::vector<std::string> methodNames() const {
    std::vector<std::string> names;
    for (const auto& method : type_->methods()) names.push_back(method.first);
    return names;
  }

 private:
  std::shared_ptr<types::InterfaceType> type_;
};

std::map<std::string, types::TypePtr>& interfacesByName() {
  static auto* interfaces = new std::map<std::string, types::TypePtr>;  // leaked, as the unit
  return *interfaces;
}

}  // namespace

types::TypePtr interfaceTypeNamed(const std::string& qualifiedName) {
  auto found = interfacesByName().find(qualifiedName);
  return found == interfacesByName().end() ? nullptr : found->second;
}

types::TypePtr interfaceTypeOf(py::handle handle) { return handle.cast<InterfaceHandle&>().type(); }

void bindInterfaces(py::module_& m) {
  py::class_<InterfaceHandle>(m, "InterfaceType")
      .def(py::init<const std::string&, bool>(), py::arg("qualified_name"),
           py::arg("is_module_interface"))
      .def("add_method", &InterfaceHandle::addMethod)
      .def("method_names", &InterfaceHandle::methodNames)
      // Makes the interface known by name to annotation texts (after its methods are added).
      .def("define",
           [](InterfaceHandle& handle) {
             interfacesByName()[handle.type()->qualifiedName()] = handle.type();
           })
      .def_property_readonly("qualified_name",
                             [](const InterfaceHandle& handle) { return handle.type()->qualifiedName(); })
      .def_property_readonly("is_module_interface", [](const InterfaceHandle& handle) {
        return handle.type()->isModuleInterface();
      });
}

}  // namespace tscript::python
