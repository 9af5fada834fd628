// The dispatch key the tracer records at, and its fallback's registration.
//
// Why TESTING_ONLY_GenericMode: the key must sit above the autograd keys (so composite
// operators such as aten::linear reach us before they decompose, as they reach 1.13's Tracer
// key), be unused by libtorch 1.13 itself, and be enabled per thread through the TLS
// included set rather than by tensors. This one is the only key above autograd that c10
// reserves for exactly that use ("toggle the mode on and off and register a fallback").
// Functorch's keys and PythonDispatcher are taken by their own machinery.
#pragma once

#include <c10/core/DispatchKey.h>

namespace tscript::tracer {

inline constexpr c10::DispatchKey kRecordingKey = c10::DispatchKey::TESTING_ONLY_GenericMode;

// Registers the recording fallback on kRecordingKey once per process (thread-safe).
// Throws TraceError when another library already has a fallback on that key.
void ensureRecordingFallbackRegistered();

}  // namespace tscript::tracer
