// Emits the IR of one function from its AST (statements and expressions).
//
// Variables are written as prim::Store / prim::Load nodes (ConvertToSSA turns them into SSA
// afterwards), so this file only has to get types and evaluation order right. The emitter
// keeps, per block, the static type each variable has at this point of the program; a read of
// a variable gets that type, and assigning a value of another type is an error, as in
// TorchScript.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "compiler/operator_matcher.h"
#include "compiler/resolver.h"
#include "compiler/sugared_value.h"
#include "lang/ast.h"
#include "types/named_types.h"
#include "types/type.h"

namespace tscript::compiler {

// A compiled function: its graph and signature.
struct CompiledFunction {
  std::string name;
  std::shared_ptr<ir::Graph> graph;
  std::vector<std::string> parameterNames;
  std::vector<types::TypePtr> parameterTypes;
  // The default of each parameter (nullopt: none), a constant evaluated at compile time.
  std::vector<std::optional<ir::ConstantValue>> parameterDefaults;
  // N for a `BroadcastingListN[T]` parameter (a List[T] that also accepts one T, repeated N
  // times, as the schema `T[N]`); nullopt for the others.
  std::vector<std::optional<size_t>> parameterBroadcastSizes;
  types::TypePtr returnType;
  // The prim::Constant nodes of int and float literals of the source. torch.jit 1.13
  // materializes those at the top of the graph (one per value) while every other constant
  // (str, None, bool literals, folded negations, defaults, loop conditions) is inserted
  // where it is used; constant pooling orders the two groups differently.
  std::unordered_set<const ir::Node*> hoistedLiterals;
};

// `name(Tensor x, int n=1) -> Tensor`: the schema spelling torch.jit prints for a compiled
// function or method (`.schema`).
std::string schemaText(const std::string& name, const CompiledFunction& function);

class FunctionEmitter {
 public:
  // With `selfType`, `def` is a method: its first parameter is `self`, of that type.
  FunctionEmitter(const lang::FunctionDefStmt& def, Resolver& resolver,
                  const OperatorMatcher& matcher, types::TypePtr selfType = nullptr);

  // Emits the whole function and runs the passes that make it a finished graph.
  CompiledFunction emit();
  // The signature is an `@_overload` declaration's with the implementation's defaults: a
  // default that does not fit this declaration's type leaves the parameter without one
  // (torch.norm's declarations type `p` as a number, its default is "fro"), as in torch.jit.
  void dropDefaultsThatDoNotFit() { dropDefaultsThatDoNotFit_ = true; }

  // ---- services for sugared values ----------------------------------------------------
  ir::Graph& graph() { return *graph_; }
  const OperatorMatcher& matcher() const { return matcher_; }
  // Whether assigning `object.name` may define attribute `name`: in the __init__ of a script
  // class (not a module: modules' attributes come from the Python object), on its own objects.
  bool definesAttributesOf(const ir::Value* object) const {
    return selfType_ && def_.name == "__init__" && object->type() == selfType_ &&
           !selfType_->as<types::ClassType>()->isModule();
  }
  // What a value of class or module type offers (see Resolver::objectValue), or nullptr.
  SugaredValuePtr objectValue(ir::Value* object) { return resolver_.objectValue(object); }
  ir::Value* emitBuiltin(const char* qualifiedOp, std::vector<ir::Value*> inputs,
                         const lang::SourceRange& range);
  ir::Value* emitBuiltin(ir::Symbol op, const std::vector<NamedValue>& args,
                         const lang::SourceRange& range);
  ir::Value* insertConstant(int64_t value, const lang::SourceRange& range = {});
  ir::Value* insertConstant(double value, const lang::SourceRange& range = {});
  ir::Value* insertBoolConstant(bool value, const lang::SourceRange& range = {});
  ir::Value* insertStringConstant(const std::string& value, const lang::SourceRange& range = {});
  ir::Value* insertNoneConstant(const lang::SourceRange& range = {});
  ir::Node* insertNode(ir::Symbol kind, std::vector<ir::Value*> inputs, size_t outputs,
                       const lang::SourceRange& range);
  // The elements of an iterable (a range) collected into a list by a loop.
  ir::Value* emitListOf(SugaredValue& iterable, const lang::SourceRange& range);
  // Removes a constant that was emitted for an expression only needed at compile time
  // (getattr's name, tuple slice bounds), unless something uses it.
  void discardUnusedConstant(ir::Value* constant);

 private:
  // ---- statements ----
  // A program to emit: the concatenation of statements[from..] of each segment.
  // A segment may be one iteration of an unrolled loop (a loop over a module list or a
  // tuple that contains a return, in tail position): its loop variable is bound to `element`
  // first, and the segments after it are the remaining iterations, then what follows the
  // loop, so an `if` that returns in the body gets all of that as its continuation (as
  // 1.13's exit transform moves the rest of the block into the branch that does not exit).
  struct Segment {
    const lang::StmtList* statements;
    size_t from;
    // How many unrolled loops enclose these statements within the current region; -1: as
    // many as where the sequence is emitted.
    int unrolledDepth = -1;
    const lang::ForStmt* unrolledLoop = nullptr;  // set: bind its target to `element` first
    SugaredValuePtr element;
  };
  // Emits the segments in order, stopping after a statement that always exits (return or
  // raise). `tail`: they run to the end of the function, so a return among them ends it.
  // Returns true when it stopped at an if decided at compile time whose taken branch always
  // exits (the rest is unreachable, and the enclosing if's branch counts as exiting).
  bool emitSequence(std::vector<Segment> segments, bool tail);
  // The iterations of `for` over a compile-time sequence as segments; nullopt when the loop
  // is a real one (its iterable, already emitted, is kept for emitFor in pendingIterable_).
  std::optional<std::vector<Segment>> unrolledIterations(const lang::ForStmt& statement);
  std::pair<const lang::ForStmt*, SugaredValuePtr> pendingIterable_;
  void emitBlock(const lang::StmtList& statements) { emitSequence({{&statements, 0}}, false); }
  void emitStatement(const lang::Stmt& statement);
  void emitAssign(const lang::AssignStmt& assign);
  void emitAugAssign(const lang::AugAssignStmt& assign);
  void emitAnnAssign(const lang::AnnAssignStmt& assign);
  void assignTo(const lang::Expr& target, const SugaredValuePtr& value,
                const lang::SourceRange& range);
  // With `continuation`, that program is emitted after each branch (the early-return
  // transform of emitSequence); `tail`: the if runs to the end of the function.
  // Returns whether the condition was decided at compile time and the branch taken always
  // exits: then what follows the if is unreachable and is not emitted (as in torch.jit, whose
  // `if self.mask_roi_pool is not None: ... else: raise` leaves the rest of the block out).
  bool emitIf(const lang::IfStmt& statement, bool tail,
              const std::vector<Segment>* continuation = nullptr);
  // Merges the variable types of the branches of an if into the current scope.
  void mergeBranchScopes(const std::map<std::string, types::TypePtr> branch[2], const bool exits[2],
                         const lang::SourceRange& range);
  void emitWhile(const lang::WhileStmt& statement);
  void emitFor(const lang::ForStmt& statement);
  void emitDelete(const lang::DeleteStmt& statement);
  void emitWith(const lang::WithStmt& statement);
  // Whether the only return (or break/continue) in `body` is its last statement, a return or
  // a `with` (which emitWith checks in turn).
  static bool exitsOnlyAtEnd(const lang::StmtList& body);
  void emitAugAssignSubscript(const lang::AugAssignStmt& assign, const lang::SubscriptExpr& subscript);
  void emitReturn(const lang::ReturnStmt& statement);
  void emitBreakOrContinue(const lang::Stmt& statement);
  // After a loop that returned from inside: `if $did_return: <leave this region> else: rest`.
  void emitReturnGuard(const lang::SourceRange& range, const std::vector<Segment>& rest);
  // What falling off the end of the innermost region does (see Region).
  void emitRegionEnd(const lang::SourceRange& range);
  void emitRaise(const lang::RaiseStmt& statement);
  // The qualified name of the exception class `callee` names (`ValueError`, `errors.Mine`)
  // when the resolver knows it as one; nullopt otherwise.
  std::optional<std::string> exceptionClassName(const lang::Expr& callee);
  // Whether a call of `callee` is the isinstance special form (emit_refinement.cpp).
  bool isIsinstanceCallee(const lang::Expr& callee);
  void emitAssert(const lang::AssertStmt& statement);
  // A prim::Loop running `body`; `condition` (null: always true) is evaluated before each
  // iteration; `bindTarget` binds the loop variable at the top of the body.
  // A body with break/continue/return is emitted as a region of its own (see Region).
  void emitLoop(const lang::SourceRange& range, ir::Value* tripCount, const lang::Expr* condition,
                const lang::StmtList& body, const std::function<void(ir::Value* index)>& bindTarget);
  // The same with the body emitted by a callback (comprehensions).
  void emitLoop(const lang::SourceRange& range, ir::Value* tripCount, const lang::Expr* condition,
                const std::function<void()>& emitBody,
                const std::function<void(ir::Value* index)>& bindTarget,
                const std::string& continueVariable = "");

  // ---- expressions ----
  // `sorted(xs)` / `xs.sort()` of a List of class objects, ordered by __lt__
  // (emit_object_sort.cpp); the sorted copy, or nullptr for the in-place sort.
  bool isObjectListSort(ir::Symbol op, const std::vector<NamedValue>& args) const;
  ir::Value* emitObjectListSort(ir::Symbol op, const std::vector<NamedValue>& args,
                                const lang::SourceRange& range);
  SugaredValuePtr emitSugared(const lang::Expr& expr);
  ir::Value* emitValue(const lang::Expr& expr);
  ir::Value* emitBinOp(const lang::BinOpExpr& expr);
  ir::Value* emitUnaryOp(const lang::UnaryOpExpr& expr);
  ir::Value* emitCompare(const lang::CompareExpr& expr);
  ir::Value* emitComparison(lang::CmpOpKind op, ir::Value* left, ir::Value* right,
                            const lang::SourceRange& range);
  ir::Value* emitBoolOp(const lang::BoolOpExpr& expr);
  ir::Value* emitIfExpr(const lang::IfExpr& expr);
  ir::Value* emitCondition(const lang::Expr& expr);
  ir::Value* emitConstant(const lang::ConstantExpr& expr);
  // Marks the constant just emitted for an int or float literal
  // (CompiledFunction::hoistedLiterals).
  ir::Value* hoistedLiteral(ir::Value* constant);
  ir::Value* emitSubscript(const lang::SubscriptExpr& expr);
  // An expression whose type the context knows (an annotated assignment, a return): list
  // and dict literals take the hinted type, `x.tolist()` needs it (1.13 does the same).
  ir::Value* emitValueWithHint(const lang::Expr& expr, const types::TypePtr& hint);
  ir::Value* emitToList(const lang::CallExpr& call, const types::TypePtr& hint);
  ir::Value* emitListLiteral(const lang::ListExpr& expr, const types::TypePtr& hint);
  ir::Value* emitDictLiteral(const lang::DictExpr& expr, const types::TypePtr& hint);
  ir::Value* emitJoinedStr(const lang::JoinedStrExpr& expr);
  SugaredValuePtr emitCall(const lang::CallExpr& expr);
  // Emits the arguments of `expr` and calls `callee` with them.
  SugaredValuePtr emitCallOn(const lang::CallExpr& expr, const SugaredValuePtr& callee);
  // enumerate(...) / zip(...): their iterables stay sugared values (`enumerate(zip(a, b))`).
  SugaredValuePtr emitIterationCall(const lang::CallExpr& expr, bool enumerate);
  // `annotate(T, value)`: value emitted with T as its type hint (emit_expressions.cpp).
  ir::Value* emitAnnotate(const lang::CallExpr& call);
  // `unchecked_cast(T, x)` (prim::unchecked_cast to T) / `uninitialized(T)`
  // (prim::Uninitialized of type T).
  ir::Value* emitTypeArgumentBuiltin(const lang::CallExpr& call, TypeArgumentBuiltin::Which which);
  // List and dict comprehensions (emit_comprehension.cpp): an empty container filled by a
  // loop per `for` clause, `if` clauses guarding the insertion.
  // `[e for x in xs]`, and `(e for x in xs)`, which is built as a list too (as in torch.jit).
  ir::Value* emitListComprehension(const lang::SourceRange& range, const lang::Expr& element,
                                   const std::vector<lang::Comprehension>& clauses);
  ir::Value* emitDictComprehension(const lang::DictCompExpr& expr);
  void emitComprehensionClauses(const std::vector<lang::Comprehension>& clauses, size_t index,
                                const std::function<void()>& emitInsertion);

  // ---- tensor indexing (emit_indexing.cpp) ----
  // The tensor after its int/slice/None/... indices, and the tensor indices that remain for
  // one aten::index / index_put_ (nullptr: a dimension taken whole).
  struct IndexedTensor {
    ir::Value* value;
    std::vector<ir::Value*> advanced;
  };
  IndexedTensor emitTensorIndices(ir::Value* tensor, const lang::Expr& slice,
                                  const lang::SourceRange& range);
  ir::Value* indexList(const std::vector<ir::Value*>& advanced, const lang::SourceRange& range);
  ir::Value* emitTensorSubscript(ir::Value* tensor, const lang::Expr& slice,
                                 const lang::SourceRange& range);
  void emitTensorSubscriptAssign(ir::Value* tensor, const lang::Expr& slice, ir::Value* value,
                                 const lang::SourceRange& range);
  // `value` as a tensor of `like`'s dtype and device (numbers assigned into tensors).
  ir::Value* tensorLike(ir::Value* value, ir::Value* like, const lang::SourceRange& range);

  // ---- refinement (emit_refinement.cpp) ----
  // What a condition proves about variables: `x is not None` makes an Optional[int] x an int
  // where it is true. Applied by casting (prim::unchecked_cast) at the top of the branch.
  struct Refinements {
    std::map<std::string, types::TypePtr> whenTrue;
    std::map<std::string, types::TypePtr> whenFalse;
  };
  Refinements refinementsOf(const lang::Expr& test);
  // Returns the stores of the refined values, marked `refinement` (they narrow the variable
  // in this block only); keepRefinementsPastIf unmarks them where the block is the one path
  // past its `if` (the other exits), so the refined values become the if's outputs, as 1.13.
  std::vector<ir::Node*> applyRefinements(const std::map<std::string, types::TypePtr>& refined,
                                          const lang::SourceRange& range);
  static void keepRefinementsPastIf(const std::vector<ir::Node*>& stores);
  // isinstance(value, T): decided at compile time from the static type where possible
  // (a constant), by a None check for Optional[T], else an error.
  ir::Value* emitIsinstance(const lang::CallExpr& call);
  types::TypePtr isinstanceTarget(const lang::Expr& expression);
  // Whether `value` is a compile-time boolean constant; `result` gets its value.
  static bool isConstantBool(const ir::Value* value, bool& result);

  // ---- variables ----
  std::optional<types::TypePtr> variableType(const std::string& name) const;
  void declareVariable(const std::string& name, const types::TypePtr& type,
                       const lang::SourceRange& range);
  ir::Value* loadVariable(const std::string& name, const lang::SourceRange& range);
  // `declared`: the variable's annotated type, wider than the value's (`b: Optional[int] =
  // None`).
  void storeVariable(const std::string& name, ir::Value* value, const lang::SourceRange& range,
                     const types::TypePtr& declared = nullptr);
  // A scope per block being emitted: the variables assigned in it and their types.
  void pushScope();
  std::map<std::string, types::TypePtr> popScope();

  types::TypePtr annotationType(const lang::Expr& annotation);
  // The default of parameter `arg` (typed `type`): `expression` must evaluate to a constant
  // (number, str, bool, None, device, tuple of those) whose type fits (nullopt when it does
  // not and dropDefaultsThatDoNotFit() was asked for).
  // `broadcast`: the parameter is a BroadcastingListN, whose scalar default is repeated N
  // times (`padding: BroadcastingList2[int] = 0` is [0, 0]).
  std::optional<ir::ConstantValue> evaluateDefault(const lang::Arg& arg, const lang::Expr& expression,
                                    const types::TypePtr& type,
                                    std::optional<size_t> broadcast = std::nullopt);
  // The parameter types written in a `# type: (int, float) -> int` comment, if there is one.
  std::optional<std::vector<types::TypePtr>> signatureCommentTypes(size_t parameterCount);
  types::TypePtr parameterCommentType(const lang::Arg& arg);
  // Rejects a construct. `problem` is the whole statement, verb included ("lambdas are not
  // supported in TorchScript", "'with' statements are not supported by tscript yet"): no
  // grammar is guessed, and it says whether TorchScript or only tscript lacks the feature.
  // `instead` says what to write instead.
  [[noreturn]] void unsupported(const lang::SourceRange& range, const std::string& problem,
                                const std::string& instead = "");

  const lang::FunctionDefStmt& def_;
  Resolver& resolver_;
  const OperatorMatcher& matcher_;
  types::TypePtr selfType_;
  std::unordered_set<const ir::Node*> hoistedLiterals_;
  std::shared_ptr<ir::Graph> graph_;
  std::vector<std::map<std::string, types::TypePtr>> scopes_;
  // Per scope (parallel to scopes_): variables whose IR name differs from their Python name.
  // `_` rebound in a nested block to a type its enclosing `_` cannot hold (`_, h = rnn(x)`
  // in a loop after `b, _, t = x.size()`: torchaudio's WaveRNN) is a new variable of that
  // block, as 1.13 accepts the code; the enclosing `_` cannot be read afterwards
  // (`unreadableThrowaways_` says why), since Python would see the rebound value there.
  std::vector<std::map<std::string, std::string>> irNames_;
  std::map<std::string, std::string> unreadableThrowaways_;
  int throwawayCounter_ = 0;
  // The IR name (Store/Load) of the variable `name` as seen from the current scope.
  std::string irNameOf(const std::string& name) const;
  // A new IR name for `_` rebound here to `type`; remembers why the enclosing `_` can no
  // longer be read.
  std::string rebindThrowaway(const types::TypePtr& type, const lang::SourceRange& range);
  // Why `name` cannot be read here (a rebound `_`), if that is the case.
  std::optional<std::string> unreadableVariable(const std::string& name) const;
  // Local names bound to compile-time values (SugaredValue::assignableAsAlias), function-wide.
  std::map<std::string, SugaredValuePtr> aliases_;
  // Early exits (return, break, continue) are compiled as in TorchScript: the statements
  // after an `if` that may exit are emitted at the end of each of its branches, so every
  // path reaches the end of its region having stored what the region's end reads. A region
  // is the function body or a loop body:
  //  - function: `$return` holds the result; a return inside a loop also sets `$did_return`;
  //  - loop with exits: `continueVariable` holds the loop's next condition (break: false,
  //    continue or the end of the body: the while test, or true);
  //  - unrolled loop (over a tuple or module list): no exits allowed.
  struct Region {
    enum class Kind { Function, Loop };
    explicit Region(Kind k) : kind(k) {}
    Kind kind;
    std::string continueVariable;          // Loop with exits only
    const lang::Expr* condition = nullptr;  // the while test (null for for loops)
    bool returnsAllowed = true;             // a return can leave every enclosing region
    bool containsReturn = false;            // the body has a return statement
  };
  // On the paths of a loop body that do not return, `$did_return` is false and `$return`
  // unset: stored explicitly, so the values are constants, as in torch.jit's graphs.
  void storeNotReturned(const lang::SourceRange& range);
  std::vector<Region> regions_;
  // Unrolled loops around the statement being emitted, within the innermost region: break
  // and continue cannot leave them, and a return can only in tail position.
  int unrolledDepth_ = 0;
  int loopCounter_ = 0;                            // names the continue variables
  ir::Node* returnPlaceholder_ = nullptr;          // $return before a loop that returns
  types::TypePtr declaredReturnType_;              // null when inferred
  struct ReturnedType {
    types::TypePtr type;
    lang::SourceRange range;  // the return statement (the def for falling off the end)
  };
  std::vector<ReturnedType> returnedTypes_;        // of each return statement
  bool hasReturns_ = false;  // the function has a return statement somewhere
  bool dropDefaultsThatDoNotFit_ = false;
  bool tail_ = false;        // the statement being emitted is in tail position of its region
  // The last statement of a `with` body in tail position (a return, or a nested with): it is
  // in tail position too, since only the exits of the context managers follow it.
  const lang::Stmt* withTailStatement_ = nullptr;
};

}  // namespace tscript::compiler
