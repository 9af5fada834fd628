// Archive -> runtime objects (see archive_loader.h).
#include "archive/archive_loader.h"

#include <cctype>
#include <unordered_map>

#include "archive/tensor_records.h"
#include "lang/diagnostics.h"
#include "runtime/builtins_table.h"
#include "runtime/constants.h"
#include "runtime/interpreter.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"

namespace tscript::archive {

using runtime::Value;
using serialize::PickleKind;
using serialize::PickleValue;
using serialize::SerializeError;

namespace {

// The version record: ASCII digits (leading whitespace allowed, as 1.13's stoull) and '\n'.
uint64_t readVersion(const serialize::ZipReader& zip) {
  const char* name = zip.hasRecord("version") ? "version"
                     : zip.hasRecord(".data/version") ? ".data/version"
                                                      : nullptr;
  if (!name) {
    throw SerializeError(zip.displayName() + ": the archive has no version record ('version' or "
                         "'.data/version'); is it a TorchScript archive (torch.jit.save)?");
  }
  std::string text(zip.readRecord(name).text());
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  uint64_t version = 0;
  size_t digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 19; ++i, ++digits) {
    version = version * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (digits == 0) {
    throw SerializeError(zip.displayName() + ": the version record '" + name +
                         "' does not start with a number");
  }
  constexpr uint64_t kMin = 1, kMax = 10;  // what 1.13 reads
  if (version < kMin || version > kMax) {
    throw SerializeError(zip.displayName() + ": archive format version " + std::to_string(version) +
                         " is not supported: versions " + std::to_string(kMin) + " to " +
                         std::to_string(kMax) + " can be read (PyTorch 1.13 writes 3 to 10)");
  }
  return version;
}

std::string typeText(const types::TypePtr& type) { return type ? type->annotationStr() : "?"; }

// data.pkl / constants.pkl -> runtime values, typed by the class declarations.
class DataReader {
 public:
  DataReader(LoadedArchive& archive, SourceImporter& importer, TensorRecordReader& tensors,
             std::string pickleName)
      : archive_(archive), importer_(importer), tensors_(tensors), pickleName_(std::move(pickleName)) {}

  // `expected`: the declared type where the context knows it (attribute types, type tags),
  // else null. Depth is bounded by the unpickler (UnpicklerLimits::maxNestingDepth).
  Value convert(const PickleValue& node, const types::TypePtr& expected) {
    auto shared = shared_.find(node.identity());
    if (shared != shared_.end()) return shared->second.second;
    Value value = convertNew(node, expected);
    if (value.isObject() || value.isList() || value.isDict() || value.isTensor()) {
      shared_.emplace(node.identity(), std::make_pair(node, value));
    }
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw SerializeError(importer_.describe() + ": " + pickleName_ + ": " + message);
  }

  // Optional[T] / Union: the member that matters to conversion (the non-None one).
  static types::TypePtr unwrapOptional(const types::TypePtr& type) {
    if (!type) return nullptr;
    if (const auto* optional = type->as<types::OptionalType>()) return optional->element();
    return type;
  }

  Value convertNew(const PickleValue& node, const types::TypePtr& declared) {
    types::TypePtr expected = unwrapOptional(declared);
    switch (node.kind()) {
      case PickleKind::None: return Value();
      case PickleKind::Bool: return Value(node.toBool());
      case PickleKind::Int:
        if (expected && expected->kind() == types::TypeKind::Float) return Value(static_cast<double>(node.toInt()));
        return Value(node.toInt());
      case PickleKind::Float: return Value(node.toDouble());
      case PickleKind::String: return Value(node.toStringRef());
      case PickleKind::Tuple: {
        const auto* tuple = expected ? expected->as<types::TupleType>() : nullptr;
        const auto& items = node.items();
        if (tuple && tuple->elements().size() != items.size()) {
          fail("a tuple of " + std::to_string(items.size()) + " elements was saved for a value "
               "of type " + typeText(declared));
        }
        std::vector<Value> elements;
        for (size_t i = 0; i < items.size(); ++i) {
          elements.push_back(convert(items[i], tuple ? tuple->elements()[i] : nullptr));
        }
        return runtime::makeTuple(std::move(elements),
                                  tuple && tuple->qualifiedName() ? expected : nullptr);
      }
      case PickleKind::List: {
        const auto* list = expected ? expected->as<types::ListType>() : nullptr;
        types::TypePtr element = list ? list->element() : nullptr;
        std::vector<Value> elements;
        for (const PickleValue& item : node.items()) elements.push_back(convert(item, element));
        return runtime::makeList(element ? element : commonType(elements), std::move(elements));
      }
      case PickleKind::Dict: {
        const auto* dict = expected ? expected->as<types::DictType>() : nullptr;
        types::TypePtr key = dict ? dict->key() : nullptr;
        types::TypePtr value = dict ? dict->value() : nullptr;
        std::vector<std::pair<Value, Value>> entries;
        for (const auto& [k, v] : node.entries()) entries.emplace_back(convert(k, key), convert(v, value));
        if (!key) {
          std::vector<Value> keys;
          for (const auto& entry : entries) keys.push_back(entry.first);
          key = commonType(keys);
        }
        if (!value) {
          std::vector<Value> values;
          for (const auto& entry : entries) values.push_back(entry.second);
          value = commonType(values);
        }
        Value result = runtime::makeDict(key, value);
        for (auto& [k, v] : entries) {
          if (!k.isInt() && !k.isFloat() && !k.isBool() && !k.isString() && !k.isTensor()) {
            fail("a dict key of type " + typeText(runtime::typeOfValue(k)) + " is not allowed");
          }
          result.toDict().insertOrAssign(std::move(k), std::move(v));
        }
        return result;
      }
      case PickleKind::Object: return convertObject(node, declared);
      default:
        fail(std::string("unexpected ") + serialize::pickleKindName(node.kind()) + " value");
    }
  }

  static types::TypePtr commonType(const std::vector<Value>& values) {
    types::TypePtr common;
    for (const Value& value : values) {
      types::TypePtr type = types::unshapedType(runtime::typeOfValue(value));
      if (!common) {
        common = type;
      } else if (*common != *type) {
        std::optional<types::TypePtr> unified = types::unifyTypes(common, type);
        if (!unified) return types::anyType();
        common = *unified;
      }
    }
    return common ? common : types::anyType();
  }

  // The single element of a REDUCE argument tuple.
  const PickleValue& onlyArgument(const PickleValue& node, const std::string& what) {
    const PickleValue& args = node.args();
    if (!args.is(PickleKind::Tuple) || args.items().size() != 1) fail(what + " takes one argument");
    return args.items()[0];
  }

  Value typedList(const PickleValue& node, const types::TypePtr& element, const std::string& what) {
    const PickleValue& list = onlyArgument(node, what);
    if (!list.is(PickleKind::List)) fail(what + " takes a list");
    std::vector<Value> elements;
    for (const PickleValue& item : list.items()) {
      Value value = convert(item, element);
      if (!valueFitsType(value, element)) {
        fail(what + " holds a " + typeText(runtime::typeOfValue(value)) + ", expected " +
             typeText(element));
      }
      elements.push_back(std::move(value));
    }
    return runtime::makeList(element, std::move(elements));
  }

  Value convertObject(const PickleValue& node, const types::TypePtr& declared) {
    if (TensorRecordReader::isTensor(node)) return Value(tensors_.read(node));
    const PickleValue& callable = node.callable();
    if (!callable.is(PickleKind::Global)) fail("an object whose class is not a global");
    const std::string& module = callable.globalModule();
    const std::string& name = callable.globalName();
    std::string qualified = callable.globalQualifiedName();
    bool reduce = node.construction() == serialize::ObjectConstruction::Reduce;
    if (module == "torch.jit._pickle" && reduce) {
      if (name == "build_intlist") return typedList(node, types::intType(), qualified);
      if (name == "build_doublelist") return typedList(node, types::floatType(), qualified);
      if (name == "build_boollist") return typedList(node, types::boolType(), qualified);
      if (name == "build_tensorlist") return typedList(node, types::tensorType(), qualified);
      if (name == "restore_type_tag") {
        const PickleValue& args = node.args();
        if (!args.is(PickleKind::Tuple) || args.items().size() != 2 ||
            !args.items()[1].is(PickleKind::String)) {
          fail("restore_type_tag takes a value and a type string");
        }
        types::TypePtr type;
        try {
          type = importer_.parseType(args.items()[1].toStringRef(),
                                     "<type tag in " + pickleName_ + ">");
        } catch (const lang::CompileError& error) {
          fail("bad type tag '" + args.items()[1].toStringRef() + "': " + error.what());
        }
        Value value = convert(args.items()[0], type);
        if (!valueFitsType(value, type)) {
          fail("a value tagged " + type->annotationStr() + " is a " +
               typeText(runtime::typeOfValue(value)));
        }
        return value;
      }
    }
    if (qualified == "torch.device" && reduce) {
      const PickleValue& text = onlyArgument(node, "torch.device");
      if (!text.is(PickleKind::String)) fail("torch.device takes a string");
      try {
        return Value(c10::Device(text.toStringRef()));
      } catch (const std::exception&) {
        fail("'" + text.toStringRef() + "' is not a device");
      }
    }
    if (qualified == "builtins.complex" && reduce) {
      const PickleValue& args = node.args();
      if (!args.is(PickleKind::Tuple) || args.items().size() != 2 ||
          !args.items()[0].is(PickleKind::Float) || !args.items()[1].is(PickleKind::Float)) {
        fail("complex takes two floats");
      }
      return Value(c10::complex<double>(args.items()[0].toDouble(), args.items()[1].toDouble()));
    }
    if (module == "__torch__" || module.rfind("__torch__.", 0) == 0) {
      if (reduce) return convertEnumMember(node, qualified);
      return convertScriptObject(node, qualified);
    }
    fail("objects of class " + qualified + " are not supported");
  }

  // An enum member: GLOBAL of the enum class, REDUCE with the member's raw value (not a
  // tuple), as 1.13's pickler writes it; the member is looked up by value.
  Value convertEnumMember(const PickleValue& node, const std::string& qualified) {
    types::TypePtr type = importer_.importNamedType(qualified);
    const auto* enumType = type ? type->as<types::EnumType>() : nullptr;
    if (!enumType) {
      fail("data.pkl reduces " + qualified + " as an enum member, but the archive's code does "
           "not define an enum of that name");
    }
    const PickleValue& raw = node.args();
    types::ConstantLiteral value;
    if (raw.is(PickleKind::Int)) value = types::ConstantLiteral::ofInt(raw.toInt());
    else if (raw.is(PickleKind::Float)) value = types::ConstantLiteral::ofFloat(raw.toDouble());
    else if (raw.is(PickleKind::String)) value = types::ConstantLiteral::ofStr(raw.toStringRef());
    else fail("the member of enum " + qualified + " is not saved as an int, a float or a string");
    for (const types::EnumType::Member& member : enumType->members()) {
      if (member.value == value) return runtime::enumMemberValue(type, member.name);
    }
    fail("enum " + qualified + " has no member whose value is the one data.pkl holds");
  }

  Value convertScriptObject(const PickleValue& node, const std::string& qualified) {
    std::shared_ptr<types::ClassType> type = importer_.importClass(qualified);
    if (!type) {
      fail("data.pkl names class " + qualified + ", but no code record of the archive defines it");
    }
    const PickleValue& args = node.args();
    if (!args.is(PickleKind::Tuple) || !args.items().empty()) {
      fail("object of class " + qualified + " is created with arguments");
    }
    if (!node.hasState()) fail("object of class " + qualified + " has no state (BUILD)");
    const auto& attributes = type->attributes();
    auto object = c10::make_intrusive<runtime::Object>(type, attributes.size());
    Value result(object);
    ArchiveClass* definition = importer_.findClass(qualified);
    if (definition && definition->hasMethod("__setstate__")) {
      const compiler::CompiledFunction& setstate = importer_.unit().method(*type, "__setstate__");
      if (setstate.parameterTypes.size() != 2) fail(qualified + ".__setstate__ must take one argument");
      Value state = convert(node.state(), setstate.parameterTypes[1]);
      archive_.callMethod(result, "__setstate__", {std::move(state)});
      for (size_t i = 0; i < attributes.size(); ++i) {
        types::TypeKind kind = attributes[i].type->kind();
        if (object->slots[i].isNone() && kind != types::TypeKind::Optional &&
            kind != types::TypeKind::None && kind != types::TypeKind::Union &&
            kind != types::TypeKind::Any) {
          fail("the field '" + attributes[i].name + "' of " + qualified + " was left "
               "uninitialized after '__setstate__', but expected a value of type '" +
               attributes[i].type->annotationStr() + "'");
        }
      }
      return result;
    }
    const PickleValue& state = node.state();
    if (!state.is(PickleKind::Dict)) {
      fail("the state of an object of class " + qualified + " is not a dict (and the class "
           "has no __setstate__)");
    }
    std::unordered_map<std::string, const PickleValue*> byName;
    for (const auto& [key, value] : state.entries()) {
      if (!key.is(PickleKind::String)) fail("the state of " + qualified + " has a key that is not a string");
      byName[key.toStringRef()] = &value;
    }
    for (size_t i = 0; i < attributes.size(); ++i) {
      auto found = byName.find(attributes[i].name);
      if (found == byName.end()) {
        fail("attribute '" + attributes[i].name + "' of " + qualified + " is declared in the "
             "code but missing from data.pkl");
      }
      Value value = convert(*found->second, attributes[i].type);
      if (!valueFitsType(value, attributes[i].type)) {
        fail("attribute '" + attributes[i].name + "' of " + qualified + " is declared " +
             attributes[i].type->annotationStr() + " but data.pkl holds a " +
             typeText(runtime::typeOfValue(value)));
      }
      object->slots[i] = std::move(value);
    }
    return result;
  }

  LoadedArchive& archive_;
  SourceImporter& importer_;
  TensorRecordReader& tensors_;
  std::string pickleName_;
  std::unordered_map<const void*, std::pair<PickleValue, Value>> shared_;
};

}  // namespace

bool valueFitsType(const Value& value, const types::TypePtr& type) {
  if (!type) return true;
  switch (type->kind()) {
    case types::TypeKind::Any: return true;
    case types::TypeKind::Optional:
      return value.isNone() || valueFitsType(value, type->as<types::OptionalType>()->element());
    case types::TypeKind::Union:
      for (const types::TypePtr& member : type->as<types::UnionType>()->members()) {
        if (valueFitsType(value, member)) return true;
      }
      return false;
    case types::TypeKind::None: return value.isNone();
    case types::TypeKind::Tensor: return value.isTensor();
    case types::TypeKind::Int: return value.isInt();
    case types::TypeKind::Float: return value.isFloat();
    case types::TypeKind::Complex: return value.isComplex();
    case types::TypeKind::Number: return value.isNumber();
    case types::TypeKind::Bool: return value.isBool();
    case types::TypeKind::Str: return value.isString();
    case types::TypeKind::Device: return value.isDevice();
    case types::TypeKind::List:
      return value.isList() && types::isSubtypeOf(value.toList().elementType,
                                                  type->as<types::ListType>()->element());
    case types::TypeKind::Dict: {
      if (!value.isDict()) return false;
      const auto* dict = type->as<types::DictType>();
      return types::isSubtypeOf(value.toDict().keyType, dict->key()) &&
             types::isSubtypeOf(value.toDict().valueType, dict->value());
    }
    case types::TypeKind::Tuple: {
      if (!value.isTuple()) return false;
      const auto& elements = type->as<types::TupleType>()->elements();
      const auto& values = value.toTuple().elements;
      if (elements.size() != values.size()) return false;
      for (size_t i = 0; i < values.size(); ++i) {
        if (!valueFitsType(values[i], elements[i])) return false;
      }
      return true;
    }
    case types::TypeKind::Class:
      return value.isObject() && *value.toObject().type == *type;
    default:
      return types::isSubtypeOf(runtime::typeOfValue(value), type);
  }
}

std::shared_ptr<LoadedArchive> LoadedArchive::open(const std::string& path, ArchiveLoadOptions options) {
  return fromZip(serialize::ZipReader::openFile(path), options);
}

std::shared_ptr<LoadedArchive> LoadedArchive::fromBuffer(std::string_view bytes,
                                                         ArchiveLoadOptions options,
                                                         std::string displayName) {
  return fromZip(serialize::ZipReader::fromBuffer(bytes, std::move(displayName)), options);
}

std::shared_ptr<LoadedArchive> LoadedArchive::fromZip(serialize::ZipReader zip,
                                                      ArchiveLoadOptions options) {
  std::shared_ptr<LoadedArchive> archive(new LoadedArchive());
  archive->zip_ = std::make_shared<const serialize::ZipReader>(std::move(zip));
  archive->load(options);
  return archive;
}

void LoadedArchive::load(ArchiveLoadOptions options) {
  runtime::registerBuiltinOperators();
  const serialize::ZipReader& zip = *zip_;
  if (zip.hasRecord("model.json")) {
    throw SerializeError(zip.displayName() + ": this is a pre-1.4 (model.json) archive, which "
                         "is not supported");
  }
  version_ = readVersion(zip);
  importer_ = std::make_unique<SourceImporter>(zip_);
  importer_->setVersion(version_);
  TensorLoadOptions tensorOptions{options.mapLocation, options.verifyStorageCrc};

  if (!zip.hasRecord("constants.pkl")) {
    throw SerializeError(zip.displayName() + ": the archive has no constants.pkl record");
  }
  {
    PickleValue constants = serialize::unpickle(zip.readRecord("constants.pkl").text(),
                                                zip.displayName() + "/constants.pkl");
    if (!constants.is(PickleKind::Tuple)) {
      throw SerializeError(zip.displayName() + ": constants.pkl is not a tuple");
    }
    TensorRecordReader tensors(zip, "constants", "constants.pkl", tensorOptions);
    DataReader reader(*this, *importer_, tensors, "constants.pkl");
    std::vector<Value> values;
    for (const PickleValue& item : constants.items()) values.push_back(reader.convert(item, nullptr));
    importer_->setConstants(std::move(values));
  }
  if (!zip.hasRecord("data.pkl")) {
    throw SerializeError(zip.displayName() + ": the archive has no data.pkl record");
  }
  PickleValue data = serialize::unpickle(zip.readRecord("data.pkl").text(),
                                         zip.displayName() + "/data.pkl");
  TensorRecordReader tensors(zip, "data", "data.pkl", tensorOptions);
  DataReader reader(*this, *importer_, tensors, "data.pkl");
  root_ = reader.convert(data, nullptr);
  if (!root_.isObject()) {
    throw SerializeError(zip.displayName() + ": data.pkl does not hold a module object");
  }
  importer_->compileAll();
  registerMethodTables();
}

namespace {

// The methods of one archive class, for calls through interfaces.
class ArchiveMethodTable final : public runtime::MethodTable {
 public:
  ArchiveMethodTable(LoadedArchive& archive, std::shared_ptr<const types::ClassType> type)
      : archive_(archive), type_(std::move(type)) {}
  const runtime::Code* methodCode(const std::string& name) override {
    if (!archive_.importer().unit().hasMethod(*type_, name)) return nullptr;
    return &archive_.code(*type_, name);
  }

 private:
  LoadedArchive& archive_;  // owns this table
  std::shared_ptr<const types::ClassType> type_;
};

}  // namespace

void LoadedArchive::registerMethodTables() {
  for (const auto& definition : importer_->classes()) {
    auto table = std::make_shared<ArchiveMethodTable>(*this, definition->type());
    runtime::registerMethodTable(definition->type().get(), table);
    methodTables_.push_back(std::move(table));
  }
}

LoadedArchive::~LoadedArchive() {
  if (!importer_) return;
  for (const auto& definition : importer_->classes()) {
    runtime::unregisterMethodTable(definition->type().get());
  }
}

std::vector<std::string> LoadedArchive::extraFileNames() const {
  std::vector<std::string> names;
  for (const std::string& record : zip_->recordNames()) {
    if (record.rfind("extra/", 0) == 0) names.push_back(record.substr(6));
  }
  return names;
}

std::string LoadedArchive::extraFile(const std::string& name) const {
  return std::string(zip_->readRecord("extra/" + name).text());
}

const runtime::Code& LoadedArchive::code(const types::ClassType& type, const std::string& name) {
  std::lock_guard<std::mutex> lock(codeMutex_);
  std::string key = type.qualifiedName() + "." + name;
  auto found = codes_.find(key);
  if (found != codes_.end()) return *found->second;
  std::shared_ptr<ir::Graph> graph = importer_->unit().inlinedMethodGraph(type, name);
  auto code = std::make_unique<runtime::Code>(std::move(graph), name);
  return *codes_.emplace(key, std::move(code)).first->second;
}

Value LoadedArchive::callMethod(const Value& self, const std::string& name, std::vector<Value> args,
                                const std::vector<std::pair<std::string, Value>>& kwargs) {
  if (!self.isObject()) throw std::invalid_argument("callMethod: not an object");
  const auto* type = self.toObject().type->as<types::ClassType>();
  if (!type) throw std::invalid_argument("callMethod: the object has no class type");
  const compiler::CompiledFunction* method;
  {
    std::lock_guard<std::mutex> lock(codeMutex_);
    if (!importer_->unit().hasMethod(*type, name)) {
      throw std::invalid_argument("'" + type->qualifiedName() + "' has no method '" + name + "'");
    }
    method = &importer_->unit().method(*type, name);
  }
  const auto& names = method->parameterNames;
  const auto& types = method->parameterTypes;
  if (args.size() + 1 > names.size()) {
    throw std::invalid_argument(name + "() expected at most " + std::to_string(names.size() - 1) +
                                " argument(s) but received " + std::to_string(args.size()) +
                                " argument(s)");
  }
  runtime::Stack stack;
  stack.reserve(names.size());
  stack.push_back(self);
  for (size_t i = 1; i < names.size(); ++i) {
    const Value* keyword = nullptr;
    for (const auto& entry : kwargs) {
      if (entry.first == names[i]) keyword = &entry.second;
    }
    Value argument;
    if (i - 1 < args.size()) {
      if (keyword) throw std::invalid_argument(name + "() got multiple values for argument '" + names[i] + "'");
      argument = std::move(args[i - 1]);
    } else if (keyword) {
      argument = *keyword;
    } else if (method->parameterDefaults[i]) {
      argument = runtime::valueFromConstant(*method->parameterDefaults[i], types[i]);
    } else {
      throw std::invalid_argument(name + "() is missing value for argument '" + names[i] + "'");
    }
    if (argument.isInt() && types[i]->kind() == types::TypeKind::Float) {
      argument = Value(static_cast<double>(argument.toInt()));
    }
    if (!valueFitsType(argument, types[i])) {
      throw std::invalid_argument(name + "() expected a value of type '" + types[i]->annotationStr() +
                                  "' for argument '" + names[i] + "' but got a value of type '" +
                                  typeText(runtime::typeOfValue(argument)) + "'");
    }
    stack.push_back(std::move(argument));
  }
  for (const auto& entry : kwargs) {
    if (std::find(names.begin() + 1, names.end(), entry.first) == names.end()) {
      throw std::invalid_argument(name + "() got an unexpected keyword argument '" + entry.first + "'");
    }
  }
  runtime::run(code(*type, name), stack);
  return stack.empty() ? Value() : stack.back();
}

Value LoadedArchive::callModule(const Value& self, std::vector<Value> args,
                                const std::vector<std::pair<std::string, Value>>& kwargs) {
  const auto* type = self.isObject() ? self.toObject().type->as<types::ClassType>() : nullptr;
  ArchiveClass* definition = type ? importer_->findClass(type->qualifiedName()) : nullptr;
  if (!definition || (definition->forwardPreHooks().empty() && definition->forwardHooks().empty())) {
    return callMethod(self, "forward", std::move(args), kwargs);
  }
  Value inputs = runtime::makeTuple(std::move(args));
  for (const std::string& hook : definition->forwardPreHooks()) {
    Value result = callMethod(self, hook, {inputs});
    if (result.isNone()) continue;
    inputs = result.isTuple() ? result : runtime::makeTuple({result});
  }
  Value output = callMethod(self, "forward", inputs.toTuple().elements, kwargs);
  for (const std::string& hook : definition->forwardHooks()) {
    Value result = callMethod(self, hook, {inputs, output});
    if (!result.isNone()) output = std::move(result);
  }
  return output;
}

}  // namespace tscript::archive
