// The `code/` records of an archive as classes and functions our compiler compiles
// (ARCHIVE_FORMAT.md §4): the second front door of DESIGN.md, with a resolver for the names
// printed code uses instead of Python's globals.
//
// A qualified name `__torch__.a.b.C` lives in the record `code/__torch__/a/b.py` (the name
// minus its last component, dots turned into slashes). Files are parsed on first use and
// classes imported on first use (a GLOBAL in data.pkl, an annotation, an attribute type),
// recursively, as 1.13's importer does, so a file that is never referenced is never read.
//
// Names printed code uses (the resolver):
//   __torch__.x.y.f         a function of the archive (prim::CallFunction), `__torch__.x.C`
//                           a class (in annotations)
//   torch.op / ops.ns.op    builtin operators aten::op / ns::op
//   annotate, unchecked_cast, uninitialized     the special forms taking a type
//   CONSTANTS.cN            element N of constants.pkl (a tensor: a constant carrying it)
//   inf, nan                floats
// plus every builtin (len, range, getattr, int, ...).
//
// Untrusted input: every problem is a lang::CompileError at the offending code (bad syntax,
// unknown names, statements 1.13 does not allow in a class body) or a SerializeError naming
// the record; nothing here trusts that a referenced file, class or attribute exists.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compiler/compilation_unit.h"
#include "compiler/named_type_values.h"
#include "lang/source_origins.h"
#include "runtime/value.h"
#include "serialize/zip_reader.h"
#include "types/named_types.h"

namespace tscript::archive {

class SourceImporter;

// A class read from a `class C(Module):` / `class C:` definition of the archive.
class ArchiveClass final : public compiler::ClassDefinition {
 public:
  ArchiveClass(std::shared_ptr<types::ClassType> type, compiler::Resolver* resolver)
      : type_(std::move(type)), resolver_(resolver) {}
  const std::shared_ptr<types::ClassType>& type() const override { return type_; }
  std::optional<compiler::MethodSource> methodSource(const std::string& name) override;

  // Methods in the order the class defines them (hooks included).
  const std::vector<std::pair<std::string, const lang::FunctionDefStmt*>>& methods() const {
    return methods_;
  }
  bool hasMethod(const std::string& name) const;
  // Whether `name` is one of its forward pre-hooks or forward hooks.
  bool isHook(const std::string& name) const;
  // `__forward_pre_hooks__` / `__forward_hooks__`: names of methods.
  const std::vector<std::string>& forwardPreHooks() const { return forwardPreHooks_; }
  const std::vector<std::string>& forwardHooks() const { return forwardHooks_; }
  std::vector<std::string> forwardPreHookMethods() const override { return forwardPreHooks_; }
  std::vector<std::string> forwardHookMethods() const override { return forwardHooks_; }

 private:
  friend class SourceImporter;
  std::shared_ptr<types::ClassType> type_;
  compiler::Resolver* resolver_;
  std::vector<std::pair<std::string, const lang::FunctionDefStmt*>> methods_;
  std::vector<std::string> forwardPreHooks_;
  std::vector<std::string> forwardHooks_;
};

class SourceImporter {
 public:
  // The archive must outlive the importer (it is read lazily).
  explicit SourceImporter(std::shared_ptr<const serialize::ZipReader> archive);
  ~SourceImporter();
  SourceImporter(const SourceImporter&) = delete;
  SourceImporter& operator=(const SourceImporter&) = delete;

  compiler::CompilationUnit& unit() { return *unit_; }
  compiler::Resolver& resolver() { return *resolver_; }

  // The archive's version record: `torch.<op>` calls of operators that changed meaning after
  // it go to upgraders (upgraders.h). Default: today's meaning.
  void setVersion(uint64_t version) { version_ = version; }
  uint64_t version() const { return version_; }
  // The upgrader function `name` of upgraders.h, compiled into the unit on first use.
  compiler::SugaredValuePtr upgraderFunction(const std::string& name);
  // Upgrader `name` compiled into the unit; its qualified name (`__torch__.__upgraders__.name`).
  std::string compiledUpgrader(const std::string& name);
  bool isUpgraderSource(const lang::SourceRange& range) const {
    return upgraders_ && range.file.get() == upgraders_->source.get();
  }

  // The values of constants.pkl, which `CONSTANTS.cN` names.
  void setConstants(std::vector<runtime::Value> constants) { constants_ = std::move(constants); }
  const std::vector<runtime::Value>& constants() const { return constants_; }

  // The class `qualifiedName` (`__torch__.a.C`), parsed and defined in the unit on first use;
  // nullptr when no code record defines a class of that name. Throws CompileError when its
  // code is malformed.
  std::shared_ptr<types::ClassType> importClass(const std::string& qualifiedName);
  ArchiveClass* findClass(const std::string& qualifiedName) const;
  // The interface `qualifiedName` (`class I(Interface):` or `class I(ModuleInterface):`, its
  // methods' signatures read from their defs, bodies ignored), imported on first use;
  // nullptr when no code record defines an interface of that name.
  std::shared_ptr<types::InterfaceType> importInterface(const std::string& qualifiedName);
  // Interfaces imported so far, in the order they were imported.
  const std::vector<std::shared_ptr<types::InterfaceType>>& interfaces() const {
    return interfaces_;
  }
  // Any named type of the archive's code: a class (as importClass), a NamedTuple (a TupleType
  // with field names) or an enum (EnumType); nullptr when no code record defines it.
  types::TypePtr importNamedType(const std::string& qualifiedName);
  // The defaults of an imported NamedTuple's fields (`field : T = value`), or null.
  compiler::NamedTupleConstructor::DefaultEmitter namedTupleDefaults(const std::string& qualifiedName) const;
  // Whether a code record defines function `qualifiedName` (defined in the unit on first use).
  bool importFunction(const std::string& qualifiedName);
  // Whether `qualifiedName` is a prefix of some code record's qualified names (a package:
  // `__torch__.torch.nn`), so that attribute lookups on it may go on.
  bool isPackage(const std::string& qualifiedName) const;
  // A type written as text (`Dict[str, Tensor]`, the type tags of data.pkl) with the
  // archive's classes. `what` names the text in errors.
  types::TypePtr parseType(const std::string& text, const std::string& what);

  // Classes imported so far, in the order they were imported.
  const std::vector<std::shared_ptr<ArchiveClass>>& classes() const { return classes_; }
  // Functions imported so far (qualified names), in the order they were imported.
  const std::vector<std::string>& functions() const { return functionOrder_; }
  // Compiles every method of every imported class and every imported function, importing
  // what they reference, until nothing new appears (1.13 compiles an archive's code eagerly
  // too, so errors in code show at load time, not at the first call).
  void compileAll();

  std::string describe() const;  // the archive, for messages

 private:
  struct ParsedFile;
  class ArchiveResolver;
  // The parsed record of a qualifier (`__torch__.a` -> code/__torch__/a.py), nullptr when the
  // archive has no such record.
  const ParsedFile* file(const std::string& qualifier);
  std::shared_ptr<types::ClassType> defineClass(const std::string& qualifiedName,
                                                const lang::ClassDefStmt& def);
  types::TypePtr defineNamedTuple(const std::string& qualifiedName, const lang::ClassDefStmt& def);
  types::TypePtr defineEnum(const std::string& qualifiedName, const lang::ClassDefStmt& def);
  // A NamedTuple or an enum of the archive.
  struct OtherType {
    types::TypePtr type;
    std::map<std::string, types::ConstantLiteral> fieldDefaults;  // NamedTuple fields
  };

  std::shared_ptr<const serialize::ZipReader> archive_;
  std::shared_ptr<compiler::Resolver> resolver_;
  std::unique_ptr<compiler::CompilationUnit> unit_;
  std::map<std::string, std::unique_ptr<ParsedFile>> files_;  // by qualifier; null: no record
  // The origins of the code files (their debug records), registered for as long as the
  // importer lives (lang/source_origins.h keeps weak references).
  std::vector<std::shared_ptr<const lang::SourceOrigins>> codeOrigins_;
  std::set<std::string> packages_;  // every qualified-name prefix of a code record
  std::map<std::string, std::shared_ptr<ArchiveClass>> classesByName_;
  std::map<std::string, std::shared_ptr<types::InterfaceType>> interfacesByName_;
  std::vector<std::shared_ptr<types::InterfaceType>> interfaces_;
  std::map<std::string, OtherType> otherTypes_;
  std::vector<std::shared_ptr<ArchiveClass>> classes_;
  std::set<std::string> functionsDefined_;
  std::vector<std::string> functionOrder_;
  std::vector<runtime::Value> constants_;
  uint64_t version_ = UINT64_MAX;
  struct UpgraderFile {
    std::shared_ptr<lang::SourceFile> source;
    lang::Module module;
  };
  std::unique_ptr<UpgraderFile> upgraders_;
};

}  // namespace tscript::archive
