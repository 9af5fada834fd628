#include "ir/symbol.h"

#include <deque>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace tscript::ir {

namespace {

// Strings live in a deque so references handed out by toQualString stay valid as it grows.
struct SymbolTable {
  std::mutex mutex;
  std::deque<std::string> strings{std::string()};
  std::unordered_map<std::string_view, uint32_t> ids;
};

SymbolTable& table() {
  static SymbolTable* instance = new SymbolTable();  // never destroyed: symbols outlive statics
  return *instance;
}

}  // namespace

Symbol Symbol::fromQualString(std::string_view qualified) {
  if (qualified.find("::") == std::string_view::npos) {
    throw std::invalid_argument("symbol '" + std::string(qualified) +
                                "' is not qualified (expected namespace::name)");
  }
  SymbolTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  if (auto it = t.ids.find(qualified); it != t.ids.end()) return Symbol(it->second);
  const std::string& stored = t.strings.emplace_back(qualified);
  uint32_t id = static_cast<uint32_t>(t.strings.size() - 1);
  t.ids.emplace(stored, id);
  return Symbol(id);
}

Symbol Symbol::make(std::string_view ns, std::string_view name) {
  std::string qualified;
  qualified.reserve(ns.size() + 2 + name.size());
  qualified.append(ns).append("::").append(name);
  return fromQualString(qualified);
}

const std::string& Symbol::toQualString() const {
  SymbolTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return t.strings[id_];
}

std::string_view Symbol::ns() const {
  std::string_view s = toQualString();
  return s.substr(0, s.find("::"));
}

std::string_view Symbol::name() const {
  std::string_view s = toQualString();
  size_t sep = s.find("::");
  return sep == std::string_view::npos ? s : s.substr(sep + 2);
}

namespace prim {
const Symbol Param = Symbol::fromQualString("prim::Param");
const Symbol Return = Symbol::fromQualString("prim::Return");
const Symbol Constant = Symbol::fromQualString("prim::Constant");
const Symbol If = Symbol::fromQualString("prim::If");
const Symbol Loop = Symbol::fromQualString("prim::Loop");
}  // namespace prim

}  // namespace tscript::ir
