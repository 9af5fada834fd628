// Overload resolution (see schema_matching.h). The rules, as TorchScript applies them:
//   * positional arguments fill the schema's positional parameters in order, then keywords
//     by name; missing parameters take their defaults;
//   * `torch.zeros(3, 4)`: extra positional arguments pack into the last positional list
//     parameter (varargs packing);
//   * varargs packing applies only to a list of a concrete element type that is not fixed-size
//     (`int[]`, not `t[]`, `Any[]` nor `int[2]`): `xs + 1` must not become `xs + [1]`;
//   * a single int is accepted for a fixed-size list `int[N]` (repeated N times), a tuple for a
//     list of its element type — unless the operator writes to that list, which would then
//     change a temporary copy (`t[0] = 1` on a tuple);
//   * `Scalar` (Number) accepts int, float and complex, but not bool;
//   * a Tensor passed where a number is expected is converted implicitly
//     (aten::IntImplicit / FloatImplicit / ScalarImplicit), a str where a Device is
//     expected too (aten::device); these conversions are tried only after every overload
//     failed without them;
//   * type variables (`t`, `t[]`, `Dict(t, t2)`) bind to the first type they meet.
// Nothing is inserted into the graph until an overload has matched, so failed attempts leave
// no trace: conversions are planned first and emitted after.
#include "compiler/schema_matching.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include "compiler/script_builtins.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

using Bindings = std::map<std::string, types::TypePtr>;

// Whether `actual` can be passed for `formal`, binding type variables.
types::TypePtr substitute(const types::TypePtr& type, const Bindings& bindings);

bool matchType(const types::TypePtr& formal, const types::TypePtr& actual, Bindings& bindings) {
  using types::TypeKind;
  switch (formal->kind()) {
    case TypeKind::Var: {
      const std::string name = formal->str();
      auto bound = bindings.find(name);
      if (bound == bindings.end()) {
        bindings[name] = actual;
        return true;
      }
      if (types::isSubtypeOf(actual, bound->second)) return true;
      if (types::isSubtypeOf(bound->second, actual)) {
        bound->second = actual;
        return true;
      }
      return false;
    }
    case TypeKind::List: {
      auto* list = actual->as<types::ListType>();
      if (!list) return false;
      // Lists are invariant: after binding, the element types must be equal (a type
      // variable inside the element, `(str, tVal)[]`, is compared as bound).
      return matchType(formal->as<types::ListType>()->element(), list->element(), bindings) &&
             (formal->as<types::ListType>()->element()->kind() == TypeKind::Var ||
              types::isSubtypeOf(actual, formal) ||
              *list->element() == *substitute(formal->as<types::ListType>()->element(), bindings));
    }
    case TypeKind::Optional: {
      if (actual->kind() == TypeKind::None) return true;
      const types::TypePtr& element = formal->as<types::OptionalType>()->element();
      if (auto* optional = actual->as<types::OptionalType>()) {
        return matchType(element, optional->element(), bindings);
      }
      return matchType(element, actual, bindings);
    }
    case TypeKind::Dict: {
      auto* dict = actual->as<types::DictType>();
      auto* formalDict = formal->as<types::DictType>();
      return dict && matchType(formalDict->key(), dict->key(), bindings) &&
             matchType(formalDict->value(), dict->value(), bindings);
    }
    case TypeKind::Tuple: {
      auto* tuple = actual->as<types::TupleType>();
      auto* formalTuple = formal->as<types::TupleType>();
      if (!tuple || tuple->elements().size() != formalTuple->elements().size()) return false;
      for (size_t i = 0; i < tuple->elements().size(); ++i) {
        if (!matchType(formalTuple->elements()[i], tuple->elements()[i], bindings)) return false;
      }
      return true;
    }
    case TypeKind::Future: {
      auto* future = actual->as<types::FutureType>();
      return future && matchType(formal->as<types::FutureType>()->element(), future->element(), bindings);
    }
    case TypeKind::Number:
      // A Union of number types (`Union[complex, int]`, what refining a number by
      // `isinstance(x, float)` leaves) is a Scalar too, as in 1.13.
      return actual->kind() == TypeKind::Int || actual->kind() == TypeKind::Float ||
             actual->kind() == TypeKind::Complex || actual->kind() == TypeKind::Number ||
             (actual->kind() == TypeKind::Union && types::isSubtypeOf(actual, formal));
    case TypeKind::Any:
      return true;
    default:
      return types::isSubtypeOf(actual, formal);
  }
}

types::TypePtr substitute(const types::TypePtr& type, const Bindings& bindings) {
  using types::TypeKind;
  switch (type->kind()) {
    case TypeKind::Var: {
      auto bound = bindings.find(type->str());
      return bound == bindings.end() ? types::anyType() : bound->second;
    }
    case TypeKind::List:
      return types::listOf(substitute(type->as<types::ListType>()->element(), bindings));
    case TypeKind::Optional:
      return types::optionalOf(substitute(type->as<types::OptionalType>()->element(), bindings));
    case TypeKind::Future:
      return types::futureOf(substitute(type->as<types::FutureType>()->element(), bindings));
    case TypeKind::Dict:
      return types::dictOf(substitute(type->as<types::DictType>()->key(), bindings),
                           substitute(type->as<types::DictType>()->value(), bindings));
    case TypeKind::Tuple: {
      // A NamedTuple has no type variables inside: it stays itself (name and fields).
      const auto* tuple = type->as<types::TupleType>();
      if (tuple->isNamed()) return type;
      std::vector<types::TypePtr> elements;
      for (const types::TypePtr& element : tuple->elements()) {
        elements.push_back(substitute(element, bindings));
      }
      if (tuple->hasFieldNames()) return types::fieldNamedTupleOf(tuple->fieldNames(), elements);
      return types::tupleOf(elements);
    }
    default:
      return type;
  }
}

// A planned input of the node: an existing value, a value converted on the way in, a list
// packed from several values, or a default constant.
struct PlannedInput {
  enum class Kind { Value, Implicit, RepeatToList, PackList, TupleToList, Default } kind = Kind::Value;
  ir::Value* value = nullptr;
  std::vector<ir::Value*> packed;  // PackList
  std::vector<const char*> packedImplicit;  // PackList: the conversion of each element, or null
  const char* implicitOp = nullptr;
  int64_t repeat = 0;
  types::TypePtr type;  // the formal type (for lists and defaults)
  const ir::ConstantValue* defaultValue = nullptr;
};

// Tries to make `value` acceptable for argument `formal`; plans the conversion in `planned`.
bool planArgument(const ArgumentView& formal, ir::Value* value, bool allowConversions,
                  Bindings& bindings, PlannedInput& planned, std::string& whyNot) {
  const types::TypePtr& actual = value->type();
  planned.value = value;
  planned.type = formal.type;
  if (matchType(formal.type, actual, bindings)) return true;
  whyNot = "Expected a value of type '" + formal.type->annotationStr() + "' for argument '" +
           formal.name + "' but instead found type '" + actual->annotationStr() + "'.";
  using types::TypeKind;
  auto* list = formal.type->as<types::ListType>();
  // `int[1]? dim` takes a single int too (x.sum(0) is x.sum([0])).
  const types::TypePtr* fixedList = &formal.type;
  if (auto* optional = formal.type->as<types::OptionalType>()) fixedList = &optional->element();
  if (auto* fixed = (*fixedList)->as<types::ListType>();
      fixed && formal.fixedListSize && matchType(fixed->element(), actual, bindings)) {
    planned.kind = PlannedInput::Kind::RepeatToList;
    planned.repeat = *formal.fixedListSize;
    planned.type = *fixedList;
    return true;
  }
  if (!allowConversions) return false;
  if (!list && actual->kind() == TypeKind::Tuple && formal.type->kind() == TypeKind::Optional) {
    // `size: Optional[List[int]]` takes a tuple too (F.interpolate(x, size=(h, w))).
    list = formal.type->as<types::OptionalType>()->element()->as<types::ListType>();
  }
  if (list && actual->kind() == TypeKind::Tuple && !formal.isWritten) {
    Bindings trial = bindings;
    bool all = true;
    for (const types::TypePtr& element : actual->as<types::TupleType>()->elements()) {
      all = all && matchType(list->element(), element, trial);
    }
    if (all) {
      bindings = trial;
      if (formal.type->kind() == TypeKind::Optional) {
        planned.type = formal.type->as<types::OptionalType>()->element();
      }
      planned.kind = PlannedInput::Kind::TupleToList;
      return true;
    }
  }
  if (allowConversions && actual->kind() == TypeKind::Tensor) {
    // `int? end` takes a Tensor as an int too (x[:n] with a 0-dim tensor n).
    const types::TypePtr& wantedType = formal.type->kind() == TypeKind::Optional
                                           ? formal.type->as<types::OptionalType>()->element()
                                           : formal.type;
    TypeKind wanted = wantedType->kind();
    if (wanted == TypeKind::Int) planned.implicitOp = "aten::IntImplicit";
    if (wanted == TypeKind::Float) planned.implicitOp = "aten::FloatImplicit";
    if (wanted == TypeKind::Number) planned.implicitOp = "aten::ScalarImplicit";
    if (planned.implicitOp) {
      planned.type = wantedType;
      planned.kind = PlannedInput::Kind::Implicit;
      return true;
    }
  }
  // A number (Scalar, e.g. from `.item()`) where an int or float is expected is converted
  // with aten::Int / aten::Float, as torch.jit does.
  if (allowConversions && actual->kind() == TypeKind::Number) {
    const types::TypePtr& wantedType = formal.type->kind() == TypeKind::Optional
                                           ? formal.type->as<types::OptionalType>()->element()
                                           : formal.type;
    if (wantedType->kind() == TypeKind::Int || wantedType->kind() == TypeKind::Float) {
      planned.implicitOp = wantedType->kind() == TypeKind::Int ? "aten::Int" : "aten::Float";
      planned.type = wantedType;
      planned.kind = PlannedInput::Kind::Implicit;
      return true;
    }
  }
  // A str where a Device is expected is aten::device(str): x.to("cpu").
  const types::TypePtr& wantedDevice = formal.type->kind() == TypeKind::Optional
                                           ? formal.type->as<types::OptionalType>()->element()
                                           : formal.type;
  if (allowConversions && actual->kind() == TypeKind::Str && wantedDevice->kind() == TypeKind::Device) {
    planned.implicitOp = "aten::device";
    planned.type = wantedDevice;
    planned.kind = PlannedInput::Kind::Implicit;
    return true;
  }
  return false;
}

ir::Value* emitPlanned(ir::Graph& graph, const PlannedInput& planned, const Bindings& bindings,
                       const lang::SourceRange& range) {
  auto insert = [&](const char* kind, std::vector<ir::Value*> inputs, types::TypePtr type) {
    ir::Node* node = graph.insert(ir::Symbol::fromQualString(kind), inputs, 1);
    node->setSourceRange(range);
    return node->output()->setType(std::move(type));
  };
  types::TypePtr formal = substitute(planned.type, bindings);
  switch (planned.kind) {
    case PlannedInput::Kind::Value:
      return planned.value;
    case PlannedInput::Kind::Implicit: {
      types::TypePtr type = formal->kind() == types::TypeKind::Number ? types::numberType() : formal;
      return insert(planned.implicitOp, {planned.value}, type);
    }
    case PlannedInput::Kind::RepeatToList:
      return insert("prim::ListConstruct",
                    std::vector<ir::Value*>(static_cast<size_t>(planned.repeat), planned.value), formal);
    case PlannedInput::Kind::PackList: {
      std::vector<ir::Value*> elements = planned.packed;
      const types::TypePtr& element = formal->as<types::ListType>()->element();
      for (size_t i = 0; i < elements.size(); ++i) {
        if (planned.packedImplicit[i]) elements[i] = insert(planned.packedImplicit[i], {elements[i]}, element);
      }
      return insert("prim::ListConstruct", elements, formal);
    }
    case PlannedInput::Kind::TupleToList: {
      auto* tuple = planned.value->type()->as<types::TupleType>();
      std::vector<ir::Value*> elements;
      ir::Node* producer = planned.value->node();
      if (producer->kind() == ir::Symbol::make("prim", "TupleConstruct")) {
        elements = producer->inputs();
      } else {
        ir::Node* unpack = graph.insert(ir::Symbol::make("prim", "TupleUnpack"), {planned.value},
                                        tuple->elements().size());
        unpack->setSourceRange(range);
        for (size_t i = 0; i < tuple->elements().size(); ++i) {
          elements.push_back(unpack->output(i)->setType(tuple->elements()[i]));
        }
      }
      return insert("prim::ListConstruct", elements, formal);
    }
    case PlannedInput::Kind::Default:
      return insertConstantValue(graph, *planned.defaultValue, formal, range);
  }
  return nullptr;
}

bool isListLike(const types::TypePtr& type) {
  return type->kind() == types::TypeKind::List || type->kind() == types::TypeKind::Tuple;
}

// Whether loose positional arguments may be packed into the list parameter `formal`. A generic
// list (`t[]`, `Any[]`) would accept anything: `xs + 1` would match `add(t[] a, t[] b)`, and
// `len(d)` of a dict `len.any(Any[] a)` of `[d]`, which is 1 (torch.jit escapes that one only
// because it tries len.any last). A fixed-size list (`int[2]`) takes a single int by
// repetition instead.
bool canPackVarargs(const ArgumentView& formal) {
  auto* list = formal.type->as<types::ListType>();
  if (!list || formal.fixedListSize) return false;
  types::TypeKind element = list->element()->kind();
  return element != types::TypeKind::Var && element != types::TypeKind::Any;
}

// The source text of an argument when it is a plain name (`n`), else empty: hints read better
// with the user's own variable in them.
std::string argumentSpelling(const NamedValue& arg) {
  std::string_view text = arg.range.text();
  bool isName = !text.empty() && !std::isdigit(static_cast<unsigned char>(text.front()));
  for (char c : text) isName = isName && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  return isName ? std::string(text) : "";
}

// What probably went wrong when no overload fits, for the mistakes Python programmers make
// most: an unchecked Optional, str + int, an unannotated `[]`, list + number.
std::vector<std::string> hintsForFailedCall(ir::Symbol op, const std::vector<NamedValue>& args) {
  using types::TypeKind;
  std::vector<std::string> hints;
  for (const NamedValue& arg : args) {
    auto* optional = arg.value->type()->as<types::OptionalType>();
    if (!optional) continue;
    std::string name = argumentSpelling(arg);
    std::string shown = name.empty() ? "x" : name;
    hints.push_back((name.empty() ? "the value" : "'" + name + "'") + " has type " +
                    arg.value->type()->annotationStr() +
                    " and may be None: check `if " + shown + " is not None:` (or `assert " + shown +
                    " is not None`) before using it as " + optional->element()->annotationStr());
  }
  const std::string opName = op.toQualString();
  auto kindOf = [&](size_t i) { return args[i].value->type()->kind(); };
  if (opName == "aten::add" && args.size() == 2) {
    bool oneStr = (kindOf(0) == TypeKind::Str) != (kindOf(1) == TypeKind::Str);
    if (oneStr) {
      const NamedValue& other = kindOf(0) == TypeKind::Str ? args[1] : args[0];
      hints.push_back("`+` does not mix str and " + other.value->type()->annotationStr() +
                      ": to build a str convert with str(...) or use an f-string; to compute, "
                      "convert the str with int(...) or float(...)");
    }
    bool oneList = (kindOf(0) == TypeKind::List) != (kindOf(1) == TypeKind::List);
    if (oneList && kindOf(0) == TypeKind::List) {
      hints.push_back("`+` on a list only concatenates lists: to change every element, write a "
                      "list comprehension: [x + 1 for x in xs]");
    }
  }
  if ((opName == "aten::append" || opName == "aten::insert") && !args.empty()) {
    auto* list = args[0].value->type()->as<types::ListType>();
    if (list && list->element()->kind() == TypeKind::Tensor) {
      hints.push_back("an empty list `[]` without an annotation is a List[Tensor]; if this list "
                      "was made that way, annotate it: `xs: List[int] = []`");
    }
  }
  return hints;
}

}  // namespace

ir::Value* insertConstantValue(ir::Graph& graph, const ir::ConstantValue& constant,
                               const types::TypePtr& type, const lang::SourceRange& range) {
  ir::Node* node = graph.insert(ir::prim::Constant, {}, 1);
  node->setSourceRange(range);
  types::TypePtr outputType = type;
  switch (constant.kind) {
    case ir::ConstantValue::Kind::None:
      outputType = types::noneType();
      break;
    case ir::ConstantValue::Kind::Bool:
      node->i_("value", constant.boolValue ? 1 : 0);
      outputType = types::boolType();
      break;
    case ir::ConstantValue::Kind::Int:
      node->i_("value", constant.intValue);
      outputType = types::intType();
      break;
    case ir::ConstantValue::Kind::Double:
      node->f_("value", constant.doubleValue);
      outputType = types::floatType();
      break;
    case ir::ConstantValue::Kind::String:
      node->s_("value", constant.text);
      outputType = types::strType();
      break;
    default:
      node->setAttribute("value", ir::AttributeValue(constant));
      break;
  }
  // A default for `Optional[T]` or `Scalar` keeps its own type (as TorchScript's constants do).
  if (outputType->kind() == types::TypeKind::Var) outputType = types::anyType();
  return node->output()->setType(outputType);
}

namespace {

// Binds `args` to the schema's arguments. On success emits the conversions, constants and
// packed lists the inputs need and returns them (varargs last) with the type-variable
// bindings; on failure emits nothing and explains why.
bool tryBindInputs(ir::Graph& graph, const SchemaView& schema, const std::vector<NamedValue>& args,
                   const lang::SourceRange& range, bool allowConversions,
                   std::vector<ir::Value*>& inputs, Bindings& bindings, std::string& whyNot) {
  std::vector<PlannedInput> planned(schema.arguments.size());
  std::vector<bool> filled(schema.arguments.size(), false);
  std::vector<ir::Value*> extraVarargs;

  std::vector<const NamedValue*> positional;
  std::vector<const NamedValue*> keywords;
  for (const NamedValue& arg : args) (arg.name.empty() ? positional : keywords).push_back(&arg);

  // Positional parameters, in order.
  std::vector<size_t> positionalSlots;
  for (size_t i = 0; i < schema.arguments.size(); ++i) {
    if (!schema.arguments[i].keywordOnly) positionalSlots.push_back(i);
  }
  size_t next = 0;
  for (size_t s = 0; s < positionalSlots.size() && next < positional.size(); ++s) {
    size_t slot = positionalSlots[s];
    const ArgumentView& formal = schema.arguments[slot];
    bool lastSlot = s + 1 == positionalSlots.size();
    // Varargs packing: torch.zeros(3, 4), x.view(2, 3), x.permute(1, 0).
    if (lastSlot && canPackVarargs(formal) && !isListLike(positional[next]->value->type()) &&
        positional.size() > next) {
      PlannedInput& pack = planned[slot];
      pack.kind = PlannedInput::Kind::PackList;
      pack.type = formal.type;
      const types::TypePtr& element = formal.type->as<types::ListType>()->element();
      for (; next < positional.size(); ++next) {
        const char* implicit = nullptr;
        // torch.zeros(0, h, w) with Tensors h, w: each converted (aten::IntImplicit).
        if (allowConversions && positional[next]->value->type()->kind() == types::TypeKind::Tensor) {
          if (element->kind() == types::TypeKind::Int) implicit = "aten::IntImplicit";
          if (element->kind() == types::TypeKind::Float) implicit = "aten::FloatImplicit";
        }
        if (!implicit && !matchType(element, positional[next]->value->type(), bindings)) {
          whyNot = "Expected a value of type '" + element->annotationStr() + "' for argument '" +
                   formal.name + "' but instead found type '" +
                   positional[next]->value->type()->annotationStr() + "'.";
          return false;
        }
        pack.packed.push_back(positional[next]->value);
        pack.packedImplicit.push_back(implicit);
      }
      filled[slot] = true;
      break;
    }
    if (!planArgument(formal, positional[next]->value, allowConversions, bindings, planned[slot],
                      whyNot)) {
      return false;
    }
    filled[slot] = true;
    ++next;
  }
  if (next < positional.size()) {
    if (!schema.varargs) {
      whyNot = "Expected at most " + std::to_string(positionalSlots.size()) +
               " positional arguments but found " + std::to_string(positional.size()) + ".";
      return false;
    }
    for (; next < positional.size(); ++next) extraVarargs.push_back(positional[next]->value);
  }
  // Keywords.
  for (const NamedValue* keyword : keywords) {
    size_t slot = schema.arguments.size();
    for (size_t i = 0; i < schema.arguments.size(); ++i) {
      if (schema.arguments[i].name == keyword->name) slot = i;
    }
    if (slot == schema.arguments.size()) {
      whyNot = "Keyword argument " + keyword->name + " unknown.";
      return false;
    }
    if (filled[slot]) {
      whyNot = "Argument " + keyword->name + " specified twice in schema.";
      return false;
    }
    if (!planArgument(schema.arguments[slot], keyword->value, allowConversions, bindings,
                      planned[slot], whyNot)) {
      return false;
    }
    filled[slot] = true;
  }
  // Defaults.
  for (size_t i = 0; i < schema.arguments.size(); ++i) {
    if (filled[i]) continue;
    if (!schema.arguments[i].defaultValue) {
      whyNot = "Argument " + schema.arguments[i].name + " not provided.";
      return false;
    }
    planned[i].kind = PlannedInput::Kind::Default;
    planned[i].type = schema.arguments[i].type;
    planned[i].defaultValue = &*schema.arguments[i].defaultValue;
  }
  for (const types::TypePtr& returned : schema.returns) {
    (void)returned;  // return types may use variables bound above; checked by substitute()
  }

  // Matched: now emit, in argument order (conversions right before the node).
  for (const PlannedInput& input : planned) inputs.push_back(emitPlanned(graph, input, bindings, range));
  inputs.insert(inputs.end(), extraVarargs.begin(), extraVarargs.end());
  return true;
}

}  // namespace

bool tryEmitWithSchema(ir::Graph& graph, ir::Symbol op, const SchemaView& schema,
                       const std::vector<NamedValue>& args, const lang::SourceRange& range,
                       ir::Value*& result, std::string& whyNot, bool allowConversions) {
  std::vector<ir::Value*> inputs;
  Bindings bindings;
  if (!tryBindInputs(graph, schema, args, range, allowConversions, inputs, bindings, whyNot)) {
    return false;
  }
  ir::Node* node = graph.insert(op, inputs, schema.returns.size());
  node->setSourceRange(range);
  for (size_t i = 0; i < schema.returns.size(); ++i) {
    node->output(i)->setType(substitute(schema.returns[i], bindings));
  }
  if (schema.returns.empty()) {
    result = nullptr;
  } else if (schema.returns.size() == 1) {
    result = node->output();
  } else {
    std::vector<types::TypePtr> elementTypes;
    for (ir::Value* output : node->outputs()) elementTypes.push_back(output->type());
    ir::Node* tuple = graph.insert(ir::Symbol::make("prim", "TupleConstruct"), node->outputs(), 1);
    tuple->setSourceRange(range);
    // Results that are all named make a tuple with those field names, as 1.13 packs them
    // (`torch.max(x, 1).values`, `x.sort().indices`).
    bool allNamed = schema.returnNames.size() == schema.returns.size() &&
                    std::none_of(schema.returnNames.begin(), schema.returnNames.end(),
                                 [](const std::string& name) { return name.empty(); });
    result = tuple->output()->setType(allNamed
                                          ? types::fieldNamedTupleOf(schema.returnNames, elementTypes)
                                          : types::tupleOf(elementTypes));
  }
  return true;
}

ir::Value* emitWithOverloads(const OperatorMatcher& matcher, ir::Graph& graph, ir::Symbol op,
                             const std::vector<const SchemaView*>& candidates,
                             const std::vector<NamedValue>& args, const lang::SourceRange& range) {
  // The operator's overloads, then the builtin functions TorchScript defines in its own
  // language for it (`2 * x` is mul(a: int, b: Tensor), whose body is `b * a`). All are
  // first tried without implicit conversions, so an exact match anywhere beats a converting
  // one; a single candidate is tried with conversions at once.
  const std::vector<ScriptBuiltin>& scripted = scriptBuiltinsFor(op);
  std::string failures;
  for (bool allowConversions : {false, true}) {
    if (!allowConversions) {
      if (candidates.size() + scripted.size() == 1) continue;
    }
    failures.clear();
    for (const SchemaView* schema : candidates) {
      ir::Value* result = nullptr;
      std::string whyNot;
      if (tryEmitWithSchema(graph, op, *schema, args, range, result, whyNot, allowConversions)) {
        return result;
      }
      failures += "\n  " + schema->text + ":\n  " + whyNot + "\n";
    }
    for (const ScriptBuiltin& builtin : scripted) {
      std::vector<ir::Value*> inputs;
      Bindings bindings;
      std::string whyNot;
      if (tryBindInputs(graph, builtin.schema, args, range, allowConversions, inputs, bindings, whyNot)) {
        return builtin.body(matcher, graph, inputs, range);
      }
      failures += "\n  " + builtin.schema.text + ":\n  " + whyNot + "\n";
    }
  }
  std::string argumentTypes;
  for (const NamedValue& arg : args) {
    argumentTypes += (argumentTypes.empty() ? "" : ", ") +
                     (arg.name.empty() ? "" : arg.name + "=") + arg.value->type()->annotationStr();
  }
  if (candidates.empty() && scripted.empty()) {
    throw lang::CompileError(range, "unknown builtin operator " + op.toQualString());
  }
  if (op.toQualString() == "aten::_set_item" && !args.empty() &&
      args[0].value->type()->kind() == types::TypeKind::Tuple) {
    throw lang::CompileError(range, "a tuple cannot be changed: '" +
                                        args[0].value->type()->annotationStr() +
                                        "' does not support item assignment; build a new tuple, "
                                        "or use a List");
  }
  // The message and the source line come first; the long list of overloads is a note after.
  lang::CompileError error(range, "Arguments for call are not valid: no overload of " +
                                      op.toQualString() + " accepts (" + argumentTypes + ")");
  for (std::string& hint : hintsForFailedCall(op, args)) error.addNote({}, std::move(hint));
  failures.pop_back();  // the last candidate's blank line
  error.addNote({}, "the overloads tried, and why each does not fit:\n" + failures);
  throw error;
}

SchemaListMatcher::SchemaListMatcher(std::vector<SchemaView> schemas) : schemas_(std::move(schemas)) {}

std::vector<const SchemaView*> SchemaListMatcher::overloads(ir::Symbol op) const {
  std::vector<const SchemaView*> found;
  for (const SchemaView& schema : schemas_) {
    if (schema.name == op.toQualString()) found.push_back(&schema);
  }
  return found;
}

bool SchemaListMatcher::hasOperator(ir::Symbol op) const {
  return !overloads(op).empty() || !scriptBuiltinsFor(op).empty();
}

ir::Value* SchemaListMatcher::emit(ir::Graph& graph, ir::Symbol op, const std::vector<NamedValue>& args,
                                   const lang::SourceRange& range) const {
  return emitWithOverloads(*this, graph, op, overloads(op), args, range);
}

}  // namespace tscript::compiler
