// A copy-on-write memory mapping of a whole file (POSIX mmap, MAP_PRIVATE). Records of an
// archive read from a file are spans into this mapping, so tensor data is never copied just to
// be looked at. The pages are writable but private: tensors whose storage is a record of the
// mapping (archive/tensor_records.cpp) may be modified in place, which copies the touched pages
// and never writes to the file. The file must not be truncated while mapped (SIGBUS on access),
// as with any mapping of a file, e.g. torch.load(mmap=True).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tscript::serialize {

class MappedFile {
 public:
  // Throws SerializeError naming the path and the system error.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tscript::serialize
