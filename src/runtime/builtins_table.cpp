// The builtin operator tables put together: lookup by name and dict key-type expansion.
#include <unordered_map>

#include "runtime/builtins_table.h"

namespace tscript::runtime {

namespace {

std::vector<const std::vector<BuiltinOperator>*> builtinFamilies() {
  return {&intFloatOperators(), &stringOperators(), &stringFormatOperators(), &listOperators(),
          &dictOperators(), &mathOperators(), &primOperators(), &tensorOperators(),
          &scriptOperators()};
}

}  // namespace

std::string_view schemaQualifiedName(std::string_view schema) {
  return schema.substr(0, schema.find('('));
}

std::vector<BuiltinOperator> allBuiltinOperators() {
  std::vector<BuiltinOperator> all;
  for (const auto* family : builtinFamilies()) {
    all.insert(all.end(), family->begin(), family->end());
  }
  return all;
}

const BuiltinOperator* findBuiltinOperator(std::string_view qualifiedName) {
  // Built once; the tables are immutable, so the pointers stay valid.
  static const auto* const byName = [] {
    auto* map = new std::unordered_map<std::string_view, const BuiltinOperator*>();
    for (const auto* family : builtinFamilies()) {
      for (const BuiltinOperator& op : *family) map->emplace(schemaQualifiedName(op.schema), &op);
    }
    return map;
  }();
  auto it = byName->find(qualifiedName);
  return it == byName->end() ? nullptr : it->second;
}

std::vector<BuiltinOperator> expandForDictKeyTypes(const std::vector<BuiltinOperator>& templates) {
  std::vector<BuiltinOperator> expanded;
  for (const BuiltinOperator& op : templates) {
    for (const char* keyType : {"str", "int", "bool", "float", "complex", "Tensor"}) {
      std::string schema = op.schema;
      for (size_t at = schema.find("{K}"); at != std::string::npos; at = schema.find("{K}", at)) {
        schema.replace(at, 3, keyType);
      }
      expanded.push_back({std::move(schema), op.function});
    }
  }
  return expanded;
}

}  // namespace tscript::runtime
