// prim::CallMethod on interface-typed values: the method of the object's own class, found
// in the registry of method tables when the call runs.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ir/parser.h"
#include "runtime/code.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "runtime/method_dispatch.h"
#include "types/named_types.h"

namespace tscript::runtime {
namespace {

// A class's methods as graphs written in IR text, compiled into Code on first request.
class TextMethodTable final : public MethodTable {
 public:
  TextMethodTable(std::map<std::string, std::string> methods, ir::NamedTypeHooks hooks)
      : methods_(std::move(methods)), hooks_(std::move(hooks)) {}
  const Code* methodCode(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mutex_);  // called from any thread (MethodTable's contract)
    ++requests;
    auto text = methods_.find(name);
    if (text == methods_.end()) return nullptr;
    auto& code = codes_[name];
    if (!code) code = std::make_unique<Code>(ir::parseGraph(text->second, hooks_), name);
    return code.get();
  }
  int requests = 0;

 private:
  std::map<std::string, std::string> methods_;
  ir::NamedTypeHooks hooks_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Code>> codes_;
};

class MethodDispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    interface_ = types::InterfaceType::create("__torch__.I");
    interface_->addMethod("get", types::MethodSignature{{"x"}, {types::intType()}, /*parameterDefaults=*/{}, types::intType()});
    for (const char* name : {"__torch__.AddK", "__torch__.Times"}) {
      auto cls = types::ClassType::create(name);
      cls->addAttribute({"k", types::intType()});
      classes_[name] = cls;
    }
    hooks_.classType = [this](const std::string& name) -> types::TypePtr {
      auto found = classes_.find(name);
      return found == classes_.end() ? nullptr : found->second;
    };
    hooks_.interfaceType = [this](const std::string&) -> types::TypePtr { return interface_; };
  }

  // `use(o: I, x: int) -> int: return o.get(x)`
  std::unique_ptr<Code> caller() {
    return std::make_unique<Code>(ir::parseGraph(R"IR(graph(%o : InterfaceType<I>,
      %x : int):
  %r : int = prim::CallMethod[name="get"](%o, %x)
  return (%r)
)IR", hooks_), "use");
  }

  Value objectOf(const std::string& className, int64_t k) {
    auto object = c10::make_intrusive<Object>(classes_.at(className), 1);
    object->slots[0] = Value(k);
    return Value(object);
  }

  std::shared_ptr<TextMethodTable> tableFor(const std::string& className, const char* op) {
    std::string body = std::string(R"IR(graph(%self : )IR") + className + R"IR(,
      %x : int):
  %k : int = prim::GetAttr[name="k"](%self)
  %r : int = )IR" + op + R"IR((%x, %k)
  return (%r)
)IR";
    return std::make_shared<TextMethodTable>(std::map<std::string, std::string>{{"get", body}},
                                             hooks_);
  }

  int64_t call(const Code& code, Value object, int64_t x) {
    Stack stack{std::move(object), Value(x)};
    run(code, stack);
    return stack.back().toInt();
  }

  types::InterfaceTypePtr interface_;
  std::map<std::string, types::ClassTypePtr> classes_;
  ir::NamedTypeHooks hooks_;
};

TEST_F(MethodDispatchTest, CallsTheMethodOfTheObjectsOwnClass) {
  auto add = tableFor("__torch__.AddK", "aten::add");
  auto times = tableFor("__torch__.Times", "aten::mul");
  registerMethodTable(classes_["__torch__.AddK"].get(), add);
  registerMethodTable(classes_["__torch__.Times"].get(), times);
  std::unique_ptr<Code> use = caller();
  EXPECT_EQ(call(*use, objectOf("__torch__.AddK", 5), 3), 8);
  EXPECT_EQ(call(*use, objectOf("__torch__.Times", 5), 3), 15);
  EXPECT_EQ(call(*use, objectOf("__torch__.AddK", 1), 1), 2);
  unregisterMethodTable(classes_["__torch__.AddK"].get());
  unregisterMethodTable(classes_["__torch__.Times"].get());
}

TEST_F(MethodDispatchTest, UnknownClassesMissingMethodsAndDeadTablesAreErrors) {
  std::unique_ptr<Code> use = caller();
  try {
    call(*use, objectOf("__torch__.AddK", 5), 3);
    FAIL() << "no table registered";
  } catch (const ScriptError& error) {
    EXPECT_NE(std::string(error.message()).find("the compiled code of its class is gone"),
              std::string::npos)
        << error.message();
  }
  auto empty = std::make_shared<TextMethodTable>(std::map<std::string, std::string>{}, hooks_);
  registerMethodTable(classes_["__torch__.AddK"].get(), empty);
  try {
    call(*use, objectOf("__torch__.AddK", 5), 3);
    FAIL() << "the table has no `get`";
  } catch (const ScriptError& error) {
    EXPECT_EQ(error.message(), "object of class __torch__.AddK has no method 'get'");
  }
  // The registry holds tables weakly: once the owner drops it, calls fail cleanly.
  empty.reset();
  EXPECT_THROW(call(*use, objectOf("__torch__.AddK", 5), 3), ScriptError);
  unregisterMethodTable(classes_["__torch__.AddK"].get());
}

// One call site met by objects of two classes from many threads (each call a miss that refills
// the site's cache, racing with hits of the others) while another thread keeps registering
// fresh tables (bumping the generation every cached entry is checked against). Old tables are
// kept alive: a table's owner must outlive calls running its code (method_dispatch.cpp).
// `make test-tsan` runs this under ThreadSanitizer.
TEST_F(MethodDispatchTest, ManyThreadsOneCallSiteTwoClassesWhileTablesChange) {
  std::vector<std::shared_ptr<TextMethodTable>> tables{tableFor("__torch__.AddK", "aten::add"),
                                                       tableFor("__torch__.Times", "aten::mul")};
  registerMethodTable(classes_["__torch__.AddK"].get(), tables[0]);
  registerMethodTable(classes_["__torch__.Times"].get(), tables[1]);
  std::unique_ptr<Code> use = caller();
  std::vector<Value> objects{objectOf("__torch__.AddK", 5), objectOf("__torch__.Times", 5)};
  std::atomic<bool> go{false};
  std::atomic<int> good{0}, callersLeft{0};
  constexpr int kCallers = 4, kRuns = 500;
  callersLeft = kCallers;
  std::vector<std::thread> threads;
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kRuns; ++i) {
        bool add = (t + i) % 2 == 0;
        good += call(*use, objects[add ? 0 : 1], 3) == (add ? 8 : 15);
      }
      --callersLeft;
    });
  }
  std::vector<std::shared_ptr<TextMethodTable>> replaced;  // kept alive, see above
  threads.emplace_back([&] {
    while (!go.load()) std::this_thread::yield();
    while (callersLeft.load() > 0) {
      replaced.push_back(tableFor("__torch__.Times", "aten::mul"));
      registerMethodTable(classes_["__torch__.Times"].get(), replaced.back());
      std::this_thread::yield();
    }
  });
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kCallers * kRuns);
  unregisterMethodTable(classes_["__torch__.AddK"].get());
  unregisterMethodTable(classes_["__torch__.Times"].get());
}

}  // namespace
}  // namespace tscript::runtime
