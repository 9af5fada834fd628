// Writing a TorchScript archive as torch.jit.save 1.13 does (ARCHIVE_FORMAT.md §1-§2): the
// module object pickled into data.pkl (tensors as `data/N` records), the printed code files,
// the tensor constants into constants.pkl (`constants/N`), the extra files and the version
// record, in 1.13's record order:
//
//   extra/*, data/0.., data.pkl, code/<qualifier>.py and its .py.debug_pkl..., constants/0..,
//   constants.pkl, version (or .data/version when the version is 6 or more)
//
// What prints the code is the caller's business (scripted and traced modules print their
// compiled graphs, a loaded archive hands its own code records back), so this layer only needs
// values, texts, tensors and the source ranges the printer recorded. Each code file's debug
// record (debug_records.h) is made from those ranges, its tags numbered across the archive as
// 1.13 numbers them; a loaded archive's own debug records are written back as they are.
//
// data.pkl follows 1.13's C++ pickler: an object is `GLOBAL <qualifier> <Name>`, EMPTY_TUPLE,
// NEWOBJ, then its state and BUILD, the state being the dict {attribute: value} in slot order,
// or what `__getstate__` returns for classes that define it; lists of int/float/bool/Tensor
// are `torch.jit._pickle.build_*list`, other lists and dicts carry their type through
// `restore_type_tag`; devices are `torch.device('cpu')`, complex numbers `builtins.complex`.
// Objects are memoized (a module held twice is written once and fetched again), as are
// tensors and storages (TensorRecordWriter).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/code_printer.h"
#include "ir/ir.h"
#include "runtime/value.h"
#include "serialize/zip_writer.h"
#include "types/named_types.h"

namespace tscript::archive {

// One `code/<qualifier>.py` record.
struct CodeFile {
  std::string qualifier;  // `__torch__.torch.nn.modules.linear`
  std::string text;
  // A raw deflate stream of `text` to write as it is (a loaded archive's own record, which
  // keeps a load-then-save byte-identical); empty: compressed now.
  std::vector<uint8_t> deflateStream;
  // Where each piece of `text` was printed from (CodePrinter::sourceRanges), for the
  // `.debug_pkl` written after it. Empty and no debugRecord: no debug record is written.
  std::vector<ir::PrintedSourceRange> sourceRanges;
  // A loaded archive's own debug record, written back as it is (with its deflate stream when
  // it had one), so that its original ranges survive a save.
  std::optional<std::string> debugRecord;
  std::vector<uint8_t> debugDeflateStream;
};

struct ArchiveContents {
  runtime::Value root;  // the module object
  std::vector<CodeFile> code;
  // CONSTANTS.c0, c1, ...: tensors, and the strings and objects code cannot spell.
  std::vector<runtime::Value> constants;
  std::vector<std::pair<std::string, std::string>> extraFiles;  // name -> bytes
  uint64_t version = 3;
  // Whether an attribute of a class is saved (unset: all are). Must agree with the declarations
  // printed in `code`.
  std::function<bool(const types::ClassType& type, const std::string& attribute)> savedAttribute;
  // The state of an object whose class has `__getstate__` (unset: such objects are refused).
  std::function<bool(const types::ClassType& type)> hasGetState;
  std::function<runtime::Value(const runtime::Value& object)> getState;
};

// The archive's bytes; records are named `<archiveName>/...`. Throws serialize::SerializeError
// naming the attribute path of a value that cannot be saved (an object of a class without
// code, a Python object, an enum, a non-CPU or quantized tensor, ...).
std::vector<uint8_t> writeArchive(const ArchiveContents& contents, const std::string& archiveName);
// The same bytes handed to `sink` as they are made (tensor data is never copied).
void writeArchive(const ArchiveContents& contents, const std::string& archiveName,
                  serialize::ZipWriter::Sink sink);
// Streams the archive into the file `path`, named after the path as torch.jit.save names it.
// A regular file is replaced by renaming a temporary file over it (its permission bits kept),
// so a module loaded from `path` can be saved back to it. Throws SerializeError when the file
// cannot be written.
void writeArchiveToFile(const ArchiveContents& contents, const std::string& path);

// The file-format version 1.13 writes for code that uses the operators of `graph` (and its
// blocks): 3, or the version at which the semantics of an operator used changed (div 4,
// full 5, linspace 8, logspace 9, gelu 10).
uint64_t fileFormatVersionOf(const ir::Graph& graph);

// `code/a/b.py` for qualifier `a.b`.
std::string codeRecordName(const std::string& qualifier);

class LoadedArchive;
// What saving `root` (an object of a loaded `archive`) writes: the objects' current attribute
// values, the archive's own code and debug records as they are (their deflate streams reused,
// so that save -> load -> save gives the same bytes), its constants and its version. Extra files are the caller's.
ArchiveContents contentsOfLoaded(LoadedArchive& archive, const runtime::Value& root);

}  // namespace tscript::archive
