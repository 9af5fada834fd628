// libFuzzer target for everything `tscript::load` does after the archive reader
// (archive_reader_fuzz.cpp covers zip, pickle and parsing): the version record, constants.pkl
// and data.pkl turned into objects, tensors rebuilt from their storage records (sizes,
// offsets, shapes and strides checked against the records), the archive's code compiled by
// the source importer, `__setstate__` run; then each method of the root class is turned into
// interpreter code (operator resolution) without running it, since a program is free to loop.
// CRC-32 checks are off: with them, nearly every mutation of a pickle or of code would end at
// the check (archive_reader_fuzz covers the check itself).
//
// The contract under test: any input either loads or throws SerializeError (container,
// pickles, tensors, version), CompileError (code) or ScriptError (a program raising in
// `__setstate__`). Anything else (a crash, a sanitizer report, another exception type, a
// hang) is a bug. Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined;
// cmake/Fuzz.cmake).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "archive/archive_loader.h"
#include "archive/debug_records.h"
#include "lang/diagnostics.h"
#include "ops/registry.h"
#include "runtime/builtins_table.h"
#include "runtime/errors.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_reader.h"
#include "types/named_types.h"

namespace {

void loadArchive(std::string_view bytes) {
  using namespace tscript;
  serialize::ZipReaderLimits limits;
  limits.verifyCrc = false;
  std::shared_ptr<archive::LoadedArchive> loaded = archive::LoadedArchive::fromZip(
      serialize::ZipReader::fromBuffer(bytes, "fuzz.pt", limits), {});
  const runtime::Value& root = loaded->root();
  if (root.kind() != runtime::ValueKind::Object) return;
  const auto* type = root.toObject().type->as<types::ClassType>();
  archive::ArchiveClass* definition = loaded->importer().findClass(type->qualifiedName());
  if (!definition) return;
  for (const auto& method : definition->methods()) (void)loaded->code(*type, method.first);
  // Debug records are read only when an error is reported; decode each one here (never throws).
  const serialize::ZipReader& zip = loaded->zip();
  for (const std::string& name : zip.recordNames()) {
    if (name.size() > 10 && name.compare(name.size() - 10, 10, ".debug_pkl") == 0) {
      (void)archive::decodeDebugRecords(zip.readRecord(name).text(), name);
    }
  }
}

}  // namespace

// Process-wide registrations (builtin operators, the dispatcher's operators and the listener
// it keeps for libraries loaded later) happen once, here: made during the first input, they
// would look like that input's leaks to LeakSanitizer.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tscript::runtime::registerBuiltinOperators();
  (void)tscript::ops::overloadsOf("aten::add");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    loadArchive(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const tscript::serialize::SerializeError&) {
    // A clear error is the expected answer to a broken archive.
  } catch (const tscript::lang::CompileError&) {
  } catch (const tscript::runtime::ScriptError&) {
  }
  return 0;
}
