// The operator registry (src/ops) presented to schema matching as SchemaViews.
//
// The registry holds tscript's own operators only once the runtime has registered them
// (runtime::registerBuiltinOperators); the front doors (the tscript tool, the Python
// module) do that before they compile anything.
#include <deque>
#include <mutex>
#include <unordered_map>

#include "compiler/schema_matching.h"
#include "ops/registry.h"

namespace tscript::compiler {

namespace {

SchemaView viewOf(const ops::Operator& op) {
  const ops::Schema& schema = op.schema();
  SchemaView view;
  view.name = schema.name;
  view.overloadName = schema.overloadName;
  view.varargs = schema.isVararg;
  view.text = op.schemaText();
  for (const ops::Argument& argument : schema.arguments) {
    ArgumentView argumentView;
    argumentView.name = argument.name;
    argumentView.type = argument.type;
    if (argument.fixedSize) argumentView.fixedListSize = *argument.fixedSize;
    argumentView.keywordOnly = argument.keywordOnly;
    argumentView.isWritten = argument.isWrite();
    argumentView.defaultValue = argument.defaultValue;
    view.arguments.push_back(std::move(argumentView));
  }
  for (const ops::Argument& result : schema.returns) {
    view.returns.push_back(result.type);
    view.returnNames.push_back(result.name);
  }
  return view;
}

class RegistryMatcher final : public SchemaListMatcher {
 public:
  RegistryMatcher() : SchemaListMatcher({}) {}

 protected:
  // Views are built on first use of an operator name and kept. The registry never removes
  // an overload and a name's list only grows at its end (a library registering more), so
  // the cache appends the new ones; a deque keeps earlier views where they are, so pointers
  // handed out stay valid.
  std::vector<const SchemaView*> overloads(ir::Symbol op) const override {
    std::span<const ops::Operator* const> operators = ops::overloadsOf(op);
    std::lock_guard<std::mutex> lock(mutex_);
    auto& views = views_[op];
    for (size_t i = views.size(); i < operators.size(); ++i) views.push_back(viewOf(*operators[i]));
    std::vector<const SchemaView*> found;
    found.reserve(views.size());
    for (const SchemaView& view : views) found.push_back(&view);
    return found;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::unordered_map<ir::Symbol, std::deque<SchemaView>> views_;
};

}  // namespace

const OperatorMatcher& registryOperatorMatcher() {
  static const RegistryMatcher matcher;
  return matcher;
}

}  // namespace tscript::compiler
