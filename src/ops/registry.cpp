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

// A registered overload. A dispatcher operator starts as pending (its handle and overload
// name only), a tscript one registered by text as its text and function, and either becomes
// an Operator when its name is first looked up: printing and parsing the 3199 dispatcher
// schemas and 800 builtin ones up front cost 70 ms of the first script() call, of which a
// model uses about a hundred names.
struct Slot {
  std::string overloadName;
  const Operator* op = nullptr;  // set once parsed; then the two below are unset
  const DispatcherHandle* pendingHandle = nullptr;
  OperatorFunction pendingFunction = nullptr;  // with pendingText
  std::string pendingText;
  bool isPending() const { return op == nullptr; }
};

// One operator name. `overloads` points at the current published list (the parsed slots, in
// slot order); a registration or a parse replaces the pointer and never changes a published
// list (so spans stay valid). Invariant: `pendingCount` is the number of pending slots, and
// `overloads` is up to date whenever it is 0.
struct NameEntry {
  ir::Symbol symbol;
  const OverloadList* overloads;
  std::vector<Slot> slots;  // every overload, in registration order
  size_t pendingCount = 0;
};

class Registry {
 public:
  std::span<const Operator* const> overloads(ir::Symbol name) {
    {
      std::shared_lock lock(mutex_);
      auto found = bySymbol_.find(name.id());
      if (found == bySymbol_.end()) return {};
      if (found->second->pendingCount == 0) return *found->second->overloads;
    }
    std::unique_lock lock(mutex_);
    NameEntry& entry = *bySymbol_.at(name.id());
    parsePending(entry);
    return *entry.overloads;
  }

  std::span<const Operator* const> overloads(std::string_view qualifiedName) {
    {
      std::shared_lock lock(mutex_);
      auto found = byString_.find(qualifiedName);
      if (found == byString_.end()) return {};
      if (found->second->pendingCount == 0) return *found->second->overloads;
    }
    std::unique_lock lock(mutex_);
    NameEntry& entry = *byString_.find(qualifiedName)->second;
    parsePending(entry);
    return *entry.overloads;
  }

  const Operator& add(Schema schema, std::string schemaText, OperatorFunction function) {
    // Interned outside the lock: the symbol table has its own.
    ir::Symbol symbol = ir::Symbol::fromQualString(schema.name);
    std::unique_lock lock(mutex_);
    NameEntry& entry = entryFor(symbol);
    checkNotRegistered(entry, schema.qualifiedOverloadName(), schema.overloadName);
    const Operator& op = operators_.emplace_back(std::move(schema), std::move(schemaText), symbol,
                                                 function, nullptr);
    entry.slots.push_back(Slot{op.schema().overloadName, &op, nullptr, nullptr, {}});
    ++overloadCount_;
    if (entry.pendingCount == 0) publish(entry);
    return op;
  }

  // A dispatcher operator (`handle`) or a tscript one (`text`, `function`), parsed later.
  void addPending(std::string_view name, std::string_view overloadName,
                  const DispatcherHandle* handle, std::string text, OperatorFunction function) {
    ir::Symbol symbol = ir::Symbol::fromQualString(name);
    std::unique_lock lock(mutex_);
    NameEntry& entry = entryFor(symbol);
    std::string qualified(name);
    if (!overloadName.empty()) qualified.append(".").append(overloadName);
    checkNotRegistered(entry, qualified, overloadName);
    entry.slots.push_back(Slot{std::string(overloadName), nullptr, handle, function, std::move(text)});
    ++entry.pendingCount;
    ++overloadCount_;
    if (handle) ++dispatcherOverloadCount_;
  }

  // Returns the dispatcher handle of the removed overload (parsed or not), or nullptr.
  const DispatcherHandle* remove(std::string_view name, std::string_view overloadName) {
    std::unique_lock lock(mutex_);
    auto found = byString_.find(name);
    if (found == byString_.end()) return nullptr;
    NameEntry& entry = *found->second;
    auto it = std::find_if(entry.slots.begin(), entry.slots.end(), [&](const Slot& slot) {
      return slot.overloadName == overloadName;
    });
    if (it == entry.slots.end()) return nullptr;
    const DispatcherHandle* handle = it->op ? it->op->dispatcherHandle() : it->pendingHandle;
    if (it->isPending()) --entry.pendingCount;
    entry.slots.erase(it);
    --overloadCount_;
    if (handle) --dispatcherOverloadCount_;
    if (entry.pendingCount == 0) publish(entry);
    return handle;
  }

  std::vector<ir::Symbol> names() {
    std::vector<std::pair<std::string_view, ir::Symbol>> sorted;
    {
      std::unique_lock lock(mutex_);
      parseAllPending();  // a name whose every schema fails to parse has no operators
      for (const NameEntry& entry : entries_) {
        if (!entry.overloads->empty()) sorted.emplace_back(byStringKey(entry), entry.symbol);
      }
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<ir::Symbol> names;
    for (const auto& [text, symbol] : sorted) names.push_back(symbol);
    return names;
  }

  RegistryCounts counts() {
    std::unique_lock lock(mutex_);
    parseAllPending();  // an unparsable schema is not counted
    size_t names = std::count_if(entries_.begin(), entries_.end(),
                                 [](const NameEntry& entry) { return !entry.overloads->empty(); });
    return {names, overloadCount_, dispatcherOverloadCount_};
  }

  void recordProblem(std::string problem) {
    std::unique_lock lock(mutex_);
    problems_.push_back(std::move(problem));
  }
  std::vector<std::string> problems() {
    std::unique_lock lock(mutex_);
    parseAllPending();
    return problems_;
  }

 private:
  NameEntry& entryFor(ir::Symbol symbol) {
    auto found = bySymbol_.find(symbol.id());
    if (found != bySymbol_.end()) return *found->second;
    NameEntry& entry = entries_.emplace_back(NameEntry{symbol, &kNoOverloads, {}, 0});
    bySymbol_.emplace(symbol.id(), &entry);
    byString_.emplace(symbol.toQualString(), &entry);
    return entry;
  }
  std::string_view byStringKey(const NameEntry& entry) const { return entry.symbol.toQualString(); }

  // Under the unique lock.
  void checkNotRegistered(const NameEntry& entry, const std::string& qualifiedOverloadName,
                          std::string_view overloadName) const {
    for (const Slot& slot : entry.slots) {
      if (slot.overloadName == overloadName) {
        throw std::invalid_argument("operator " + qualifiedOverloadName +
                                    " is already registered" +
                                    (slot.op ? ": " + slot.op->schemaText() : std::string()));
      }
    }
  }

  // Under the unique lock. Parses the entry's pending schemas (in slot order) and publishes
  // its list. A schema our parser rejects leaves the registry and is recorded, as one
  // rejected at registration was. Printing a dispatcher schema reads the c10 operator, which is
  // safe here: a library unregistering it must take our lock first (remove above), and c10's
  // schema accessors take no dispatcher lock, so holding ours cannot deadlock with a
  // registration that holds the dispatcher's and waits for ours.
  void parsePending(NameEntry& entry) {
    if (entry.pendingCount == 0) return;
    for (auto it = entry.slots.begin(); it != entry.slots.end();) {
      if (!it->isPending()) {
        ++it;
        continue;
      }
      const DispatcherHandle* handle = it->pendingHandle;
      std::string text = handle ? detail::dispatcherSchemaText(handle) : std::move(it->pendingText);
      --entry.pendingCount;
      try {
        Schema schema = parseSchema(text);
        // A tscript operator's text is printed back, as registerOperator does.
        if (!handle) text = printSchema(schema);
        it->op = &operators_.emplace_back(std::move(schema), std::move(text), entry.symbol,
                                          it->pendingFunction, handle);
        it->pendingHandle = nullptr;
        it->pendingFunction = nullptr;
        ++it;
      } catch (const SchemaParseError& error) {
        problems_.push_back(text + ": " + error.message());
        it = entry.slots.erase(it);
        --overloadCount_;
        if (handle) --dispatcherOverloadCount_;
      }
    }
    publish(entry);
  }

  void parseAllPending() {
    for (NameEntry& entry : entries_) parsePending(entry);
  }

  // Under the unique lock, with no slot pending: a new list of the entry's operators.
  void publish(NameEntry& entry) {
    OverloadList& published = lists_.emplace_back();
    published.reserve(entry.slots.size());
    for (const Slot& slot : entry.slots) published.push_back(slot.op);
    entry.overloads = &published;
  }

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

void addDispatcherOperator(std::string_view name, std::string_view overloadName,
                           const DispatcherHandle* handle) {
  registry().addPending(name, overloadName, handle, {}, nullptr);
}

const DispatcherHandle* removeDispatcherOperator(std::string_view name,
                                                 std::string_view overloadName) {
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
  return registry().add(std::move(schema), std::move(text), function);
}

void registerOperatorText(std::string schemaText, OperatorFunction function) {
  if (function == nullptr) {
    throw std::invalid_argument("registerOperatorText(" + schemaText + "): no implementation");
  }
  detail::ensureDispatcherOperatorsLoaded();
  std::string_view qualified = std::string_view(schemaText).substr(0, schemaText.find('('));
  while (!qualified.empty() && qualified.back() == ' ') qualified.remove_suffix(1);
  auto [name, overloadName] = splitOverload(qualified);
  if (name.find("::") == std::string_view::npos) {
    throw std::invalid_argument("registerOperatorText(" + schemaText +
                                "): the name has no namespace (`ns::name`)");
  }
  std::string nameText(name), overloadText(overloadName);
  registry().addPending(nameText, overloadText, nullptr, std::move(schemaText), function);
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
