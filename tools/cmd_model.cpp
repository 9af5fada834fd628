// Commands on TorchScript archives (`.pt` files written by torch.jit.save or tscript.save),
// with no Python in the process:
//
//   tscript run MODEL.pt [--method NAME] [--input SPEC]... [--seed N] [--values] [--bench N]
//       Loads the archive and runs a method (forward by default) on the inputs, then prints
//       each output: tensors as `Tensor[1, 1000] Float` with summary statistics (and every
//       value, one line, with --values), other values as Python's repr. An input SPEC for a
//       Tensor parameter may be `1x3x224x224[:dtype]` (normal samples from --seed + the
//       input's index, as at::manual_seed + randn in double then converted; dtype float,
//       double, half, int, long, bool, ...); otherwise it is anything `tscript run-ir --arg`
//       reads (a FILE.pt of torch.save, `tensor:2x2:1.5`, `3`, `2.5`, `1,2,3`), read as the
//       parameter's type.
//       --bench N runs N more times and prints latency statistics.
//   tscript info MODEL.pt
//       Format version, classes, methods with their schemas, parameters and buffers with
//       shapes, other attributes, extra files.
//   tscript code MODEL.pt (tools/cmd_code.cpp sends archives here)
//       The code of every class and function the archive's data uses, as our printer prints
//       it from the compiled graphs (the text torch.jit.save would write).
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "archive/archive_code.h"
#include "archive/archive_loader.h"
#include "arguments.h"
#include "command.h"
#include "lang/diagnostics.h"
#include "runtime/errors.h"
#include "serialize/serialize_error.h"

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

int runModel(const std::vector<std::string>& args) {
  std::string path, method = "forward";
  std::vector<std::string> inputs;
  int64_t seed = 0;
  int64_t bench = 0;
  bool values = false;
  for (size_t i = 0; i < args.size(); ++i) {
    auto next = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    try {
      if (args[i] == "--method") method = next();
      else if (args[i] == "--input") inputs.push_back(next());
      else if (args[i] == "--seed") seed = std::stoll(next());
      else if (args[i] == "--bench") bench = std::stoll(next());
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
                         "[--values] [--bench N]\n");
    return 2;
  }
  return reportingErrors("run", [&]() {
    auto started = std::chrono::steady_clock::now();
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(path);
    double loadMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    const auto& type = *model->root().toObject().type->as<types::ClassType>();
    const compiler::CompiledFunction& function = model->importer().unit().method(type, method);
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
    started = std::chrono::steady_clock::now();
    runtime::Value output = model->callMethod(model->root(), method, arguments);
    double firstMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    printValue(output, values, "");
    std::fprintf(stderr, "loaded in %.1f ms, first run %.1f ms\n", loadMs, firstMs);
    if (bench > 0) {
      std::vector<double> times;
      for (int64_t i = 0; i < bench; ++i) {
        auto start = std::chrono::steady_clock::now();
        model->callMethod(model->root(), method, arguments);
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (bench >= 20 && (i + 1) % std::max<int64_t>(1, bench / 20) == 0) {
          std::fprintf(stderr, "\r[%3d%%]", static_cast<int>(100 * (i + 1) / bench));
        }
      }
      std::sort(times.begin(), times.end());
      double sum = 0;
      for (double t : times) sum += t;
      std::cout << std::flush;
      std::printf("%s%lld runs: mean %.3f ms, median %.3f ms, min %.3f ms, p90 %.3f ms\n",
                  bench >= 20 ? "\n" : "", static_cast<long long>(bench), sum / times.size(),
                  times[times.size() / 2], times.front(), times[times.size() * 9 / 10]);
    }
    return 0;
  });
}

int infoModel(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: tscript info MODEL.pt\n");
    return 2;
  }
  return reportingErrors("info", [&]() {
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(args[0]);
    archive::SourceImporter& importer = model->importer();
    const auto& rootType = *model->root().toObject().type->as<types::ClassType>();
    std::cout << "archive: " << args[0] << " (" << model->zip().archivePrefix() << "/), format version "
              << model->version() << "\n";
    std::cout << "module: " << rootType.qualifiedName() << "\n";
    std::cout << "methods:\n";
    for (const auto& [name, def] : importer.findClass(rootType.qualifiedName())->methods()) {
      const compiler::CompiledFunction& method = importer.unit().method(rootType, name);
      std::string schema = name + "(";
      for (size_t i = 1; i < method.parameterNames.size(); ++i) {
        if (i > 1) schema += ", ";
        schema += method.parameterTypes[i]->annotationStr() + " " + method.parameterNames[i];
      }
      std::cout << "  " << schema << ") -> " << method.returnType->annotationStr() << "\n";
    }
    // Parameters and buffers of the module tree, depth first in slot order.
    int64_t parameterCount = 0, parameterBytes = 0, bufferCount = 0;
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
              std::ostringstream line;
              line << "  " << (attribute.isParameter ? "parameter " : "buffer    ") << name << " "
                   << dtypeName(tensor.scalar_type()) << tensor.sizes();
              lines.push_back(line.str());
              if (attribute.isParameter) {
                ++parameterCount;
                parameterBytes += static_cast<int64_t>(tensor.numel() * tensor.element_size());
              } else {
                ++bufferCount;
              }
            } else if (prefix.empty()) {
              attributes.emplace_back(name, value);
            }
          }
        };
    walk(model->root(), "");
    std::cout << "parameters: " << parameterCount << " (" << parameterBytes << " bytes), buffers: "
              << bufferCount << "\n";
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
    {"run", "run MODEL.pt [--method NAME] [--input 1x3x224x224[:dtype] | FILE.pt | VALUE]... [--seed N] [--values] [--bench N]",
     runModel});
CommandRegistration infoRegistration({"info", "info MODEL.pt", infoModel});

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
