// Value: layout, ownership, Python equality/hashing, dict order, and both printers.
// Expected texts were produced by /usr/bin/python3 (Python 3.11) and torch 1.13's torch.jit.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "runtime/errors.h"
#include "runtime/stack.h"
#include "runtime/value.h"

namespace tscript::runtime {
namespace {

TEST(Value, ScalarsAreInline) {
  static_assert(sizeof(Value) == 16);
  Value none;
  EXPECT_TRUE(none.isNone());
  EXPECT_EQ(Value(true).toBool(), true);
  EXPECT_EQ(Value(int64_t(-7)).toInt(), -7);
  EXPECT_EQ(Value(3).toInt(), 3);  // any integral type is an int
  EXPECT_EQ(Value(size_t(4)).toInt(), 4);
  EXPECT_EQ(Value(2.5).toFloat(), 2.5);
  EXPECT_TRUE(Value("text").isString());  // not a bool
  EXPECT_EQ(Value("text").toStringRef(), "text");
  EXPECT_EQ(Value(c10::Device("cuda:1")).toDevice(), c10::Device("cuda:1"));
  EXPECT_EQ(Value(c10::complex<double>(1, 2)).toComplex(), c10::complex<double>(1, 2));
}

TEST(Value, WrongKindIsAnInternalError) {
  EXPECT_THROW(Value(1).toFloat(), ScriptError);
  EXPECT_THROW(Value("a").toInt(), ScriptError);
  EXPECT_THROW(Value().toList(), ScriptError);
}

TEST(Value, CopyIncrementsMoveSteals) {
  Value list = makeList(types::intType());
  EXPECT_EQ(list.toListPtr().use_count(), 2);  // list + the temporary
  {
    Value copy = list;
    EXPECT_EQ(list.toListPtr().use_count(), 3);
    Value moved = std::move(copy);
    EXPECT_TRUE(copy.isNone());  // NOLINT: moved-from is None by contract
    EXPECT_EQ(list.toListPtr().use_count(), 3);
  }
  EXPECT_EQ(list.toListPtr().use_count(), 2);
  list = Value(1);  // releases the list
  EXPECT_TRUE(list.isInt());
  Value self = makeList(types::intType());
  Value& alias = self;
  self = alias;  // self-assignment keeps the object alive
  EXPECT_TRUE(self.isList());
}

TEST(Value, TensorsKeepOneReference) {
  at::Tensor t = at::ones({2});
  EXPECT_EQ(t.use_count(), 1);
  Value v(t);
  EXPECT_EQ(t.use_count(), 2);
  {
    Value copy = v;
    EXPECT_EQ(t.use_count(), 3);
    EXPECT_TRUE(copy.isSameIdentity(v));
  }
  EXPECT_EQ(t.use_count(), 2);
  at::Tensor out = std::move(v).toTensor();
  EXPECT_TRUE(v.isNone());  // NOLINT
  EXPECT_EQ(t.use_count(), 2);
  Value undefined{at::Tensor()};
  EXPECT_FALSE(undefined.toTensor().defined());
  Value copyOfUndefined = undefined;
  EXPECT_FALSE(copyOfUndefined.toTensor().defined());
}

TEST(Value, ListsAlias) {
  // b = a; b.append(1) changes a
  Value a = makeList(types::intType());
  Value b = a;
  b.toList().elements.push_back(Value(1));
  EXPECT_EQ(a.toList().elements.size(), 1u);
  EXPECT_TRUE(a.isSameIdentity(b));
}

TEST(Value, PythonEqualityAndHash) {
  EXPECT_TRUE(valuesEqual(Value(1), Value(1.0)));
  EXPECT_TRUE(valuesEqual(Value(true), Value(1)));
  EXPECT_TRUE(valuesEqual(Value(c10::complex<double>(2, 0)), Value(2)));
  EXPECT_EQ(hashValue(Value(1)), hashValue(Value(1.0)));
  EXPECT_EQ(hashValue(Value(true)), hashValue(Value(1)));
  EXPECT_FALSE(valuesEqual(Value("1"), Value(1)));
  EXPECT_TRUE(valuesEqual(makeList(types::intType(), {Value(1), Value(2)}),
                          makeList(types::intType(), {Value(1), Value(2)})));
  EXPECT_TRUE(valuesEqual(makeTuple({Value(1), Value("a")}), makeTuple({Value(1), Value("a")})));
  EXPECT_EQ(hashValue(makeTuple({Value(1), Value("a")})), hashValue(makeTuple({Value(1), Value("a")})));
  // Tensor keys are compared by identity, never by content.
  at::Tensor t = at::zeros({1});
  EXPECT_TRUE(valuesEqual(Value(t), Value(t)));
  EXPECT_FALSE(valuesEqual(Value(t), Value(t.clone())));
}

TEST(Value, DictKeepsInsertionOrder) {
  Value value = makeDict(types::strType(), types::intType());
  DictObject& dict = value.toDict();
  for (const char* key : {"c", "a", "b"}) dict.insertOrAssign(Value(key), Value(1));
  dict.insertOrAssign(Value("a"), Value(5));  // re-assignment keeps the place
  EXPECT_EQ(value.repr(), "{'c': 1, 'a': 5, 'b': 1}");
  EXPECT_TRUE(dict.erase(Value("c")));
  EXPECT_FALSE(dict.erase(Value("c")));
  dict.insertOrAssign(Value("c"), Value(2));  // re-inserted after deletion: goes last
  EXPECT_EQ(value.repr(), "{'a': 5, 'b': 1, 'c': 2}");
  EXPECT_EQ(dict.front().key.toStringRef(), "a");
  EXPECT_EQ(dict.back().key.toStringRef(), "c");
  EXPECT_EQ(dict.insertIfAbsent(Value("a"), Value(9)).toInt(), 5);
  ASSERT_NE(dict.find(Value("b")), nullptr);
  EXPECT_EQ(dict.find(Value("b"))->toInt(), 1);
  EXPECT_EQ(dict.find(Value("zz")), nullptr);
}

TEST(Value, DictSurvivesManyErasures) {
  // Enough erasures to trigger compaction several times; order and lookup must survive.
  Value value = makeDict(types::intType(), types::intType());
  DictObject& dict = value.toDict();
  for (int i = 0; i < 1000; ++i) dict.insertOrAssign(Value(i), Value(i * 10));
  for (int i = 0; i < 1000; ++i) {
    if (i % 7 != 0) dict.erase(Value(i));
  }
  int64_t expected = 0;
  for (const auto& entry : dict) {
    EXPECT_EQ(entry.key.toInt(), expected);
    EXPECT_EQ(dict.find(entry.key)->toInt(), expected * 10);
    expected += 7;
  }
  EXPECT_EQ(dict.size(), 143u);
  EXPECT_EQ(expected, 1001);
}

TEST(Value, PythonFloatRepr) {
  // repr(x) in Python 3.11
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"}, {0.1, "0.1"}, {1e20, "1e+20"}, {1e16, "1e+16"},
      {1e15, "1000000000000000.0"}, {1.5e-5, "1.5e-05"}, {1e-4, "0.0001"},
      {-0.0, "-0.0"}, {123456789.123, "123456789.123"}, {1.0 / 3, "0.3333333333333333"},
      {-2.5, "-2.5"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
      {1234567890123456.7, "1234567890123456.8"}, {0.00012, "0.00012"},
  };
  for (const auto& [value, expected] : cases) EXPECT_EQ(pythonFloatRepr(value), expected);
  EXPECT_EQ(pythonFloatRepr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(pythonFloatRepr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(pythonFloatRepr(std::nan("")), "nan");
}

TEST(Value, PythonRepr) {
  EXPECT_EQ(Value().repr(), "None");
  EXPECT_EQ(Value(true).repr(), "True");
  EXPECT_EQ(Value(-3).repr(), "-3");
  EXPECT_EQ(Value("it's").repr(), "\"it's\"");
  EXPECT_EQ(Value("a'b\"c").repr(), "'a\\'b\"c'");
  EXPECT_EQ(Value("tab\t\n\\").repr(), "'tab\\t\\n\\\\'");
  EXPECT_EQ(Value("x").str(), "x");
  EXPECT_EQ(makeList(types::intType(), {Value(1), Value(2)}).repr(), "[1, 2]");
  EXPECT_EQ(makeList(types::strType(), {Value("a")}).str(), "['a']");
  EXPECT_EQ(makeTuple({Value(1)}).repr(), "(1,)");
  EXPECT_EQ(makeTuple({}).repr(), "()");
  EXPECT_EQ(Value(c10::complex<double>(1, 2)).repr(), "(1+2j)");
  EXPECT_EQ(Value(c10::complex<double>(0, 0.5)).repr(), "0.5j");
  EXPECT_EQ(Value(c10::complex<double>(-1.5, -0.0)).repr(), "(-1.5-0j)");
  EXPECT_EQ(Value(c10::Device("cpu")).repr(), "device(type='cpu')");
  Value nt = makeTuple({Value(1), Value("a")},
                       types::namedTupleOf("__torch__.NT", {"x", "y"},
                                           {types::intType(), types::strType()}));
  EXPECT_EQ(nt.repr(), "NT(x=1, y='a')");
}

TEST(Value, TorchScript113Printing) {
  // str(x) inside torch.jit.script in torch 1.13 (see value.h: this is not Python's format).
  const std::pair<double, const char*> floats[] = {
      {1.0, "1."}, {0.1, "0.10000000000000001"}, {1e20, "1e+20"},
      {1e16, "10000000000000000."}, {-0.0, "0."}, {-5.0, "-5."},
      {9.2e18, "9200000000000000000."}, {9.3e18, "9.3e+18"},
      {-9223372036854775808.0, "-9223372036854775808."}, {1e-7, "9.9999999999999995e-08"},
      {123456789012.5, "123456789012.5"}, {1.0 / 3, "0.33333333333333331"},
      {1000000000000000.5, "1000000000000000.5"}, {5e-324, "4.9406564584124654e-324"},
  };
  for (const auto& [value, expected] : floats) EXPECT_EQ(scriptFloatStr(value), expected);
  EXPECT_EQ(scriptFloatStr(-std::numeric_limits<double>::infinity()), "-inf");

  EXPECT_EQ(scriptStr(makeList(types::floatType(), {Value(1.0), Value(0.1)})),
            "[1., 0.10000000000000001]");
  Value dict = makeDict(types::strType(), types::floatType());
  dict.toDict().insertOrAssign(Value("a"), Value(1.0));
  dict.toDict().insertOrAssign(Value("b'"), Value(2.5));
  EXPECT_EQ(scriptStr(dict), "{a: 1., b': 2.5}");
  EXPECT_EQ(scriptStr(makeTuple({Value(1), Value("x")})), "(1, x)");
  EXPECT_EQ(scriptStr(makeTuple({Value(1)})), "(1,)");
  EXPECT_EQ(scriptStr(Value(true)), "True");
  EXPECT_EQ(scriptStr(Value()), "None");
  EXPECT_EQ(scriptStr(Value(c10::complex<double>(1, -2))), "1.-2.j");
  EXPECT_EQ(scriptStr(Value(c10::complex<double>(0, 0.5))), "0.+0.5j");
  EXPECT_EQ(scriptStr(Value(c10::complex<double>(1e20, 0.1))), "1e+20+0.10000000000000001j");
  EXPECT_EQ(scriptStr(Value(c10::Device("cpu"))), "cpu");
  Value nt = makeTuple({Value(1), Value("a")},
                       types::namedTupleOf("__torch__.NT", {"x", "y"},
                                           {types::intType(), types::strType()}));
  EXPECT_EQ(scriptStr(nt), "(1, a)");
  EXPECT_EQ(scriptStr(Value(at::tensor({1.5, 2.0}, at::kFloat))),
            " 1.5000\n 2.0000\n[ CPUFloatType{2} ]");
}

TEST(Stack, PushPopPeekDrop) {
  Stack stack;
  push(stack, Value(1), Value("two"), Value(3.0));
  EXPECT_EQ(peek(stack, 0, 3).toInt(), 1);
  EXPECT_EQ(peek(stack, 2, 3).toFloat(), 3.0);
  EXPECT_EQ(pop(stack).toFloat(), 3.0);
  drop(stack, 1);
  ASSERT_EQ(stack.size(), 1u);
  std::vector<Value> rest = popN(stack, 1);
  EXPECT_TRUE(stack.empty());
  EXPECT_EQ(rest[0].toInt(), 1);
}

TEST(ScriptError, TracebackOutermostFirst) {
  ScriptError error("IndexError", "list index out of range");
  EXPECT_STREQ(error.what(), "IndexError: list index out of range");
  error.addFrame("  inner\n");
  error.addFrame("  outer\n");
  EXPECT_EQ(std::string(error.what()),
            "The following operation failed in the TorchScript interpreter.\n"
            "Traceback of TorchScript (most recent call last):\n"
            "  outer\n  inner\nIndexError: list index out of range");
}

}  // namespace
}  // namespace tscript::runtime
