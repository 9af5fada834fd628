// The operator registry: every overload of every operator tscript can call, by name.
//
// Two kinds of operators live here:
//   - the c10 dispatcher's (every `aten::`, `prims::`, `quantized::`, ... operator libtorch
//     registers): loaded lazily on the first lookup, each with our parsed Schema and a
//     handle to call it boxed (callBoxed below). Operators that libraries register with the
//     dispatcher later (a custom-op library loaded at run time) are added as they appear.
//   - tscript's own (prim:: ops and the aten:: overloads on Python values that TorchScript
//     implements itself, like `aten::add.int`): registered by the runtime layer through
//     registerOperator with a plain function pointer.
//
// Lookups are by interned name (ir::Symbol, or its string). They are meant for compile
// time; the interpreter resolves each node to an Operator once and keeps the pointer.
//
// Thread safety: lookups and registrations may run concurrently. Operators are never
// destroyed, so an `const Operator*` stays valid for the life of the process, and a span
// returned by overloadsOf stays valid and unchanged (a later registration publishes a new
// list for that name; the old one is kept).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/symbol.h"
#include "ops/schema.h"

namespace c10 {
struct IValue;
}
namespace tscript::runtime {
class Value;
}

namespace tscript::ops {

// The interpreter's stack. runtime::Value belongs to a higher layer and is only named here
// so that the function type is exact; this layer never looks into a stack.
using InterpreterStack = std::vector<runtime::Value>;

// An operator implemented by tscript, in the calling convention of runtime/stack.h: pops its
// inputs (last on top) and pushes its outputs.
//
// Why a plain function pointer and not std::function: the interpreter calls one operator per
// instruction, so the call must be one indirect call with no allocation and no type erasure.
// Operators that need data (a dict operator per key type, a generic op per element type) are
// written as separate functions or template instances, which the runtime already does.
using OperatorFunction = void (*)(InterpreterStack&);

// How a dispatcher operator is called: defined in dispatcher_operators.cpp (it wraps a
// c10::OperatorHandle, which is kept out of this header).
struct DispatcherHandle;

class Operator {
 public:
  const Schema& schema() const { return schema_; }
  // The schema as printed (for dispatcher operators: as c10 printed it, which the
  // round-trip test compares with printSchema(schema())).
  const std::string& schemaText() const { return schemaText_; }
  ir::Symbol name() const { return name_; }  // `aten::add`
  // A dispatcher operator is called with callBoxed; a tscript one through function().
  bool isDispatcherOperator() const { return dispatcherHandle_ != nullptr; }
  OperatorFunction function() const { return function_; }
  const DispatcherHandle* dispatcherHandle() const { return dispatcherHandle_; }

  Operator(Schema schema, std::string schemaText, ir::Symbol name, OperatorFunction function,
           const DispatcherHandle* dispatcherHandle)
      : schema_(std::move(schema)),
        schemaText_(std::move(schemaText)),
        name_(name),
        function_(function),
        dispatcherHandle_(dispatcherHandle) {}

 private:
  Schema schema_;
  std::string schemaText_;
  ir::Symbol name_;
  OperatorFunction function_ = nullptr;           // set for tscript operators
  const DispatcherHandle* dispatcherHandle_ = nullptr;  // set for dispatcher operators
};

// Every overload of `name`, in registration order (dispatcher operators first, in the order
// libtorch registered them, which is also torch.jit's order). Empty when there is none.
std::span<const Operator* const> overloadsOf(ir::Symbol name);
std::span<const Operator* const> overloadsOf(std::string_view qualifiedName);

// The overload `overloadName` ("" for the default one) of `name`, or nullptr.
const Operator* findExact(ir::Symbol name, std::string_view overloadName);
const Operator* findExact(std::string_view qualifiedName, std::string_view overloadName);
// "aten::add.Tensor" / "aten::relu".
const Operator* findExact(std::string_view qualifiedOverloadName);

// Registers a tscript operator. Throws std::invalid_argument when an operator with the same
// name and overload name is already registered (dispatcher operators included): TorchScript
// has exactly one implementation per schema name.
const Operator& registerOperator(Schema schema, OperatorFunction function);

// Registers a tscript operator by its schema text, parsed (and printed back) when its name is
// first looked up: the runtime registers its 800 builtins at once and a program uses few.
// The name and overload are read from the text up to '('; a clash throws as above. A text
// that then fails to parse leaves the registry and is listed by dispatcherSchemaProblems.
void registerOperatorText(std::string schemaText, OperatorFunction function);

// Calls a dispatcher operator: the stack holds its arguments (all of them, defaults filled
// in, last on top) and holds its results afterwards. Throws std::invalid_argument for a
// tscript operator, std::runtime_error when its library has been unloaded; errors of the
// kernel itself propagate (c10::Error).
void callBoxed(const Operator& op, std::vector<c10::IValue>& stack);

// All operator names, sorted by their qualified string.
std::vector<ir::Symbol> operatorNames();

struct RegistryCounts {
  size_t names = 0;                // operators (`aten::add`)
  size_t overloads = 0;            // schemas (`aten::add.Tensor`, `aten::add.out`, ...)
  size_t dispatcherOverloads = 0;  // of which come from the c10 dispatcher
};
RegistryCounts registryCounts();

// Dispatcher schemas (and registerOperatorText texts) that our parser rejected ("schema
// text: error"). Always empty unless libtorch has syntax we do not know; such operators are
// left out of the registry.
std::vector<std::string> dispatcherSchemaProblems();

}  // namespace tscript::ops
