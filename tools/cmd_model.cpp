// Commands on TorchScript archives (`.pt` files written by torch.jit.save or tscript.save),
// with no Python in the process:
//
//   tscript run MODEL.pt [--method NAME] [--input SPEC]... [--seed N] [--values] [--bench N]
//               [--threads N] [--library PATH]...
//       Loads the archive and calls the module on the inputs as Python's `m(x)` does (forward
//       pre-hooks, forward, forward hooks), or with --method NAME runs that method alone (no
//       hooks, as `m.NAME(x)`; `--method forward` too), then prints each output: tensors as
//       `Tensor[1, 1000] Float` with summary statistics (and every value, one line, with
//       --values), other values as Python's repr. An input SPEC for a
//       Tensor parameter may be `1x3x224x224[:dtype]` (normal samples from --seed + the
//       input's index, as at::manual_seed + randn in double then converted; dtype float,
//       double, half, int, long, bool, ...); otherwise it is anything `tscript run-ir --arg`
//       reads (a FILE.pt of torch.save, `tensor:2x2:1.5`, `3`, `2.5`, `1,2,3`), read as the
//       parameter's type.
//       --bench N runs N more times and prints latency statistics (with a progress bar on a
//       terminal when the runs take a while).
//       --threads N then makes the same call on N threads at once on the same module (each thread
//       max(1, bench) times) and checks that every result agrees with the first run; a
//       disagreement is reported and the exit code is 1.
//       --library PATH loads an operator library first (tscript::load_library), e.g.
//       torchvision's _C.so for torchvision::nms.
//   tscript info MODEL.pt [--library PATH]...
//       Format version, methods with their schemas, parameters and buffers with shapes and
//       sizes, other attributes, classes and functions, extra files.
//   tscript code MODEL.pt (tools/cmd_code.cpp sends archives here)
//       The code of every class and function the archive's data uses, as our printer prints
//       it from the compiled graphs (the text torch.jit.save would write).
#include <ATen/ATen.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "archive/archive_code.h"
#include "archive/archive_loader.h"
#include "arguments.h"
#include "command.h"
#include "compiler/function_emitter.h"
#include "lang/diagnostics.h"
#include "progress_bar.h"
#include "runtime/errors.h"
#include "serialize/serialize_error.h"
#include "tscript/tscript.h"

namespace tscript::tools {

int printArchiveCode(const std::string& path);

namespace {

std::string dtypeName(c10::ScalarType type) { return c10::toString(type); }

std::optional<c10::ScalarType> parseDtype(const std::string& name) {
  static const std::pair<const char*, c10::ScalarType> kNames[] = {
      {"float", at::kFloat},   {"float32", at::kFloat}, {"double", at::kDouble},
      {"float64", at::kDouble}, {"half", at::kHalf},    {"float16", at::kHalf},
      {"bfloat16", at::kBFloat16}, {"int", at::kInt},   {"int32", at::kInt},
      {"long", at::kLong},     {"int64", at::kLong},   {"short", at::kShort},
      {"int16", at::kShort},   {"int8", at::kChar},    {"uint8", at::kByte},
      {"bool", at::kBool},
  };
  for (const auto& [text, type] : kNames) {
    if (name == text) return type;
  }
  return std::nullopt;
}

// `1x3x224x224[:dtype]`, or nullopt when the spec is not a shape.
std::optional<at::Tensor> shapeInput(const std::string& spec, int64_t seed) {
  std::string shape = spec, dtype = "float";
  if (size_t colon = spec.find(':'); colon != std::string::npos) {
    shape = spec.substr(0, colon);
    dtype = spec.substr(colon + 1);
  }
  std::vector<int64_t> sizes;
  std::stringstream stream(shape);
  std::string part;
  while (std::getline(stream, part, 'x')) {
    if (part.empty() || part.size() > 9 || !std::all_of(part.begin(), part.end(), ::isdigit)) {
      return std::nullopt;
    }
    sizes.push_back(std::stoll(part));
  }
  if (sizes.empty()) return std::nullopt;
  std::optional<c10::ScalarType> type = parseDtype(dtype);
  if (!type) throw std::invalid_argument("unknown dtype '" + dtype + "' in --input " + spec);
  at::manual_seed(static_cast<uint64_t>(seed));
  at::Tensor values = at::randn(sizes, at::kDouble);
  if (*type == at::kBool) return values.gt(0);
  if (c10::isIntegralType(*type, false)) return values.mul(10).round().to(*type);
  return values.to(*type);
}

void printValue(const runtime::Value& value, bool values, const std::string& indent) {
  if (value.isTensor()) {
    const at::Tensor& tensor = value.toTensor();
    std::cout << indent << "Tensor" << tensor.sizes() << " " << dtypeName(tensor.scalar_type());
    if (tensor.numel() > 0 && (tensor.is_floating_point() || c10::isIntegralType(tensor.scalar_type(), true))) {
      at::Tensor asDouble = tensor.to(at::kDouble);
      char stats[128];
      std::snprintf(stats, sizeof stats, " min=%.6g max=%.6g mean=%.6g", asDouble.min().item<double>(),
                    asDouble.max().item<double>(), asDouble.mean().item<double>());
      std::cout << stats;
      if (tensor.dim() >= 1) std::cout << " argmax=" << asDouble.flatten().argmax().item<int64_t>();
    }
    std::cout << "\n";
    if (values) {
      at::Tensor flat = tensor.to(at::kDouble).contiguous().flatten();
      const double* data = flat.data_ptr<double>();
      std::string line = indent;
      char buffer[32];
      for (int64_t i = 0; i < flat.numel(); ++i) {
        std::snprintf(buffer, sizeof buffer, i == 0 ? "%.9g" : " %.9g", data[i]);
        line += buffer;
      }
      std::cout << line << "\n";
    }
  } else if (value.isTuple()) {
    std::cout << indent << "Tuple of " << value.toTuple().elements.size() << ":\n";
    for (const runtime::Value& element : value.toTuple().elements) printValue(element, values, indent + "  ");
  } else if (value.isList() && value.toList().elementType->kind() == types::TypeKind::Tensor) {
    std::cout << indent << "List[Tensor] of " << value.toList().elements.size() << ":\n";
    for (const runtime::Value& element : value.toList().elements) printValue(element, values, indent + "  ");
  } else {
    std::cout << indent << value.repr() << "\n";
  }
}

// The archive errors worth a one-line report (no stack of C++ frames).
template <typename F>
int reportingErrors(const char* command, F&& body) {
  try {
    return body();
  } catch (const lang::CompileError& error) {
    std::fprintf(stderr, "tscript %s: error in the archive's code:\n%s\n", command, error.what());
  } catch (const serialize::SerializeError& error) {
    std::fprintf(stderr, "tscript %s: %s\n", command, error.what());
  } catch (const runtime::ScriptError& error) {
    std::fprintf(stderr, "tscript %s: %s\n", command, error.what());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tscript %s: %s\n", command, error.what());
  }
  return 1;
}

// Whether two results of the same call agree: tensors of the same dtype and shape whose values
// are equal (floating point: within a relative 1e-5, as intra-op parallelism may reorder sums),
// containers element by element, anything else by its repr. `why` says where they differ.
bool sameResult(const runtime::Value& a, const runtime::Value& b, const std::string& where, std::string& why) {
  if (a.isTensor() && b.isTensor()) {
    const at::Tensor& x = a.toTensor();
    const at::Tensor& y = b.toTensor();
    if (x.scalar_type() != y.scalar_type() || !x.sizes().equals(y.sizes())) {
      why = where + ": dtype or shape differs";
      return false;
    }
    bool same = x.is_floating_point() || x.is_complex()
                    ? at::allclose(x, y, /*rtol=*/1e-5, /*atol=*/1e-8, /*equal_nan=*/true)
                    : at::equal(x, y);
    if (!same) {
      std::ostringstream message;
      message << where << ": values differ (max |difference| "
              << (x.to(at::kDouble) - y.to(at::kDouble)).abs().max().item<double>() << ")";
      why = message.str();
    }
    return same;
  }
  const std::vector<runtime::Value>* xs = nullptr;
  const std::vector<runtime::Value>* ys = nullptr;
  if (a.isTuple() && b.isTuple()) {
    xs = &a.toTuple().elements;
    ys = &b.toTuple().elements;
  } else if (a.isList() && b.isList()) {
    xs = &a.toList().elements;
    ys = &b.toList().elements;
  }
  if (xs) {
    if (xs->size() != ys->size()) {
      why = where + ": lengths differ";
      return false;
    }
    for (size_t i = 0; i < xs->size(); ++i) {
      if (!sameResult((*xs)[i], (*ys)[i], where + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (a.repr() != b.repr()) {
    why = where + ": " + a.repr() + " != " + b.repr();
    return false;
  }
  return true;
}

void printLatencies(std::vector<double> times, const std::string& what) {
  std::sort(times.begin(), times.end());
  double sum = 0;
  for (double t : times) sum += t;
  std::cout << std::flush;
  std::printf("%s%zu runs: mean %.3f ms, median %.3f ms, min %.3f ms, p90 %.3f ms\n", what.c_str(),
              times.size(), sum / static_cast<double>(times.size()), times[times.size() / 2],
              times.front(), times[times.size() * 9 / 10]);
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Runs the call on `threadCount` threads at once, `runsPerThread` times each, and compares
// every result with `reference`. Returns the number of disagreements (reported on stderr).
int64_t runConcurrently(const std::function<runtime::Value()>& call, const runtime::Value& reference,
                        int64_t threadCount, int64_t runsPerThread) {
  std::atomic<int64_t> disagreements{0};
  std::vector<std::vector<double>> times(static_cast<size_t>(threadCount));
  std::vector<std::string> errors(static_cast<size_t>(threadCount));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  auto wall = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < threadCount; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();  // start together, to overlap the calls
      try {
        for (int64_t run = 0; run < runsPerThread; ++run) {
          auto start = std::chrono::steady_clock::now();
          runtime::Value result = call();
          times[static_cast<size_t>(t)].push_back(millisecondsSince(start));
          std::string why;
          if (!sameResult(result, reference, "output", why)) {
            if (disagreements++ == 0) errors[static_cast<size_t>(t)] = why;
          }
        }
      } catch (const std::exception& error) {
        ++disagreements;
        errors[static_cast<size_t>(t)] = std::string("raised: ") + error.what();
      }
    });
  }
  wall = std::chrono::steady_clock::now();
  go = true;
  for (auto& thread : threads) thread.join();
  double wallMs = millisecondsSince(wall);
  std::vector<double> all;
  for (const auto& perThread : times) all.insert(all.end(), perThread.begin(), perThread.end());
  for (int64_t t = 0; t < threadCount; ++t) {
    if (!errors[static_cast<size_t>(t)].empty()) {
      std::fprintf(stderr, "tscript run: thread %lld: %s\n", static_cast<long long>(t),
                   errors[static_cast<size_t>(t)].c_str());
    }
  }
  if (!all.empty()) printLatencies(all, std::to_string(threadCount) + " threads, ");
  std::printf("%lld threads x %lld runs in %.1f ms: %s\n", static_cast<long long>(threadCount),
              static_cast<long long>(runsPerThread), wallMs,
              disagreements == 0 ? "every result agrees with the first run"
                                 : (std::to_string(disagreements.load()) + " results disagree").c_str());
  return disagreements;
}

int runModel(const std::vector<std::string>& args) {
  std::string path;
  std::optional<std::string> method;  // unset: call the module (hooks run)
  std::vector<std::string> inputs, libraries;
  int64_t seed = 0;
  int64_t bench = 0;
  int64_t threadCount = 0;
  bool values = false;
  for (size_t i = 0; i < args.size(); ++i) {
    auto next = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    auto count = [&](const char* option) {
      const std::string& text = next();
      if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
        throw std::invalid_argument(std::string(option) + " needs a count, not '" + text + "'");
      }
      return std::stoll(text);
    };
    try {
      if (args[i] == "--method") method = next();
      else if (args[i] == "--input") inputs.push_back(next());
      // The spelling: a torch.save file, the same as `--input FILE.pt`.
      else if (args[i] == "--input-file") inputs.push_back(next());
      else if (args[i] == "--seed") seed = std::stoll(next());
      else if (args[i] == "--bench") bench = count("--bench");
      else if (args[i] == "--threads") threadCount = count("--threads");
      else if (args[i] == "--library") libraries.push_back(next());
      else if (args[i] == "--values") values = true;
      else if (!args[i].empty() && args[i][0] == '-') throw std::invalid_argument("unknown option '" + args[i] + "'");
      else if (path.empty()) path = args[i];
      else throw std::invalid_argument("more than one model file ('" + args[i] + "')");
    } catch (const std::exception& error) {
      std::fprintf(stderr, "tscript run: %s\n", error.what());
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: tscript run MODEL.pt [--method NAME] [--input SPEC]... [--seed N] "
                         "[--values] [--bench N] [--threads N] [--library PATH]...\n");
    return 2;
  }
  return reportingErrors("run", [&]() {
    for (const std::string& library : libraries) tscript::load_library(library);
    auto started = std::chrono::steady_clock::now();
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(path);
    double loadMs = millisecondsSince(started);
    const auto& type = *model->root().toObject().type->as<types::ClassType>();
    const compiler::CompiledFunction& function =
        model->importer().unit().method(type, method.value_or("forward"));
    std::vector<runtime::Value> arguments;
    for (size_t i = 0; i < inputs.size(); ++i) {
      types::TypePtr parameterType = i + 1 < function.parameterTypes.size()
                                         ? function.parameterTypes[i + 1]
                                         : types::anyType();
      types::TypePtr tensorPart = parameterType;
      if (const auto* optional = parameterType->as<types::OptionalType>()) tensorPart = optional->element();
      std::optional<at::Tensor> tensor;
      if (tensorPart->kind() == types::TypeKind::Tensor || tensorPart->kind() == types::TypeKind::Any) {
        tensor = shapeInput(inputs[i], seed + static_cast<int64_t>(i));
      }
      if (tensor) {
        arguments.emplace_back(*tensor);
      } else {
        arguments.push_back(parseArgument(i, inputs[i], parameterType));
      }
    }
    auto call = [&]() {
      return method ? model->callMethod(model->root(), *method, arguments)
                    : model->callModule(model->root(), arguments);
    };
    started = std::chrono::steady_clock::now();
    runtime::Value output = call();
    double firstMs = millisecondsSince(started);
    printValue(output, values, "");
    std::fprintf(stderr, "loaded in %.1f ms, first run %.1f ms\n", loadMs, firstMs);
    if (bench > 0 && threadCount == 0) {
      std::vector<double> times;
      ProgressBar progress(bench);
      for (int64_t i = 0; i < bench; ++i) {
        auto start = std::chrono::steady_clock::now();
        call();
        times.push_back(millisecondsSince(start));
        progress.step();
      }
      printLatencies(times, "");
    }
    if (threadCount > 0) {
      int64_t disagreements =
          runConcurrently(call, output, threadCount, std::max<int64_t>(1, bench));
      if (disagreements > 0) return 1;
    }
    return 0;
  });
}

// A byte count for people: 102.2 MB (decimal, as file sizes are usually shown).
std::string bytesText(int64_t bytes) {
  char text[32];
  if (bytes < 1000) return std::to_string(bytes) + " B";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1000 && unit < 3) {
    value /= 1000;
    ++unit;
  }
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

int infoModel(const std::vector<std::string>& args) {
  std::string path;
  std::vector<std::string> libraries;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--library" && i + 1 < args.size()) {
      libraries.push_back(args[++i]);
    } else if (path.empty() && !args[i].empty() && args[i][0] != '-') {
      path = args[i];
    } else {
      path.clear();
      break;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: tscript info MODEL.pt [--library PATH]...\n");
    return 2;
  }
  return reportingErrors("info", [&]() {
    for (const std::string& library : libraries) tscript::load_library(library);
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(path);
    archive::SourceImporter& importer = model->importer();
    const auto& rootType = *model->root().toObject().type->as<types::ClassType>();
    std::cout << "archive: " << path << " (" << model->zip().archivePrefix() << "/, "
              << model->zip().recordNames().size() << " records), format version "
              << model->version() << "\n";
    std::cout << "module: " << rootType.qualifiedName() << "\n";
    std::cout << "methods:\n";
    for (const auto& [name, def] : importer.findClass(rootType.qualifiedName())->methods()) {
      std::cout << "  " << compiler::schemaText(name, importer.unit().method(rootType, name)) << "\n";
    }
    // Parameters and buffers of the module tree, depth first in slot order.
    int64_t parameterCount = 0, parameterBytes = 0, parameterElements = 0;
    int64_t bufferCount = 0, bufferBytes = 0;
    std::vector<std::string> lines;
    std::vector<std::pair<std::string, runtime::Value>> attributes;
    std::function<void(const runtime::Value&, const std::string&)> walk =
        [&](const runtime::Value& object, const std::string& prefix) {
          const auto& type = *object.toObject().type->as<types::ClassType>();
          for (size_t i = 0; i < type.attributes().size(); ++i) {
            const auto& attribute = type.attributes()[i];
            const runtime::Value& value = object.toObject().slots[i];
            std::string name = prefix + attribute.name;
            if (attribute.isModule && value.isObject()) {
              walk(value, name + ".");
            } else if ((attribute.isParameter || attribute.isBuffer) && value.isTensor()) {
              const at::Tensor& tensor = value.toTensor();
              int64_t bytes = static_cast<int64_t>(tensor.numel() * tensor.element_size());
              std::ostringstream line;
              line << "  " << (attribute.isParameter ? "parameter " : "buffer    ") << name << " "
                   << dtypeName(tensor.scalar_type()) << tensor.sizes() << " " << bytesText(bytes);
              lines.push_back(line.str());
              if (attribute.isParameter) {
                ++parameterCount;
                parameterBytes += bytes;
                parameterElements += tensor.numel();
              } else {
                ++bufferCount;
                bufferBytes += bytes;
              }
            } else if (prefix.empty()) {
              attributes.emplace_back(name, value);
            }
          }
        };
    walk(model->root(), "");
    std::cout << "parameters: " << parameterCount << " (" << parameterElements << " elements, "
              << bytesText(parameterBytes) << "), buffers: " << bufferCount << " ("
              << bytesText(bufferBytes) << ")\n";
    for (const std::string& line : lines) std::cout << line << "\n";
    std::cout << "attributes of the root module:\n";
    for (const auto& [name, value] : attributes) {
      std::cout << "  " << name << " = " << (value.isTensor() ? "<Tensor>" : value.repr()) << "\n";
    }
    std::cout << "classes: " << importer.classes().size() << ", functions: " << importer.functions().size() << "\n";
    std::vector<std::string> extra = model->extraFileNames();
    std::cout << "extra files:" << (extra.empty() ? " none" : "") << "\n";
    for (const std::string& name : extra) {
      std::cout << "  " << name << " (" << model->extraFile(name).size() << " bytes)\n";
    }
    return 0;
  });
}

CommandRegistration runRegistration(
    {"run", "run MODEL.pt [--method NAME] [--input 1x3x224x224[:dtype] | FILE.pt | VALUE | --input-file FILE.pt]... [--seed N] [--values] [--bench N] [--threads N] [--library PATH]...",
     runModel});
CommandRegistration infoRegistration({"info", "info MODEL.pt [--library PATH]...", infoModel});

}  // namespace

// `tscript code MODEL.pt`: every class and function of the archive, grouped by the code
// record they belong in, each record introduced by `==> code/__torch__/....py <==`.
int printArchiveCode(const std::string& path) {
  return reportingErrors("code", [&]() {
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(path);
    archive::SourceImporter& importer = model->importer();
    // qualifier -> printer, in the order qualifiers are first met.
    std::vector<std::pair<std::string, std::unique_ptr<ir::CodePrinter>>> files;
    auto printerFor = [&](const std::string& qualified) -> ir::CodePrinter& {
      std::string qualifier = qualified.substr(0, qualified.rfind('.'));
      for (auto& file : files) {
        if (file.first == qualifier) return *file.second;
      }
      files.emplace_back(qualifier, std::make_unique<ir::CodePrinter>(
          archive::archiveCodePrinterOptions(true, &importer.constants())));
      return *files.back().second;
    };
    for (const auto& definition : importer.classes()) {
      archive::ClassCodeParts parts;
      for (const auto& method : definition->methods()) parts.methods.push_back(method.first);
      parts.forwardPreHooks = definition->forwardPreHooks();
      parts.forwardHooks = definition->forwardHooks();
      archive::printClass(printerFor(definition->type()->qualifiedName()), importer.unit(),
                          *definition->type(), parts);
    }
    for (const std::string& function : importer.functions()) {
      archive::printFunction(printerFor(function), importer.unit(), function,
                             function.substr(function.rfind('.') + 1));
    }
    for (const auto& [qualifier, printer] : files) {
      std::string record = "code/";
      for (char c : qualifier) record += c == '.' ? '/' : c;
      std::cout << "==> " << record << ".py <==\n" << printer->text();
    }
    return 0;
  });
}

}  // namespace tscript::tools
