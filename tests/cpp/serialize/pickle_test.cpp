// Unpickler and pickler: opcode coverage, 1.13 byte conventions, memo behaviour, round trips.
#include <gtest/gtest.h>

#include <string>

#include "serialize/pickle.h"
#include "serialize/pickler.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"

namespace tscript::serialize {
namespace {

using namespace std::string_literals;

PickleValue parse(const std::string& bytes) { return unpickle(bytes, "test.pkl"); }

// Unpickle then pickle again: the bytes must not change.
void expectRoundTrip(const std::string& bytes) {
  PickleValue value = parse(bytes);
  EXPECT_EQ(pickle(value), bytes) << formatPickleValue(value);
}

TEST(PickleTest, ScalarsUse113Encodings) {
  EXPECT_EQ(pickle(PickleValue::none()), "\x80\x02N."s);
  EXPECT_EQ(pickle(PickleValue::boolean(true)), "\x80\x02\x88."s);
  EXPECT_EQ(pickle(PickleValue::boolean(false)), "\x80\x02\x89."s);
  EXPECT_EQ(pickle(PickleValue::integer(0)), "\x80\x02K\x00."s);
  EXPECT_EQ(pickle(PickleValue::integer(255)), "\x80\x02K\xff."s);
  EXPECT_EQ(pickle(PickleValue::integer(256)), "\x80\x02M\x00\x01."s);
  EXPECT_EQ(pickle(PickleValue::integer(65536)), "\x80\x02J\x00\x00\x01\x00."s);
  EXPECT_EQ(pickle(PickleValue::integer(-1)), "\x80\x02J\xff\xff\xff\xff."s);
  EXPECT_EQ(pickle(PickleValue::integer(int64_t{1} << 31)),
            "\x80\x02\x8a\x08\x00\x00\x00\x80\x00\x00\x00\x00."s);
  EXPECT_EQ(pickle(PickleValue::integer(INT64_MIN)),
            "\x80\x02\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."s);
  EXPECT_EQ(pickle(PickleValue::floating(2.5)), "\x80\x02G\x40\x04\x00\x00\x00\x00\x00\x00."s);
  EXPECT_EQ(pickle(PickleValue::string("ab")), "\x80\x02X\x02\x00\x00\x00" "abq\x00."s);
}

TEST(PickleTest, ScalarsRoundTrip) {
  for (int64_t value : {int64_t{0}, int64_t{7}, int64_t{300}, int64_t{-5}, int64_t{1} << 40,
                        INT64_MAX, INT64_MIN}) {
    EXPECT_EQ(parse(pickle(PickleValue::integer(value))).toInt(), value);
  }
  EXPECT_EQ(parse(pickle(PickleValue::floating(-0.125))).toDouble(), -0.125);
  EXPECT_EQ(parse(pickle(PickleValue::string("h\xc3\xa9"))).toStringRef(), "h\xc3\xa9");
}

TEST(PickleTest, Long1WithShortLengthsAsPythonWritesThem) {
  // Python writes minimal two's-complement LONG1: 2**31 -> 5 bytes, -2**31-1 -> 4 bytes.
  EXPECT_EQ(parse("\x80\x02\x8a\x05\x00\x00\x00\x80\x00."s).toInt(), int64_t{1} << 31);
  EXPECT_EQ(parse("\x80\x02\x8a\x04\xff\xff\xff\x7f."s).toInt(), INT32_MAX);
  EXPECT_EQ(parse("\x80\x02\x8a\x05\xff\xff\xff\x7f\xff."s).toInt(), -(int64_t{1} << 31) - 1);
  EXPECT_EQ(parse("\x80\x02\x8a\x00."s).toInt(), 0);
}

TEST(PickleTest, ContainersAndTuplesKeepTheirEncoding) {
  // (1, 2) compact, MARK-encoded (3,) as 1.13 writes tensor sizes, a list and a dict.
  expectRoundTrip("\x80\x02K\x01K\x02\x86."s);
  expectRoundTrip("\x80\x02(K\x03t."s);
  expectRoundTrip("\x80\x02(t."s);
  expectRoundTrip("\x80\x02(K\x01K\x02K\x03K\x04t."s);
  expectRoundTrip("\x80\x02](K\x01K\x02" "e."s);
  expectRoundTrip("\x80\x02}(X\x01\x00\x00\x00" "aq\x00K\x01u."s);
  PickleValue tuple = parse("\x80\x02(K\x03t."s);
  EXPECT_EQ(tuple.tupleEncoding(), TupleEncoding::Marked);
  ASSERT_EQ(tuple.items().size(), 1u);
}

TEST(PickleTest, StringsAndGlobalsAreMemoizedByValue) {
  PickleValue tree = PickleValue::tuple({PickleValue::string("x"), PickleValue::string("x"),
                                         PickleValue::global("torch", "device"),
                                         PickleValue::global("torch", "device")});
  std::string expected =
      "\x80\x02(X\x01\x00\x00\x00xq\x00h\x00" "ctorch\ndevice\nq\x01h\x01t."s;
  EXPECT_EQ(pickle(tree), expected);
  expectRoundTrip(expected);
}

TEST(PickleTest, SharedNodesAreFetchedFromTheMemo) {
  // A persistent id memoized after BINPERSID and fetched again, as 1.13 does for storages
  // shared by two tensors.
  std::string bytes = "\x80\x02(X\x01\x00\x00\x00" "a" "t" "q\x00Qq\x01h\x01\x86."s;
  PickleValue value = parse(bytes);
  ASSERT_EQ(value.items().size(), 2u);
  EXPECT_EQ(value.items()[0].identity(), value.items()[1].identity());
  expectRoundTrip(bytes);
}

TEST(PickleTest, LongMemoIndicesPast255) {
  std::vector<PickleValue> strings;
  for (int i = 0; i < 300; ++i) strings.push_back(PickleValue::string("s" + std::to_string(i)));
  strings.push_back(PickleValue::string("s299"));
  std::string bytes = pickle(PickleValue::list(strings));
  EXPECT_NE(bytes.find("r\x00\x01\x00\x00"s), std::string::npos);  // LONG_BINPUT 256
  EXPECT_NE(bytes.find("j\x2b\x01\x00\x00"s), std::string::npos);  // LONG_BINGET 299
  expectRoundTrip(bytes);
}

TEST(PickleTest, ObjectsWithNewobjReduceAndBuild) {
  // __torch__.M.__new__() with state {'training': True}, memoized after BUILD.
  std::string bytes =
      "\x80\x02" "c__torch__\nM\nq\x00)\x81}(X\x08\x00\x00\x00trainingq\x01\x88ubq\x02."s;
  PickleValue object = parse(bytes);
  ASSERT_TRUE(object.is(PickleKind::Object));
  EXPECT_EQ(object.construction(), ObjectConstruction::NewObj);
  EXPECT_EQ(object.callable().globalQualifiedName(), "__torch__.M");
  ASSERT_TRUE(object.hasState());
  EXPECT_EQ(object.state().entries().at(0).first.toStringRef(), "training");
  EXPECT_EQ(formatPickleValue(object), "__torch__.M.__new__().__setstate__({\"training\": True})");
  expectRoundTrip(bytes);
  // Enum values: REDUCE whose argument is not a tuple.
  std::string enumBytes = "\x80\x02" "c__torch__\nColor\nq\x00K\x02R."s;
  EXPECT_EQ(formatPickleValue(parse(enumBytes)), "__torch__.Color(*2)");
  expectRoundTrip(enumBytes);
}

TEST(PickleTest, FormatIsPythonLike) {
  EXPECT_EQ(pythonFloatRepr(1.0), "1.0");
  EXPECT_EQ(pythonFloatRepr(2.5), "2.5");
  EXPECT_EQ(pythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(pythonFloatRepr(1e-5), "1e-05");
  EXPECT_EQ(pythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(pythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(pythonFloatRepr(123456789012345680000.0), "1.2345678901234568e+20");
  EXPECT_EQ(pythonFloatRepr(1234.5), "1234.5");
  EXPECT_EQ(pythonFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(pythonFloatRepr(1.0 / 0.0), "inf");
  EXPECT_EQ(formatPickleValue(PickleValue::tuple({PickleValue::integer(1)})), "(1,)");
  EXPECT_EQ(formatPickleValue(PickleValue::string("a\"\n\x01")), "\"a\\\"\\n\\x01\"");
}

}  // namespace
}  // namespace tscript::serialize
