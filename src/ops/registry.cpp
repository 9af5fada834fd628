// The registry's tables: operators by name, with immutable overload lists (see registry.h
// for the contract). No ATen here; the dispatcher side is dispatcher_operators.cpp.
#include <algorithm>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

#include "ops/registry.h"
#include "ops/registry_internal.h"

namespace tscript::ops {

namespace {

using OverloadList = std::vector<const Operator*>;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};

// One operator name. `overloads` points at the current published list; a registration
// replaces the pointer and never changes a published list (so spans stay valid).
struct NameEntry {
  ir::Symbol symbol;
  const OverloadList* overloads;
};

class Registry {
 public:
  std::span<const Operator* const> overloads(ir::Symbol name) const {
    std::shared_lock lock(mutex_);
    auto found = bySymbol_.find(name.id());
    if (found == bySymbol_.end()) return {};
    return *found->second->overloads;
  }

  std::span<const Operator* const> overloads(std::string_view qualifiedName) const {
    std::shared_lock lock(mutex_);
    auto found = byString_.find(qualifiedName);
    if (found == byString_.end()) return {};
    return *found->second->overloads;
  }

  const Operator& add(Schema schema, std::string schemaText, OperatorFunction function,
                      const DispatcherHandle* handle) {
    // Interned outside the lock: the symbol table has its own.
    ir::Symbol symbol = ir::Symbol::fromQualString(schema.name);
    std::unique_lock lock(mutex_);
    NameEntry& entry = entryFor(symbol);
    for (const Operator* existing : *entry.overloads) {
      if (existing->schema().overloadName == schema.overloadName) {
        throw std::invalid_argument("operator " + schema.qualifiedOverloadName() +
                                    " is already registered: " + existing->schemaText());
      }
    }
    const Operator& op = operators_.emplace_back(std::move(schema), std::move(schemaText), symbol,
                                                 function, handle);
    OverloadList& published = lists_.emplace_back(*entry.overloads);
    published.push_back(&op);
    entry.overloads = &published;
    ++overloadCount_;
    if (handle) ++dispatcherOverloadCount_;
    return op;
  }

  const Operator* remove(std::string_view name, std::string_view overloadName) {
    std::unique_lock lock(mutex_);
    auto found = byString_.find(name);
    if (found == byString_.end()) return nullptr;
    NameEntry& entry = *found->second;
    const OverloadList& current = *entry.overloads;
    auto it = std::find_if(current.begin(), current.end(), [&](const Operator* op) {
      return op->schema().overloadName == overloadName;
    });
    if (it == current.end()) return nullptr;
    const Operator* removed = *it;
    OverloadList& published = lists_.emplace_back();
    std::copy_if(current.begin(), current.end(), std::back_inserter(published),
                 [&](const Operator* op) { return op != removed; });
    entry.overloads = &published;
    --overloadCount_;
    if (removed->isDispatcherOperator()) --dispatcherOverloadCount_;
    return removed;
  }

  std::vector<ir::Symbol> names() const {
    std::vector<std::pair<std::string_view, ir::Symbol>> sorted;
    {
      std::shared_lock lock(mutex_);
      for (const NameEntry& entry : entries_) {
        if (!entry.overloads->empty()) sorted.emplace_back(byStringKey(entry), entry.symbol);
      }
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<ir::Symbol> names;
    for (const auto& [text, symbol] : sorted) names.push_back(symbol);
    return names;
  }

  RegistryCounts counts() const {
    std::shared_lock lock(mutex_);
    size_t names = std::count_if(entries_.begin(), entries_.end(),
                                 [](const NameEntry& entry) { return !entry.overloads->empty(); });
    return {names, overloadCount_, dispatcherOverloadCount_};
  }

  void recordProblem(std::string problem) {
    std::unique_lock lock(mutex_);
    problems_.push_back(std::move(problem));
  }
  std::vector<std::string> problems() const {
    std::shared_lock lock(mutex_);
    return problems_;
  }

 private:
  NameEntry& entryFor(ir::Symbol symbol) {
    auto found = bySymbol_.find(symbol.id());
    if (found != bySymbol_.end()) return *found->second;
    NameEntry& entry = entries_.emplace_back(NameEntry{symbol, &kNoOverloads});
    bySymbol_.emplace(symbol.id(), &entry);
    byString_.emplace(symbol.toQualString(), &entry);
    return entry;
  }
  std::string_view byStringKey(const NameEntry& entry) const { return entry.symbol.toQualString(); }

  static inline const OverloadList kNoOverloads;

  mutable std::shared_mutex mutex_;
  std::deque<Operator> operators_;  // never shrinks: Operator pointers live forever
  std::deque<NameEntry> entries_;
  std::deque<OverloadList> lists_;  // every list ever published (spans point into them)
  std::unordered_map<uint32_t, NameEntry*> bySymbol_;
  std::unordered_map<std::string, NameEntry*, StringHash, std::equal_to<>> byString_;
  size_t overloadCount_ = 0;
  size_t dispatcherOverloadCount_ = 0;
  std::vector<std::string> problems_;
};

// Never destroyed: libraries unregister their operators from static destructors at exit,
// and the dispatcher then calls into us after function-local statics would be gone.
Registry& registry() {
  static Registry* const instance = new Registry();
  return *instance;
}

// "aten::add.Tensor" -> {"aten::add", "Tensor"}; the overload starts at the first '.' after
// the namespace separator.
std::pair<std::string_view, std::string_view> splitOverload(std::string_view qualified) {
  size_t separator = qualified.find("::");
  size_t dot = qualified.find('.', separator == std::string_view::npos ? 0 : separator + 2);
  if (dot == std::string_view::npos) return {qualified, {}};
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

const Operator* findIn(std::span<const Operator* const> overloads, std::string_view overloadName) {
  for (const Operator* op : overloads) {
    if (op->schema().overloadName == overloadName) return op;
  }
  return nullptr;
}

}  // namespace

namespace detail {

void addDispatcherOperator(Schema schema, std::string schemaText, const DispatcherHandle* handle) {
  registry().add(std::move(schema), std::move(schemaText), nullptr, handle);
}

const Operator* removeDispatcherOperator(std::string_view name, std::string_view overloadName) {
  return registry().remove(name, overloadName);
}

void recordDispatcherSchemaProblem(std::string problem) {
  registry().recordProblem(std::move(problem));
}

}  // namespace detail

std::span<const Operator* const> overloadsOf(ir::Symbol name) {
  detail::ensureDispatcherOperatorsLoaded();
  return registry().overloads(name);
}

std::span<const Operator* const> overloadsOf(std::string_view qualifiedName) {
  detail::ensureDispatcherOperatorsLoaded();
  return registry().overloads(qualifiedName);
}

const Operator* findExact(ir::Symbol name, std::string_view overloadName) {
  return findIn(overloadsOf(name), overloadName);
}

const Operator* findExact(std::string_view qualifiedName, std::string_view overloadName) {
  return findIn(overloadsOf(qualifiedName), overloadName);
}

const Operator* findExact(std::string_view qualifiedOverloadName) {
  auto [name, overloadName] = splitOverload(qualifiedOverloadName);
  return findExact(name, overloadName);
}

const Operator& registerOperator(Schema schema, OperatorFunction function) {
  if (function == nullptr) {
    throw std::invalid_argument("registerOperator(" + schema.qualifiedOverloadName() +
                                "): no implementation");
  }
  // Dispatcher operators first, so that a clash with one of them is detected.
  detail::ensureDispatcherOperatorsLoaded();
  std::string text = printSchema(schema);
  return registry().add(std::move(schema), std::move(text), function, nullptr);
}

std::vector<ir::Symbol> operatorNames() {
  detail::ensureDispatcherOperatorsLoaded();
  return registry().names();
}

RegistryCounts registryCounts() {
  detail::ensureDispatcherOperatorsLoaded();
  return registry().counts();
}

std::vector<std::string> dispatcherSchemaProblems() {
  detail::ensureDispatcherOperatorsLoaded();
  return registry().problems();
}

}  // namespace tscript::ops
