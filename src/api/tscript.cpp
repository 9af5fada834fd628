// The public C++ API (include/tscript/tscript.h) over the archive loader and the interpreter.
#include "tscript/tscript.h"

#include <functional>
#include <iterator>

#include "archive/archive_code.h"
#include "archive/archive_loader.h"
#include "lang/diagnostics.h"
#include "runtime/errors.h"
#include "runtime/ivalue_bridge.h"
#include "archive/archive_writer.h"
#include "serialize/serialize_error.h"

namespace tscript {

struct Module::Impl {
  std::shared_ptr<archive::LoadedArchive> archive;
  runtime::Value object;  // an Object of an archive class

  const types::ClassType& type() const { return *object.toObject().type->as<types::ClassType>(); }
};

Module load_impl(std::shared_ptr<Module::Impl> impl) { return Module(std::move(impl)); }

namespace {

// Runs `body`, turning every internal error type into tscript::Error.
template <typename F>
auto translatingErrors(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const lang::CompileError& error) {
    throw Error(std::string("error in the archive's code: ") + error.what());
  } catch (const serialize::SerializeError& error) {
    throw Error(error.what());
  } catch (const runtime::ScriptError& error) {
    throw Error(error.what());
  } catch (const c10::Error& error) {
    throw Error(error.what_without_backtrace());
  } catch (const std::exception& error) {
    throw Error(error.what());
  }
}

// c10's type for the element types of lists and dicts crossing the API.
c10::TypePtr c10TypeOf(const types::TypePtr& type) {
  if (!type) return c10::AnyType::get();
  switch (type->kind()) {
    case types::TypeKind::Tensor: return c10::TensorType::get();
    case types::TypeKind::Int: return c10::IntType::get();
    case types::TypeKind::Float: return c10::FloatType::get();
    case types::TypeKind::Bool: return c10::BoolType::get();
    case types::TypeKind::Str: return c10::StringType::get();
    case types::TypeKind::Complex: return c10::ComplexType::get();
    case types::TypeKind::Device: return c10::DeviceObjType::get();
    case types::TypeKind::Optional:
      return c10::OptionalType::create(c10TypeOf(type->as<types::OptionalType>()->element()));
    case types::TypeKind::List:
      return c10::ListType::create(c10TypeOf(type->as<types::ListType>()->element()));
    default: return c10::AnyType::get();
  }
}

types::TypePtr typeOfC10(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType: return types::tensorType();
    case c10::TypeKind::IntType: return types::intType();
    case c10::TypeKind::FloatType: return types::floatType();
    case c10::TypeKind::BoolType: return types::boolType();
    case c10::TypeKind::StringType: return types::strType();
    default: return types::anyType();
  }
}

// runtime::Value -> IValue for results and attributes: the bridge's conversion, plus dicts
// and containers of them.
c10::IValue toPublic(const runtime::Value& value) {
  if (value.isDict()) {
    const runtime::DictObject& dict = value.toDict();
    c10::impl::GenericDict result(c10TypeOf(dict.keyType), c10TypeOf(dict.valueType));
    for (const auto& entry : dict) result.insert_or_assign(toPublic(entry.key), toPublic(entry.value));
    return c10::IValue(std::move(result));
  }
  if (value.isList()) {
    const runtime::ListObject& list = value.toList();
    c10::impl::GenericList result(c10TypeOf(list.elementType));
    for (const runtime::Value& element : list.elements) result.push_back(toPublic(element));
    return c10::IValue(std::move(result));
  }
  if (value.isTuple()) {
    std::vector<c10::IValue> elements;
    for (const runtime::Value& element : value.toTuple().elements) elements.push_back(toPublic(element));
    return c10::ivalue::Tuple::create(std::move(elements));
  }
  if (value.isObject()) {
    throw Error("a value of class " + value.toObject().type->str() +
                " cannot cross the C++ API as an IValue (use Module::submodule for modules)");
  }
  return runtime::toIValue(value, runtime::ArgumentConversion::Generic);
}

runtime::Value fromPublic(c10::IValue value) {
  if (value.isGenericDict()) {
    c10::impl::GenericDict dict = value.toGenericDict();
    runtime::Value result = runtime::makeDict(typeOfC10(dict.keyType()), typeOfC10(dict.valueType()));
    for (const auto& entry : dict) {
      result.toDict().insertOrAssign(fromPublic(entry.key()), fromPublic(entry.value()));
    }
    return result;
  }
  return runtime::fromIValue(std::move(value));
}

Module makeModule(std::shared_ptr<archive::LoadedArchive> archive, runtime::Value object) {
  auto impl = std::make_shared<Module::Impl>();
  impl->archive = std::move(archive);
  impl->object = std::move(object);
  return load_impl(std::move(impl));
}

archive::ArchiveLoadOptions archiveOptions(const LoadOptions& options) {
  return archive::ArchiveLoadOptions{options.map_location, options.verify_tensor_checksums};
}

void collectTensors(const runtime::Value& object, const std::string& prefix, bool recurse,
                    bool parameters, std::vector<std::pair<std::string, at::Tensor>>& out) {
  const auto& type = *object.toObject().type->as<types::ClassType>();
  const auto& slots = object.toObject().slots;
  for (size_t i = 0; i < type.attributes().size(); ++i) {
    const auto& attribute = type.attributes()[i];
    bool wanted = parameters ? attribute.isParameter : attribute.isBuffer;
    if (wanted && slots[i].isTensor()) out.emplace_back(prefix + attribute.name, slots[i].toTensor());
  }
  if (!recurse) return;
  for (size_t i = 0; i < type.attributes().size(); ++i) {
    const auto& attribute = type.attributes()[i];
    if (attribute.isModule && slots[i].isObject()) {
      collectTensors(slots[i], prefix + attribute.name + ".", recurse, parameters, out);
    }
  }
}

}  // namespace

Module load(const std::string& path, const LoadOptions& options) {
  return translatingErrors([&] {
    auto archive = archive::LoadedArchive::open(path, archiveOptions(options));
    runtime::Value root = archive->root();
    return makeModule(std::move(archive), std::move(root));
  });
}

Module load_buffer(const void* data, size_t size, const LoadOptions& options) {
  return translatingErrors([&] {
    auto archive = archive::LoadedArchive::fromBuffer(
        std::string_view(static_cast<const char*>(data), size), archiveOptions(options));
    runtime::Value root = archive->root();
    return makeModule(std::move(archive), std::move(root));
  });
}

Module load(std::istream& stream, const LoadOptions& options) {
  std::string bytes((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  if (stream.bad()) throw Error("cannot read the archive from the stream");
  return load_buffer(bytes.data(), bytes.size(), options);
}

c10::IValue Module::operator()(std::vector<c10::IValue> inputs) const {
  return translatingErrors([&] {
    std::vector<runtime::Value> arguments;
    arguments.reserve(inputs.size());
    for (c10::IValue& input : inputs) arguments.push_back(fromPublic(std::move(input)));
    return toPublic(impl_->archive->callModule(impl_->object, std::move(arguments)));
  });
}

c10::IValue Module::forward(std::vector<c10::IValue> inputs) const {
  return run_method("forward", std::move(inputs));
}

c10::IValue Module::run_method(const std::string& name, std::vector<c10::IValue> inputs) const {
  return translatingErrors([&] {
    std::vector<runtime::Value> arguments;
    arguments.reserve(inputs.size());
    for (c10::IValue& input : inputs) arguments.push_back(fromPublic(std::move(input)));
    runtime::Value result = impl_->archive->callMethod(impl_->object, name, std::move(arguments));
    return toPublic(result);
  });
}

std::string Module::type_name() const { return impl_->type().qualifiedName(); }

std::vector<std::string> Module::method_names() const {
  std::vector<std::string> names;
  if (archive::ArchiveClass* definition = impl_->archive->importer().findClass(type_name())) {
    for (const auto& method : definition->methods()) names.push_back(method.first);
  }
  return names;
}

std::string Module::code(const std::string& method) const {
  return translatingErrors(
      [&] {
        return archive::methodCode(impl_->archive->importer().unit(), impl_->type(), method,
                                   &impl_->archive->importer().constants());
      });
}

bool Module::has_attr(const std::string& name) const {
  return impl_->type().findAttributeSlot(name).has_value();
}

c10::IValue Module::attr(const std::string& name) const {
  std::optional<size_t> slot = impl_->type().findAttributeSlot(name);
  if (!slot) throw Error("module " + type_name() + " has no attribute '" + name + "'");
  const runtime::Value& value = impl_->object.toObject().slots[*slot];
  if (value.isObject()) {
    throw Error("attribute '" + name + "' is a module or object; use submodule(\"" + name + "\")");
  }
  return translatingErrors([&] { return toPublic(value); });
}

Module Module::submodule(const std::string& name) const {
  std::optional<size_t> slot = impl_->type().findAttributeSlot(name);
  if (!slot) throw Error("module " + type_name() + " has no attribute '" + name + "'");
  const runtime::Value& value = impl_->object.toObject().slots[*slot];
  if (!value.isObject()) throw Error("attribute '" + name + "' of " + type_name() + " is not a module");
  return makeModule(impl_->archive, value);
}

std::vector<std::pair<std::string, Module>> Module::named_children() const {
  std::vector<std::pair<std::string, Module>> children;
  const auto& attributes = impl_->type().attributes();
  for (size_t i = 0; i < attributes.size(); ++i) {
    const runtime::Value& value = impl_->object.toObject().slots[i];
    if (attributes[i].isModule && value.isObject()) {
      children.emplace_back(attributes[i].name, makeModule(impl_->archive, value));
    }
  }
  return children;
}

std::vector<std::pair<std::string, at::Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  collectTensors(impl_->object, "", recurse, true, out);
  return out;
}

std::vector<std::pair<std::string, at::Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  collectTensors(impl_->object, "", recurse, false, out);
  return out;
}

uint64_t Module::format_version() const { return impl_->archive->version(); }

namespace {

archive::ArchiveContents contentsToSave(const Module::Impl& impl,
                                        const std::vector<std::pair<std::string, std::string>>& extraFiles) {
  if (!impl.type().isModule()) {
    throw Error("save: " + impl.type().qualifiedName() + " is a script class, not a module");
  }
  archive::ArchiveContents contents = archive::contentsOfLoaded(*impl.archive, impl.object);
  contents.extraFiles = extraFiles;
  return contents;
}

}  // namespace

void Module::save(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& extra_files) const {
  translatingErrors([&] {
    archive::ArchiveContents contents = contentsToSave(*impl_, extra_files);
    archive::writeArchiveToFile(contents, path);
  });
}

std::string Module::save_to_buffer(const std::vector<std::pair<std::string, std::string>>& extra_files) const {
  return translatingErrors([&] {
    std::vector<uint8_t> bytes = archive::writeArchive(contentsToSave(*impl_, extra_files), "archive");
    return std::string(bytes.begin(), bytes.end());
  });
}

std::vector<std::string> Module::extra_file_names() const { return impl_->archive->extraFileNames(); }

std::string Module::extra_file(const std::string& name) const {
  return translatingErrors([&] { return impl_->archive->extraFile(name); });
}

}  // namespace tscript
