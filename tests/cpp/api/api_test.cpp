// The public C++ API on archives written by torch.jit.save (fixtures made by
// tests/cpp/api/data/make_fixtures.py): outputs equal to eager, attributes, parameters,
// methods with defaults, extra files, buffers and streams, threads, and hand-broken archives
// that must fail with a clear tscript::Error (never a crash).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "archive/tensor_file.h"
#include "serialize/zip_reader.h"
#include "serialize/zip_writer.h"
#include "tscript/tscript.h"

namespace {

std::string fixture(const std::string& name) {
  return std::string(TSCRIPT_SOURCE_DIR) + "/tests/cpp/api/data/" + name;
}

std::vector<c10::IValue> inputsOf(const std::string& name) {
  tscript::runtime::Value list = tscript::archive::loadTensorFile(fixture(name + "_inputs.pt"));
  std::vector<c10::IValue> inputs;
  for (const auto& element : list.toList().elements) inputs.emplace_back(element.toTensor());
  return inputs;
}

at::Tensor expectedOf(const std::string& name) {
  return tscript::archive::loadTensorFile(fixture(name + "_expected.pt")).toTensor();
}

std::string readFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream bytes;
  bytes << stream.rdbuf();
  return bytes.str();
}

// The archive with record `name` replaced by `text` (or dropped when `drop`).
std::string rewritten(const std::string& path, const std::string& name, const std::string& text,
                      bool drop = false) {
  auto zip = tscript::serialize::ZipReader::openFile(path);
  tscript::serialize::ZipWriter writer("archive");
  bool found = false;
  for (const std::string& record : zip.recordNames()) {
    if (record == name) {
      found = true;
      if (!drop) writer.writeRecord(record, text);
    } else {
      writer.writeRecord(record, zip.readRecord(record).text());
    }
  }
  EXPECT_TRUE(found) << name;
  std::vector<uint8_t> bytes = writer.finish();
  return std::string(bytes.begin(), bytes.end());
}

std::string loadError(const std::string& bytes) {
  try {
    tscript::load_buffer(bytes.data(), bytes.size());
  } catch (const tscript::Error& error) {
    return error.what();
  }
  return "(loaded)";
}

TEST(ApiTest, AttributesModuleMatchesEager) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  at::Tensor y = m.forward(inputsOf("attributes")).toTensor();
  EXPECT_TRUE(at::allclose(y, expectedOf("attributes"))) << y;
  EXPECT_EQ(m.type_name(), "__torch__.archive_models.Attributes");
}

// As torch::jit::Module in 1.13: operator() runs the forward pre-hooks and hooks (Python's
// `m(x)`), forward() and run_method("forward") run the method alone (Python's `m.forward(x)`).
TEST(ApiTest, CallingTheModuleRunsItsHooksForwardDoesNot) {
  tscript::Module m = tscript::load(fixture("hooked.pt"));
  at::Tensor called = m(inputsOf("hooked")).toTensor();
  EXPECT_TRUE(at::allclose(called, expectedOf("hooked"))) << called;
  at::Tensor forward = m.forward(inputsOf("hooked")).toTensor();
  at::Tensor forwardOnly =
      tscript::archive::loadTensorFile(fixture("hooked_forward_expected.pt")).toTensor();
  EXPECT_TRUE(at::allclose(forward, forwardOnly)) << forward;
  EXPECT_FALSE(at::allclose(forward, called));
  EXPECT_TRUE(at::allclose(m.run_method("forward", inputsOf("hooked")).toTensor(), forwardOnly));
  // A module without hooks: calling it is forward.
  tscript::Module plain = tscript::load(fixture("attributes.pt"));
  EXPECT_TRUE(at::allclose(plain(inputsOf("attributes")).toTensor(), expectedOf("attributes")));
  // Wrong inputs through the hooks are a tscript::Error, as through forward.
  EXPECT_THROW(m({at::ones({4, 3})}), tscript::Error);
}

TEST(ApiTest, Attributes) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  EXPECT_EQ(m.attr("count").toInt(), 3);
  EXPECT_EQ(m.attr("name").toStringRef(), "hello");
  EXPECT_DOUBLE_EQ(m.attr("ratio").toDouble(), 0.125);
  EXPECT_TRUE(m.attr("enabled").toBool());
  EXPECT_TRUE(m.attr("maybe").isNone());
  EXPECT_EQ(m.attr("dev").toDevice(), c10::Device("cpu"));
  auto sizes = m.attr("sizes").toIntVector();
  EXPECT_EQ(sizes, (std::vector<int64_t>{1, 2, 3}));
  auto pair = m.attr("pair").toTuple();
  EXPECT_EQ(pair->elements()[1].toStringRef(), "four");
  EXPECT_EQ(m.attr("table").toGenericDict().size(), 2u);
  EXPECT_TRUE(m.has_attr("weight"));
  EXPECT_FALSE(m.has_attr("nope"));
  EXPECT_THROW(m.attr("nope"), tscript::Error);
  EXPECT_THROW(m.attr("sub"), tscript::Error);  // a module: submodule()
  tscript::Module sub = m.submodule("sub");
  EXPECT_EQ(sub.type_name(), "__torch__.archive_models.Sub");
  ASSERT_EQ(m.named_children().size(), 1u);
}

TEST(ApiTest, ParametersAndBuffers) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  std::vector<std::string> names;
  for (const auto& [name, tensor] : m.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"weight", "sub.lin.weight", "sub.lin.bias"}));
  EXPECT_TRUE(m.named_parameters()[0].second.requires_grad());
  EXPECT_EQ(m.named_parameters(false).size(), 1u);
  ASSERT_EQ(m.named_buffers().size(), 1u);
  EXPECT_EQ(m.named_buffers()[0].first, "running");
}

TEST(ApiTest, MethodsDefaultsAndCode) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  EXPECT_EQ(m.run_method("describe", {}).toStringRef(), "hello3!");
  EXPECT_EQ(m.run_method("describe", {c10::IValue(int64_t{0})}).toStringRef(), "hello1!");
  EXPECT_EQ(m.run_method("describe", {c10::IValue(int64_t{1}), c10::IValue("?")}).toStringRef(), "hello2?");
  std::vector<std::string> methods = m.method_names();
  EXPECT_NE(std::find(methods.begin(), methods.end(), "describe"), methods.end());
  EXPECT_NE(m.code("describe").find("def describe(self,"), std::string::npos) << m.code("describe");
  try {
    m.run_method("describe", {c10::IValue("x")});
    FAIL() << "a str for an int parameter was accepted";
  } catch (const tscript::Error& error) {
    EXPECT_NE(std::string(error.what()).find("argument 'k'"), std::string::npos) << error.what();
  }
  EXPECT_THROW(m.run_method("nope", {}), tscript::Error);
  EXPECT_THROW(m.forward({}), tscript::Error);  // missing x
}

TEST(ApiTest, ExtraFilesVersionBufferAndStream) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  EXPECT_EQ(m.extra_file_names(), std::vector<std::string>{"meta.txt"});
  EXPECT_EQ(m.extra_file("meta.txt"), "fixture attributes");
  EXPECT_GE(m.format_version(), 3u);
  std::string bytes = readFile(fixture("attributes.pt"));
  tscript::Module fromBuffer = tscript::load_buffer(bytes.data(), bytes.size());
  std::istringstream stream(bytes);
  tscript::Module fromStream = tscript::load(stream);
  at::Tensor expected = expectedOf("attributes");
  EXPECT_TRUE(at::allclose(fromBuffer.forward(inputsOf("attributes")).toTensor(), expected));
  EXPECT_TRUE(at::allclose(fromStream.forward(inputsOf("attributes")).toTensor(), expected));
}

TEST(ApiTest, SetstateModule) {
  tscript::Module m = tscript::load(fixture("stateful.pt"));
  at::Tensor y = m.forward(inputsOf("stateful")).toTensor();
  EXPECT_TRUE(at::allclose(y, expectedOf("stateful"))) << y;
  EXPECT_DOUBLE_EQ(m.attr("offset").toDouble(), 1.5);
}

TEST(ApiTest, ManyThreadsOneModule) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  std::vector<c10::IValue> inputs = inputsOf("attributes");
  at::Tensor expected = expectedOf("attributes");
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (at::allclose(m.forward(inputs).toTensor(), expected)) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 200);
}

// The guarantee of tscript.h: forward and run_method from many threads on one module, including
// the first calls (which build each method's interpreter code), errors raised on some threads,
// and readers of attributes and parameters meanwhile. `make test-tsan` runs this under
// ThreadSanitizer.
TEST(ApiTest, ManyThreadsFirstCallsMixedMethods) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  std::vector<c10::IValue> inputs = inputsOf("attributes");
  at::Tensor expected = expectedOf("attributes");
  std::atomic<int> good{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  constexpr int kThreads = 8, kRuns = 20;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kRuns; ++i) {
        switch ((t + i) % 4) {
          case 0:
            good += at::allclose(m.forward(inputs).toTensor(), expected);
            break;
          case 1:
            good += m.run_method("describe", {c10::IValue(int64_t{1}), c10::IValue("?")}).toStringRef() == "hello2?";
            break;
          case 2:
            try {
              m.run_method("describe", {c10::IValue("wrong type")});
            } catch (const tscript::Error&) {
              ++good;
            }
            break;
          default:
            good += m.named_parameters().size() == 3 && m.attr("count").isInt();
        }
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kThreads * kRuns);
}

// Interface calls from many threads on one module: each prim::CallMethod site caches the last
// (class -> code) it resolved (runtime/method_dispatch.cpp). In dispatching.pt one site meets
// two classes in turn, so threads keep missing and refilling the same cache while others hit
// it; the module-interface call (`impl`) is a steady hit. Meanwhile one thread loads and drops
// other copies of the archive, whose method tables register and die, bumping the registry's
// generation under the callers. `make test-tsan` runs this under ThreadSanitizer.
TEST(ApiTest, ManyThreadsInterfaceCallsOneModule) {
  tscript::Module m = tscript::load(fixture("dispatching.pt"));
  std::vector<c10::IValue> inputs = inputsOf("dispatching");
  at::Tensor expected = expectedOf("dispatching");
  std::atomic<int> good{0};
  std::atomic<bool> go{false};
  std::atomic<int> callersLeft{0};
  std::vector<std::thread> threads;
  constexpr int kCallers = 6, kRuns = 40;
  callersLeft = kCallers;
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kRuns; ++i) good += at::allclose(m.forward(inputs).toTensor(), expected);
      --callersLeft;
    });
  }
  int reloads = 0;
  threads.emplace_back([&] {
    while (!go.load()) std::this_thread::yield();
    do {  // at least once, however fast the callers are
      tscript::Module other = tscript::load(fixture("dispatching.pt"));
      if (at::allclose(other.forward(inputs).toTensor(), expected)) ++reloads;
    } while (callersLeft.load() > 0);
  });
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kCallers * kRuns);
  EXPECT_GE(reloads, 1);
}

TEST(ApiTest, BrokenArchivesGiveClearErrors) {
  std::string path = fixture("attributes.pt");
  std::string bytes = readFile(path);
  EXPECT_NE(loadError(bytes.substr(0, bytes.size() / 2)).find("(loaded)"), 0u);
  try {
    tscript::load("/nonexistent/model.pt");
    FAIL();
  } catch (const tscript::Error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/model.pt"), std::string::npos) << error.what();
  }
  struct Case {
    std::string record, text;
    bool drop;
    std::string expected;
  };
  const std::string code = "code/__torch__/archive_models.py";
  std::string source(tscript::serialize::ZipReader::openFile(path).readRecord(code).text());
  auto replace = [&](std::string from, std::string to) {
    std::string text = source;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  std::vector<Case> cases = {
      {"constants.pkl", "", true, "no constants.pkl"},
      {"data.pkl", "", true, "no data.pkl"},
      {"version", "", true, "no version record"},
      {"version", "11\n", false, "version 11 is not supported"},
      {"version", "x", false, "does not start with a number"},
      {"data.pkl", "\x80\x02garbage", false, "data.pkl"},
      {"constants.pkl", std::string("\x80\x02]q\x00.", 6), false, "constants.pkl is not a tuple"},
      {code, "def broken(:\n", false, "archive_models.py:1"},
      {code, "x = 1\n", false, "only 'class' and 'def'"},
      {code, replace("  count : int\n", ""), false, "has no attribute 'count'"},
      {code, replace("  count : int\n", "  count : int\n  extra : int\n"), false,
       "attribute 'extra' of __torch__.archive_models.Attributes is declared in the code but missing"},
      {code, replace("  count : int\n", "  count : str\n"), false, "declared str but data.pkl holds a int"},
      {code, replace("class Sub(Module):", "class Sub(Thing):"), false, "class inheritance"},
      {code, replace("torch.add(", "torch.nonexistent_op("), false, "nonexistent_op"},
  };
  for (const Case& c : cases) {
    std::string error = loadError(rewritten(path, c.record, c.text, c.drop));
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.record << ": " << error;
  }
  // The code record of the classes gone entirely.
  std::string error = loadError(rewritten(path, code, "", true));
  EXPECT_NE(error.find("no code record"), std::string::npos) << error;
}

}  // namespace

namespace {

// Module::save: a loaded archive saved again loads with the same outputs; the second save of
// what the first wrote gives the same bytes; attribute values are the current ones.
TEST(ApiSaveTest, SavedArchiveLoadsAndRoundTripsByteIdentically) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  std::string first = m.save_to_buffer({{"meta.txt", "hi"}});
  tscript::Module again = tscript::load_buffer(first.data(), first.size());
  EXPECT_TRUE(at::allclose(again.forward(inputsOf("attributes")).toTensor(), expectedOf("attributes")));
  EXPECT_EQ(again.extra_file("meta.txt"), "hi");
  EXPECT_EQ(again.save_to_buffer({{"meta.txt", "hi"}}), first);

  std::string path = testing::TempDir() + "/saved_attributes.pt";
  again.save(path);
  tscript::Module fromFile = tscript::load(path);
  EXPECT_TRUE(at::allclose(fromFile.forward(inputsOf("attributes")).toTensor(), expectedOf("attributes")));
  EXPECT_EQ(tscript::serialize::ZipReader::openFile(path).archivePrefix(), "saved_attributes");
}

TEST(ApiSaveTest, SavingToAnUnwritablePathFails) {
  tscript::Module m = tscript::load(fixture("attributes.pt"));
  EXPECT_THROW(m.save("/nonexistent-folder/x.pt"), tscript::Error);
}

}  // namespace
// Tensors of an archive opened from a file use its records in place (a private copy-on-write
// mapping): writing them never changes the file, they outlive the module, and a corrupted tensor
// record loads as 1.13 loads it unless checksums are asked for.
TEST(ApiTest, MappedTensorsAreCopyOnWrite) {
  std::string path = ::testing::TempDir() + "/api_mapped.pt";
  std::string original = readFile(fixture("attributes.pt"));
  std::ofstream(path, std::ios::binary) << original;
  at::Tensor weight;
  {
    tscript::Module m = tscript::load(path);
    weight = m.named_parameters()[0].second;
    // In place: not memory of ATen's CPU allocator (whose context is the data pointer itself).
    const c10::DataPtr& pointer = weight.storage().data_ptr();
    EXPECT_NE(pointer.get_context(), pointer.get());
    std::string bytes = readFile(path);
    at::Tensor fromBuffer = tscript::load_buffer(bytes.data(), bytes.size()).named_parameters()[0].second;
    EXPECT_EQ(fromBuffer.storage().data_ptr().get_context(), fromBuffer.storage().data_ptr().get());
    at::Tensor before = weight.clone();
    {
      at::NoGradGuard noGrad;
      weight.add_(1.0);
    }
    EXPECT_TRUE(at::allclose(m.named_parameters()[0].second, before + 1.0));
    EXPECT_EQ(readFile(path), original) << "a write through a tensor reached the file";
    tscript::Module again = tscript::load(path);
    EXPECT_TRUE(at::equal(again.named_parameters()[0].second, before));
  }
  // The module is gone; the storage keeps the mapping alive.
  EXPECT_GT(weight.abs().sum().item<double>(), 0.0);
  // Resizing a mapped storage moves it to allocated memory.
  at::Tensor buffer = tscript::load(path).named_buffers()[0].second.detach().flatten();
  at::Tensor values = buffer.clone();
  buffer.resize_({values.numel() + 100});
  EXPECT_TRUE(at::equal(buffer.narrow(0, 0, values.numel()), values));
}

TEST(ApiTest, TensorChecksumsOnlyWhenAsked) {
  std::string path = fixture("attributes.pt");
  auto zip = tscript::serialize::ZipReader::openFile(path);
  const tscript::serialize::ZipEntry& entry = zip.recordEntry("data/0");
  ASSERT_GT(entry.uncompressedSize, 0u);
  std::string bytes = readFile(path);
  bytes[entry.dataOffset] = static_cast<char>(bytes[entry.dataOffset] ^ 0x5a);
  std::string corrupted = ::testing::TempDir() + "/api_corrupted.pt";
  std::ofstream(corrupted, std::ios::binary) << bytes;
  EXPECT_NO_THROW(tscript::load(corrupted));
  tscript::LoadOptions checked;
  checked.verify_tensor_checksums = true;
  try {
    tscript::load(corrupted, checked);
    FAIL() << "a corrupted tensor record passed the CRC check";
  } catch (const tscript::Error& error) {
    EXPECT_NE(std::string(error.what()).find("data/0': CRC-32 mismatch"), std::string::npos) << error.what();
  }
  // Code and pickles are always checked.
  std::string codeBytes = readFile(path);
  const auto& code = zip.recordEntry("data.pkl");
  codeBytes[code.dataOffset + 3] = static_cast<char>(codeBytes[code.dataOffset + 3] ^ 0x5a);
  EXPECT_NE(loadError(codeBytes).find("CRC-32 mismatch"), std::string::npos);
}

TEST(ApiTest, LoadLibrary) {
  try {
    tscript::load_library("/nonexistent/libops.so");
    FAIL();
  } catch (const tscript::Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot load operator library /nonexistent/libops.so"),
              std::string::npos) << error.what();
  }
}
