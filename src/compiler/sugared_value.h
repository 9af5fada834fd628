// Sugared values: what an expression denotes while it is being compiled, before (or instead
// of) being a single IR value. `torch` is a module, `torch.add` a builtin operator, `x.size`
// a method bound to x, `range(n)` something to iterate over, `self.layers` a module list.
// Only some sugared values can become an ir::Value (asValue); the others are resolved at
// compile time by the operation applied to them (attribute, call, iteration).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "lang/source.h"

namespace tscript::compiler {

class FunctionEmitter;
class SugaredValue;
using SugaredValuePtr = std::shared_ptr<SugaredValue>;

// One argument of a call: positional when `name` is empty.
struct NamedValue {
  lang::SourceRange range;
  std::string name;
  ir::Value* value = nullptr;
};

// How a `for` loop runs over an iterable: a trip count, and for each iteration index the
// value(s) bound to the loop target. Tuples (and module lists) are unrolled instead.
struct LoopIteration {
  virtual ~LoopIteration() = default;
  // Emitted before the loop: the number of iterations.
  virtual ir::Value* tripCount(FunctionEmitter& emitter, const lang::SourceRange& range) = 0;
  // Emitted at the top of the body: the element for iteration `index`.
  virtual SugaredValuePtr element(FunctionEmitter& emitter, const lang::SourceRange& range,
                                  ir::Value* index) = 0;
};

class SugaredValue : public std::enable_shared_from_this<SugaredValue> {
 public:
  virtual ~SugaredValue() = default;
  // Describes the value in error messages: "builtin function 'aten::add'", "module 'math'".
  virtual std::string describe() const = 0;

  virtual ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter);
  virtual SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                               const std::string& name);
  virtual SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                               std::vector<NamedValue> args);
  // The elements of a compile-time sequence (tuples, module lists), or nullopt.
  virtual std::optional<std::vector<SugaredValuePtr>> unrolledElements(
      const lang::SourceRange& range, FunctionEmitter& emitter);
  // How to iterate in a `for` loop; unrolledElements() is tried first.
  virtual std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                                 FunctionEmitter& emitter);
  // Whether `name = <this>` may bind a local name to this compile-time value (a function:
  // printed code hoists `_0 = __torch__.torch.nn.functional.relu` and calls `_0(x)`).
  virtual bool assignableAsAlias() const { return false; }
};

// An ordinary IR value (a local, a computed result).
class SimpleValue final : public SugaredValue {
 public:
  explicit SimpleValue(ir::Value* value) : value_(value) {}
  ir::Value* value() const { return value_; }
  std::string describe() const override;
  ir::Value* asValue(const lang::SourceRange&, FunctionEmitter&) override { return value_; }
  // Values of class type (modules, script objects) behave as their class says
  // (FunctionEmitter::objectValue).
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name) override;
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(
      const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                         FunctionEmitter& emitter) override;

 private:
  ir::Value* value_;
};

// A builtin operator (`aten::add`), optionally bound to `self` (`x.add`).
class BuiltinFunction final : public SugaredValue {
 public:
  BuiltinFunction(ir::Symbol op, ir::Value* self = nullptr) : op_(op), self_(self) {}
  std::string describe() const override;
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  ir::Symbol op_;
  ir::Value* self_;
};

// A module of builtins: `torch`, `math`, `torch.nn.functional`. Attribute `f` is the builtin
// operator `<ns>::f` when it exists, or a submodule when `name` is one.
class BuiltinModule final : public SugaredValue {
 public:
  BuiltinModule(std::string pythonName, std::string opNamespace)
      : pythonName_(std::move(pythonName)), opNamespace_(std::move(opNamespace)) {}
  std::string describe() const override { return "module '" + pythonName_ + "'"; }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name) override;

 private:
  std::string pythonName_;
  std::string opNamespace_;
};

// A compile-time tuple of sugared values (`a, b` before it becomes a prim::TupleConstruct).
class SugaredTuple final : public SugaredValue {
 public:
  explicit SugaredTuple(std::vector<SugaredValuePtr> elements) : elements_(std::move(elements)) {}
  std::string describe() const override { return "tuple"; }
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(const lang::SourceRange&,
                                                               FunctionEmitter&) override {
    return elements_;
  }

 private:
  std::vector<SugaredValuePtr> elements_;
};

// Python builtins with special compile-time behaviour: range, len, print, isinstance, ...
class SpecialBuiltin final : public SugaredValue {
 public:
  enum class Which { Range, Print, Len, Int, Float, Bool, Str, Min, Max, Abs, Enumerate, Zip, List,
                     Getattr, Hasattr, Reversed };
  explicit SpecialBuiltin(Which which) : which_(which) {}
  Which which() const { return which_; }
  std::string describe() const override;
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  Which which_;
};

// `torch.jit.annotate` / `tscript.annotate`: its first argument is a type, not a value, so a
// call to it is compiled from the syntax (FunctionEmitter::emitAnnotate), never through call().
class AnnotateFunction final : public SugaredValue {
 public:
  std::string describe() const override { return "annotate"; }
};

// `unchecked_cast(T, value)` and `uninitialized(T)`, the special forms of printed code
// (archives, `.code`): their first argument is a type, so a call is compiled from the syntax
// (FunctionEmitter::emitTypeArgumentBuiltin), never through call().
class TypeArgumentBuiltin final : public SugaredValue {
 public:
  enum class Which { UncheckedCast, Uninitialized };
  explicit TypeArgumentBuiltin(Which which) : which_(which) {}
  Which which() const { return which_; }
  std::string describe() const override {
    return which_ == Which::UncheckedCast ? "unchecked_cast" : "uninitialized";
  }

 private:
  Which which_;
};

// `range(start, stop, step)` as the iterable of a for loop (or materialized as a list).
class RangeValue final : public SugaredValue {
 public:
  RangeValue(ir::Value* start, ir::Value* stop, ir::Value* step)
      : start_(start), stop_(stop), step_(step) {}
  std::string describe() const override { return "range"; }
  // As a value (`list(range(n))`), a range is the list of its elements.
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                         FunctionEmitter& emitter) override;

 private:
  ir::Value* start_;  // null: 0
  ir::Value* stop_;
  ir::Value* step_;   // null: 1
};

// `enumerate(...)` / `zip(...)`: only iterable, in a for loop or a comprehension.
class IterationBuiltin final : public SugaredValue {
 public:
  IterationBuiltin(std::string name, std::vector<SugaredValuePtr> iterables, ir::Value* start)
      : name_(std::move(name)), iterables_(std::move(iterables)), start_(start) {}
  std::string describe() const override { return name_ + "()"; }
  // Unrolled when an iterable is a tuple or a module list: (index, element) / (a, b) tuples.
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(
      const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                         FunctionEmitter& emitter) override;

 private:
  std::string name_;
  std::vector<SugaredValuePtr> iterables_;
  ir::Value* start_;  // enumerate's start; null: 0
};

// A Python exception class (`ValueError`, a program's `class CorpusError(Exception)`): only
// raised (`raise CorpusError("...")`, FunctionEmitter::emitRaise), which records its
// qualified name as 1.13 does ("builtins.ValueError", "__main__.CorpusError") so that the
// caller gets that class back.
class ExceptionClass final : public SugaredValue {
 public:
  explicit ExceptionClass(std::string qualifiedName) : qualifiedName_(std::move(qualifiedName)) {}
  const std::string& qualifiedName() const { return qualifiedName_; }
  std::string describe() const override { return "exception class '" + qualifiedName_ + "'"; }

 private:
  std::string qualifiedName_;
};

// `reversed(xs)` over a list, str, dict (its keys), tensor (rows), range or tuple: iterates
// the same elements last to first. 1.13 rejects `reversed`; it costs nothing to compile, since
// every iterable here is indexed by position (element n - 1 - i of n).
class ReversedValue final : public SugaredValue {
 public:
  explicit ReversedValue(SugaredValuePtr iterable) : iterable_(std::move(iterable)) {}
  std::string describe() const override { return "reversed()"; }
  // As a value (`list(reversed(xs))`): a list of the elements in reverse order, or the
  // reversed tuple when the iterable is a compile-time sequence.
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(
      const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                         FunctionEmitter& emitter) override;

 private:
  SugaredValuePtr iterable_;
};

}  // namespace tscript::compiler
