// The operator registry against the c10 dispatcher of libtorch 1.13: every dispatcher schema
// parses and prints back exactly as c10 prints it, lookups, tscript registrations, and a
// boxed call. c10's own FunctionSchema printing is used here only as the reference.
#include <gtest/gtest.h>

#include <ATen/core/Tensor.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/ops/full.h>
#include <ATen/ops/ones.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "ops/registry.h"

namespace tscript::ops {
namespace {

void doNothing(InterpreterStack&) {}
void doNothingElse(InterpreterStack&) {}

std::vector<std::string> overloadNames(std::span<const Operator* const> overloads) {
  std::vector<std::string> names;
  for (const Operator* op : overloads) names.push_back(op->schema().overloadName);
  return names;
}

TEST(Registry, EveryDispatcherSchemaParses) {
  std::vector<std::string> problems = dispatcherSchemaProblems();
  for (const std::string& problem : problems) ADD_FAILURE() << problem;
  RegistryCounts counts = registryCounts();
  std::cout << "dispatcher: " << counts.dispatcherOverloads << " overloads; registry: "
            << counts.names << " names, " << counts.overloads << " overloads\n";
  EXPECT_GT(counts.dispatcherOverloads, 2000u);
}

TEST(Registry, EveryDispatcherSchemaRoundTripsAndMatchesC10) {
  c10::Dispatcher& dispatcher = c10::Dispatcher::singleton();
  size_t withSchema = 0;
  size_t mismatches = 0;
  for (const c10::OperatorName& name : dispatcher.getAllOpNames()) {
    auto handle = dispatcher.findSchema(name);
    if (!handle) continue;  // kernels registered for an operator whose schema is not (yet) there
    ++withSchema;
    std::string c10Text = c10::toString(handle->schema());
    const Operator* op = findExact(name.name, name.overload_name);
    ASSERT_NE(op, nullptr) << c10Text;
    EXPECT_TRUE(op->isDispatcherOperator());
    EXPECT_EQ(op->schemaText(), c10Text);
    std::string ours = printSchema(op->schema());
    if (ours != c10Text && ++mismatches <= 20) {
      ADD_FAILURE() << "c10:  " << c10Text << "\nours: " << ours;
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(withSchema, registryCounts().dispatcherOverloads);
  std::cout << withSchema << " dispatcher schemas round-tripped\n";
}

TEST(Registry, AddHasTheDispatcherOverloadsInRegistrationOrder) {
  // The c10 part of 1.13's aten::add (torch.jit adds int/float/str/list overloads of its
  // own, which the runtime layer registers).
  std::span<const Operator* const> add = overloadsOf("aten::add");
  std::vector<std::string> dispatcherOnes;
  for (const Operator* op : add) {
    if (op->isDispatcherOperator()) dispatcherOnes.push_back(op->schema().overloadName);
  }
  EXPECT_EQ(dispatcherOnes, (std::vector<std::string>{"Tensor", "Scalar", "out", "Scalar_out"}));
  // Symbol and string lookups see the same list.
  std::span<const Operator* const> bySymbol = overloadsOf(ir::Symbol::fromQualString("aten::add"));
  EXPECT_EQ(bySymbol.data(), add.data());
  EXPECT_EQ(bySymbol.size(), add.size());

  const Operator* tensor = findExact("aten::add.Tensor");
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(tensor->schemaText(),
            "aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor");
  EXPECT_EQ(tensor->name(), ir::Symbol::fromQualString("aten::add"));
  EXPECT_EQ(findExact("aten::add", "out"), findExact("aten::add.out"));
  EXPECT_EQ(findExact(ir::Symbol::fromQualString("aten::add"), "Scalar"), findExact("aten::add.Scalar"));
  // The default overload has an empty overload name.
  const Operator* relu = findExact("aten::relu");
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->schema().overloadName, "");
  EXPECT_EQ(findExact("aten::relu", ""), relu);

  EXPECT_TRUE(overloadsOf("aten::no_such_operator").empty());
  EXPECT_TRUE(overloadsOf("unqualified").empty());
  EXPECT_EQ(findExact("aten::add.no_such_overload"), nullptr);
  EXPECT_EQ(findExact("tstest_never::x"), nullptr);
}

TEST(Registry, OtherNamespacesAreThere) {
  // (`prims::` operators are registered from Python by torch._prims, so not here.)
  EXPECT_FALSE(overloadsOf("quantized::add").empty());
  EXPECT_FALSE(overloadsOf("aten::split").empty());
  // The profiler's custom-class schema parsed with its class kept by name.
  const Operator* enter = findExact("profiler::_record_function_enter_new");
  ASSERT_NE(enter, nullptr);
  EXPECT_EQ(enter->schema().returns[0].type->kind(), types::TypeKind::Class);
  auto names = operatorNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end(), [](ir::Symbol a, ir::Symbol b) {
    return a.toQualString() < b.toQualString();
  }));
  EXPECT_EQ(names.size(), registryCounts().names);
}

TEST(Registry, TscriptOperatorsAreRegisteredAndFound) {
  const Operator& twice = registerOperator(parseSchema("tstest::twice.int(int a) -> int"), doNothing);
  EXPECT_FALSE(twice.isDispatcherOperator());
  EXPECT_EQ(twice.function(), &doNothing);
  EXPECT_EQ(twice.schemaText(), "tstest::twice.int(int a) -> int");
  EXPECT_EQ(findExact("tstest::twice.int"), &twice);

  // Spans handed out before a registration stay as they were.
  std::span<const Operator* const> before = overloadsOf("tstest::twice");
  ASSERT_EQ(before.size(), 1u);
  const Operator& twiceFloat =
      registerOperator(parseSchema("tstest::twice.float(float a) -> float"), doNothingElse);
  EXPECT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0], &twice);
  EXPECT_EQ(overloadNames(overloadsOf("tstest::twice")), (std::vector<std::string>{"int", "float"}));
  EXPECT_EQ(findExact("tstest::twice", "float"), &twiceFloat);

  // One implementation per schema name, dispatcher operators included.
  EXPECT_THROW(registerOperator(parseSchema("tstest::twice.int(int b) -> int"), doNothing),
               std::invalid_argument);
  EXPECT_THROW(registerOperator(parseSchema("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"), doNothing),
               std::invalid_argument);
  EXPECT_THROW(registerOperator(parseSchema("tstest::none(int a) -> int"), nullptr),
               std::invalid_argument);

  // TorchScript's own overloads of aten operators come after the dispatcher's.
  const Operator& addInt = registerOperator(parseSchema("aten::add.int(int a, int b) -> int"), doNothing);
  EXPECT_EQ(overloadsOf("aten::add").back(), &addInt);

  std::vector<c10::IValue> stack;
  EXPECT_THROW(callBoxed(twice, stack), std::invalid_argument);
}

TEST(Registry, ConcurrentLookupsAndRegistrations) {
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failed] {
      for (int i = 0; i < 200; ++i) {
        if (t % 2 == 0) {
          registerOperator(parseSchema("tstest::concurrent.t" + std::to_string(t) + "_" +
                                       std::to_string(i) + "(int a) -> int"),
                           doNothing);
        } else if (overloadsOf("aten::add").size() < 4 || !findExact("aten::mul.Tensor")) {
          failed = true;
        }
        for (const Operator* op : overloadsOf("tstest::concurrent")) {
          if (op->schema().name != "tstest::concurrent") failed = true;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(overloadsOf("tstest::concurrent").size(), 400u);
}

TEST(Registry, BoxedCallOfAddTensor) {
  const Operator* add = findExact("aten::add", "Tensor");
  ASSERT_NE(add, nullptr);
  std::vector<c10::IValue> stack;
  stack.emplace_back(at::ones({2, 3}));
  stack.emplace_back(at::full({2, 3}, 2.0));
  stack.emplace_back(c10::Scalar(10));  // alpha: 1 + 10 * 2
  callBoxed(*add, stack);
  ASSERT_EQ(stack.size(), 1u);
  ASSERT_TRUE(stack[0].isTensor());
  at::Tensor result = stack[0].toTensor();
  EXPECT_EQ(result.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(result.equal(at::full({2, 3}, 21.0)));

  // Kernel errors come back as exceptions.
  std::vector<c10::IValue> bad;
  bad.emplace_back(at::ones({2}));
  bad.emplace_back(at::ones({3}));
  bad.emplace_back(c10::Scalar(1));
  EXPECT_THROW(callBoxed(*add, bad), std::exception);
}

}  // namespace
}  // namespace tscript::ops
