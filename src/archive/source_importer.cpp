// Archive code -> classes and functions of a CompilationUnit (see source_importer.h).
#include "archive/source_importer.h"
#include "archive/debug_records.h"
#include "archive/upgraders.h"

#include "compiler/interface_declaration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/function_emitter.h"
#include "compiler/named_type_values.h"
#include "compiler/object_value.h"
#include "compiler/schema_matching.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "runtime/constants.h"
#include "serialize/serialize_error.h"
#include "types/annotation.h"

namespace tscript::archive {

using compiler::SugaredValue;
using compiler::SugaredValuePtr;
using lang::CompileError;

namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

// "a.b.C" -> {"a.b", "C"}; no dot -> {"", name}.
std::pair<std::string, std::string> splitQualified(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return {"", name};
  return {name.substr(0, dot), name.substr(dot + 1)};
}

// `__torch__.a.b` -> "code/__torch__/a/b.py"
std::string recordOfQualifier(const std::string& qualifier) {
  std::string path = "code/";
  for (char c : qualifier) path += c == '.' ? '/' : c;
  return path + ".py";
}

// A float written as a name in printed code (`inf`, `nan`).
class FloatConstantValue final : public SugaredValue {
 public:
  explicit FloatConstantValue(double value) : value_(value) {}
  std::string describe() const override { return "float constant"; }
  ir::Value* asValue(const lang::SourceRange& range, compiler::FunctionEmitter& emitter) override {
    return emitter.insertConstant(value_, range);
  }

 private:
  double value_;
};

// `ops`: `ops.prim.RaiseException` is the builtin operator prim::RaiseException.
class OpsNamespaceValue final : public SugaredValue {
 public:
  std::string describe() const override { return "module 'ops'"; }
  SugaredValuePtr attr(const lang::SourceRange&, compiler::FunctionEmitter&,
                       const std::string& name) override {
    return std::make_shared<compiler::BuiltinModule>("ops." + name, name);
  }
};

// `CONSTANTS`: `CONSTANTS.c3` is element 3 of constants.pkl.
class ConstantsValue final : public SugaredValue {
 public:
  explicit ConstantsValue(const SourceImporter& importer) : importer_(importer) {}
  std::string describe() const override { return "CONSTANTS"; }
  SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                       const std::string& name) override {
    const auto& constants = importer_.constants();
    size_t index = 0;
    bool valid = name.size() >= 2 && name[0] == 'c' && name.size() <= 12;
    for (size_t i = 1; valid && i < name.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(name[i]))) valid = false;
      else index = index * 10 + static_cast<size_t>(name[i] - '0');
    }
    if (!valid || index >= constants.size()) {
      throw CompileError(range, "CONSTANTS." + name + " is not in constants.pkl, which has " +
                                    std::to_string(constants.size()) + " value(s) (c0, c1, ...)");
    }
    const runtime::Value& value = constants[index];
    ir::Value* constant;
    if (value.isNone()) {
      constant = emitter.insertNoneConstant(range);
    } else if (value.isBool()) {
      constant = emitter.insertBoolConstant(value.toBool(), range);
    } else if (value.isInt()) {
      constant = emitter.insertConstant(value.toInt(), range);
    } else if (value.isFloat()) {
      constant = emitter.insertConstant(value.toFloat(), range);
    } else if (value.isString()) {
      constant = emitter.insertStringConstant(value.toStringRef(), range);
    } else if (value.isTensor()) {
      // The node carries the tensor itself: its printed text could not rebuild a weight.
      ir::Node* node = emitter.insertNode(ir::prim::Constant, {}, 1, range);
      node->setAttribute("value", ir::AttributeValue(runtime::tensorConstantAttribute(value.toTensor(), "<Tensor>")));
      constant = node->output()->setType(types::tensorType());
    } else {
      throw CompileError(range, "CONSTANTS." + name + " holds a value of kind " + value.kindName() +
                                    "; tscript's loader supports None, bool, int, float, str and "
                                    "tensor constants");
    }
    return std::make_shared<compiler::SimpleValue>(constant);
  }

 private:
  const SourceImporter& importer_;
};

// `__torch__.C` in code: `__torch__.C.__new__(__torch__.C)` makes an object of the class whose
// slots `(obj).__init__(...)` then sets (1.13 prints a script class's construction so), and
// `__torch__.M.hook(module, args)` calls a forward (pre-)hook of module class M (1.13 prints
// the hook calls of a submodule so, as functions taking the module first).
ir::Symbol classPlaceholderKind() { return ir::Symbol::make("prim", "ArchiveClassName"); }

class ClassNameValue final : public SugaredValue {
 public:
  ClassNameValue(SourceImporter& importer, std::shared_ptr<const types::ClassType> type)
      : importer_(importer), type_(std::move(type)) {}
  std::string describe() const override { return "class '" + type_->qualifiedName() + "'"; }
  // The class as `__new__`'s argument (call arguments are emitted as values before the call):
  // a placeholder node that NewObject consumes. Left anywhere else, it is an operator no
  // interpreter runs, so misuse fails instead of computing something.
  ir::Value* asValue(const lang::SourceRange& range, compiler::FunctionEmitter& emitter) override {
    ir::Node* placeholder = emitter.insertNode(classPlaceholderKind(), {}, 1, range);
    return placeholder->output()->setType(type_);
  }
  SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter&,
                       const std::string& name) override {
    if (name == "__new__") return std::make_shared<NewObject>(type_);
    ArchiveClass* definition = importer_.findClass(type_->qualifiedName());
    if (definition && definition->isHook(name)) {
      return std::make_shared<HookCall>(importer_.unit(), type_, name);
    }
    throw CompileError(range, describe() + " has no hook '" + name + "' (only __new__ and the "
                              "forward hooks of a module class can be named on the class)");
  }

 private:
  // `__torch__.C.__new__(__torch__.C)`: prim::CreateObject, slots unset.
  class NewObject final : public SugaredValue {
   public:
    explicit NewObject(std::shared_ptr<const types::ClassType> type) : type_(std::move(type)) {}
    std::string describe() const override { return type_->qualifiedName() + ".__new__"; }
    SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                         std::vector<compiler::NamedValue> args) override {
      ir::Node* placeholder = args.size() == 1 ? args[0].value->node() : nullptr;
      if (!placeholder || !args[0].name.empty() || placeholder->kind() != classPlaceholderKind() ||
          !args[0].value->type()->equals(*type_)) {
        throw CompileError(range, describe() + "() takes the class as its one argument");
      }
      if (args[0].value->uses().empty()) placeholder->destroy();
      ir::Node* create = emitter.insertNode(ir::Symbol::make("prim", "CreateObject"), {}, 1, range);
      return std::make_shared<compiler::SimpleValue>(create->output()->setType(type_));
    }

   private:
    std::shared_ptr<const types::ClassType> type_;
  };
  // `__torch__.M.pre(module, inputs)`: the hook method called on `module`.
  class HookCall final : public SugaredValue {
   public:
    HookCall(compiler::CompilationUnit& unit, std::shared_ptr<const types::ClassType> type, std::string name)
        : unit_(unit), type_(std::move(type)), name_(std::move(name)) {}
    std::string describe() const override { return "hook '" + type_->qualifiedName() + "." + name_ + "'"; }
    bool assignableAsAlias() const override { return true; }  // `_0 = __torch__.M.pre`
    SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                         std::vector<compiler::NamedValue> args) override {
      if (args.empty() || !args[0].name.empty() || !args[0].value->type()->equals(*type_)) {
        throw CompileError(range, describe() + "() takes a " + type_->qualifiedName() +
                                      " module as its first argument");
      }
      ir::Value* self = args[0].value;
      args.erase(args.begin());
      return compiler::MethodValue(unit_, self, name_).call(range, emitter, std::move(args));
    }

   private:
    compiler::CompilationUnit& unit_;
    std::shared_ptr<const types::ClassType> type_;
    std::string name_;
  };

  SourceImporter& importer_;
  std::shared_ptr<const types::ClassType> type_;
};

// `__torch__`, `__torch__.torch.nn`, ...: a package of the archive's code. Attributes are
// functions, classes or deeper packages.
class PackageValue final : public SugaredValue {
 public:
  PackageValue(SourceImporter& importer, std::string name)
      : importer_(importer), name_(std::move(name)) {}
  std::string describe() const override { return "package '" + name_ + "'"; }
  SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter&,
                       const std::string& name) override {
    std::string full = name_ + "." + name;
    // As 1.13's importer: a named type first, then a function, then a deeper package.
    if (types::TypePtr type = importer_.importNamedType(full)) {
      if (type->as<types::EnumType>()) return std::make_shared<compiler::EnumClassValue>(type);
      if (type->as<types::TupleType>()) {
        return std::make_shared<compiler::NamedTupleConstructor>(type, importer_.namedTupleDefaults(full));
      }
      return std::make_shared<ClassNameValue>(importer_, std::static_pointer_cast<const types::ClassType>(type));
    }
    if (importer_.importFunction(full)) return importer_.unit().functionValue(full);
    if (importer_.isPackage(full)) return std::make_shared<PackageValue>(importer_, full);
    throw CompileError(range, "'" + full + "' is not defined by the archive's code (no class "
                              "or function of that name in " + recordOfQualifier(name_) + ")");
  }

 private:
  SourceImporter& importer_;
  std::string name_;
};

// A constant of a class body: `k : Final[int] = 7`.
types::ConstantLiteral constantLiteral(const lang::Expr& expr) {
  using types::ConstantLiteral;
  if (const auto* constant = expr.as<lang::ConstantExpr>()) {
    const lang::ConstantValue& value = constant->value;
    switch (value.kind) {
      case lang::ConstantValue::Kind::None: return ConstantLiteral::none();
      case lang::ConstantValue::Kind::True: return ConstantLiteral::ofBool(true);
      case lang::ConstantValue::Kind::False: return ConstantLiteral::ofBool(false);
      case lang::ConstantValue::Kind::Int: return ConstantLiteral::ofInt(value.intValue);
      case lang::ConstantValue::Kind::Float: return ConstantLiteral::ofFloat(value.floatValue);
      case lang::ConstantValue::Kind::Str: return ConstantLiteral::ofStr(value.text);
      default: break;
    }
  } else if (const auto* unary = expr.as<lang::UnaryOpExpr>();
             unary && unary->op == lang::UnaryOpKind::USub) {
    ConstantLiteral operand = constantLiteral(*unary->operand);
    if (operand.kind == ConstantLiteral::Kind::Int &&
        operand.intValue != std::numeric_limits<int64_t>::min()) {
      return ConstantLiteral::ofInt(-operand.intValue);
    }
    if (operand.kind == ConstantLiteral::Kind::Float) return ConstantLiteral::ofFloat(-operand.floatValue);
  } else if (const auto* tuple = expr.as<lang::TupleExpr>()) {
    std::vector<ConstantLiteral> elements;
    for (const lang::ExprPtr& element : tuple->elts) elements.push_back(constantLiteral(*element));
    return ConstantLiteral::ofTuple(std::move(elements));
  } else if (const auto* name = expr.as<lang::NameExpr>()) {
    if (name->id == "inf") return ConstantLiteral::ofFloat(std::numeric_limits<double>::infinity());
    if (name->id == "nan") return ConstantLiteral::ofFloat(std::nan(""));
  }
  throw CompileError(expr.range, "a class constant must be None, a bool, an int, a float, a str "
                                 "or a tuple of those");
}

// `["weight", "bias", ]` of `__parameters__ = [...]`.
std::vector<std::string> stringList(const lang::Expr& expr, const std::string& what) {
  const auto* list = expr.as<lang::ListExpr>();
  if (!list) throw CompileError(expr.range, what + " must be a list of attribute names");
  std::vector<std::string> names;
  for (const lang::ExprPtr& element : list->elts) {
    const auto* constant = element->as<lang::ConstantExpr>();
    if (!constant || constant->value.kind != lang::ConstantValue::Kind::Str) {
      throw CompileError(element->range, what + " must be a list of attribute names (strings)");
    }
    names.push_back(constant->value.text);
  }
  return names;
}

}  // namespace

std::optional<compiler::MethodSource> ArchiveClass::methodSource(const std::string& name) {
  for (const auto& [methodName, def] : methods_) {
    if (methodName == name) return compiler::MethodSource{def, resolver_};
  }
  return std::nullopt;
}

bool ArchiveClass::isHook(const std::string& name) const {
  return std::find(forwardPreHooks_.begin(), forwardPreHooks_.end(), name) != forwardPreHooks_.end() ||
         std::find(forwardHooks_.begin(), forwardHooks_.end(), name) != forwardHooks_.end();
}

bool ArchiveClass::hasMethod(const std::string& name) const {
  for (const auto& method : methods_) {
    if (method.first == name) return true;
  }
  return false;
}

struct SourceImporter::ParsedFile {
  lang::Module module;
  std::map<std::string, const lang::ClassDefStmt*> classes;
  std::map<std::string, const lang::FunctionDefStmt*> functions;
};

// `torch` in code of an archive older than some operator's change: those operators' calls go
// through their upgraders (upgraders.h), everything else is the builtin.
class UpgradingTorchModule final : public SugaredValue {
 public:
  explicit UpgradingTorchModule(SourceImporter& importer)
      : importer_(importer), builtins_(compiler::resolveBuiltin("torch")) {}
  std::string describe() const override { return builtins_->describe(); }
  SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                       const std::string& name) override {
    SugaredValuePtr builtin = builtins_->attr(range, emitter, name);
    if (importer_.version() >= operatorBumpVersion(name)) return builtin;
    SourceImporter& importer = importer_;
    return upgradedOperator(name, std::move(builtin), [&importer](const std::string& upgrader) {
      return importer.upgraderFunction(upgrader);
    });
  }

 private:
  SourceImporter& importer_;
  SugaredValuePtr builtins_;
};

class SourceImporter::ArchiveResolver final : public compiler::Resolver {
 public:
  explicit ArchiveResolver(SourceImporter& importer) : importer_(importer) {}
  SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) override {
    using Which = compiler::TypeArgumentBuiltin::Which;
    if (name == "torch" && importer_.version() < 10 && !importer_.isUpgraderSource(range)) {
      return std::make_shared<UpgradingTorchModule>(importer_);
    }
    if (name == "__torch__") return std::make_shared<PackageValue>(importer_, name);
    if (name == "ops") return std::make_shared<OpsNamespaceValue>();
    if (name == "CONSTANTS") return std::make_shared<ConstantsValue>(importer_);
    if (name == "annotate") return std::make_shared<compiler::AnnotateFunction>();
    if (name == "unchecked_cast") return std::make_shared<compiler::TypeArgumentBuiltin>(Which::UncheckedCast);
    if (name == "uninitialized") return std::make_shared<compiler::TypeArgumentBuiltin>(Which::Uninitialized);
    if (name == "inf") return std::make_shared<FloatConstantValue>(std::numeric_limits<double>::infinity());
    if (name == "nan") return std::make_shared<FloatConstantValue>(std::nan(""));
    return compiler::resolveBuiltin(name);
  }
  types::TypePtr resolveType(const std::string& name, const lang::SourceRange&) override {
    if (!startsWith(name, "__torch__.")) return nullptr;
    if (types::TypePtr named = importer_.importNamedType(name)) return named;
    return importer_.importInterface(name);
  }
  bool allowsListDefaults() const override { return true; }

 private:
  SourceImporter& importer_;
};

SourceImporter::SourceImporter(std::shared_ptr<const serialize::ZipReader> archive)
    : archive_(std::move(archive)) {
  resolver_ = std::make_shared<ArchiveResolver>(*this);
  unit_ = std::make_unique<compiler::CompilationUnit>(compiler::registryOperatorMatcher(), resolver_);
  // Graphs of the archive's code (not the upgraders' own) in an archive older than an
  // operator's change: divisions of every spelling go to their upgraders, and every upgrader
  // call is inlined and folded as 1.13 does (upgraders.h).
  unit_->setEmittedGraphRewrite([this](const std::string& key, ir::Graph& graph) {
    if (version_ >= operatorBumpVersion("gelu") || startsWith(key, kUpgraderQualifier)) return;
    applyUpgraders(
        graph, version_, [this](const std::string& upgrader) { return compiledUpgrader(upgrader); },
        [this](const std::string& qualified) { return unit_->function(qualified).graph; });
  });
  for (const std::string& record : archive_->recordNames()) {
    if (!startsWith(record, "code/") || record.size() < 8 ||
        record.compare(record.size() - 3, 3, ".py") != 0) {
      continue;
    }
    std::string qualifier = record.substr(5, record.size() - 8);
    for (char& c : qualifier) c = c == '/' ? '.' : c;
    for (size_t dot = qualifier.find('.'); dot != std::string::npos; dot = qualifier.find('.', dot + 1)) {
      packages_.insert(qualifier.substr(0, dot));
    }
    packages_.insert(qualifier);
  }
}

SourceImporter::~SourceImporter() = default;

std::string SourceImporter::describe() const { return archive_->displayName(); }

bool SourceImporter::isPackage(const std::string& qualifiedName) const {
  return packages_.count(qualifiedName) > 0;
}

const SourceImporter::ParsedFile* SourceImporter::file(const std::string& qualifier) {
  auto found = files_.find(qualifier);
  if (found != files_.end()) return found->second.get();
  std::unique_ptr<ParsedFile>& slot = files_[qualifier];
  std::string record = recordOfQualifier(qualifier);
  if (!archive_->hasRecord(record)) return nullptr;
  std::string text(archive_->readRecord(record).text());
  auto source = std::make_shared<lang::SourceFile>(archive_->archivePrefix() + "/" + record, text);
  // Errors in this code name the Python it was printed from when the debug record says.
  codeOrigins_.push_back(archiveCodeOrigins(archive_, record + ".debug_pkl"));
  lang::setSourceOrigins(source, codeOrigins_.back());
  auto parsed = std::make_unique<ParsedFile>();
  parsed->module = lang::parseModule(source);
  for (const lang::StmtPtr& statement : parsed->module.body) {
    if (const auto* classDef = statement->as<lang::ClassDefStmt>()) {
      parsed->classes[classDef->name] = classDef;
    } else if (const auto* def = statement->as<lang::FunctionDefStmt>();
               def && def->kind == lang::StmtKind::FunctionDef) {
      parsed->functions[def->name] = def;
    } else if (statement->kind == lang::StmtKind::Import) {
      continue;  // `import torch`: skipped, as 1.13 does
    } else if (const auto* assign = statement->as<lang::AssignStmt>();
               assign && assign->targets.size() == 1 && assign->targets[0]->as<lang::NameExpr>() &&
               assign->targets[0]->as<lang::NameExpr>()->id == "op_version_set") {
      continue;  // `op_version_set = N` of older archives
    } else {
      throw CompileError(statement->range, "only 'class' and 'def' are allowed at the top level "
                                           "of an archive's code file");
    }
  }
  slot = std::move(parsed);
  return slot.get();
}

ArchiveClass* SourceImporter::findClass(const std::string& qualifiedName) const {
  auto found = classesByName_.find(qualifiedName);
  return found == classesByName_.end() ? nullptr : found->second.get();
}

namespace {

// `Interface` or `ModuleInterface` when that is the class's (only) base: an interface
// declaration, which importInterface reads.
std::optional<bool> interfaceBase(const lang::ClassDefStmt& def) {
  if (def.bases.size() != 1) return std::nullopt;
  const auto* base = def.bases[0]->as<lang::NameExpr>();
  if (!base) return std::nullopt;
  if (base->id == "Interface") return false;
  if (base->id == "ModuleInterface") return true;
  return std::nullopt;
}

}  // namespace

std::shared_ptr<types::ClassType> SourceImporter::importClass(const std::string& qualifiedName) {
  types::TypePtr type = importNamedType(qualifiedName);
  if (!type || !type->as<types::ClassType>()) return nullptr;
  return findClass(qualifiedName)->type();
}

types::TypePtr SourceImporter::importNamedType(const std::string& qualifiedName) {
  if (ArchiveClass* known = findClass(qualifiedName)) return known->type();
  auto other = otherTypes_.find(qualifiedName);
  if (other != otherTypes_.end()) return other->second.type;
  auto [qualifier, name] = splitQualified(qualifiedName);
  if (qualifier.empty()) return nullptr;
  const ParsedFile* parsed = file(qualifier);
  if (!parsed) return nullptr;
  auto def = parsed->classes.find(name);
  if (def == parsed->classes.end()) return nullptr;
  const lang::ClassDefStmt& classDef = *def->second;
  if (interfaceBase(classDef)) return nullptr;  // importInterface's
  if (classDef.bases.size() == 1 && classDef.keywords.empty()) {
    const auto* base = classDef.bases[0]->as<lang::NameExpr>();
    if (base && base->id == "NamedTuple") return defineNamedTuple(qualifiedName, classDef);
    if (base && base->id == "Enum") return defineEnum(qualifiedName, classDef);
  }
  return defineClass(qualifiedName, classDef);
}

compiler::NamedTupleConstructor::DefaultEmitter SourceImporter::namedTupleDefaults(
    const std::string& qualifiedName) const {
  auto found = otherTypes_.find(qualifiedName);
  if (found == otherTypes_.end() || found->second.fieldDefaults.empty()) return nullptr;
  std::map<std::string, types::ConstantLiteral> defaults = found->second.fieldDefaults;
  return [defaults](const std::string& field, const lang::SourceRange& range,
                    compiler::FunctionEmitter& emitter) -> ir::Value* {
    auto value = defaults.find(field);
    if (value == defaults.end()) return nullptr;
    const types::ConstantLiteral& literal = value->second;
    switch (literal.kind) {
      case types::ConstantLiteral::Kind::None: return emitter.insertNoneConstant(range);
      case types::ConstantLiteral::Kind::Bool: return emitter.insertBoolConstant(literal.boolValue, range);
      case types::ConstantLiteral::Kind::Int: return emitter.insertConstant(literal.intValue, range);
      case types::ConstantLiteral::Kind::Float: return emitter.insertConstant(literal.floatValue, range);
      case types::ConstantLiteral::Kind::Str: return emitter.insertStringConstant(literal.strValue, range);
      default: throw CompileError(range, "the default of NamedTuple field '" + field + "' is a tuple, "
                                         "which tscript's loader does not support");
    }
  };
}

// `class P(NamedTuple):` then one `field : T` (or `field : T = default`) line per field
// (1.13's importNamedTuple).
types::TypePtr SourceImporter::defineNamedTuple(const std::string& qualifiedName,
                                                const lang::ClassDefStmt& def) {
  types::AnnotationResolver typeResolver = [this](const std::string& name,
                                                  const lang::SourceRange& range) {
    return resolver_->resolveType(name, range);
  };
  std::vector<std::string> names;
  std::vector<types::TypePtr> fieldTypes;
  OtherType entry;
  for (const lang::StmtPtr& statement : def.body) {
    const auto* field = statement->as<lang::AnnAssignStmt>();
    const auto* target = field ? field->target->as<lang::NameExpr>() : nullptr;
    if (!target) {
      throw CompileError(statement->range, "unexpected statement in the body of NamedTuple '" +
                                               qualifiedName + "': only field annotations "
                                               "(`name : Type`) are allowed");
    }
    if (std::find(names.begin(), names.end(), target->id) != names.end()) {
      throw CompileError(statement->range, "field '" + target->id + "' of NamedTuple '" +
                                               qualifiedName + "' is declared twice");
    }
    names.push_back(target->id);
    fieldTypes.push_back(types::typeFromAnnotation(*field->annotation, typeResolver));
    if (field->value) entry.fieldDefaults[target->id] = constantLiteral(*field->value);
  }
  entry.type = types::namedTupleOf(qualifiedName, std::move(names), std::move(fieldTypes));
  return otherTypes_.emplace(qualifiedName, std::move(entry)).first->second.type;
}

// `class Color(Enum):` then `NAME = value` lines, all ints, all floats or all strings
// (1.13's importEnum).
types::TypePtr SourceImporter::defineEnum(const std::string& qualifiedName, const lang::ClassDefStmt& def) {
  std::vector<types::EnumType::Member> members;
  types::TypePtr valueType;
  for (const lang::StmtPtr& statement : def.body) {
    const auto* assign = statement->as<lang::AssignStmt>();
    const auto* target = assign && assign->targets.size() == 1 ? assign->targets[0]->as<lang::NameExpr>() : nullptr;
    if (!target) {
      throw CompileError(statement->range, "unexpected statement in the body of enum '" + qualifiedName +
                                               "': only members (`NAME = value`) are allowed");
    }
    types::ConstantLiteral value = constantLiteral(*assign->value);
    using Kind = types::ConstantLiteral::Kind;
    if (value.kind != Kind::Int && value.kind != Kind::Float && value.kind != Kind::Str) {
      throw CompileError(assign->value->range, "member '" + target->id + "' of enum '" + qualifiedName +
                                                   "' has an unsupported value: enum values must be "
                                                   "ints, floats or strings");
    }
    if (valueType && !valueType->equals(*value.type())) {
      throw CompileError(assign->value->range, "enum '" + qualifiedName + "' has values of different "
                                                   "types (" + valueType->annotationStr() + " and " +
                                                   value.type()->annotationStr() + ")");
    }
    valueType = value.type();
    members.push_back({target->id, std::move(value)});
  }
  if (!valueType) throw CompileError(def.range, "enum '" + qualifiedName + "' has no members");
  OtherType entry;
  try {
    entry.type = types::EnumType::create(qualifiedName, valueType, std::move(members));
  } catch (const std::invalid_argument& error) {
    throw CompileError(def.range, "enum '" + qualifiedName + "': " + error.what());
  }
  return otherTypes_.emplace(qualifiedName, std::move(entry)).first->second.type;
}

std::shared_ptr<types::InterfaceType> SourceImporter::importInterface(
    const std::string& qualifiedName) {
  auto known = interfacesByName_.find(qualifiedName);
  if (known != interfacesByName_.end()) return known->second;
  auto [qualifier, name] = splitQualified(qualifiedName);
  if (qualifier.empty()) return nullptr;
  const ParsedFile* parsed = file(qualifier);
  if (!parsed) return nullptr;
  auto found = parsed->classes.find(name);
  if (found == parsed->classes.end()) return nullptr;
  const lang::ClassDefStmt& def = *found->second;
  std::optional<bool> isModuleInterface = interfaceBase(def);
  if (!isModuleInterface) return nullptr;
  auto interface = types::InterfaceType::create(qualifiedName, *isModuleInterface);
  // Registered before its methods are read: a method may name this interface again.
  interfacesByName_[qualifiedName] = interface;
  interfaces_.push_back(interface);
  for (const lang::StmtPtr& statement : def.body) {
    const auto* method = statement->as<lang::FunctionDefStmt>();
    if (!method) {
      if (statement->kind == lang::StmtKind::Pass) continue;
      throw CompileError(statement->range, "the body of interface '" + qualifiedName +
                                               "' may hold only method declarations");
    }
    if (interface->findMethodSignature(method->name)) {
      throw CompileError(method->nameRange, "method '" + method->name + "' of interface '" +
                                                qualifiedName + "' is declared twice");
    }
    interface->addMethod(method->name, compiler::interfaceMethodSignature(*method, *resolver_));
  }
  return interface;
}

bool SourceImporter::importFunction(const std::string& qualifiedName) {
  if (functionsDefined_.count(qualifiedName)) return true;
  auto [qualifier, name] = splitQualified(qualifiedName);
  if (qualifier.empty()) return false;
  const ParsedFile* parsed = file(qualifier);
  if (!parsed) return false;
  auto def = parsed->functions.find(name);
  if (def == parsed->functions.end()) return false;
  unit_->defineFunction(qualifiedName, *def->second);
  functionsDefined_.insert(qualifiedName);
  functionOrder_.push_back(qualifiedName);
  return true;
}

std::shared_ptr<types::ClassType> SourceImporter::defineClass(const std::string& qualifiedName,
                                                              const lang::ClassDefStmt& def) {
  bool isModule = false;
  if (def.bases.size() > 1 || !def.keywords.empty()) {
    throw CompileError(def.range, "class '" + qualifiedName + "' has several bases; TorchScript "
                                  "does not support class inheritance");
  }
  if (def.bases.size() == 1) {
    const auto* base = def.bases[0]->as<lang::NameExpr>();
    std::string baseName = base ? base->id : "";
    if (baseName == "Module") {
      isModule = true;
    } else if (baseName == "Interface" || baseName == "ModuleInterface") {
      throw CompileError(def.bases[0]->range, "class '" + qualifiedName + "' is a " + baseName +
                                                  "; tscript's loader does not support " +
                                                  baseName + " types yet");
    } else {
      throw CompileError(def.bases[0]->range, "class '" + qualifiedName + "' has a base class; "
                                              "TorchScript does not support class inheritance "
                                              "(known bases: Module, NamedTuple, Enum, "
                                              "Interface, ModuleInterface)");
    }
  }
  auto type = types::ClassType::create(qualifiedName, isModule);
  auto definition = std::make_shared<ArchiveClass>(type, resolver_.get());
  // Registered before its attributes are read: an attribute may name this class again.
  classesByName_[qualifiedName] = definition;
  classes_.push_back(definition);

  types::AnnotationResolver typeResolver = [this](const std::string& name,
                                                  const lang::SourceRange& range) {
    return resolver_->resolveType(name, range);
  };
  std::set<std::string> parameters, buffers;
  auto addAttribute = [&](const std::string& name, const lang::Expr& annotation,
                          const lang::SourceRange& range) {
    types::ClassType::Attribute attribute;
    attribute.name = name;
    attribute.type = types::typeFromAnnotation(annotation, typeResolver);
    attribute.isParameter = parameters.count(name) > 0;
    attribute.isBuffer = buffers.count(name) > 0;
    const auto* classType = attribute.type->as<types::ClassType>();
    const auto* interfaceType = attribute.type->as<types::InterfaceType>();
    attribute.isModule = (classType && classType->isModule()) ||
                         (interfaceType && interfaceType->isModuleInterface());
    try {
      type->addAttribute(std::move(attribute));
    } catch (const std::invalid_argument&) {
      throw CompileError(range, "attribute '" + name + "' of class '" + qualifiedName +
                                    "' is declared twice");
    }
  };
  // First the lists that mark attributes, wherever they are in the body.
  for (const lang::StmtPtr& statement : def.body) {
    const auto* assign = statement->as<lang::AssignStmt>();
    if (!assign || assign->targets.size() != 1) continue;
    const auto* target = assign->targets[0]->as<lang::NameExpr>();
    if (!target) continue;
    const std::string& id = target->id;
    if (id == "__parameters__" || id == "__buffers__" || id == "__forward_pre_hooks__" ||
        id == "__forward_hooks__") {
      if (!isModule) {
        throw CompileError(statement->range, id + " is only allowed in a module class (class " +
                                                 def.name + "(Module))");
      }
      std::vector<std::string> names = stringList(*assign->value, id);
      if (id == "__parameters__") parameters.insert(names.begin(), names.end());
      if (id == "__buffers__") buffers.insert(names.begin(), names.end());
      if (id == "__forward_pre_hooks__") definition->forwardPreHooks_ = names;
      if (id == "__forward_hooks__") definition->forwardHooks_ = names;
    }
  }
  for (const lang::StmtPtr& statement : def.body) {
    if (const auto* method = statement->as<lang::FunctionDefStmt>()) {
      if (method->kind != lang::StmtKind::FunctionDef) {
        throw CompileError(statement->range, "async methods are not supported");
      }
      if (definition->hasMethod(method->name)) {
        throw CompileError(method->nameRange, "method '" + method->name + "' of class '" +
                                                  qualifiedName + "' is defined twice");
      }
      definition->methods_.emplace_back(method->name, method);
    } else if (const auto* annotated = statement->as<lang::AnnAssignStmt>()) {
      const auto* target = annotated->target->as<lang::NameExpr>();
      if (!target) {
        throw CompileError(annotated->target->range, "a class attribute declaration must name "
                                                     "the attribute: `name : Type`");
      }
      types::AnnotatedType declared = types::annotationAllowingFinal(*annotated->annotation, typeResolver);
      if (declared.isFinal) {
        if (!annotated->value) {
          throw CompileError(statement->range, "constant '" + target->id + "' has no value");
        }
        types::ConstantLiteral value = constantLiteral(*annotated->value);
        if (!types::isSubtypeOf(value.type(), declared.type)) {
          throw CompileError(annotated->value->range,
                             "constant '" + target->id + "' is declared " +
                                 declared.type->annotationStr() + " but its value is a " +
                                 value.type()->annotationStr());
        }
        if (type->findConstant(target->id) || type->findAttribute(target->id)) {
          throw CompileError(statement->range, "'" + target->id + "' of class '" +
                                                   qualifiedName + "' is declared twice");
        }
        type->addConstant(target->id, std::move(value));
      } else {
        if (annotated->value) {
          throw CompileError(annotated->value->range, "an attribute declaration has no value; "
                                                      "constants are declared `name : Final[T] = value`");
        }
        addAttribute(target->id, *annotated->annotation, statement->range);
      }
    } else if (const auto* assign = statement->as<lang::AssignStmt>()) {
      if (assign->targets.size() != 1) {
        throw CompileError(statement->range, "unexpected assignment in a class body");
      }
      const lang::Expr& target = *assign->targets[0];
      if (const auto* name = target.as<lang::NameExpr>()) {
        static const std::set<std::string> kKnown = {"__parameters__", "__buffers__",
                                                     "__forward_pre_hooks__", "__forward_hooks__",
                                                     "__annotations__"};
        if (kKnown.count(name->id)) continue;  // handled above; `__annotations__ = []` is ignored
      } else if (const auto* subscript = target.as<lang::SubscriptExpr>()) {
        // `__annotations__["0"] = T`: an attribute whose name is not an identifier.
        const auto* base = subscript->value->as<lang::NameExpr>();
        const auto* key = subscript->slice->as<lang::ConstantExpr>();
        if (base && base->id == "__annotations__" && key &&
            key->value.kind == lang::ConstantValue::Kind::Str) {
          addAttribute(key->value.text, *assign->value, statement->range);
          continue;
        }
      }
      throw CompileError(statement->range, "unexpected assignment in a class body (allowed: "
                                           "__parameters__, __buffers__, hook lists, "
                                           "__annotations__[\"name\"] = T)");
    } else if (statement->kind == lang::StmtKind::Pass) {
      continue;
    } else {
      throw CompileError(statement->range, "a class body may hold only attribute declarations, "
                                           "constants and methods");
    }
  }
  unit_->defineClass(definition);
  return type;
}

types::TypePtr SourceImporter::parseType(const std::string& text, const std::string& what) {
  auto source = std::make_shared<lang::SourceFile>(what, text);
  lang::ExprPtr expression = lang::parseExpression(source);
  return types::typeFromAnnotation(*expression, [this](const std::string& name,
                                                       const lang::SourceRange& range) {
    return resolver_->resolveType(name, range);
  });
}

compiler::SugaredValuePtr SourceImporter::upgraderFunction(const std::string& name) {
  if (!upgraders_) {
    upgraders_ = std::make_unique<UpgraderFile>();
    upgraders_->source = std::make_shared<lang::SourceFile>("<upgraders>", upgraderSource());
    upgraders_->module = lang::parseModule(upgraders_->source);
    for (const lang::StmtPtr& statement : upgraders_->module.body) {
      const auto* def = statement->as<lang::FunctionDefStmt>();
      if (def) unit_->defineFunction(std::string(kUpgraderQualifier) + "." + def->name, *def);
    }
  }
  return unit_->functionValue(std::string(kUpgraderQualifier) + "." + name);
}

std::string SourceImporter::compiledUpgrader(const std::string& name) {
  upgraderFunction(name);  // defines the upgraders on first use
  std::string qualified = std::string(kUpgraderQualifier) + "." + name;
  unit_->function(qualified);
  return qualified;
}

void SourceImporter::compileAll() {
  size_t classesDone = 0, functionsDone = 0;
  while (classesDone < classes_.size() || functionsDone < functionOrder_.size()) {
    for (; classesDone < classes_.size(); ++classesDone) {
      std::shared_ptr<ArchiveClass> definition = classes_[classesDone];
      for (const auto& method : definition->methods()) unit_->method(*definition->type(), method.first);
    }
    for (; functionsDone < functionOrder_.size(); ++functionsDone) {
      std::string name = functionOrder_[functionsDone];
      unit_->function(name);
    }
  }
}

}  // namespace tscript::archive
