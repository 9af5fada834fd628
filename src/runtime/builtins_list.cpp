// List operators. The generic ones (`t[]`) serve every element type: a list carries its
// element type, so results such as slices and copies get the same element type.
//
// Lists are references: mutating operators change the ListObject in place, so every alias
// sees the change. Errors are the RuntimeErrors torch.jit 1.13 raises, with its messages
// ("list index out of range", "pop from empty list", "'3' is not in list").
#include <algorithm>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {

SliceBounds adjustSlice(int64_t length, const Value& startValue, const Value& endValue,
                        int64_t step) {
  if (step == 0) throwError("RuntimeError", "slice step cannot be zero");
  bool backwards = step < 0;
  int64_t start = startValue.isNone() ? (backwards ? length - 1 : 0) : startValue.toInt();
  int64_t end = endValue.isNone() ? (backwards ? -1 - length : length) : endValue.toInt();
  // Clamp as Python does: negative positions count from the end.
  auto clamp = [&](int64_t position) {
    if (position < 0) {
      position += length;
      if (position < 0) position = backwards ? -1 : 0;
    } else if (position >= length) {
      position = backwards ? length - 1 : length;
    }
    return position;
  };
  start = clamp(start);
  end = clamp(end);
  int64_t count = 0;
  if (step > 0 && start < end) count = (end - start - 1) / step + 1;
  if (step < 0 && end < start) count = (start - end - 1) / (-step) + 1;
  return {start, step, count};
}

namespace {

[[noreturn]] void indexOutOfRange() { throwError("RuntimeError", "list index out of range"); }

// Python's `<` for the sortable kinds: numbers, str, bool, and tuples/lists of them.
bool lessThan(const Value& a, const Value& b) {
  if ((a.isInt() || a.isBool()) && (b.isInt() || b.isBool())) {
    int64_t x = a.isBool() ? a.toBool() : a.toInt();
    int64_t y = b.isBool() ? b.toBool() : b.toInt();
    return x < y;
  }
  if ((a.isInt() || a.isFloat() || a.isBool()) && (b.isInt() || b.isFloat() || b.isBool())) {
    return a.toNumberAsFloat() < b.toNumberAsFloat();
  }
  if (a.isString() && b.isString()) return a.toStringRef() < b.toStringRef();
  if ((a.isTuple() && b.isTuple()) || (a.isList() && b.isList())) {
    const auto& x = a.isTuple() ? a.toTuple().elements : a.toList().elements;
    const auto& y = b.isTuple() ? b.toTuple().elements : b.toList().elements;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!valuesEqual(x[i], y[i])) return lessThan(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  throwError("RuntimeError", std::string("'<' not supported between instances of '") +
                                 a.kindName() + "' and '" + b.kindName() + "'");
}

// list.sort(reverse=...): stable, and with reverse equal elements keep their order too, as
// in Python.
void sortElements(std::vector<Value>& elements, bool reverse) {
  if (reverse) {
    std::stable_sort(elements.begin(), elements.end(),
                     [](const Value& a, const Value& b) { return lessThan(b, a); });
  } else {
    std::stable_sort(elements.begin(), elements.end(), lessThan);
  }
}

void append(Stack& stack) {
  Value element = pop(stack);
  stack.back().toList().elements.push_back(std::move(element));  // returns the list itself
}

void extend(Stack& stack) {
  Value other = pop(stack);
  Value self = pop(stack);
  auto& target = self.toList().elements;
  // Copy first: `a.extend(a)` must append a's elements once.
  std::vector<Value> added = other.toList().elements;
  target.insert(target.end(), std::make_move_iterator(added.begin()),
                std::make_move_iterator(added.end()));
}

void insert(Stack& stack) {
  Value element = pop(stack);
  int64_t index = pop(stack).toInt();
  Value self = pop(stack);
  auto& elements = self.toList().elements;
  int64_t n = static_cast<int64_t>(elements.size());
  if (index < 0) index = std::max<int64_t>(index + n, 0);
  index = std::min(index, n);
  elements.insert(elements.begin() + index, std::move(element));
}

void popAt(Stack& stack) {
  int64_t index = pop(stack).toInt();
  Value self = pop(stack);
  auto& elements = self.toList().elements;
  if (elements.empty()) throwError("RuntimeError", "pop from empty list");
  int64_t position = normalizeIndex(index, elements.size());
  if (position < 0) indexOutOfRange();
  Value element = std::move(elements[position]);
  elements.erase(elements.begin() + position);
  stack.push_back(std::move(element));
}

void removeFirst(Stack& stack) {
  Value element = pop(stack);
  Value self = pop(stack);
  auto& elements = self.toList().elements;
  auto it = std::find_if(elements.begin(), elements.end(),
                         [&](const Value& v) { return valuesEqual(v, element); });
  if (it == elements.end()) throwError("RuntimeError", "list.remove(x): x not in list");
  elements.erase(it);
}

void indexOf(Stack& stack) {
  Value element = pop(stack);
  Value self = pop(stack);
  const auto& elements = self.toList().elements;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (valuesEqual(elements[i], element)) return push(stack, i);
  }
  throwError("RuntimeError", "'" + scriptStr(element) + "' is not in list");
}

void countOf(Stack& stack) {
  Value element = pop(stack);
  Value self = pop(stack);
  int64_t count = 0;
  for (const Value& v : self.toList().elements) count += valuesEqual(v, element);
  push(stack, count);
}

void contains(Stack& stack) {
  Value element = pop(stack);
  Value self = pop(stack);
  const auto& elements = self.toList().elements;
  bool found = std::any_of(elements.begin(), elements.end(),
                           [&](const Value& v) { return valuesEqual(v, element); });
  push(stack, found);
}

void getItem(Stack& stack) {
  int64_t index = pop(stack).toInt();
  Value self = pop(stack);
  const auto& elements = self.toList().elements;
  int64_t position = normalizeIndex(index, elements.size());
  if (position < 0) indexOutOfRange();
  stack.push_back(elements[position]);
}

void setItem(Stack& stack) {
  Value element = pop(stack);
  int64_t index = pop(stack).toInt();
  Value& self = stack.back();  // returned
  auto& elements = self.toList().elements;
  int64_t position = normalizeIndex(index, elements.size());
  if (position < 0) indexOutOfRange();
  elements[position] = std::move(element);
}

void deleteItem(Stack& stack) {
  int64_t index = pop(stack).toInt();
  Value self = pop(stack);
  auto& elements = self.toList().elements;
  int64_t position = normalizeIndex(index, elements.size());
  if (position < 0) indexOutOfRange();
  elements.erase(elements.begin() + position);
}

void slice(Stack& stack) {
  int64_t step = pop(stack).toInt();
  Value end = pop(stack);
  Value start = pop(stack);
  Value self = pop(stack);
  const ListObject& list = self.toList();
  SliceBounds bounds = adjustSlice(static_cast<int64_t>(list.elements.size()), start, end, step);
  std::vector<Value> result;
  result.reserve(bounds.count);
  for (int64_t i = 0, at = bounds.start; i < bounds.count; ++i, at += bounds.step) {
    result.push_back(list.elements[at]);
  }
  stack.push_back(makeList(list.elementType, std::move(result)));
}

void copyList(Stack& stack) {
  const ListObject& list = stack.back().toList();
  stack.back() = makeList(list.elementType, list.elements);
}

void concatenate(Stack& stack) {
  Value b = pop(stack);
  Value a = pop(stack);
  const ListObject& left = a.toList();
  std::vector<Value> result = left.elements;
  const auto& right = b.toList().elements;
  result.insert(result.end(), right.begin(), right.end());
  stack.push_back(makeList(left.elementType, std::move(result)));
}

void repeat(const Value& listValue, int64_t times, Stack& stack) {
  const ListObject& list = listValue.toList();
  std::vector<Value> result;
  // 1.13 dies with "vector::reserve" for negative counts; Python gives [] and so do we.
  if (times > 0) {
    result.reserve(list.elements.size() * times);
    for (int64_t i = 0; i < times; ++i) {
      result.insert(result.end(), list.elements.begin(), list.elements.end());
    }
  }
  stack.push_back(makeList(list.elementType, std::move(result)));
}

void sortInPlace(Stack& stack) {
  bool reverse = pop(stack).toBool();
  Value self = pop(stack);
  sortElements(self.toList().elements, reverse);
}

void sortedCopy(Stack& stack) {
  const ListObject& list = stack.back().toList();
  std::vector<Value> elements = list.elements;
  sortElements(elements, false);
  stack.back() = makeList(list.elementType, std::move(elements));
}

// `xs += ys` (aten::add_.t): extends xs in place and returns it, as Python's list.__iadd__.
void extendReturningSelf(Stack& stack) {
  Value other = pop(stack);
  auto& target = stack.back().toList().elements;
  std::vector<Value> added = other.toList().elements;  // copied first: `a += a`
  target.insert(target.end(), std::make_move_iterator(added.begin()),
                std::make_move_iterator(added.end()));
}

// `xs *= n` (aten::mul_.t): repeats xs's elements in place (n <= 0 empties it), as
// Python's list.__imul__, and returns xs.
void repeatInPlace(Stack& stack) {
  int64_t times = pop(stack).toInt();
  auto& elements = stack.back().toList().elements;
  std::vector<Value> original = std::move(elements);
  elements.clear();
  if (times > 0) {
    elements.reserve(original.size() * times);
    for (int64_t i = 0; i < times; ++i) elements.insert(elements.end(), original.begin(), original.end());
  }
}

void listsEqual(Stack& stack) {
  Value b = pop(stack);
  stack.back() = Value(valuesEqual(stack.back(), b));
}

void listsNotEqual(Stack& stack) {
  Value b = pop(stack);
  stack.back() = Value(!valuesEqual(stack.back(), b));
}

bool truthy(const Value& v) {
  if (v.isBool()) return v.toBool();
  if (v.isInt()) return v.toInt() != 0;
  if (v.isFloat()) return v.toFloat() != 0.0;
  if (v.isString()) return !v.toStringRef().empty();
  return !v.isNone();
}

void anyTrue(Stack& stack) {
  const auto& elements = stack.back().toList().elements;
  bool result = std::any_of(elements.begin(), elements.end(), truthy);
  stack.back() = Value(result);
}

void allTrue(Stack& stack) {
  const auto& elements = stack.back().toList().elements;
  bool result = std::all_of(elements.begin(), elements.end(), truthy);
  stack.back() = Value(result);
}

void sumInts(Stack& stack) {
  uint64_t sum = 0;  // wraps, as int arithmetic does
  for (const Value& v : stack.back().toList().elements) {
    sum += uint64_t(v.isBool() ? int64_t(v.toBool()) : v.toInt());
  }
  stack.back() = Value(int64_t(sum));
}

void sumFloats(Stack& stack) {
  double sum = 0;
  for (const Value& v : stack.back().toList().elements) sum += v.toFloat();
  stack.back() = Value(sum);
}

void sumComplex(Stack& stack) {
  c10::complex<double> sum(0, 0);
  for (const Value& v : stack.back().toList().elements) sum += v.toComplex();
  stack.back() = Value(sum);
}

const std::vector<BuiltinOperator> kOperators = {
    {"aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)", append},
    {"aten::extend.t(t[](a!) self, t[] other) -> ()", extend},
    {"aten::insert.t(t[](a!) self, int idx, t(b -> *) el) -> ()", insert},
    {"aten::pop.t(t[](a!) self, int idx=-1) -> t(*)", popAt},
    {"aten::clear.t(t[](a!) self) -> ()", [](Stack& s) {
       Value self = pop(s);
       self.toList().elements.clear();
     }},
    {"aten::reverse.t(t[](a!) self) -> ()",
     [](Stack& s) {
       Value self = pop(s);
       auto& elements = self.toList().elements;
       std::reverse(elements.begin(), elements.end());
     }},
    {"aten::len.t(t[] a) -> int",
     [](Stack& s) { s.back() = Value(s.back().toList().elements.size()); }},
    {"aten::len.any(Any[] a) -> int",
     [](Stack& s) { s.back() = Value(s.back().toList().elements.size()); }},
    {"aten::__getitem__.t(t[](a) list, int idx) -> t(*)", getItem},
    {"aten::select.t(t[](a) list, int idx) -> t(*)", getItem},
    {"aten::_set_item.t(t[](a!) l, int idx, t(b -> *) el) -> t[](a!)", setItem},
    {"aten::Delete.t(t[](a!) self, int idx) -> ()", deleteItem},
    {"aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[]", slice},
    {"aten::list.t(t[] l) -> t[]", copyList},
    {"aten::copy.t(t[](a) self) -> t[]", copyList},
    {"aten::add.t(t[] a, t[] b) -> t[]", concatenate},
    {"aten::add_.t(t[](a!) self, t[] b) -> t[]", extendReturningSelf},
    {"aten::mul_.t(t[](a!) l, int n) -> t[](a!)", repeatInPlace},
    {"aten::mul.left_t(t[] l, int n) -> t[]",
     [](Stack& s) {
       int64_t n = pop(s).toInt();
       Value list = pop(s);
       repeat(list, n, s);
     }},
    {"aten::mul.right_(int n, t[] l) -> t[]",
     [](Stack& s) {
       Value list = pop(s);
       int64_t n = pop(s).toInt();
       repeat(list, n, s);
     }},
    {"aten::__contains__.int_list(int[] l, int item) -> bool", contains},
    {"aten::__contains__.float_list(float[] l, float item) -> bool", contains},
    {"aten::__contains__.str_list(str[] l, str item) -> bool", contains},
    {"aten::remove.int(int[](a!) self, int el) -> ()", removeFirst},
    {"aten::remove.float(float[](a!) self, float el) -> ()", removeFirst},
    {"aten::remove.bool(bool[](a!) self, bool el) -> ()", removeFirst},
    {"aten::remove.str(str[](a!) self, str el) -> ()", removeFirst},
    {"aten::index.list_int(int[] self, int el) -> int", indexOf},
    {"aten::index.list_float(float[] self, float el) -> int", indexOf},
    {"aten::index.list_bool(bool[] self, bool el) -> int", indexOf},
    {"aten::index.list_str(str[] self, str el) -> int", indexOf},
    {"aten::count.int(int[] self, int el) -> int", countOf},
    {"aten::count.float(float[] self, float el) -> int", countOf},
    {"aten::count.bool(bool[] self, bool el) -> int", countOf},
    {"aten::count.str(str[] self, str el) -> int", countOf},
    {"aten::sort.int(int[](a!) self, bool reverse=False) -> ()", sortInPlace},
    {"aten::sort.float(float[](a!) self, bool reverse=False) -> ()", sortInPlace},
    {"aten::sort.bool(bool[](a!) self, bool reverse=False) -> ()", sortInPlace},
    {"aten::sort.str(str[](a!) self, bool reverse=False) -> ()", sortInPlace},
    {"aten::sort.any(t[](a!) self, bool reverse=False) -> ()", sortInPlace},
    {"aten::sorted.int(int[](a) input) -> int[]", sortedCopy},
    {"aten::sorted.float(float[](a) input) -> float[]", sortedCopy},
    {"aten::sorted.bool(bool[](a) input) -> bool[]", sortedCopy},
    {"aten::sorted.str(str[](a) input) -> str[]", sortedCopy},
    {"aten::sorted.any(t[](a) self) -> t[]", sortedCopy},
    {"aten::eq.int_list(int[] a, int[] b) -> bool", listsEqual},
    {"aten::eq.float_list(float[] a, float[] b) -> bool", listsEqual},
    {"aten::eq.bool_list(bool[] a, bool[] b) -> bool", listsEqual},
    {"aten::eq.str_list(str[] a, str[] b) -> bool", listsEqual},
    {"aten::ne.int_list(int[] a, int[] b) -> bool", listsNotEqual},
    {"aten::ne.float_list(float[] a, float[] b) -> bool", listsNotEqual},
    {"aten::ne.bool_list(bool[] a, bool[] b) -> bool", listsNotEqual},
    {"aten::ne.str_list(str[] a, str[] b) -> bool", listsNotEqual},
    {"aten::sum.int(int[] self) -> int", sumInts},
    {"aten::sum.bool(bool[] self) -> int", sumInts},
    {"aten::sum.float(float[] self) -> float", sumFloats},
    {"aten::sum.complex(complex[] self) -> complex", sumComplex},
    {"aten::any.str(str[] self) -> bool", anyTrue},
    {"aten::any.int(int[] self) -> bool", anyTrue},
    {"aten::any.float(float[] self) -> bool", anyTrue},
    {"aten::any.bool(bool[] self) -> bool", anyTrue},
    {"aten::all.int(int[] self) -> bool", allTrue},
    {"aten::all.float(float[] self) -> bool", allTrue},
    {"aten::all.bool(bool[] self) -> bool", allTrue},
};

}  // namespace

const std::vector<BuiltinOperator>& listOperators() { return kOperators; }

}  // namespace tscript::runtime
