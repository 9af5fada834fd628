#include "compiler/sugared_value.h"

#include <algorithm>
#include <limits>

#include "compiler/function_emitter.h"
#include "compiler/torch_constants.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

// ---- defaults: the operation does not apply to this kind of value -------------------------------

ir::Value* SugaredValue::asValue(const lang::SourceRange& range, FunctionEmitter&) {
  throw lang::CompileError(range, describe() + " cannot be used as a value");
}

SugaredValuePtr SugaredValue::attr(const lang::SourceRange& range, FunctionEmitter&,
                                   const std::string& name) {
  throw lang::CompileError(range, describe() + " has no attribute '" + name + "'");
}

SugaredValuePtr SugaredValue::call(const lang::SourceRange& range, FunctionEmitter&,
                                   std::vector<NamedValue>) {
  throw lang::CompileError(range, describe() + " is not callable");
}

std::optional<std::vector<SugaredValuePtr>> SugaredValue::unrolledElements(
    const lang::SourceRange&, FunctionEmitter&) {
  return std::nullopt;
}

std::unique_ptr<LoopIteration> SugaredValue::iterate(const lang::SourceRange& range,
                                                     FunctionEmitter&) {
  throw lang::CompileError(range, describe() + " cannot be iterated over");
}

// ---- SimpleValue -------------------------------------------------------------------------------

std::string SimpleValue::describe() const {
  return "a value of type '" + value_->type()->annotationStr() + "'";
}

namespace {

// x.double(), x.long(), ...: the dtype each of these Tensor methods converts to (1.13 has
// these, but not x.bool() or x.bfloat16()).
std::optional<int64_t> tensorCastMethodDtype(const std::string& name) {
  static const std::map<std::string, const char*> kMethods = {
      {"byte", "uint8"},  {"char", "int8"},      {"short", "int16"},    {"int", "int32"},
      {"long", "int64"},  {"half", "float16"},   {"float", "float32"},  {"double", "float64"},
      {"cfloat", "complex64"}, {"cdouble", "complex128"},
  };
  auto method = kMethods.find(name);
  if (method == kMethods.end()) return std::nullopt;
  return torchEnumConstant(method->second);
}

// The bound method x.double: calling it is x.to(torch.float64), as 1.13 emits it.
class TensorCastMethod final : public SugaredValue {
 public:
  TensorCastMethod(ir::Value* self, int64_t dtype, std::string name)
      : self_(self), dtype_(dtype), name_(std::move(name)) {}
  std::string describe() const override { return "method Tensor." + name_; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    if (!args.empty()) throw lang::CompileError(range, name_ + "() takes no arguments");
    return std::make_shared<SimpleValue>(
        emitter.emitBuiltin("aten::to", {self_, emitter.insertConstant(dtype_, range)}, range));
  }

 private:
  ir::Value* self_;
  int64_t dtype_;
  std::string name_;
};

}  // namespace

SugaredValuePtr SimpleValue::attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  const std::string& name) {
  types::TypeKind kind = value_->type()->kind();
  if (kind == types::TypeKind::Class || kind == types::TypeKind::Interface) {
    if (SugaredValuePtr object = emitter.objectValue(value_)) return object->attr(range, emitter, name);
  }
  if (const auto* tuple = value_->type()->as<types::TupleType>(); tuple && tuple->hasFieldNames()) {
    // `out.logits`, `x.max(dim=1).values`: the field's element (prim::TupleIndex, as
    // torch.jit reads it).
    const auto& fields = tuple->fieldNames();
    auto field = std::find(fields.begin(), fields.end(), name);
    if (field != fields.end()) {
      int64_t index = field - fields.begin();
      ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "TupleIndex"),
                                          {value_, emitter.insertConstant(index, range)}, 1, range);
      return std::make_shared<SimpleValue>(node->output()->setType(tuple->elements()[index]));
    }
  }
  if (kind == types::TypeKind::Tensor) {
    // Tensor properties are prim ops (x.dtype -> prim::dtype); x.shape is x.size().
    static const std::map<std::string, std::pair<const char*, types::TypePtr (*)()>> kProperties = {
        {"dtype", {"prim::dtype", types::intType}},
        {"device", {"prim::device", types::deviceType}},
        {"is_cuda", {"prim::is_cuda", types::boolType}},
        {"is_nested", {"prim::is_nested", types::boolType}},
        {"requires_grad", {"prim::requires_grad", types::boolType}},
        {"data", {"prim::data", types::tensorType}},
        {"layout", {"prim::layout", types::intType}},
    };
    auto property = kProperties.find(name);
    if (property != kProperties.end()) {
      ir::Node* node = emitter.insertNode(ir::Symbol::fromQualString(property->second.first),
                                          {value_}, 1, range);
      return std::make_shared<SimpleValue>(node->output()->setType(property->second.second()));
    }
    if (name == "shape") {
      return std::make_shared<SimpleValue>(emitter.emitBuiltin("aten::size", {value_}, range));
    }
    if (name == "T") {
      return std::make_shared<SimpleValue>(emitter.emitBuiltin("aten::numpy_T", {value_}, range));
    }
    if (name == "ndim") {
      return std::make_shared<SimpleValue>(emitter.emitBuiltin("aten::dim", {value_}, range));
    }
    if (std::optional<int64_t> dtype = tensorCastMethodDtype(name)) {
      return std::make_shared<TensorCastMethod>(value_, *dtype, name);
    }
  }
  if (const auto* enumType = value_->type()->as<types::EnumType>()) {
    // c.name / c.value (prim::EnumName / prim::EnumValue, without a source location, as
    // 1.13 emits them).
    if (name == "name" || name == "value") {
      // A constant member's name and value are constants: 1.13's constant propagation folds
      // them so (`Color.RED.value` is `prim::Constant[value=1]()`, no source location).
      ir::ConstantValue member;
      if (ir::constantValueOf(value_->node(), member) &&
          member.kind == ir::ConstantValue::Kind::EnumCase) {
        std::string memberName = member.text.substr(member.text.rfind('.') + 1);
        if (const types::EnumType::Member* found = enumType->findMember(memberName)) {
          emitter.discardUnusedConstant(value_);
          if (name == "name") return std::make_shared<SimpleValue>(emitter.insertStringConstant(memberName));
          const types::ConstantLiteral& literal = found->value;
          switch (literal.kind) {
            case types::ConstantLiteral::Kind::Int:
              return std::make_shared<SimpleValue>(emitter.insertConstant(literal.intValue));
            case types::ConstantLiteral::Kind::Float:
              return std::make_shared<SimpleValue>(emitter.insertConstant(literal.floatValue));
            case types::ConstantLiteral::Kind::Str:
              return std::make_shared<SimpleValue>(emitter.insertStringConstant(literal.strValue));
            default:
              break;  // (values are int, float or str: EnumType::create checks)
          }
        }
      }
      ir::Node* node = emitter.insertNode(
          ir::Symbol::make("prim", name == "name" ? "EnumName" : "EnumValue"), {value_}, 1, {});
      return std::make_shared<SimpleValue>(node->output()->setType(
          name == "name" ? types::strType() : enumType->valueType()));
    }
    throw lang::CompileError(range, "enum '" + enumType->qualifiedName() +
                                        "' members have only 'name' and 'value'; '" + name +
                                        "' is neither");
  }
  if (kind == types::TypeKind::Device && (name == "type" || name == "index")) {
    // device.type is "cpu"/"cuda", device.index an int or None.
    return std::make_shared<SimpleValue>(emitter.emitBuiltin(
        ir::Symbol::fromQualString(name == "type" ? "prim::type" : "prim::index"), {{range, "", value_}},
        range));
  }
  // A method of a builtin type: x.add(y), l.append(v), s.lower().
  ir::Symbol method = ir::Symbol::make("aten", name);
  if (emitter.matcher().hasOperator(method)) return std::make_shared<BuiltinFunction>(method, value_);
  throw lang::CompileError(range, "'" + value_->type()->annotationStr() +
                                      "' object has no attribute or method '" + name + "'");
}

SugaredValuePtr SimpleValue::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  std::vector<NamedValue> args) {
  types::TypeKind kind = value_->type()->kind();
  if (kind == types::TypeKind::Class || kind == types::TypeKind::Interface) {
    if (SugaredValuePtr object = emitter.objectValue(value_)) {
      return object->call(range, emitter, std::move(args));
    }
  }
  return SugaredValue::call(range, emitter, std::move(args));
}

std::optional<std::vector<SugaredValuePtr>> SimpleValue::unrolledElements(
    const lang::SourceRange& range, FunctionEmitter& emitter) {
  if (value_->type()->kind() == types::TypeKind::Class) {
    if (SugaredValuePtr object = emitter.objectValue(value_)) {
      return object->unrolledElements(range, emitter);
    }
  }
  auto* tuple = value_->type()->as<types::TupleType>();
  if (!tuple) return std::nullopt;
  ir::Node* unpack = emitter.insertNode(ir::Symbol::make("prim", "TupleUnpack"), {value_},
                                        tuple->elements().size(), range);
  std::vector<SugaredValuePtr> elements;
  for (size_t i = 0; i < tuple->elements().size(); ++i) {
    unpack->output(i)->setType(tuple->elements()[i]);
    elements.push_back(std::make_shared<SimpleValue>(unpack->output(i)));
  }
  return elements;
}

namespace {

// for x in <list | str | tensor>: len() iterations, element i is x[i].
class IndexedIteration final : public LoopIteration {
 public:
  explicit IndexedIteration(ir::Value* sequence) : sequence_(sequence) {}
  ir::Value* tripCount(FunctionEmitter& emitter, const lang::SourceRange& range) override {
    return emitter.emitBuiltin("aten::len", {sequence_}, range);
  }
  SugaredValuePtr element(FunctionEmitter& emitter, const lang::SourceRange& range,
                          ir::Value* index) override {
    if (sequence_->type()->kind() == types::TypeKind::Tensor) {
      return std::make_shared<SimpleValue>(
          emitter.emitBuiltin("aten::select", {sequence_, emitter.insertConstant(int64_t(0)), index}, range));
    }
    return std::make_shared<SimpleValue>(emitter.emitBuiltin("aten::__getitem__", {sequence_, index}, range));
  }

 private:
  ir::Value* sequence_;
};

}  // namespace

std::unique_ptr<LoopIteration> SimpleValue::iterate(const lang::SourceRange& range,
                                                    FunctionEmitter& emitter) {
  switch (value_->type()->kind()) {
    case types::TypeKind::List:
    case types::TypeKind::Str:
    case types::TypeKind::Tensor:
      return std::make_unique<IndexedIteration>(value_);
    case types::TypeKind::Dict:
      // Iterating a dict iterates its keys (in insertion order).
      return std::make_unique<IndexedIteration>(emitter.emitBuiltin("aten::keys", {value_}, range));
    case types::TypeKind::Int:
      throw lang::CompileError(range, "'int' object is not iterable; to loop n times write "
                                      "`for i in range(n)`");
    default:
      throw lang::CompileError(range, "'" + value_->type()->annotationStr() +
                                          "' object is not iterable; TorchScript loops over "
                                          "lists, tuples, strs, dicts, tensors and range()");
  }
}

// ---- builtins ----------------------------------------------------------------------------------

std::string BuiltinFunction::describe() const {
  return "builtin function '" + op_.toQualString() + "'";
}

SugaredValuePtr BuiltinFunction::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                      std::vector<NamedValue> args) {
  if (self_) args.insert(args.begin(), NamedValue{range, "", self_});
  ir::Value* result = emitter.emitBuiltin(op_, args, range);
  if (!result) result = emitter.insertNoneConstant(range);
  return std::make_shared<SimpleValue>(result);
}

SugaredValuePtr BuiltinModule::attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                                    const std::string& name) {
  if (pythonName_ == "torch") {
    if (std::optional<int64_t> constant = torchEnumConstant(name)) {
      return std::make_shared<SimpleValue>(emitter.insertConstant(*constant, range));
    }
  }
  // math.remainder is IEEE's remainder (aten::mathremainder); aten::remainder is Python's %.
  std::string opName = pythonName_ == "math" && name == "remainder" ? "mathremainder" : name;
  ir::Symbol op = ir::Symbol::make(opNamespace_, opName);
  if (emitter.matcher().hasOperator(op)) return std::make_shared<BuiltinFunction>(op);
  throw lang::CompileError(range, "module '" + pythonName_ + "' has no TorchScript builtin '" +
                                      name + "' (no operator " + op.toQualString() + ")");
}

ir::Value* SugaredTuple::asValue(const lang::SourceRange& range, FunctionEmitter& emitter) {
  std::vector<ir::Value*> values;
  std::vector<types::TypePtr> elementTypes;
  for (const SugaredValuePtr& element : elements_) {
    values.push_back(element->asValue(range, emitter));
    elementTypes.push_back(values.back()->type());
  }
  ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), values, 1, range);
  return node->output()->setType(types::tupleOf(elementTypes));
}

std::string SpecialBuiltin::describe() const { return "builtin function"; }

SugaredValuePtr SpecialBuiltin::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                     std::vector<NamedValue> args) {
  auto simple = [](ir::Value* value) { return std::make_shared<SimpleValue>(value); };
  auto noKeywords = [&](const char* name) {
    for (const NamedValue& arg : args) {
      if (!arg.name.empty()) {
        throw lang::CompileError(arg.range, std::string(name) + "() does not accept keyword arguments");
      }
    }
  };
  auto exactly = [&](const char* name, size_t count) {
    noKeywords(name);
    if (args.size() != count) {
      throw lang::CompileError(range, std::string(name) + "() takes exactly " + std::to_string(count) +
                                          " argument" + (count == 1 ? "" : "s") + " (" +
                                          std::to_string(args.size()) + " given)");
    }
  };
  switch (which_) {
    case Which::Range: {
      noKeywords("range");
      if (args.empty() || args.size() > 3) {
        throw lang::CompileError(range, "range() takes 1 to 3 arguments (" + std::to_string(args.size()) + " given)");
      }
      for (const NamedValue& arg : args) {
        if (arg.value->type()->kind() != types::TypeKind::Int) {
          throw lang::CompileError(arg.range, "range() arguments must be ints, found " +
                                                  arg.value->type()->annotationStr() +
                                                  "; convert with int(...)");
        }
      }
      if (args.size() == 1) return std::make_shared<RangeValue>(nullptr, args[0].value, nullptr);
      return std::make_shared<RangeValue>(args[0].value, args[1].value,
                                          args.size() == 3 ? args[2].value : nullptr);
    }
    case Which::Print: {
      noKeywords("print");
      std::vector<ir::Value*> values;
      for (const NamedValue& arg : args) values.push_back(arg.value);
      emitter.insertNode(ir::Symbol::make("prim", "Print"), values, 0, range);
      return simple(emitter.insertNoneConstant(range));
    }
    case Which::Len:
      exactly("len", 1);
      if (args[0].value->type()->kind() == types::TypeKind::Class) {
        // len(self.layers) of a module container is a constant.
        if (SugaredValuePtr object = emitter.objectValue(args[0].value)) {
          if (auto elements = object->unrolledElements(range, emitter)) {
            return simple(emitter.insertConstant(static_cast<int64_t>(elements->size()), range));
          }
        }
      }
      return simple(emitter.emitBuiltin("aten::len", {args[0].value}, range));
    case Which::Int:
      exactly("int", 1);
      if (args[0].value->type()->kind() == types::TypeKind::Int) return simple(args[0].value);
      return simple(emitter.emitBuiltin("aten::Int", {args[0].value}, range));
    case Which::Float:
      exactly("float", 1);
      if (args[0].value->type()->kind() == types::TypeKind::Float) return simple(args[0].value);
      return simple(emitter.emitBuiltin("aten::Float", {args[0].value}, range));
    case Which::Bool:
      exactly("bool", 1);
      if (args[0].value->type()->kind() == types::TypeKind::Bool) return simple(args[0].value);
      if (args[0].value->type()->kind() == types::TypeKind::Str) {
        // bool(s) is `len(s) > 0`, as torch.jit 1.13 compiles it.
        ir::Value* length = emitter.emitBuiltin("aten::len", {args[0].value}, range);
        return simple(emitter.emitBuiltin("aten::gt", {length, emitter.insertConstant(int64_t(0))},
                                          range));
      }
      return simple(emitter.emitBuiltin("aten::Bool", {args[0].value}, range));
    case Which::Str:
      exactly("str", 1);
      return simple(emitter.emitBuiltin("aten::str", {args[0].value}, range));
    case Which::Min:
    case Which::Max:
    case Which::Abs: {
      const char* name = which_ == Which::Min ? "prim::min" : which_ == Which::Max ? "prim::max" : "prim::abs";
      noKeywords(name + 6);
      return simple(emitter.emitBuiltin(ir::Symbol::fromQualString(name), args, range));
    }
    case Which::Getattr: {
      // getattr(x, "name") with a constant name is x.name; the name is not a run-time value.
      exactly("getattr", 2);
      ir::Node* name = args[1].value->node();
      if (name->kind() != ir::prim::Constant || args[1].value->type()->kind() != types::TypeKind::Str) {
        throw lang::CompileError(args[1].range, "getattr's second argument must be a string literal");
      }
      std::string attribute = name->s("value");
      emitter.discardUnusedConstant(args[1].value);
      return SimpleValue(args[0].value).attr(range, emitter, attribute);
    }
    case Which::Hasattr: {
      // hasattr(obj, "name") of a module or class object is decided now, from its type, as
      // in 1.13 (`hasattr(self, "mask_check")` in nn.TransformerEncoder).
      exactly("hasattr", 2);
      ir::Node* name = args[1].value->node();
      if (name->kind() != ir::prim::Constant || args[1].value->type()->kind() != types::TypeKind::Str) {
        throw lang::CompileError(args[1].range, "hasattr's second argument must be a string literal");
      }
      if (args[0].value->type()->kind() != types::TypeKind::Class) {
        throw lang::CompileError(args[0].range, "hasattr() works on module and class objects only; a '" +
                                                    args[0].value->type()->annotationStr() +
                                                    "' has a static type: write the code for it");
      }
      std::string attribute = name->s("value");
      emitter.discardUnusedConstant(args[1].value);
      bool found = true;
      try {
        // An attribute read it makes is left unused, and erased (erase_unused_reads.cpp).
        SimpleValue(args[0].value).attr(range, emitter, attribute);
      } catch (const lang::CompileError&) {
        found = false;
      }
      return simple(emitter.insertBoolConstant(found, range));
    }
    case Which::List:
      exactly("list", 1);
      return simple(emitter.emitBuiltin("aten::list", {args[0].value}, range));
    case Which::Enumerate: {
      ir::Value* start = nullptr;
      if (args.empty() || args.size() > 2) {
        throw lang::CompileError(range, "enumerate() takes 1 or 2 arguments (" +
                                            std::to_string(args.size()) + " given)");
      }
      if (args.size() == 2) {
        if (!args[1].name.empty() && args[1].name != "start") {
          throw lang::CompileError(args[1].range, "enumerate() got an unexpected keyword argument '" +
                                                      args[1].name + "'");
        }
        start = args[1].value;
      }
      return std::make_shared<IterationBuiltin>(
          "enumerate", std::vector<SugaredValuePtr>{simple(args[0].value)}, start);
    }
    case Which::Reversed:
      // Reached only with an already emitted argument (emitCall keeps it sugared otherwise).
      exactly("reversed", 1);
      return std::make_shared<ReversedValue>(simple(args[0].value));
    case Which::Zip: {
      noKeywords("zip");
      if (args.empty()) throw lang::CompileError(range, "zip() needs at least one argument");
      std::vector<SugaredValuePtr> iterables;
      for (const NamedValue& arg : args) iterables.push_back(simple(arg.value));
      return std::make_shared<IterationBuiltin>("zip", std::move(iterables), nullptr);
    }
  }
  throw lang::CompileError(range, "unexpected builtin");
}

namespace {

class RangeIteration final : public LoopIteration {
 public:
  RangeIteration(ir::Value* start, ir::Value* stop, ir::Value* step)
      : start_(start), stop_(stop), step_(step) {}
  ir::Value* tripCount(FunctionEmitter& emitter, const lang::SourceRange& range) override {
    if (!start_ && !step_) return stop_;
    ir::Value* start = start_ ? start_ : emitter.insertConstant(int64_t(0), range);
    ir::Value* step = step_ ? step_ : emitter.insertConstant(int64_t(1), range);
    return emitter.emitBuiltin("aten::__range_length", {start, stop_, step}, range);
  }
  SugaredValuePtr element(FunctionEmitter& emitter, const lang::SourceRange& range,
                          ir::Value* index) override {
    if (!start_ && !step_) return std::make_shared<SimpleValue>(index);
    ir::Value* start = start_ ? start_ : emitter.insertConstant(int64_t(0), range);
    ir::Value* step = step_ ? step_ : emitter.insertConstant(int64_t(1), range);
    return std::make_shared<SimpleValue>(
        emitter.emitBuiltin("aten::__derive_index", {index, start, step}, range));
  }

 private:
  ir::Value* start_;
  ir::Value* stop_;
  ir::Value* step_;
};

}  // namespace

ir::Value* RangeValue::asValue(const lang::SourceRange& range, FunctionEmitter& emitter) {
  return emitter.emitListOf(*this, range);
}

std::unique_ptr<LoopIteration> RangeValue::iterate(const lang::SourceRange&, FunctionEmitter&) {
  return std::make_unique<RangeIteration>(start_, stop_, step_);
}

// enumerate(xs[, start]) and zip(a, b, ...) in a for loop: as many iterations as the
// shortest iterable, each binding a tuple (the index and the element, or one element of
// each).
class IterationBuiltinLoop final : public LoopIteration {
 public:
  IterationBuiltinLoop(bool enumerate, std::vector<std::unique_ptr<LoopIteration>> inner,
                       ir::Value* start)
      : enumerate_(enumerate), inner_(std::move(inner)), start_(start) {}
  // torch.jit's shape: enumerate is a zip with range(start, INT64_MAX), and the trip count is
  // prim::min of the list of every iterable's length (the range's folded when start is known).
  ir::Value* tripCount(FunctionEmitter& emitter, const lang::SourceRange& range) override {
    constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();
    std::vector<ir::Value*> counts;
    if (enumerate_) {
      ir::ConstantValue start;
      if (!start_) {
        counts.push_back(emitter.insertConstant(kUnbounded, range));
      } else if (ir::constantValueOf(start_->node(), start) &&
                 start.kind == ir::ConstantValue::Kind::Int && start.intValue >= 0) {
        counts.push_back(emitter.insertConstant(kUnbounded - start.intValue, range));
      } else {
        counts.push_back(emitter.emitBuiltin(
            "aten::__range_length",
            {start_, emitter.insertConstant(kUnbounded, range), emitter.insertConstant(int64_t(1), range)},
            range));
      }
    }
    for (auto& iteration : inner_) counts.push_back(iteration->tripCount(emitter, range));
    if (counts.size() == 1) return counts[0];
    ir::Node* lengths = emitter.insertNode(ir::Symbol::make("prim", "ListConstruct"), counts, 1, range);
    lengths->output()->setType(types::listOf(types::intType()));
    return emitter.emitBuiltin("prim::min", {lengths->output()}, range);
  }
  SugaredValuePtr element(FunctionEmitter& emitter, const lang::SourceRange& range,
                          ir::Value* index) override {
    std::vector<SugaredValuePtr> parts;
    if (enumerate_) {
      ir::Value* position =
          start_ ? emitter.emitBuiltin("aten::__derive_index",
                                       {index, start_, emitter.insertConstant(int64_t(1), range)}, range)
                 : index;
      parts.push_back(std::make_shared<SimpleValue>(position));
    }
    for (auto& iteration : inner_) parts.push_back(iteration->element(emitter, range, index));
    return std::make_shared<SugaredTuple>(std::move(parts));
  }

 private:
  bool enumerate_;
  std::vector<std::unique_ptr<LoopIteration>> inner_;
  ir::Value* start_;
};

std::optional<std::vector<SugaredValuePtr>> IterationBuiltin::unrolledElements(
    const lang::SourceRange& range, FunctionEmitter& emitter) {
  // Over a compile-time sequence (a tuple, a module list) the loop is unrolled too, and then
  // every iterable must be one: their elements may differ in type.
  std::vector<std::optional<std::vector<SugaredValuePtr>>> parts;
  bool anyUnrolled = false;
  for (const SugaredValuePtr& iterable : iterables_) {
    parts.push_back(iterable->unrolledElements(range, emitter));
    anyUnrolled |= parts.back().has_value();
  }
  if (!anyUnrolled) return std::nullopt;
  size_t count = SIZE_MAX;
  for (const auto& part : parts) {
    if (!part) {
      throw lang::CompileError(range, name_ + "() of a tuple or module list with a value whose "
                                      "length is only known at run time is not supported by "
                                      "tscript yet; index the list inside the loop instead");
    }
    count = std::min(count, part->size());
  }
  int64_t first = 0;
  if (start_) {
    ir::ConstantValue start;
    if (!ir::constantValueOf(start_->node(), start) || start.kind != ir::ConstantValue::Kind::Int) {
      throw lang::CompileError(range, "enumerate() over a tuple or module list needs a constant "
                                      "start");
    }
    first = start.intValue;
  }
  std::vector<SugaredValuePtr> elements;
  for (size_t i = 0; i < count; ++i) {
    std::vector<SugaredValuePtr> element;
    if (name_ == "enumerate") {
      element.push_back(std::make_shared<SimpleValue>(
          emitter.insertConstant(static_cast<int64_t>(first + i), range)));
    }
    for (const auto& part : parts) element.push_back((*part)[i]);
    elements.push_back(std::make_shared<SugaredTuple>(std::move(element)));
  }
  return elements;
}

std::unique_ptr<LoopIteration> IterationBuiltin::iterate(const lang::SourceRange& range,
                                                         FunctionEmitter& emitter) {
  // Compile-time sequences were unrolled (unrolledElements) before a loop asks for this.
  std::vector<std::unique_ptr<LoopIteration>> inner;
  for (const SugaredValuePtr& iterable : iterables_) {
    inner.push_back(iterable->iterate(range, emitter));
  }
  return std::make_unique<IterationBuiltinLoop>(name_ == "enumerate", std::move(inner), start_);
}

namespace {

// The inner iteration run backwards: the trip count is the inner one (n, kept for the
// elements), and iteration i binds the inner element n - 1 - i.
class ReversedIteration final : public LoopIteration {
 public:
  explicit ReversedIteration(std::unique_ptr<LoopIteration> inner) : inner_(std::move(inner)) {}
  ir::Value* tripCount(FunctionEmitter& emitter, const lang::SourceRange& range) override {
    count_ = inner_->tripCount(emitter, range);
    return count_;
  }
  SugaredValuePtr element(FunctionEmitter& emitter, const lang::SourceRange& range,
                          ir::Value* index) override {
    // Invariant: tripCount() ran first (emitted before the loop that binds elements).
    ir::Value* last = emitter.emitBuiltin(
        "aten::sub", {count_, emitter.insertConstant(int64_t(1), range)}, range);
    return inner_->element(emitter, range, emitter.emitBuiltin("aten::sub", {last, index}, range));
  }

 private:
  std::unique_ptr<LoopIteration> inner_;
  ir::Value* count_ = nullptr;
};

}  // namespace

ir::Value* ReversedValue::asValue(const lang::SourceRange& range, FunctionEmitter& emitter) {
  if (auto elements = unrolledElements(range, emitter)) {
    return SugaredTuple(std::move(*elements)).asValue(range, emitter);
  }
  return emitter.emitListOf(*this, range);
}

std::optional<std::vector<SugaredValuePtr>> ReversedValue::unrolledElements(
    const lang::SourceRange& range, FunctionEmitter& emitter) {
  auto elements = iterable_->unrolledElements(range, emitter);
  if (elements) std::reverse(elements->begin(), elements->end());
  return elements;
}

std::unique_ptr<LoopIteration> ReversedValue::iterate(const lang::SourceRange& range,
                                                      FunctionEmitter& emitter) {
  return std::make_unique<ReversedIteration>(iterable_->iterate(range, emitter));
}

}  // namespace tscript::compiler
