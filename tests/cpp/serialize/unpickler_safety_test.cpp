// The unpickler on hostile input: forbidden globals, truncation, bounds on memo, stack,
// nesting and sharing, self-reference, and random corruption. Every case must end in a
// SerializeError with a clear message, never a crash or a hang.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "serialize/pickle.h"
#include "serialize/pickler.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"

namespace tscript::serialize {
namespace {

using namespace std::string_literals;

std::string errorOf(const std::string& bytes, UnpicklerLimits limits = {}) {
  try {
    Unpickler(GlobalAllowList::torchScriptArchive(), limits)
        .parse(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
               "evil.pkl");
  } catch (const SerializeError& error) {
    return error.what();
  }
  return "";
}

#define EXPECT_ERROR_CONTAINS(bytes, text, ...)                                         \
  do {                                                                                  \
    std::string error_ = errorOf(bytes __VA_OPT__(, ) __VA_ARGS__);                     \
    EXPECT_NE(error_.find(text), std::string::npos) << "error was: '" << error_ << "'"; \
  } while (0)

TEST(UnpicklerSafetyTest, RejectsGlobalsOutsideTheAllowList) {
  // pickle.dumps(os.system) with a call: the classic exploit.
  std::string exploit = "\x80\x02" "cposix\nsystem\nq\x00X\x02\x00\x00\x00" "idq\x01\x85R."s;
  EXPECT_ERROR_CONTAINS(exploit, "global 'posix.system' is not allowed");
  EXPECT_ERROR_CONTAINS("\x80\x02" "cos\nsystem\n."s, "global 'os.system' is not allowed");
  EXPECT_ERROR_CONTAINS("\x80\x02" "cbuiltins\neval\n."s, "'builtins.eval' is not allowed");
  EXPECT_ERROR_CONTAINS("\x80\x02" "c__torch__evil\nX\n."s, "not allowed");
  EXPECT_ERROR_CONTAINS("\x80\x02" "ctorch\nload\n."s, "'torch.load' is not allowed");
  EXPECT_ERROR_CONTAINS("\x80\x02" "ctorch\n\n."s, "malformed global name");
  EXPECT_ERROR_CONTAINS("\x80\x02" "ctorch device\nx\n."s, "malformed global name");
  EXPECT_ERROR_CONTAINS("\x80\x02" "c"s + std::string(5000, 'a'), "longer than 1024 bytes");
  // The error names the offset and opcode.
  EXPECT_ERROR_CONTAINS("\x80\x02" "cos\nsystem\n."s, "evil.pkl: offset 2 (GLOBAL)");
}

TEST(UnpicklerSafetyTest, AcceptsTheTorchScriptGlobals) {
  for (const char* global : {"torch._utils\n_rebuild_tensor_v2\n", "collections\nOrderedDict\n",
                             "torch.jit._pickle\nbuild_intlist\n", "torch\nFloatStorage\n",
                             "torch\ndevice\n", "builtins\ncomplex\n", "__torch__\nM\n",
                             "__torch__.torch.nn.modules.linear\nLinear\n",
                             "torch\nper_tensor_affine\n"}) {
    EXPECT_EQ(errorOf("\x80\x02" "c"s + global + "."), "") << global;
  }
  GlobalAllowList custom = GlobalAllowList::empty();
  EXPECT_THROW(Unpickler(custom).parse({}, "x"), SerializeError);
}

TEST(UnpicklerSafetyTest, RejectsTruncationAndGarbage) {
  std::string good = pickle(PickleValue::tuple(
      {PickleValue::string("hello"), PickleValue::integer(70000), PickleValue::floating(1.5)}));
  for (size_t length = 0; length < good.size(); ++length) {
    EXPECT_NE(errorOf(good.substr(0, length)), "") << "length " << length;
  }
  EXPECT_ERROR_CONTAINS(good.substr(0, good.size() - 1), "ends without a STOP");
  EXPECT_ERROR_CONTAINS(good + "N", "1 bytes of garbage after STOP");
  EXPECT_ERROR_CONTAINS("\x80\x02X\xff\xff\xff\x7f" "abc."s, "runs past the end");
  EXPECT_ERROR_CONTAINS("\x80\x02\x8a\x09" "123456789."s, "does not fit in 64 bits");
  EXPECT_ERROR_CONTAINS("\x80\x02X\x02\x00\x00\x00\xc3\x28."s, "not valid UTF-8");
  EXPECT_ERROR_CONTAINS("\x80\x02\xff."s, "unsupported pickle opcode 0xff");
  EXPECT_ERROR_CONTAINS("\x80\x09N."s, "unsupported protocol 9");
}

TEST(UnpicklerSafetyTest, RejectsStackMisuse) {
  EXPECT_ERROR_CONTAINS("\x80\x02."s, "STOP with 0 values");
  EXPECT_ERROR_CONTAINS("\x80\x02NN."s, "STOP with 2 values");
  EXPECT_ERROR_CONTAINS("\x80\x02(N."s, "unclosed MARK");
  EXPECT_ERROR_CONTAINS("\x80\x02\x85."s, "stack underflow");
  EXPECT_ERROR_CONTAINS("\x80\x02t."s, "no MARK");
  EXPECT_ERROR_CONTAINS("\x80\x02(R."s, "stack underflow");  // a MARK is not a value
  EXPECT_ERROR_CONTAINS("\x80\x02NNR."s, "the callable of REDUCE is a None");
  EXPECT_ERROR_CONTAINS("\x80\x02N(Ne."s, "the target of APPEND(S) is a None");
  EXPECT_ERROR_CONTAINS("\x80\x02}(Nu" "."s, "odd number of items");
  EXPECT_ERROR_CONTAINS("\x80\x02" "c__torch__\nM\nNb."s, "the target of BUILD is a global");
  EXPECT_ERROR_CONTAINS("\x80\x02" "c__torch__\nM\n)\x81}b}b."s, "BUILD applied twice");
  EXPECT_ERROR_CONTAINS("\x80\x02" "c__torch__\nM\nN\x81."s, "NEWOBJ's arguments is a None");
}

TEST(UnpicklerSafetyTest, BoundsTheMemo) {
  EXPECT_ERROR_CONTAINS("\x80\x02h\x05."s, "memo index 5 was never stored");
  EXPECT_ERROR_CONTAINS("\x80\x02j\xff\xff\xff\xff."s, "memo index 4294967295 was never stored");
  UnpicklerLimits limits;
  limits.maxMemoEntries = 2;
  EXPECT_ERROR_CONTAINS("\x80\x02(Nq\x00Nq\x01Nq\x02t."s, "memo exceeds the limit of 2", limits);
  // A huge LONG_BINPUT index costs one entry, not a 4-billion-slot table.
  EXPECT_EQ(errorOf("\x80\x02Nr\xff\xff\xff\xff" "j\xff\xff\xff\xff" "\x86."s), "");
}

TEST(UnpicklerSafetyTest, BoundsStackAndNesting) {
  UnpicklerLimits limits;
  limits.maxStackSize = 100;
  EXPECT_ERROR_CONTAINS("\x80\x02"s + std::string(200, 'N'), "stack exceeds the limit of 100",
                        limits);
  EXPECT_ERROR_CONTAINS("\x80\x02"s + std::string(200, '('), "stack exceeds the limit of 100",
                        limits);
  // 2000 nested lists: ]]]]...  then APPEND x2000.
  std::string deep = "\x80\x02"s + std::string(2000, ']') + std::string(1999, 'a') + ".";
  EXPECT_ERROR_CONTAINS(deep, "nested deeper than 1000 levels");
  std::string deepTuples = "\x80\x02N"s + std::string(5000, '\x85') + ".";
  EXPECT_ERROR_CONTAINS(deepTuples, "nested deeper than 1000 levels");
}

TEST(UnpicklerSafetyTest, BoundsExpansionOfSharedNodes) {
  // x = (); repeat 80 times: x = (x, x). 400 bytes describing 2^80 nodes.
  std::string bytes = "\x80\x02)q\x00"s;
  for (int i = 0; i < 80; ++i) bytes += "h\x00h\x00\x86q\x00"s;
  bytes += ".";
  EXPECT_ERROR_CONTAINS(bytes, "expands to more than");
}

TEST(UnpicklerSafetyTest, RejectsSelfReference) {
  // l = []; l.append(l)
  EXPECT_ERROR_CONTAINS("\x80\x02]q\x00h\x00" "a."s, "self-referential");
  // d = {}; d['k'] = d
  EXPECT_ERROR_CONTAINS("\x80\x02}q\x00X\x01\x00\x00\x00kh\x00s."s, "self-referential");
  // a list modified after it became part of a tuple
  EXPECT_ERROR_CONTAINS("\x80\x02]q\x00h\x00\x85h\x00N" "a."s, "already part of another value");
}

TEST(UnpicklerSafetyTest, BoundsInputLengthAndContainers) {
  UnpicklerLimits limits;
  limits.maxInputBytes = 10;
  EXPECT_ERROR_CONTAINS("\x80\x02" + std::string(20, 'N') + ".", "exceeds the limit of 10",
                        limits);
  limits = {};
  limits.maxContainerSize = 3;
  EXPECT_ERROR_CONTAINS("\x80\x02(NNNNt."s, "exceed the container limit of 3", limits);
  EXPECT_ERROR_CONTAINS("\x80\x02](NNNNe."s, "exceed the container limit of 3", limits);
}

TEST(UnpicklerSafetyTest, RandomCorruptionNeverCrashes) {
  // A 1.13-shaped module pickle, corrupted at random: each attempt must parse or throw.
  PickleValue tensor = PickleValue::reduce(
      PickleValue::global("torch._utils", "_rebuild_tensor_v2"),
      PickleValue::tuple(
          {PickleValue::persistentId(PickleValue::tuple(
               {PickleValue::string("storage"), PickleValue::global("torch", "FloatStorage"),
                PickleValue::string("0"), PickleValue::string("cpu"), PickleValue::integer(6)},
               TupleEncoding::Marked)),
           PickleValue::integer(0),
           PickleValue::tuple({PickleValue::integer(2), PickleValue::integer(3)},
                              TupleEncoding::Marked),
           PickleValue::tuple({PickleValue::integer(3), PickleValue::integer(1)},
                              TupleEncoding::Marked),
           PickleValue::boolean(true),
           PickleValue::reduce(PickleValue::global("collections", "OrderedDict"),
                               PickleValue::tuple({}))},
          TupleEncoding::Marked));
  tensor.setMemoized(true);
  PickleValue module = PickleValue::withState(
      PickleValue::newObject(PickleValue::global("__torch__", "M"), PickleValue::tuple({})),
      PickleValue::dict({{PickleValue::string("weight"), tensor},
                         {PickleValue::string("training"), PickleValue::boolean(true)},
                         {PickleValue::string("alias"), tensor}}));
  std::string good = pickle(module);
  EXPECT_EQ(pickle(unpickle(good, "good.pkl")), good);

  std::mt19937 random(1234);
  int parsed = 0;
  for (int attempt = 0; attempt < 20000; ++attempt) {
    std::string bytes = good;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % bytes.size();
      switch (random() % 3) {
        case 0: bytes[at] = static_cast<char>(random()); break;
        case 1: bytes.erase(at, 1 + random() % 8); break;
        case 2: bytes.insert(at, 1, static_cast<char>(random())); break;
      }
    }
    if (errorOf(bytes).empty()) ++parsed;
  }
  EXPECT_LT(parsed, 20000);
}

}  // namespace
}  // namespace tscript::serialize
