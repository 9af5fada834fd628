// `tscript archive-info [--pickle RECORD]... FILE.pt`: list an archive's records (offsets,
// sizes, method, CRC) and print its pickles as trees (data.pkl and constants.pkl unless
// --pickle names others).
// `tscript archive-rewrite [--recompress] IN.pt OUT.pt`: read every record, unpickle and
// re-pickle every *.pkl / *.debug_pkl record, and write the archive again with our writer.
// For an archive written by torch.jit.save the output is byte-identical to the input; deflated
// records keep their original (miniz) stream, which the writer verifies inflates to the data,
// unless --recompress asks for zlib's.
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "serialize/pickle.h"
#include "serialize/pickler.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"
#include "serialize/zip_writer.h"

namespace tscript::tools {
namespace {

using namespace tscript::serialize;

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isPickleRecord(const std::string& name) {
  return endsWith(name, ".pkl") || endsWith(name, ".debug_pkl");
}

int runArchiveInfo(const std::vector<std::string>& args) {
  std::vector<std::string> pickles;
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--pickle" && i + 1 < args.size()) {
      pickles.push_back(args[++i]);
    } else if (!args[i].empty() && args[i][0] == '-') {
      std::fprintf(stderr, "tscript archive-info: unknown option '%s'\n", args[i].c_str());
      return 2;
    } else if (path.empty()) {
      path = args[i];
    } else {
      std::fprintf(stderr, "usage: tscript archive-info [--pickle RECORD]... FILE.pt\n");
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: tscript archive-info [--pickle RECORD]... FILE.pt\n");
    return 2;
  }
  try {
    ZipReader reader = ZipReader::openFile(path);
    std::string prefix = reader.archivePrefix();
    std::printf("archive %s\n", prefix.c_str());
    for (const ZipEntry& entry : reader.entries()) {
      std::printf("record %s local=%llu data=%llu method=%s compressed=%llu size=%llu crc=%08x\n",
                  entry.name.c_str(), static_cast<unsigned long long>(entry.localHeaderOffset),
                  static_cast<unsigned long long>(entry.dataOffset),
                  entry.method == 0 ? "stored" : "deflated",
                  static_cast<unsigned long long>(entry.compressedSize),
                  static_cast<unsigned long long>(entry.uncompressedSize), entry.crc32);
    }
    if (pickles.empty()) {
      for (const char* name : {"data.pkl", "constants.pkl"}) {
        if (reader.hasRecord(name)) pickles.push_back(name);
      }
    }
    for (const std::string& name : pickles) {
      RecordBytes bytes = reader.readRecord(name);
      PickleValue value = unpickle(bytes.bytes(), prefix + "/" + name);
      std::printf("pickle %s\n%s\n", name.c_str(), formatPickleValue(value).c_str());
    }
  } catch (const SerializeError& error) {
    std::fprintf(stderr, "tscript archive-info: %s\n", error.what());
    return 1;
  }
  return 0;
}

int runArchiveRewrite(const std::vector<std::string>& args) {
  bool recompress = false;
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    if (arg == "--recompress") {
      recompress = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "tscript archive-rewrite: unknown option '%s'\n", arg.c_str());
      return 2;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) {
    std::fprintf(stderr, "usage: tscript archive-rewrite [--recompress] IN.pt OUT.pt\n");
    return 2;
  }
  int status = 0;
  try {
    ZipReader reader = ZipReader::openFile(paths[0]);
    std::string prefix = reader.archivePrefix();
    ZipWriter writer(prefix);
    for (const ZipEntry& entry : reader.entries()) {
      if (entry.name.compare(0, prefix.size() + 1, prefix + "/") != 0) {
        throw SerializeError(paths[0] + ": record '" + entry.name + "' is outside the '" + prefix +
                             "/' folder and cannot be rewritten");
      }
      std::string name = entry.name.substr(prefix.size() + 1);
      RecordBytes original = reader.read(entry);
      std::string data(original.text());
      if (isPickleRecord(name)) {
        std::string repickled = pickle(unpickle(original.bytes(), entry.name));
        if (repickled != data) {
          size_t at = 0;
          while (at < data.size() && at < repickled.size() && data[at] == repickled[at]) ++at;
          std::fprintf(stderr,
                       "tscript archive-rewrite: re-pickling '%s' changed its bytes (first "
                       "difference at offset %zu)\n",
                       entry.name.c_str(), at);
          status = 1;
        }
        data = std::move(repickled);
      }
      auto bytes = std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      if (entry.method == 0) {
        writer.writeRecord(name, bytes);
      } else if (recompress || status != 0) {
        writer.writeRecord(name, bytes, /*compress=*/true);
      } else {
        writer.writeDeflatedRecord(name, bytes, reader.rawData(entry));
      }
    }
    writer.finishToFile(paths[1]);
  } catch (const SerializeError& error) {
    std::fprintf(stderr, "tscript archive-rewrite: %s\n", error.what());
    return 1;
  }
  return status;
}

CommandRegistration infoRegistration(
    {"archive-info", "archive-info [--pickle RECORD]... FILE.pt", runArchiveInfo});
CommandRegistration rewriteRegistration(
    {"archive-rewrite", "archive-rewrite [--recompress] IN.pt OUT.pt", runArchiveRewrite});

}  // namespace
}  // namespace tscript::tools
