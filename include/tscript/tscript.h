// tscript's C++ API: load a TorchScript archive (written by torch.jit.save or tscript.save)
// and run it, with no Python in the process.
//
//   #include <tscript/tscript.h>
//   tscript::Module m = tscript::load("model.pt");
//   at::Tensor y = m({x}).toTensor();    // with hooks; or m.forward({x}), m.run_method("name", {...})
//   for (auto& [name, p] : m.named_parameters()) ...
//
// Values cross this API as c10::IValue (tensors, numbers, strings, lists, dicts, tuples),
// the type libtorch users already have; inside, tscript runs its own interpreter.
//
// Threads: a Module may be used from many threads at once. Calls (operator(), forward,
// run_method) only read the loaded code; they share the module's state as torch.jit does (a
// method that assigns an attribute, or BatchNorm updating its running statistics in training
// mode, races as it would in torch.jit). Loading is independent per call.
//
// Errors: every failure (a malformed or hostile archive, code the loader cannot compile,
// arguments of the wrong type, an exception raised by the program) is a tscript::Error whose
// what() says what and where.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>
#include <c10/core/Device.h>

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tscript {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

struct LoadOptions {
  // Like torch.jit.load's map_location (only the CPU in this build). Unset: tensors must have
  // been saved on the CPU.
  std::optional<c10::Device> map_location;
  // Also check the CRC-32 of every tensor record. Off by default, as torch.jit.load 1.13: the
  // code and pickles are always checked, and tensor records are checked structurally (sizes,
  // offsets, strides), but reading every byte to check it doubles the load time.
  bool verify_tensor_checksums = false;
};

class Module {
 public:
  // Calls the module as Python's `m(x)` and torch::jit::Module::operator() do: its forward
  // pre-hooks on the tuple of inputs (a result that is not None replaces them; a non-tuple
  // result is the one input), then `forward`, then its forward hooks on (inputs, output) (a
  // result that is not None replaces the output). Without hooks, the same as forward().
  c10::IValue operator()(std::vector<c10::IValue> inputs) const;
  // Calls method `forward` only, hooks NOT run: torch::jit::Module::forward in 1.13 is
  // get_method("forward")(inputs), and Python's `m.forward(x)` skips them too.
  c10::IValue forward(std::vector<c10::IValue> inputs) const;
  // Calls method `name` (positional arguments; missing trailing ones take their defaults), no
  // hooks, as torch::jit::Module::run_method.
  c10::IValue run_method(const std::string& name, std::vector<c10::IValue> inputs) const;

  // The class name (`__torch__.torchvision.models.resnet.ResNet`).
  std::string type_name() const;
  // Methods defined by the module's class, in definition order.
  std::vector<std::string> method_names() const;
  // `.code` of a method, as torch.jit prints it.
  std::string code(const std::string& method = "forward") const;

  bool has_attr(const std::string& name) const;
  // The value of an attribute that is not a submodule (tensors, numbers, lists, ...).
  c10::IValue attr(const std::string& name) const;
  // A submodule attribute as a Module.
  Module submodule(const std::string& name) const;
  // Submodules (direct children), in slot order.
  std::vector<std::pair<std::string, Module>> named_children() const;

  // Parameters / buffers, with dotted names (`layer1.0.conv1.weight`), depth first in slot
  // order, as torch.jit's named_parameters(recurse=True) lists them.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, at::Tensor>> named_buffers(bool recurse = true) const;

  // The archive's format version and its `extra/` files.
  uint64_t format_version() const;
  std::vector<std::string> extra_file_names() const;
  std::string extra_file(const std::string& name) const;

  // Writes the module as an archive torch.jit.load and tscript::load read: its current
  // attribute values, the loaded archive's code and constants, and `extra_files` (the loaded
  // archive's own extra files are not carried over, as in torch.jit). Saving a module that was
  // loaded and not changed gives the bytes of the archive tscript wrote (debug records, which
  // torch.jit.save writes and tscript does not, are dropped). Only modules (not script-class
  // objects) can be saved.
  void save(const std::string& path,
            const std::vector<std::pair<std::string, std::string>>& extra_files = {}) const;
  std::string save_to_buffer(const std::vector<std::pair<std::string, std::string>>& extra_files = {}) const;

  struct Impl;

 private:
  friend Module load_impl(std::shared_ptr<Impl>);
  explicit Module(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// Loads an archive from a file, from bytes in memory, or from a stream. A file is memory-mapped
// and its tensor records are used in place (private copy-on-write pages: tensors may be written,
// the file never is), so loading does not read the tensor data; the file must not be truncated
// or rewritten in place while the module lives. Buffers and streams are copied.
Module load(const std::string& path, const LoadOptions& options = {});
Module load(std::istream& stream, const LoadOptions& options = {});
Module load_buffer(const void* data, size_t size, const LoadOptions& options = {});

// Loads a shared library of operators that registers them with the c10 dispatcher
// (TORCH_LIBRARY), such as torchvision's `_C.so` for `torchvision::nms`, so that archives whose
// code calls them can be loaded afterwards (torch.ops.load_library in Python). The library
// stays loaded for the life of the process; loading the same path twice is harmless.
// Throws Error naming the path and the dynamic loader's reason.
void load_library(const std::string& path);

}  // namespace tscript
