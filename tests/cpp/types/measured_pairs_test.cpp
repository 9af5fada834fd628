// isSubtypeOf and unifyTypes for every ordered pair of 29 types, against the answers PyTorch
// 1.13 gives (tests/cpp/types/data/README.md says how they were measured).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "types/type.h"

namespace tscript::types {
namespace {

TypePtr pairBaseType(const std::string& spelling) {
  static const std::map<std::string, TypePtr> types = {
      {"int", intType()},
      {"float", floatType()},
      {"complex", complexType()},
      {"str", strType()},
      {"bool", boolType()},
      {"NoneType", noneType()},
      {"Tensor", tensorType()},
      {"int[]", listOf(intType())},
      {"float[]", listOf(floatType())},
      {"int?[]", listOf(optionalOf(intType()))},
      {"(int, str)", tupleOf({intType(), strType()})},
      {"(float, str)", tupleOf({floatType(), strType()})},
      {"(int, int?)", tupleOf({intType(), optionalOf(intType())})},
      {"(int, NoneType)", tupleOf({intType(), noneType()})},
      {"Dict(str, int)", dictOf(strType(), intType())},
      {"Dict(str, int?)", dictOf(strType(), optionalOf(intType()))},
      {"Device", deviceType()},
      {"Any", anyType()},
      {"int?", optionalOf(intType())},
      {"float?", optionalOf(floatType())},
      {"Scalar", numberType()},
      {"Scalar?", optionalOf(numberType())},
      {"Union(int, str)", unionOf({intType(), strType()})},
      {"Union(int, str, NoneType)", unionOf({intType(), strType(), noneType()})},
      {"Union(float, int)", unionOf({floatType(), intType()})},
      {"Future(int)", futureOf(intType())},
      {"Future(int?)", futureOf(optionalOf(intType()))},
      {"(int[], Tensor)", tupleOf({listOf(intType()), tensorType()})},
      {"int[]?", optionalOf(listOf(intType()))},
  };
  auto it = types.find(spelling);
  if (it == types.end()) throw std::runtime_error("no base type " + spelling);
  return it->second;
}

TEST(MeasuredPairs, SubtypingAndUnificationMatch113) {
  std::ifstream table(TSCRIPT_SOURCE_DIR "/tests/cpp/types/data/subtype_unify_1_13.tsv");
  ASSERT_TRUE(table) << "missing data file";
  std::string line;
  size_t rows = 0;
  while (std::getline(table, line)) {
    std::vector<std::string> columns;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
    ASSERT_EQ(columns.size(), 4u) << line;
    TypePtr a = pairBaseType(columns[0]);
    TypePtr b = pairBaseType(columns[1]);
    EXPECT_EQ(isSubtypeOf(a, b), columns[2] == "1") << "isSubtypeOf: " << line;
    std::optional<TypePtr> unified = unifyTypes(a, b);
    EXPECT_EQ(unified ? (*unified)->str() : "ERR", columns[3]) << "unifyTypes: " << line;
    ++rows;
  }
  EXPECT_EQ(rows, 29u * 29u);
}

// The tensor rows: `f23` is TensorType.create_from_tensor(torch.zeros(2, 3)), and the others
// are derived from it as data/README.md says.
TypePtr tensorRowType(const std::string& name) {
  auto floatTensor = [](std::vector<std::optional<int64_t>> sizes, std::vector<int64_t> strides,
                        bool requiresGrad = false, ScalarKind dtype = ScalarKind::Float) {
    TensorDetails d;
    d.dtype = dtype;
    d.sizes = std::move(sizes);
    d.strides = std::move(strides);
    d.requiresGrad = requiresGrad;
    d.device = "cpu";
    return tensorTypeWith(std::move(d));
  };
  static const std::map<std::string, TypePtr> types = [&] {
    std::map<std::string, TypePtr> t;
    t["Tensor"] = tensorType();
    t["f23"] = floatTensor({2, 3}, {3, 1});
    t["f23grad"] = floatTensor({2, 3}, {3, 1}, true);
    t["fxx"] = floatTensor({std::nullopt, std::nullopt}, {3, 1});
    t["f2x"] = floatTensor({2, std::nullopt}, {3, 1});
    t["l23"] = floatTensor({2, 3}, {3, 1}, false, ScalarKind::Long);
    t["f4"] = floatTensor({4}, {1});
    t["f0"] = floatTensor({}, {});
    t["list_f23"] = listOf(t["f23"]);
    t["list_T"] = listOf(tensorType());
    t["opt_f23"] = optionalOf(t["f23"]);
    t["tup_f23"] = tupleOf({t["f23"], intType()});
    t["tup_l23"] = tupleOf({t["l23"], intType()});
    t["dict_f23"] = dictOf(strType(), t["f23"]);
    t["dict_l23"] = dictOf(strType(), t["l23"]);
    return t;
  }();
  auto it = types.find(name);
  if (it == types.end()) throw std::runtime_error("no tensor row " + name);
  return it->second;
}

TEST(MeasuredPairs, TensorSubtypingAndUnificationMatch113) {
  std::ifstream table(TSCRIPT_SOURCE_DIR "/tests/cpp/types/data/tensor_pairs_1_13.tsv");
  ASSERT_TRUE(table) << "missing data file";
  std::string line;
  size_t rows = 0;
  while (std::getline(table, line)) {
    std::vector<std::string> columns;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
    ASSERT_EQ(columns.size(), 4u) << line;
    TypePtr a = tensorRowType(columns[0]);
    TypePtr b = tensorRowType(columns[1]);
    EXPECT_EQ(isSubtypeOf(a, b), columns[2] == "1") << "isSubtypeOf: " << line;
    std::optional<TypePtr> unified = unifyTypes(a, b);
    EXPECT_EQ(unified ? (*unified)->str() : "ERR", columns[3]) << "unifyTypes: " << line;
    ++rows;
  }
  EXPECT_EQ(rows, 15u * 15u);
}

}  // namespace
}  // namespace tscript::types
