// Builtin operators, family by family, as tables of cases. Each expected text is Python's
// repr() of the result computed with /usr/bin/python3, or, where torch.jit 1.13 differs
// from Python, what 1.13 returns (marked "1.13:"), measured by scripting the same
// expression with torch 1.13. "!Class: message" expects a ScriptError.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

Value ints(std::vector<int64_t> values) {
  std::vector<Value> elements(values.begin(), values.end());
  return makeList(types::intType(), std::move(elements));
}
Value floats(std::vector<double> values) {
  std::vector<Value> elements(values.begin(), values.end());
  return makeList(types::floatType(), std::move(elements));
}
Value strs(std::vector<const char*> values) {
  std::vector<Value> elements(values.begin(), values.end());
  return makeList(types::strType(), std::move(elements));
}
Value strIntDict(std::vector<std::pair<const char*, int64_t>> entries) {
  Value dict = makeDict(types::strType(), types::intType());
  for (auto& [k, v] : entries) dict.toDict().insertOrAssign(Value(k), Value(v));
  return dict;
}

// Runs the operator named `name` on `args` above a sentinel, checks that the operator left
// the sentinel alone, and returns repr() of its output (a tuple for several outputs).
std::string run(const char* name, std::vector<Value> args) {
  const BuiltinOperator* op = findBuiltinOperator(name);
  if (!op) return std::string("no operator ") + name;
  Stack stack;
  stack.emplace_back("sentinel");
  for (Value& arg : args) stack.push_back(std::move(arg));
  try {
    op->function(stack);
  } catch (const ScriptError& error) {
    return "!" + error.pythonClass() + ": " + error.message();
  }
  if (stack.empty() || !stack[0].isString() || stack[0].toStringRef() != "sentinel") {
    return "operator touched the stack below its inputs";
  }
  std::vector<Value> outputs(stack.begin() + 1, stack.end());
  if (outputs.size() == 1) return outputs[0].repr();
  if (outputs.empty()) return "<no output>";
  return makeTuple(std::move(outputs)).repr();
}

struct Case {
  const char* op;
  std::vector<Value> args;
  const char* expected;
};

void runCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string args;
    for (const Value& a : c.args) args += (args.empty() ? "" : ", ") + a.repr();
    EXPECT_EQ(run(c.op, c.args), c.expected) << c.op << "(" << args << ")";
  }
}

TEST(BuiltinTables, EverySchemaIsOneOf113sOwn) {
  std::ifstream file(TSCRIPT_SOURCE_DIR "/tests/cpp/runtime/data/torch113_own_schemas.txt");
  ASSERT_TRUE(file) << "missing schema list";
  std::set<std::string> known;
  for (std::string line; std::getline(file, line);) known.insert(line);
  std::set<std::string> names;
  for (const BuiltinOperator& op : allBuiltinOperators()) {
    EXPECT_TRUE(known.count(op.schema)) << "not a 1.13 schema: " << op.schema;
    EXPECT_TRUE(names.insert(std::string(schemaQualifiedName(op.schema))).second)
        << "registered twice: " << op.schema;
    EXPECT_NE(op.function, nullptr) << op.schema;
  }
  EXPECT_GT(names.size(), 400u);
}

TEST(Builtins, IntArithmetic) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  runCases({
      {"aten::add.int", {Value(2), Value(3)}, "5"},
      {"aten::add.int", {Value(kMax), Value(1)}, "-9223372036854775808"},  // 1.13: wraps
      {"aten::mul.int", {Value(int64_t(1) << 62), Value(4)}, "0"},          // 1.13: wraps
      {"aten::sub.int", {Value(kMin), Value(1)}, "9223372036854775807"},    // 1.13: wraps
      {"aten::neg.int", {Value(kMin)}, "-9223372036854775808"},             // 1.13: wraps
      {"aten::floordiv.int", {Value(7), Value(-2)}, "-4"},
      {"aten::floordiv.int", {Value(-7), Value(2)}, "-4"},
      {"aten::floordiv.int", {Value(-6), Value(2)}, "-3"},
      {"aten::floordiv.int", {Value(7), Value(0)}, "!RuntimeError: division by 0"},  // 1.13
      {"aten::floordiv.int", {Value(kMin), Value(-1)}, "-9223372036854775808"},  // 1.13: SIGFPE
      {"aten::remainder.int", {Value(7), Value(-2)}, "-1"},
      {"aten::remainder.int", {Value(-7), Value(2)}, "1"},
      {"aten::remainder.int", {Value(-6), Value(3)}, "0"},
      {"aten::remainder.int", {Value(7), Value(0)}, "!ZeroDivisionError: integer modulo by zero"},
      {"aten::remainder.int", {Value(kMin), Value(-1)}, "0"},
      {"aten::__round_to_zero_floordiv.int", {Value(-7), Value(2)}, "-3"},
      {"aten::div.int", {Value(7), Value(2)}, "3.5"},
      {"aten::div.int", {Value(7), Value(0)}, "inf"},  // 1.13; Python raises
      {"aten::div.int", {Value(0), Value(0)}, "nan"},  // 1.13; Python raises
      {"aten::pow.int", {Value(2), Value(-1)}, "0.5"},
      {"aten::pow.int", {Value(2), Value(10)}, "1024.0"},  // 1.13: a float
      {"aten::pow.int", {Value(-8), Value(3)}, "-512.0"},
      {"aten::pow.int", {Value(0), Value(-1)},
       "!RuntimeError: 0.0 cannot be raised to a negative power"},
      {"aten::pow.int_to_int", {Value(3), Value(4)}, "81"},
      {"aten::__lshift__.int", {Value(1), Value(63)}, "-9223372036854775808"},
      {"aten::__lshift__.int", {Value(1), Value(64)}, "1"},                      // 1.13 (x86)
      {"aten::__lshift__.int", {Value(1), Value(-1)}, "-9223372036854775808"},   // 1.13 (x86)
      {"aten::__rshift__.int", {Value(-8), Value(1)}, "-4"},
      {"aten::__rshift__.int", {Value(8), Value(64)}, "8"},  // 1.13 (x86)
      {"aten::__rshift__.int", {Value(8), Value(-1)}, "0"},  // 1.13 (x86)
      {"aten::__rshift__.int", {Value(-8), Value(70)}, "-1"},
      {"aten::__and__.int", {Value(12), Value(10)}, "8"},
      {"aten::__or__.int", {Value(12), Value(10)}, "14"},
      {"aten::__xor__.int", {Value(12), Value(10)}, "6"},
      {"aten::__and__.bool", {Value(true), Value(false)}, "False"},
      {"aten::__xor__.bool", {Value(true), Value(true)}, "False"},
      {"aten::__not__", {Value(false)}, "True"},
      {"aten::divmod.int", {Value(7), Value(-2)}, "(-4, -1)"},
      {"aten::divmod.int", {Value(7), Value(0)},
       "!RuntimeError: ZeroDivisionError: integer division or modulo by zero"},
  });
}

TEST(Builtins, FloatAndMixedArithmetic) {
  runCases({
      {"aten::add.float", {Value(0.1), Value(0.2)}, "0.30000000000000004"},
      {"aten::add.int_float", {Value(1), Value(0.5)}, "1.5"},
      {"aten::sub.float_int", {Value(0.5), Value(1)}, "-0.5"},
      {"aten::mul.int_float", {Value(3), Value(0.5)}, "1.5"},
      {"aten::add", {Value(1), Value(2)}, "3"},  // Scalar + Scalar: ints stay ints
      {"aten::add", {Value(1), Value(2.0)}, "3.0"},
      {"aten::floordiv.float", {Value(7.5), Value(-2.0)}, "-4.0"},
      {"aten::floordiv.float", {Value(1.0), Value(0.1)}, "10.0"},  // 1.13; Python: 9.0
      {"aten::floordiv.float", {Value(7.5), Value(0.0)}, "inf"},   // 1.13; Python raises
      {"aten::floordiv.int_float", {Value(7), Value(0.0)}, "inf"},
      {"aten::remainder.float", {Value(7.5), Value(-2.0)}, "-0.5"},
      {"aten::remainder.float", {Value(-7.5), Value(2.0)}, "0.5"},
      {"aten::remainder.float", {Value(-0.0), Value(2.0)}, "0.0"},
      {"aten::remainder.float", {Value(6.0), Value(-2.0)}, "-0.0"},
      {"aten::remainder.float", {Value(7.5), Value(0.0)}, "nan"},  // 1.13; Python raises
      {"aten::remainder.float_int", {Value(7.5), Value(0)}, "nan"},
      {"aten::div.float", {Value(1.0), Value(0.0)}, "inf"},
      {"aten::div.float", {Value(-1.0), Value(0.0)}, "-inf"},
      {"aten::pow.float", {Value(-8.0), Value(1.0 / 3)}, "nan"},  // 1.13; Python: complex
      {"aten::pow.float", {Value(0.0), Value(-1.0)},
       "!RuntimeError: 0.0 cannot be raised to a negative power"},
      {"aten::divmod.float", {Value(7.5), Value(-2.0)}, "(-4.0, -0.5)"},
      {"aten::divmod.float", {Value(-7.5), Value(2.0)}, "(-4.0, 0.5)"},
      {"aten::divmod.float", {Value(-0.0), Value(1.0)}, "(-0.0, 0.0)"},
      {"aten::divmod.float", {Value(7.5), Value(0.0)},
       "!RuntimeError: ZeroDivisionError: float divmod()"},
      {"aten::neg.float", {Value(0.0)}, "-0.0"},
      {"aten::round.float", {Value(2.5)}, "2.0"},  // half to even
      {"aten::round.float", {Value(3.5)}, "4.0"},
      {"aten::round.float", {Value(-2.5)}, "-2.0"},
      {"aten::round.float", {Value(0.49999999999999994)}, "0.0"},
      {"aten::round.int", {Value(3)}, "3.0"},  // 1.13: a float
      {"aten::add.complex", {Value(c10::complex<double>(1, 2)), Value(c10::complex<double>(0, -2))},
       "(1+0j)"},
      {"aten::mul.int_complex", {Value(2), Value(c10::complex<double>(1, 2))}, "(2+4j)"},
  });
}

TEST(Builtins, Comparisons) {
  runCases({
      {"aten::lt.int", {Value(1), Value(2)}, "True"},
      {"aten::ge.float", {Value(1.0), Value(2.0)}, "False"},
      {"aten::eq.int_float", {Value(2), Value(2.0)}, "True"},
      // 1.13 compares int with float as doubles: 2**53 + 1 == 2.0**53
      {"aten::eq.int_float", {Value(int64_t(9007199254740993)), Value(9007199254740992.0)}, "True"},
      {"aten::ne.float", {Value(std::nan("")), Value(std::nan(""))}, "True"},
      {"aten::lt.str", {Value("a"), Value("B")}, "False"},
      {"aten::lt.str", {Value("abc"), Value("abd")}, "True"},
      {"aten::eq.str", {Value("x"), Value("x")}, "True"},
      {"aten::eq.bool", {Value(true), Value(true)}, "True"},
      {"aten::eq", {Value(1), Value(1.0)}, "True"},
      {"aten::eq.int_list", {ints({1, 2}), ints({1, 2})}, "True"},
      {"aten::ne.str_list", {strs({"a"}), strs({"a", "b"})}, "True"},
      {"aten::eq.float_list", {floats({std::nan("")}), floats({std::nan("")})}, "False"},
  });
}

TEST(Builtins, Conversions) {
  runCases({
      {"aten::Int.float", {Value(-2.7)}, "-2"},
      {"aten::Int.float", {Value(std::numeric_limits<double>::infinity())},
       "-9223372036854775808"},  // 1.13; Python raises OverflowError
      {"aten::Int.float", {Value(std::nan(""))}, "-9223372036854775808"},  // 1.13
      {"aten::Int.float", {Value(1e30)}, "-9223372036854775808"},          // 1.13
      {"aten::Int.bool", {Value(true)}, "1"},
      {"aten::Int.Scalar", {Value(3.9)}, "3"},
      {"aten::Int.str", {Value("-5")}, "-5"},
      {"aten::Int.str", {Value("+7")}, "7"},
      {"aten::Int.str", {Value("  12 ")},
       "!RuntimeError: invalid literal for int() with base 10: '  12 '"},  // 1.13
      {"aten::Int.str", {Value("1_000")},
       "!RuntimeError: invalid literal for int() with base 10: '1_000'"},  // 1.13
      {"aten::Int.str", {Value("0x10")},
       "!RuntimeError: invalid literal for int() with base 10: '0x10'"},
      {"aten::Float.str", {Value("1e3")}, "1000.0"},
      {"aten::Float.str", {Value("inf")}, "inf"},
      {"aten::Float.str", {Value("0x10")}, "16.0"},  // 1.13 (strtod); Python raises
      {"aten::Float.str", {Value(" 1.5 ")},
       "!RuntimeError: could not convert string to float: ' 1.5 '"},  // 1.13
      {"aten::Float.int", {Value(3)}, "3.0"},
      {"aten::Bool.float", {Value(0.0)}, "False"},
      {"aten::Bool.int", {Value(-3)}, "True"},
      {"aten::Complex.int_float", {Value(1), Value(-2.5)}, "(1-2.5j)"},
      {"aten::str", {floats({1.0, 0.1})}, "'[1., 0.10000000000000001]'"},  // 1.13's printing
      {"aten::str", {strs({"a", "it's"})}, "\"[a, it's]\""},
      {"aten::hex", {Value(-10)}, "'-0xa'"},
      {"aten::bin", {Value(-10)}, "'-0b1010'"},
      {"aten::oct", {Value(-10)}, "'-0o12'"},
      {"aten::hex", {Value(std::numeric_limits<int64_t>::min())}, "'-0x8000000000000000'"},
      {"aten::ord", {Value("a")}, "97"},
      {"aten::ord", {Value("\xce\xbb")},  // 'λ': 1.13 counts bytes
       "!RuntimeError: String for ord() must be 1 character, found 2"},
      {"aten::chr", {Value(97)}, "'a'"},
      {"aten::chr", {Value(-1)}, "!RuntimeError: chr() arg not in range(0x110000), found -1"},
  });
}

TEST(Builtins, Strings) {
  runCases({
      {"aten::slice.str", {Value("abcdef"), Value(), Value(), Value(2)}, "'ace'"},
      {"aten::slice.str", {Value("abcdef"), Value(), Value(), Value(-2)}, "'fdb'"},
      {"aten::slice.str", {Value("abcdef"), Value(-2), Value(1), Value(-1)}, "'edc'"},
      {"aten::slice.str", {Value("abcdef"), Value(10), Value(), Value(1)}, "''"},
      {"aten::slice.str", {Value("hello"), Value(1), Value(-1), Value(1)}, "'ell'"},
      {"aten::slice.str", {Value("abc"), Value(), Value(), Value(0)},
       "!RuntimeError: slice step cannot be zero"},
      {"aten::__getitem__.str", {Value("abc"), Value(-1)}, "'c'"},
      {"aten::__getitem__.str", {Value("ab"), Value(10)}, "!RuntimeError: string index out of range"},
      {"aten::len.str", {Value("\xce\xbb")}, "2"},  // 1.13 counts bytes
      {"aten::add.str", {Value("ab"), Value("cd")}, "'abcd'"},
      {"aten::split.str", {Value(" a  b c "), Value(), Value(-1)}, "['a', 'b', 'c']"},
      {"aten::split.str", {Value("a,b,,c"), Value(","), Value(-1)}, "['a', 'b', '', 'c']"},
      {"aten::split.str", {Value("a b c"), Value(), Value(1)}, "['a', 'b c']"},
      {"aten::split.str", {Value("  a b  "), Value(), Value(1)}, "['a', 'b  ']"},
      {"aten::join", {Value("-"), strs({"a", "b", "c"})}, "'a-b-c'"},
      {"aten::replace", {Value("aaa"), Value("a"), Value("b"), Value(2)}, "'bba'"},
      {"aten::replace", {Value("ab"), Value(""), Value("-"), Value(-1)}, "'-a-b-'"},
      {"aten::strip", {Value("xxhixx"), Value("x")}, "'hi'"},
      {"aten::lstrip", {Value(" \thi "), Value(" \n\t\f\v")}, "'hi '"},
      {"aten::swapcase", {Value("Hello")}, "'hELLO'"},
      {"aten::upper", {Value("a1b")}, "'A1B'"},
      {"aten::find", {Value("abcabc"), Value("c"), Value(3), Value(-1)}, "5"},
      {"aten::rfind", {Value("abcabc"), Value("c"), Value(0), Value(4)}, "2"},
      {"aten::index.str", {Value("abc"), Value("z"), Value(0), Value(-1)},
       "!RuntimeError: ValueError: substring not found"},
      {"aten::count", {Value("aaaa"), Value("aa"), Value(0), Value(-1)}, "2"},
      {"aten::zfill", {Value("-42"), Value(6)}, "'-00042'"},
      {"aten::startswith", {Value("abc"), Value("bc"), Value(1), Value(-1)}, "True"},
      {"aten::endswith", {Value("abc"), Value("b"), Value(0), Value(2)}, "True"},
      {"aten::isdigit", {Value("123")}, "True"},
      {"aten::isdigit", {Value("")}, "False"},
      {"aten::islower", {Value("ab1")}, "True"},
      {"aten::isupper", {Value("1")}, "False"},
      {"aten::list", {Value("ab")}, "['a', 'b']"},
      {"aten::__contains__.str_list", {strs({"a", "b"}), Value("b")}, "True"},
      // format: the input count (here 3: the pattern and two values) is pushed last.
      {"aten::format", {Value("{} and {}"), Value(1), Value(2.0), Value(3)}, "'1 and 2.'"},
  });
}

TEST(Builtins, Lists) {
  runCases({
      {"aten::__getitem__.t", {ints({1, 2, 3}), Value(-1)}, "3"},
      {"aten::__getitem__.t", {ints({1}), Value(10)}, "!RuntimeError: list index out of range"},
      {"aten::__getitem__.t", {ints({1}), Value(-2)}, "!RuntimeError: list index out of range"},
      {"aten::_set_item.t", {ints({1, 2}), Value(-1), Value(9)}, "[1, 9]"},
      {"aten::_set_item.t", {ints({1}), Value(10), Value(1)},
       "!RuntimeError: list index out of range"},
      {"aten::slice.t", {ints({1, 2, 3}), Value(), Value(), Value(-1)}, "[3, 2, 1]"},
      {"aten::slice.t", {ints({1, 2, 3, 4, 5}), Value(1), Value(4), Value(2)}, "[2, 4]"},
      {"aten::slice.t", {ints({1, 2, 3}), Value(-10), Value(10), Value(1)}, "[1, 2, 3]"},
      {"aten::slice.t", {ints({1, 2, 3}), Value(5), Value(), Value(1)}, "[]"},
      {"aten::len.t", {ints({1, 2, 3})}, "3"},
      {"aten::add.t", {ints({1}), ints({2, 3})}, "[1, 2, 3]"},
      {"aten::mul.left_t", {ints({1, 2}), Value(2)}, "[1, 2, 1, 2]"},
      {"aten::mul.left_t", {ints({1, 2}), Value(-1)}, "[]"},  // 1.13 dies ("vector::reserve")
      {"aten::mul.right_", {Value(2), strs({"a"})}, "['a', 'a']"},
      {"aten::pop.t", {ints({1, 2, 3}), Value(-1)}, "3"},
      {"aten::pop.t", {ints({1, 2, 3}), Value(0)}, "1"},
      {"aten::pop.t", {ints({}), Value(-1)}, "!RuntimeError: pop from empty list"},
      {"aten::pop.t", {ints({1}), Value(7)}, "!RuntimeError: list index out of range"},
      {"aten::remove.int", {ints({1}), Value(99)},
       "!RuntimeError: list.remove(x): x not in list"},
      {"aten::index.list_int", {ints({5, 6, 6}), Value(6)}, "1"},
      {"aten::index.list_int", {ints({1}), Value(99)}, "!RuntimeError: '99' is not in list"},  // 1.13
      {"aten::count.int", {ints({1, 2, 1}), Value(1)}, "2"},
      {"aten::Delete.t", {ints({1}), Value(10)}, "!RuntimeError: list index out of range"},
      {"aten::__contains__.int_list", {ints({1, 2}), Value(2)}, "True"},
      {"aten::__contains__.float_list", {floats({1.0}), Value(2.0)}, "False"},
      {"aten::sum.int", {ints({1, 2, 3})}, "6"},
      {"aten::sum.float", {floats({0.1, 0.2})}, "0.30000000000000004"},
      {"aten::any.int", {ints({0, 0, 3})}, "True"},
      {"aten::all.int", {ints({})}, "True"},
      {"aten::any.str", {strs({"", ""})}, "False"},
      {"aten::sorted.int", {ints({3, 1, 2})}, "[1, 2, 3]"},
      {"aten::sorted.str", {strs({"b", "B", "a"})}, "['B', 'a', 'b']"},
      {"prim::min.self_int", {ints({3, 1, 2})}, "1"},
      {"prim::max.self_float", {floats({0.5, 2.5})}, "2.5"},
      {"prim::min.self_int", {ints({})}, "!RuntimeError: min() arg is an empty sequence"},
      {"prim::max.int_list", {ints({1, 2}), ints({1, 3})}, "[1, 3]"},
      {"prim::min.int_list", {ints({1, 2}), ints({1, 2, 0})}, "[1, 2]"},
  });
}

TEST(Builtins, ListMutationIsVisibleThroughAliases) {
  Value list = ints({1, 2});
  Value alias = list;
  Stack stack{alias, Value(3)};
  findBuiltinOperator("aten::append.t")->function(stack);
  ASSERT_EQ(stack.size(), 1u);  // append returns the list itself
  EXPECT_TRUE(stack[0].isSameIdentity(list));
  EXPECT_EQ(list.repr(), "[1, 2, 3]");

  stack = {list, Value(-100), Value(5)};  // l.insert(-100, 5); insert(100, 6); insert(-1, 7)
  findBuiltinOperator("aten::insert.t")->function(stack);
  stack = {list, Value(100), Value(6)};
  findBuiltinOperator("aten::insert.t")->function(stack);
  stack = {list, Value(-1), Value(7)};
  findBuiltinOperator("aten::insert.t")->function(stack);
  EXPECT_EQ(list.repr(), "[5, 1, 2, 3, 7, 6]");

  stack = {list, list};  // a.extend(a) appends a's elements once
  findBuiltinOperator("aten::extend.t")->function(stack);
  EXPECT_EQ(list.toList().elements.size(), 12u);

  Value copy = list;
  stack = {copy};
  findBuiltinOperator("aten::list.t")->function(stack);
  EXPECT_FALSE(stack[0].isSameIdentity(list));  // list(l) copies
}

TEST(Builtins, SortIsStableAndReverseKeepsEqualOrder) {
  auto pair = [](int64_t k, const char* v) { return makeTuple({Value(k), Value(v)}); };
  Value list = makeList(types::tupleOf({types::intType(), types::strType()}),
                        {pair(2, "b"), pair(1, "z"), pair(2, "a")});
  Stack stack{list, Value(false)};
  findBuiltinOperator("aten::sort.any")->function(stack);
  EXPECT_EQ(list.repr(), "[(1, 'z'), (2, 'a'), (2, 'b')]");  // sorted([(2,'b'),(1,'z'),(2,'a')])

  // Equal keys under reverse=True keep their original order, as Python's sort does.
  Value floatsList = floats({1.0, 3.0, 2.0});
  stack = {floatsList, Value(true)};
  findBuiltinOperator("aten::sort.float")->function(stack);
  EXPECT_EQ(floatsList.repr(), "[3.0, 2.0, 1.0]");
}

TEST(Builtins, Dicts) {
  runCases({
      {"aten::__getitem__.Dict_str", {strIntDict({{"a", 1}}), Value("a")}, "1"},
      {"aten::__getitem__.Dict_str", {strIntDict({{"a", 1}}), Value("zz")},
       "!RuntimeError: KeyError: zz"},  // 1.13's message
      {"aten::get.str", {strIntDict({{"a", 1}}), Value("zz")}, "None"},
      {"aten::get.default_str", {strIntDict({{"a", 1}}), Value("zz"), Value(7)}, "7"},
      {"aten::len.Dict_str", {strIntDict({{"a", 1}, {"b", 2}})}, "2"},
      {"aten::__contains__.str", {strIntDict({{"a", 1}}), Value("a")}, "True"},
      {"aten::keys.str", {strIntDict({{"b", 1}, {"a", 2}})}, "['b', 'a']"},
      {"aten::values.str", {strIntDict({{"b", 1}, {"a", 2}})}, "[1, 2]"},
      {"aten::items.str", {strIntDict({{"b", 1}, {"a", 2}})}, "[('b', 1), ('a', 2)]"},
      {"aten::popitem.str", {strIntDict({{"a", 1}, {"b", 2}})}, "('a', 1)"},  // 1.13: first
      {"aten::popitem.str", {strIntDict({})}, "!RuntimeError: popitem(): dictionary is empty"},
      {"aten::pop.Dict_str", {strIntDict({{"a", 1}}), Value("zz")}, "!RuntimeError: KeyError: zz"},
      {"aten::pop.Dict_default_str", {strIntDict({{"a", 1}}), Value("zz"), Value(0)}, "0"},
      {"aten::Delete.Dict_str", {strIntDict({{"a", 1}}), Value("zz")},
       "!RuntimeError: KeyError: zz"},
      {"aten::setdefault.str", {strIntDict({{"a", 1}}), Value("a"), Value(5)}, "1"},
      {"aten::copy.Dict_str", {strIntDict({{"x", 1}, {"y", 2}})}, "{'x': 1, 'y': 2}"},
      {"aten::dict", {}, "{}"},
  });
}

TEST(Builtins, DictMutationOrderAndAliases) {
  Value dict = strIntDict({{"a", 1}, {"b", 2}, {"c", 3}});
  Stack stack{dict, Value("a")};
  findBuiltinOperator("aten::Delete.Dict_str")->function(stack);
  stack = {dict, Value("a"), Value(9)};
  findBuiltinOperator("aten::_set_item.str")->function(stack);
  stack = {dict, Value("b"), Value(20)};
  findBuiltinOperator("aten::_set_item.str")->function(stack);
  EXPECT_EQ(dict.repr(), "{'b': 20, 'c': 3, 'a': 9}");  // Python: del then re-insert goes last
  stack = {dict, strIntDict({{"c", 30}, {"d", 4}})};
  findBuiltinOperator("aten::update.str")->function(stack);
  EXPECT_EQ(dict.repr(), "{'b': 20, 'c': 30, 'a': 9, 'd': 4}");
  stack = {dict, Value("e"), Value(5)};
  findBuiltinOperator("aten::setdefault.str")->function(stack);
  EXPECT_EQ(dict.repr(), "{'b': 20, 'c': 30, 'a': 9, 'd': 4, 'e': 5}");
  stack = {dict};
  findBuiltinOperator("aten::clear.str")->function(stack);
  EXPECT_EQ(dict.repr(), "{}");
}

TEST(Builtins, Math) {
  runCases({
      {"aten::floor.float", {Value(-2.5)}, "-3"},
      {"aten::ceil.float", {Value(2.1)}, "3"},
      {"aten::copysign.int_float", {Value(3), Value(-0.0)}, "-3.0"},
      {"aten::fmod.int", {Value(-7), Value(2)}, "-1.0"},
      {"aten::mathremainder.int", {Value(7), Value(2)}, "-1.0"},
      {"aten::gcd.int", {Value(-12), Value(18)}, "6"},
      {"aten::factorial.int", {Value(10)}, "3628800"},
      {"aten::degrees.float", {Value(M_PI)}, "180.0"},
      {"aten::sqrt.int", {Value(16)}, "4.0"},
      {"aten::sqrt.float", {Value(-1.0)}, "nan"},  // 1.13 (C library); Python raises
      {"aten::log.float", {Value(0.0)}, "-inf"},   // 1.13; Python raises
      {"aten::isnan.float", {Value(std::nan(""))}, "True"},
      {"aten::exp.Scalar", {Value(0)}, "1.0"},
  });
}

TEST(Builtins, Prim) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  runCases({
      {"prim::min.int", {Value(3), Value(-1)}, "-1"},
      {"prim::max.int_float", {Value(3), Value(2.5)}, "3.0"},
      {"prim::max", {Value(1), Value(2)}, "2"},
      {"prim::abs.int", {Value(-5)}, "5"},
      {"prim::abs.int", {Value(kMin)}, "-9223372036854775808"},  // 1.13: wraps
      {"prim::abs.float", {Value(-0.0)}, "0.0"},
      {"prim::abs.complex", {Value(c10::complex<double>(3, 4))}, "5.0"},
      {"aten::__is__", {Value(), Value()}, "True"},
      {"aten::__isnot__", {Value(1), Value()}, "True"},
      {"aten::eq.device", {Value(c10::Device("cpu")), Value(c10::Device("cpu"))}, "True"},
  });
  Value list = ints({1});
  Stack stack{list, list};
  findBuiltinOperator("aten::__is__")->function(stack);
  EXPECT_TRUE(stack.back().toBool());
  stack = {list, ints({1})};
  findBuiltinOperator("aten::__is__")->function(stack);
  EXPECT_FALSE(stack.back().toBool());
}

}  // namespace
}  // namespace tscript::runtime
