// The abstract syntax tree of Python 3 source, as the parser produces it.
//
// The node set mirrors Python's own `ast` module (3.8–3.11) one to one: the same node kinds,
// the same fields, the same names (`kindName()` returns the `ast` class name). That makes the
// parser testable against CPython's `ast` (tests/python/test_parse_corpus.py) and lets later
// stages say precisely which construct they do not support. Constructs TorchScript rejects
// (lambda, try, yield, ...) are still parsed; it is the compiler that refuses them.
//
// Ownership: a tree owns its children through unique_ptr; nodes are not shared.
// Every node carries the SourceRange of the text it was parsed from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/source.h"

namespace tscript::lang {

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------

enum class ExprKind : uint8_t {
  BoolOp, NamedExpr, BinOp, UnaryOp, Lambda, IfExp, Dict, Set, ListComp, SetComp, DictComp,
  GeneratorExp, Await, Yield, YieldFrom, Compare, Call, FormattedValue, JoinedStr, Constant,
  Attribute, Subscript, Starred, Name, List, Tuple, Slice,
};

// The operator enums keep Python's `ast` names too.
enum class BoolOpKind : uint8_t { And, Or };
enum class BinOpKind : uint8_t {
  Add, Sub, Mult, MatMult, Div, Mod, Pow, LShift, RShift, BitOr, BitXor, BitAnd, FloorDiv,
};
enum class UnaryOpKind : uint8_t { Invert, Not, UAdd, USub };
enum class CmpOpKind : uint8_t { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };
// Whether a Name/Attribute/Subscript/Starred/List/Tuple is read, assigned or deleted.
enum class ExprContext : uint8_t { Load, Store, Del };

const char* kindName(ExprKind kind);
const char* kindName(BoolOpKind kind);
const char* kindName(BinOpKind kind);
const char* kindName(UnaryOpKind kind);
const char* kindName(CmpOpKind kind);
// The Python spelling: "+", "//", "not in", ...
const char* operatorText(BinOpKind kind);
const char* operatorText(UnaryOpKind kind);
const char* operatorText(CmpOpKind kind);

struct Expr {
  const ExprKind kind;
  SourceRange range;

  explicit Expr(ExprKind kind, SourceRange range) : kind(kind), range(std::move(range)) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  template <typename T>
  T* as() {
    return kind == T::Kind ? static_cast<T*>(this) : nullptr;
  }
  template <typename T>
  const T* as() const {
    return kind == T::Kind ? static_cast<const T*>(this) : nullptr;
  }
};
using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

template <ExprKind K>
struct ExprOf : Expr {
  static constexpr ExprKind Kind = K;
  explicit ExprOf(SourceRange range) : Expr(K, std::move(range)) {}
};

struct BoolOpExpr : ExprOf<ExprKind::BoolOp> {
  using ExprOf::ExprOf;
  BoolOpKind op = BoolOpKind::And;
  ExprList values;  // two or more: `a and b and c` is one node
};

struct NamedExpr : ExprOf<ExprKind::NamedExpr> {  // walrus: target := value
  using ExprOf::ExprOf;
  ExprPtr target;
  ExprPtr value;
};

struct BinOpExpr : ExprOf<ExprKind::BinOp> {
  using ExprOf::ExprOf;
  ExprPtr left;
  BinOpKind op = BinOpKind::Add;
  ExprPtr right;
};

struct UnaryOpExpr : ExprOf<ExprKind::UnaryOp> {
  using ExprOf::ExprOf;
  UnaryOpKind op = UnaryOpKind::Not;
  ExprPtr operand;
};

struct Arguments;
struct LambdaExpr : ExprOf<ExprKind::Lambda> {
  using ExprOf::ExprOf;
  std::unique_ptr<Arguments> args;
  ExprPtr body;
};

struct IfExpr : ExprOf<ExprKind::IfExp> {  // body if test else orelse
  using ExprOf::ExprOf;
  ExprPtr test;
  ExprPtr body;
  ExprPtr orelse;
};

struct DictExpr : ExprOf<ExprKind::Dict> {
  using ExprOf::ExprOf;
  ExprList keys;  // a null key means `**values[i]`
  ExprList values;
};

struct SetExpr : ExprOf<ExprKind::Set> {
  using ExprOf::ExprOf;
  ExprList elts;
};

struct Comprehension {  // one `for target in iter if cond...` clause
  SourceRange range;
  ExprPtr target;
  ExprPtr iter;
  ExprList ifs;
  bool isAsync = false;
};

struct ListCompExpr : ExprOf<ExprKind::ListComp> {
  using ExprOf::ExprOf;
  ExprPtr elt;
  std::vector<Comprehension> generators;
};
struct SetCompExpr : ExprOf<ExprKind::SetComp> {
  using ExprOf::ExprOf;
  ExprPtr elt;
  std::vector<Comprehension> generators;
};
struct GeneratorExpr : ExprOf<ExprKind::GeneratorExp> {
  using ExprOf::ExprOf;
  ExprPtr elt;
  std::vector<Comprehension> generators;
};
struct DictCompExpr : ExprOf<ExprKind::DictComp> {
  using ExprOf::ExprOf;
  ExprPtr key;
  ExprPtr value;
  std::vector<Comprehension> generators;
};

struct AwaitExpr : ExprOf<ExprKind::Await> {
  using ExprOf::ExprOf;
  ExprPtr value;
};
struct YieldExpr : ExprOf<ExprKind::Yield> {
  using ExprOf::ExprOf;
  ExprPtr value;  // may be null
};
struct YieldFromExpr : ExprOf<ExprKind::YieldFrom> {
  using ExprOf::ExprOf;
  ExprPtr value;
};

struct CompareExpr : ExprOf<ExprKind::Compare> {  // left ops[0] comparators[0] ops[1] ...
  using ExprOf::ExprOf;
  ExprPtr left;
  std::vector<CmpOpKind> ops;
  ExprList comparators;
};

struct Keyword {  // `arg=value` in a call, or `**value` when arg is empty
  SourceRange range;
  std::optional<std::string> arg;
  ExprPtr value;
};

struct CallExpr : ExprOf<ExprKind::Call> {
  using ExprOf::ExprOf;
  ExprPtr func;
  ExprList args;  // `*x` arguments appear as Starred
  std::vector<Keyword> keywords;
};

struct FormattedValueExpr : ExprOf<ExprKind::FormattedValue> {  // `{value!r:spec}` in an f-string
  using ExprOf::ExprOf;
  ExprPtr value;
  int conversion = -1;   // -1 (none), 's', 'r' or 'a', as in Python's ast
  ExprPtr formatSpec;    // a JoinedStr, or null
};

struct JoinedStrExpr : ExprOf<ExprKind::JoinedStr> {  // an f-string (or a concatenation with one)
  using ExprOf::ExprOf;
  ExprList values;  // Constant (str) and FormattedValue parts
};

// The value of a literal. Integers that do not fit in 64 bits keep their decimal digits, so
// that the compiler can report them (Python ints are unbounded; TorchScript's are int64).
struct ConstantValue {
  enum class Kind : uint8_t { None, True, False, Ellipsis, Int, BigInt, Float, Imaginary, Str, Bytes };
  Kind kind = Kind::None;
  int64_t intValue = 0;
  double floatValue = 0;      // Float, and the imaginary part of Imaginary
  std::string text;           // Str/Bytes contents (decoded), BigInt digits
};

struct ConstantExpr : ExprOf<ExprKind::Constant> {
  using ExprOf::ExprOf;
  ConstantValue value;
};

struct AttributeExpr : ExprOf<ExprKind::Attribute> {  // value.attr
  using ExprOf::ExprOf;
  ExprPtr value;
  std::string attr;
  ExprContext ctx = ExprContext::Load;
};

struct SubscriptExpr : ExprOf<ExprKind::Subscript> {  // value[slice]
  using ExprOf::ExprOf;
  ExprPtr value;
  ExprPtr slice;  // an expression, a Slice, or a Tuple of them (Python 3.9+ shape)
  ExprContext ctx = ExprContext::Load;
};

struct StarredExpr : ExprOf<ExprKind::Starred> {
  using ExprOf::ExprOf;
  ExprPtr value;
  ExprContext ctx = ExprContext::Load;
};

struct NameExpr : ExprOf<ExprKind::Name> {
  using ExprOf::ExprOf;
  std::string id;
  ExprContext ctx = ExprContext::Load;
};

struct ListExpr : ExprOf<ExprKind::List> {
  using ExprOf::ExprOf;
  ExprList elts;
  ExprContext ctx = ExprContext::Load;
};

struct TupleExpr : ExprOf<ExprKind::Tuple> {
  using ExprOf::ExprOf;
  ExprList elts;
  ExprContext ctx = ExprContext::Load;
};

struct SliceExpr : ExprOf<ExprKind::Slice> {  // lower:upper:step, each part optional
  using ExprOf::ExprOf;
  ExprPtr lower;
  ExprPtr upper;
  ExprPtr step;
};

// ---------------------------------------------------------------------------------------
// Function parameters
// ---------------------------------------------------------------------------------------

struct Arg {
  SourceRange range;
  std::string name;
  ExprPtr annotation;                     // may be null
  std::optional<std::string> typeComment;  // `x,  # type: int` per-argument comments
};

// The parameter list of a def or lambda, with Python's ast layout:
//   def f(posonly..., /, args..., *vararg, kwonly..., **kwarg)
// `defaults` align with the *last* entries of posonlyargs+args; `kwDefaults` has one entry
// per kwonly argument (null where it has none).
struct Arguments {
  SourceRange range;
  std::vector<Arg> posonlyargs;
  std::vector<Arg> args;
  std::optional<Arg> vararg;
  std::vector<Arg> kwonlyargs;
  ExprList kwDefaults;
  std::optional<Arg> kwarg;
  ExprList defaults;
};

// ---------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------

enum class StmtKind : uint8_t {
  FunctionDef, AsyncFunctionDef, ClassDef, Return, Delete, Assign, AugAssign, AnnAssign, For,
  AsyncFor, While, If, With, AsyncWith, Raise, Try, Assert, Import, ImportFrom, Global,
  Nonlocal, Expr, Pass, Break, Continue,
};
const char* kindName(StmtKind kind);

struct Stmt {
  const StmtKind kind;
  SourceRange range;

  explicit Stmt(StmtKind kind, SourceRange range) : kind(kind), range(std::move(range)) {}
  virtual ~Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <typename T>
  T* as() {
    return T::matches(kind) ? static_cast<T*>(this) : nullptr;
  }
  template <typename T>
  const T* as() const {
    return T::matches(kind) ? static_cast<const T*>(this) : nullptr;
  }
};
using StmtPtr = std::unique_ptr<Stmt>;
using StmtList = std::vector<StmtPtr>;

template <StmtKind K>
struct StmtOf : Stmt {
  static constexpr StmtKind Kind = K;
  static bool matches(StmtKind kind) { return kind == K; }
  explicit StmtOf(SourceRange range) : Stmt(K, std::move(range)) {}
};

// def and async def share one node; `kind` tells them apart.
struct FunctionDefStmt : Stmt {
  static bool matches(StmtKind k) { return k == StmtKind::FunctionDef || k == StmtKind::AsyncFunctionDef; }
  FunctionDefStmt(StmtKind kind, SourceRange range) : Stmt(kind, std::move(range)) {}
  std::string name;
  SourceRange nameRange;
  std::unique_ptr<Arguments> args;
  StmtList body;
  ExprList decorators;
  ExprPtr returns;                          // return annotation, may be null
  std::optional<std::string> typeComment;   // `# type: (int) -> int` after the signature
};

struct ClassDefStmt : StmtOf<StmtKind::ClassDef> {
  using StmtOf::StmtOf;
  std::string name;
  SourceRange nameRange;
  ExprList bases;
  std::vector<Keyword> keywords;  // metaclass=..., total=False, ...
  StmtList body;
  ExprList decorators;
};

struct ReturnStmt : StmtOf<StmtKind::Return> {
  using StmtOf::StmtOf;
  ExprPtr value;  // may be null
};

struct DeleteStmt : StmtOf<StmtKind::Delete> {
  using StmtOf::StmtOf;
  ExprList targets;
};

struct AssignStmt : StmtOf<StmtKind::Assign> {  // t1 = t2 = value
  using StmtOf::StmtOf;
  ExprList targets;
  ExprPtr value;
  std::optional<std::string> typeComment;  // `x = []  # type: List[int]`
};

struct AugAssignStmt : StmtOf<StmtKind::AugAssign> {
  using StmtOf::StmtOf;
  ExprPtr target;
  BinOpKind op = BinOpKind::Add;
  ExprPtr value;
};

struct AnnAssignStmt : StmtOf<StmtKind::AnnAssign> {  // target: annotation [= value]
  using StmtOf::StmtOf;
  ExprPtr target;
  ExprPtr annotation;
  ExprPtr value;      // may be null
  bool simple = true; // the target is a bare name, not in parentheses
};

// for and async for share one node.
struct ForStmt : Stmt {
  static bool matches(StmtKind k) { return k == StmtKind::For || k == StmtKind::AsyncFor; }
  ForStmt(StmtKind kind, SourceRange range) : Stmt(kind, std::move(range)) {}
  ExprPtr target;
  ExprPtr iter;
  StmtList body;
  StmtList orelse;
  std::optional<std::string> typeComment;
};

struct WhileStmt : StmtOf<StmtKind::While> {
  using StmtOf::StmtOf;
  ExprPtr test;
  StmtList body;
  StmtList orelse;
};

struct IfStmt : StmtOf<StmtKind::If> {  // `elif` is an If nested alone in orelse, as in Python
  using StmtOf::StmtOf;
  ExprPtr test;
  StmtList body;
  StmtList orelse;
};

struct WithItem {
  ExprPtr contextExpr;
  ExprPtr optionalVars;  // the `as` target, may be null
};

// with and async with share one node.
struct WithStmt : Stmt {
  static bool matches(StmtKind k) { return k == StmtKind::With || k == StmtKind::AsyncWith; }
  WithStmt(StmtKind kind, SourceRange range) : Stmt(kind, std::move(range)) {}
  std::vector<WithItem> items;
  StmtList body;
  std::optional<std::string> typeComment;
};

struct RaiseStmt : StmtOf<StmtKind::Raise> {
  using StmtOf::StmtOf;
  ExprPtr exc;    // may be null (bare `raise`)
  ExprPtr cause;  // `from cause`, may be null
};

struct ExceptHandler {
  SourceRange range;
  ExprPtr type;                     // may be null (bare `except:`)
  std::optional<std::string> name;  // `as name`
  StmtList body;
};

struct TryStmt : StmtOf<StmtKind::Try> {
  using StmtOf::StmtOf;
  StmtList body;
  std::vector<ExceptHandler> handlers;
  StmtList orelse;
  StmtList finalbody;
};

struct AssertStmt : StmtOf<StmtKind::Assert> {
  using StmtOf::StmtOf;
  ExprPtr test;
  ExprPtr msg;  // may be null
};

struct Alias {  // `name as asname` in an import
  SourceRange range;
  std::string name;  // dotted for `import a.b`
  std::optional<std::string> asname;
};

struct ImportStmt : StmtOf<StmtKind::Import> {
  using StmtOf::StmtOf;
  std::vector<Alias> names;
};

struct ImportFromStmt : StmtOf<StmtKind::ImportFrom> {
  using StmtOf::StmtOf;
  std::optional<std::string> module;  // absent for `from . import x`
  std::vector<Alias> names;           // a single "*" for `import *`
  int level = 0;                      // number of leading dots
};

struct GlobalStmt : StmtOf<StmtKind::Global> {
  using StmtOf::StmtOf;
  std::vector<std::string> names;
};

struct NonlocalStmt : StmtOf<StmtKind::Nonlocal> {
  using StmtOf::StmtOf;
  std::vector<std::string> names;
};

struct ExprStmt : StmtOf<StmtKind::Expr> {
  using StmtOf::StmtOf;
  ExprPtr value;
};

struct PassStmt : StmtOf<StmtKind::Pass> { using StmtOf::StmtOf; };
struct BreakStmt : StmtOf<StmtKind::Break> { using StmtOf::StmtOf; };
struct ContinueStmt : StmtOf<StmtKind::Continue> { using StmtOf::StmtOf; };

// A whole file (or a snippet such as one function's source).
struct Module {
  SourceFilePtr file;
  StmtList body;
};

// ---------------------------------------------------------------------------------------
// Dumping
// ---------------------------------------------------------------------------------------

// A readable, indented dump of the tree (what `tscript parse FILE.py` prints).
std::string dumpAst(const Module& module);
std::string dumpExpr(const Expr& expr);

// The canonical outline that tests compare with CPython's `ast` (see
// tests/python/test_parse_corpus.py for the format, which both sides produce).
std::string outlineAst(const Module& module);

}  // namespace tscript::lang
