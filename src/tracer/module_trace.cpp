// The recorder's part of module tracing (see recorder.h, "modules"): attribute placeholders,
// scope markers around submodule calls, and calls of compiled submodules. The markers and
// placeholders are turned into methods, prim::CallMethod and prim::GetAttr by
// splitTracedScopes (module_split.cpp) once the recording is finished.
#include <c10/core/impl/LocalDispatchKeySet.h>

#include "tracer/module_split.h"
#include "tracer/recorder.h"
#include "tracer/recording_key.h"

namespace tscript::tracer {

namespace {
struct NotRecordedHere {
  c10::impl::ExcludeDispatchKeyGuard guard{kRecordingKey};
};
}  // namespace

void Recorder::addTracedAttribute(const at::Tensor& tensor, const std::string& path) {
  NotRecordedHere notRecorded;
  if (!tensor.defined()) return;
  ir::Node* node = graph_->create(kTracedAttr);
  node->s_("scope", path);
  node->output()->setType(types::tensorType());
  // Named as 1.13 names the prim::GetAttr it becomes, so no local variable name is asked.
  std::string name = path.substr(path.rfind('.') + 1);
  bool digits = name.find_first_not_of("0123456789") == std::string::npos;
  node->output()->setDebugName(digits ? "_" + name : name);
  prependTo(*graph_, node);
  setValue(tensor, node->output());
}

void Recorder::pushScope(int64_t id) {
  ir::Node* marker = graph_->insert(kScopeBegin, {}, 0);
  marker->i_("id", id);
}

void Recorder::popScope(int64_t id) {
  ir::Node* marker = graph_->insert(kScopeEnd, {}, 0);
  marker->i_("id", id);
}

ir::Node* Recorder::recordMethodCall(const std::string& path, const types::TypePtr& moduleType,
                                     const std::string& name,
                                     const std::vector<c10::IValue>& arguments,
                                     const types::TypePtr& returnType) {
  NotRecordedHere notRecorded;
  currentLocation_.reset();
  ir::Node* module = graph_->create(kTracedAttr);
  module->s_("scope", path);
  module->output()->setType(moduleType);
  prependTo(*graph_, module);
  std::vector<ir::Value*> inputs{module->output()};
  for (ir::Value* value : callArguments(name, arguments)) inputs.push_back(value);
  ir::Node* call = graph_->insert(ir::Symbol::fromQualString("prim::CallMethod"), inputs);
  call->s_("name", name);
  call->output()->setType(returnType);
  mutatingNodes_.insert(call);  // a method may write to its module: kept, as 1.13 keeps it
  pendingIndices_.clear();
  return call;
}

}  // namespace tscript::tracer
