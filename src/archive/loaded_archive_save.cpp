// Saving an object of a loaded archive again (see contentsOfLoaded in archive_writer.h).
#include "archive/archive_loader.h"
#include "archive/archive_writer.h"

namespace tscript::archive {

ArchiveContents contentsOfLoaded(LoadedArchive& archive, const runtime::Value& root) {
  ArchiveContents contents;
  contents.root = root;
  contents.version = archive.version();
  const serialize::ZipReader& zip = archive.zip();
  std::string prefix = zip.archivePrefix() + "/code/";
  for (const serialize::ZipEntry& entry : zip.entries()) {
    const std::string& name = entry.name;
    if (name.rfind(prefix, 0) != 0 || name.size() < 3 || name.compare(name.size() - 3, 3, ".py") != 0) {
      continue;
    }
    std::string qualifier;
    for (char c : name.substr(prefix.size(), name.size() - prefix.size() - 3)) qualifier += c == '/' ? '.' : c;
    CodeFile file{qualifier, std::string(zip.read(entry).text()), {}};
    if (entry.method == 8) {
      std::span<const uint8_t> stream = zip.rawData(entry);
      file.deflateStream.assign(stream.begin(), stream.end());
    }
    // The debug record keeps the original ranges (1.13 re-saves loaded code with them too).
    // Without one, none is written: our code text is the archive's, not printed from ranges.
    std::string debugName = name.substr(zip.archivePrefix().size() + 1) + ".debug_pkl";
    if (zip.hasRecord(debugName)) {
      const serialize::ZipEntry& debugEntry = zip.recordEntry(debugName);
      file.debugRecord = std::string(zip.read(debugEntry).text());
      if (debugEntry.method == 8) {
        std::span<const uint8_t> stream = zip.rawData(debugEntry);
        file.debugDeflateStream.assign(stream.begin(), stream.end());
      }
    }
    contents.code.push_back(std::move(file));
  }
  for (const runtime::Value& constant : archive.importer().constants()) {
    contents.constants.push_back(constant);
  }
  contents.hasGetState = [&archive](const types::ClassType& type) {
    ArchiveClass* definition = archive.importer().findClass(type.qualifiedName());
    return definition && definition->hasMethod("__getstate__") && definition->hasMethod("__setstate__");
  };
  contents.getState = [&archive](const runtime::Value& object) {
    return archive.callMethod(object, "__getstate__", {});
  };
  return contents;
}

}  // namespace tscript::archive
