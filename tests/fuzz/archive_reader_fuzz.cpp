// libFuzzer target for the archive reader: the bytes of a `.pt` file as torch.jit.load
// would meet them. Opening the zip validates its structure; then every record is read
// (inflate + CRC), every pickle is unpickled with the TorchScript allow-list and its tree
// formatted (which walks every node), and every code record is parsed as Python.
//
// The contract under test: any input either loads or throws SerializeError / CompileError.
// Anything else (a crash, a sanitizer report, another exception type, a hang) is a bug.
// Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined; cmake/Fuzz.cmake).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "lang/source.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"

namespace {

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void readArchive(std::string_view bytes) {
  using namespace tscript;
  serialize::ZipReader zip = serialize::ZipReader::fromBuffer(bytes, "fuzz.pt");
  (void)zip.archivePrefix();
  for (const std::string& name : zip.recordNames()) {
    serialize::RecordBytes record = zip.readRecord(name);
    if (endsWith(name, ".pkl")) {
      serialize::PickleValue value = serialize::unpickle(record.bytes(), name);
      (void)serialize::formatPickleValue(value);
    } else if (endsWith(name, ".py")) {
      auto file = std::make_shared<lang::SourceFile>(name, std::string(record.text()));
      (void)lang::parseModule(file);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    readArchive(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const tscript::serialize::SerializeError&) {
    // A clear error is the expected answer to a broken archive.
  } catch (const tscript::lang::CompileError&) {
  }
  return 0;
}
