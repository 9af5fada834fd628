// The compiler's graph passes, registered by name for `tscript opt` and golden tests.
#pragma once

namespace tscript::compiler {

// Idempotent. Called explicitly (not from a static initializer) because a static library
// drops object files nobody references, and their registrations with them.
void registerCompilerPasses();

}  // namespace tscript::compiler
