// Names of AST kinds and the outline dump.
//
// The outline is one line per node: `Kind@line:col details`, children indented by two
// spaces under a `.field` line per non-empty field, in the field order of CPython's `ast`
// module. tests/python/test_parse_corpus.py produces the same text from CPython's `ast`, so the
// two parsers can be compared file by file.
#include <cinttypes>
#include <cstdio>

#include "lang/ast.h"

namespace tscript::lang {

const char* kindName(ExprKind kind) {
  static const char* const kNames[] = {
      "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "Lambda", "IfExp", "Dict", "Set", "ListComp",
      "SetComp", "DictComp", "GeneratorExp", "Await", "Yield", "YieldFrom", "Compare", "Call",
      "FormattedValue", "JoinedStr", "Constant", "Attribute", "Subscript", "Starred", "Name",
      "List", "Tuple", "Slice"};
  return kNames[static_cast<int>(kind)];
}

const char* kindName(StmtKind kind) {
  static const char* const kNames[] = {
      "FunctionDef", "AsyncFunctionDef", "ClassDef", "Return", "Delete", "Assign", "AugAssign",
      "AnnAssign", "For", "AsyncFor", "While", "If", "With", "AsyncWith", "Raise", "Try",
      "Assert", "Import", "ImportFrom", "Global", "Nonlocal", "Expr", "Pass", "Break",
      "Continue"};
  return kNames[static_cast<int>(kind)];
}

const char* kindName(BoolOpKind kind) { return kind == BoolOpKind::And ? "And" : "Or"; }

const char* kindName(BinOpKind kind) {
  static const char* const kNames[] = {"Add",    "Sub",    "Mult",  "MatMult", "Div",
                                       "Mod",    "Pow",    "LShift", "RShift", "BitOr",
                                       "BitXor", "BitAnd", "FloorDiv"};
  return kNames[static_cast<int>(kind)];
}

const char* kindName(UnaryOpKind kind) {
  static const char* const kNames[] = {"Invert", "Not", "UAdd", "USub"};
  return kNames[static_cast<int>(kind)];
}

const char* kindName(CmpOpKind kind) {
  static const char* const kNames[] = {"Eq", "NotEq", "Lt", "LtE", "Gt",
                                       "GtE", "Is", "IsNot", "In", "NotIn"};
  return kNames[static_cast<int>(kind)];
}

const char* operatorText(BinOpKind kind) {
  static const char* const kText[] = {"+", "-", "*", "@", "/", "%", "**",
                                      "<<", ">>", "|", "^", "&", "//"};
  return kText[static_cast<int>(kind)];
}

const char* operatorText(UnaryOpKind kind) {
  static const char* const kText[] = {"~", "not", "+", "-"};
  return kText[static_cast<int>(kind)];
}

const char* operatorText(CmpOpKind kind) {
  static const char* const kText[] = {"==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in"};
  return kText[static_cast<int>(kind)];
}

namespace {

const char* contextName(ExprContext ctx) {
  return ctx == ExprContext::Load ? "Load" : ctx == ExprContext::Store ? "Store" : "Del";
}

// Printable ASCII stays as is; every other byte is \xHH. Both sides of the corpus test use
// this, so the comparison is exact for any UTF-8 content.
std::string escapeBytes(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  return out;
}

std::string formatDouble(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::string describeConstant(const ConstantValue& value) {
  switch (value.kind) {
    case ConstantValue::Kind::None: return "None";
    case ConstantValue::Kind::True: return "True";
    case ConstantValue::Kind::False: return "False";
    case ConstantValue::Kind::Ellipsis: return "...";
    case ConstantValue::Kind::Int: return "int:" + std::to_string(value.intValue);
    case ConstantValue::Kind::BigInt: return "int:big";
    case ConstantValue::Kind::Float: return "float:" + formatDouble(value.floatValue);
    case ConstantValue::Kind::Imaginary: return "complex:" + formatDouble(value.floatValue);
    case ConstantValue::Kind::Str: return "str:" + escapeBytes(value.text);
    case ConstantValue::Kind::Bytes: return "bytes:" + escapeBytes(value.text);
  }
  return "?";
}

class OutlinePrinter {
 public:
  std::string out;

  void module(const Module& module) {
    line(0, "Module");
    stmts(1, "body", module.body);
  }

  void expression(const Expr& expr) { this->expr(0, expr); }

 private:
  // Positions inside f-strings are left out: CPython 3.8–3.11 reports them inconsistently.
  int insideFString_ = 0;

  void line(int depth, const std::string& text) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += text;
    out += '\n';
  }
  std::string at(const SourceRange& range) const {
    if (insideFString_ || !range.valid()) return "";
    return "@" + std::to_string(range.line()) + ":" + std::to_string(range.column());
  }
  void field(int depth, const char* name) { line(depth, std::string(".") + name); }

  void stmts(int depth, const char* name, const StmtList& list) {
    if (list.empty()) return;
    field(depth, name);
    for (const StmtPtr& s : list) stmt(depth + 1, *s);
  }
  void exprs(int depth, const char* name, const ExprList& list) {
    if (list.empty()) return;
    field(depth, name);
    for (const ExprPtr& e : list) {
      if (e) {
        expr(depth + 1, *e);
      } else {
        line(depth + 1, "-");
      }
    }
  }
  void optionalExpr(int depth, const char* name, const ExprPtr& e) {
    if (!e) return;
    field(depth, name);
    expr(depth + 1, *e);
  }
  void keywords(int depth, const std::vector<Keyword>& list) {
    if (list.empty()) return;
    field(depth, "keywords");
    for (const Keyword& k : list) {
      line(depth + 1, "keyword " + (k.arg ? *k.arg : std::string("**")));
      optionalExpr(depth + 2, "value", k.value);
    }
  }
  void comprehensions(int depth, const std::vector<Comprehension>& list) {
    field(depth, "generators");
    for (const Comprehension& c : list) {
      line(depth + 1, std::string("comprehension") + (c.isAsync ? " async" : ""));
      optionalExpr(depth + 2, "target", c.target);
      optionalExpr(depth + 2, "iter", c.iter);
      exprs(depth + 2, "ifs", c.ifs);
    }
  }
  void arg(int depth, const Arg& a) {
    line(depth, "arg" + at(a.range) + " " + a.name + typeCommentSuffix(a.typeComment));
    optionalExpr(depth + 1, "annotation", a.annotation);
  }
  void arguments(int depth, const Arguments& args) {
    line(depth, "arguments");
    auto argList = [&](const char* name, const std::vector<Arg>& list) {
      if (list.empty()) return;
      field(depth + 1, name);
      for (const Arg& a : list) arg(depth + 2, a);
    };
    argList("posonlyargs", args.posonlyargs);
    argList("args", args.args);
    if (args.vararg) {
      field(depth + 1, "vararg");
      arg(depth + 2, *args.vararg);
    }
    argList("kwonlyargs", args.kwonlyargs);
    exprs(depth + 1, "kw_defaults", args.kwDefaults);
    if (args.kwarg) {
      field(depth + 1, "kwarg");
      arg(depth + 2, *args.kwarg);
    }
    exprs(depth + 1, "defaults", args.defaults);
  }
  static std::string typeCommentSuffix(const std::optional<std::string>& comment) {
    return comment ? " type=" + escapeBytes(*comment) : "";
  }
  static std::string aliasText(const Alias& alias) {
    return alias.name + (alias.asname ? " as " + *alias.asname : "");
  }

  void stmt(int depth, const Stmt& s) {
    std::string head = std::string(kindName(s.kind)) + at(s.range);
    switch (s.kind) {
      case StmtKind::FunctionDef:
      case StmtKind::AsyncFunctionDef: {
        auto& f = static_cast<const FunctionDefStmt&>(s);
        line(depth, head + " " + f.name + typeCommentSuffix(f.typeComment));
        field(depth + 1, "args");
        arguments(depth + 2, *f.args);
        stmts(depth + 1, "body", f.body);
        exprs(depth + 1, "decorator_list", f.decorators);
        optionalExpr(depth + 1, "returns", f.returns);
        return;
      }
      case StmtKind::ClassDef: {
        auto& c = static_cast<const ClassDefStmt&>(s);
        line(depth, head + " " + c.name);
        exprs(depth + 1, "bases", c.bases);
        keywords(depth + 1, c.keywords);
        stmts(depth + 1, "body", c.body);
        exprs(depth + 1, "decorator_list", c.decorators);
        return;
      }
      case StmtKind::Return:
        line(depth, head);
        optionalExpr(depth + 1, "value", static_cast<const ReturnStmt&>(s).value);
        return;
      case StmtKind::Delete:
        line(depth, head);
        exprs(depth + 1, "targets", static_cast<const DeleteStmt&>(s).targets);
        return;
      case StmtKind::Assign: {
        auto& a = static_cast<const AssignStmt&>(s);
        line(depth, head + typeCommentSuffix(a.typeComment));
        exprs(depth + 1, "targets", a.targets);
        optionalExpr(depth + 1, "value", a.value);
        return;
      }
      case StmtKind::AugAssign: {
        auto& a = static_cast<const AugAssignStmt&>(s);
        line(depth, head + " " + kindName(a.op));
        optionalExpr(depth + 1, "target", a.target);
        optionalExpr(depth + 1, "value", a.value);
        return;
      }
      case StmtKind::AnnAssign: {
        auto& a = static_cast<const AnnAssignStmt&>(s);
        line(depth, head + (a.simple ? " simple" : ""));
        optionalExpr(depth + 1, "target", a.target);
        optionalExpr(depth + 1, "annotation", a.annotation);
        optionalExpr(depth + 1, "value", a.value);
        return;
      }
      case StmtKind::For:
      case StmtKind::AsyncFor: {
        auto& f = static_cast<const ForStmt&>(s);
        line(depth, head + typeCommentSuffix(f.typeComment));
        optionalExpr(depth + 1, "target", f.target);
        optionalExpr(depth + 1, "iter", f.iter);
        stmts(depth + 1, "body", f.body);
        stmts(depth + 1, "orelse", f.orelse);
        return;
      }
      case StmtKind::While: {
        auto& w = static_cast<const WhileStmt&>(s);
        line(depth, head);
        optionalExpr(depth + 1, "test", w.test);
        stmts(depth + 1, "body", w.body);
        stmts(depth + 1, "orelse", w.orelse);
        return;
      }
      case StmtKind::If: {
        auto& i = static_cast<const IfStmt&>(s);
        line(depth, head);
        optionalExpr(depth + 1, "test", i.test);
        stmts(depth + 1, "body", i.body);
        stmts(depth + 1, "orelse", i.orelse);
        return;
      }
      case StmtKind::With:
      case StmtKind::AsyncWith: {
        auto& w = static_cast<const WithStmt&>(s);
        line(depth, head + typeCommentSuffix(w.typeComment));
        field(depth + 1, "items");
        for (const WithItem& item : w.items) {
          line(depth + 2, "withitem");
          optionalExpr(depth + 3, "context_expr", item.contextExpr);
          optionalExpr(depth + 3, "optional_vars", item.optionalVars);
        }
        stmts(depth + 1, "body", w.body);
        return;
      }
      case StmtKind::Raise: {
        auto& r = static_cast<const RaiseStmt&>(s);
        line(depth, head);
        optionalExpr(depth + 1, "exc", r.exc);
        optionalExpr(depth + 1, "cause", r.cause);
        return;
      }
      case StmtKind::Try: {
        auto& t = static_cast<const TryStmt&>(s);
        line(depth, head);
        stmts(depth + 1, "body", t.body);
        if (!t.handlers.empty()) {
          field(depth + 1, "handlers");
          for (const ExceptHandler& h : t.handlers) {
            line(depth + 2, "ExceptHandler" + at(h.range) + (h.name ? " " + *h.name : ""));
            optionalExpr(depth + 3, "type", h.type);
            stmts(depth + 3, "body", h.body);
          }
        }
        stmts(depth + 1, "orelse", t.orelse);
        stmts(depth + 1, "finalbody", t.finalbody);
        return;
      }
      case StmtKind::Assert: {
        auto& a = static_cast<const AssertStmt&>(s);
        line(depth, head);
        optionalExpr(depth + 1, "test", a.test);
        optionalExpr(depth + 1, "msg", a.msg);
        return;
      }
      case StmtKind::Import: {
        auto& i = static_cast<const ImportStmt&>(s);
        std::string names;
        for (const Alias& a : i.names) names += " " + aliasText(a);
        line(depth, head + names);
        return;
      }
      case StmtKind::ImportFrom: {
        auto& i = static_cast<const ImportFromStmt&>(s);
        std::string names;
        for (const Alias& a : i.names) names += " " + aliasText(a);
        line(depth, head + " " + std::to_string(i.level) + ":" + i.module.value_or("") + names);
        return;
      }
      case StmtKind::Global:
      case StmtKind::Nonlocal: {
        const auto& list = s.kind == StmtKind::Global ? static_cast<const GlobalStmt&>(s).names
                                                      : static_cast<const NonlocalStmt&>(s).names;
        std::string names;
        for (const std::string& n : list) names += " " + n;
        line(depth, head + names);
        return;
      }
      case StmtKind::Expr:
        line(depth, head);
        optionalExpr(depth + 1, "value", static_cast<const ExprStmt&>(s).value);
        return;
      case StmtKind::Pass:
      case StmtKind::Break:
      case StmtKind::Continue:
        line(depth, head);
        return;
    }
  }

  void expr(int depth, const Expr& e) {
    std::string head = std::string(kindName(e.kind)) + at(e.range);
    switch (e.kind) {
      case ExprKind::BoolOp: {
        auto& b = static_cast<const BoolOpExpr&>(e);
        line(depth, head + " " + kindName(b.op));
        exprs(depth + 1, "values", b.values);
        return;
      }
      case ExprKind::NamedExpr: {
        auto& n = static_cast<const NamedExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "target", n.target);
        optionalExpr(depth + 1, "value", n.value);
        return;
      }
      case ExprKind::BinOp: {
        auto& b = static_cast<const BinOpExpr&>(e);
        line(depth, head + " " + kindName(b.op));
        optionalExpr(depth + 1, "left", b.left);
        optionalExpr(depth + 1, "right", b.right);
        return;
      }
      case ExprKind::UnaryOp: {
        auto& u = static_cast<const UnaryOpExpr&>(e);
        line(depth, head + " " + kindName(u.op));
        optionalExpr(depth + 1, "operand", u.operand);
        return;
      }
      case ExprKind::Lambda: {
        auto& l = static_cast<const LambdaExpr&>(e);
        line(depth, head);
        field(depth + 1, "args");
        arguments(depth + 2, *l.args);
        optionalExpr(depth + 1, "body", l.body);
        return;
      }
      case ExprKind::IfExp: {
        auto& i = static_cast<const IfExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "test", i.test);
        optionalExpr(depth + 1, "body", i.body);
        optionalExpr(depth + 1, "orelse", i.orelse);
        return;
      }
      case ExprKind::Dict: {
        auto& d = static_cast<const DictExpr&>(e);
        line(depth, head);
        exprs(depth + 1, "keys", d.keys);
        exprs(depth + 1, "values", d.values);
        return;
      }
      case ExprKind::Set:
        line(depth, head);
        exprs(depth + 1, "elts", static_cast<const SetExpr&>(e).elts);
        return;
      case ExprKind::ListComp: {
        auto& c = static_cast<const ListCompExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "elt", c.elt);
        comprehensions(depth + 1, c.generators);
        return;
      }
      case ExprKind::SetComp: {
        auto& c = static_cast<const SetCompExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "elt", c.elt);
        comprehensions(depth + 1, c.generators);
        return;
      }
      case ExprKind::GeneratorExp: {
        auto& c = static_cast<const GeneratorExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "elt", c.elt);
        comprehensions(depth + 1, c.generators);
        return;
      }
      case ExprKind::DictComp: {
        auto& c = static_cast<const DictCompExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "key", c.key);
        optionalExpr(depth + 1, "value", c.value);
        comprehensions(depth + 1, c.generators);
        return;
      }
      case ExprKind::Await:
        line(depth, head);
        optionalExpr(depth + 1, "value", static_cast<const AwaitExpr&>(e).value);
        return;
      case ExprKind::Yield:
        line(depth, head);
        optionalExpr(depth + 1, "value", static_cast<const YieldExpr&>(e).value);
        return;
      case ExprKind::YieldFrom:
        line(depth, head);
        optionalExpr(depth + 1, "value", static_cast<const YieldFromExpr&>(e).value);
        return;
      case ExprKind::Compare: {
        auto& c = static_cast<const CompareExpr&>(e);
        std::string ops;
        for (CmpOpKind op : c.ops) ops += std::string(ops.empty() ? " " : ",") + kindName(op);
        line(depth, head + ops);
        optionalExpr(depth + 1, "left", c.left);
        exprs(depth + 1, "comparators", c.comparators);
        return;
      }
      case ExprKind::Call: {
        auto& c = static_cast<const CallExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "func", c.func);
        exprs(depth + 1, "args", c.args);
        keywords(depth + 1, c.keywords);
        return;
      }
      case ExprKind::FormattedValue: {
        auto& f = static_cast<const FormattedValueExpr&>(e);
        line(depth, head + " conversion=" + std::to_string(f.conversion));
        optionalExpr(depth + 1, "value", f.value);
        optionalExpr(depth + 1, "format_spec", f.formatSpec);
        return;
      }
      case ExprKind::JoinedStr: {
        line(depth, head);
        ++insideFString_;
        exprs(depth + 1, "values", static_cast<const JoinedStrExpr&>(e).values);
        --insideFString_;
        return;
      }
      case ExprKind::Constant:
        line(depth, head + " " + describeConstant(static_cast<const ConstantExpr&>(e).value));
        return;
      case ExprKind::Attribute: {
        auto& a = static_cast<const AttributeExpr&>(e);
        line(depth, head + " " + a.attr + " " + contextName(a.ctx));
        optionalExpr(depth + 1, "value", a.value);
        return;
      }
      case ExprKind::Subscript: {
        auto& s = static_cast<const SubscriptExpr&>(e);
        line(depth, head + " " + contextName(s.ctx));
        optionalExpr(depth + 1, "value", s.value);
        optionalExpr(depth + 1, "slice", s.slice);
        return;
      }
      case ExprKind::Starred: {
        auto& s = static_cast<const StarredExpr&>(e);
        line(depth, head + " " + contextName(s.ctx));
        optionalExpr(depth + 1, "value", s.value);
        return;
      }
      case ExprKind::Name: {
        auto& n = static_cast<const NameExpr&>(e);
        line(depth, head + " " + n.id + " " + contextName(n.ctx));
        return;
      }
      case ExprKind::List: {
        auto& l = static_cast<const ListExpr&>(e);
        line(depth, head + " " + contextName(l.ctx));
        exprs(depth + 1, "elts", l.elts);
        return;
      }
      case ExprKind::Tuple: {
        auto& t = static_cast<const TupleExpr&>(e);
        line(depth, head + " " + contextName(t.ctx));
        exprs(depth + 1, "elts", t.elts);
        return;
      }
      case ExprKind::Slice: {
        auto& s = static_cast<const SliceExpr&>(e);
        line(depth, head);
        optionalExpr(depth + 1, "lower", s.lower);
        optionalExpr(depth + 1, "upper", s.upper);
        optionalExpr(depth + 1, "step", s.step);
        return;
      }
    }
  }
};

}  // namespace

std::string outlineAst(const Module& module) {
  OutlinePrinter printer;
  printer.module(module);
  return printer.out;
}

std::string dumpAst(const Module& module) { return outlineAst(module); }

std::string dumpExpr(const Expr& expr) {
  OutlinePrinter printer;
  printer.expression(expr);
  return printer.out;
}

}  // namespace tscript::lang
