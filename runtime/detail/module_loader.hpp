#pragma once
// Loads a plugin's ES module into an engine's fresh context, by the plugin
// contract's load-time rules. Private to runtime/ (called by Engine::load).

#include "runtime/detail/engine_state.hpp"
#include "warden/result.hpp"

namespace warden::runtime::detail {

// Creates the context (console, realm hardening, transaction view), then
// compiles the module, evaluates it, reads its default export and runs
// init(config), compiling, evaluation and init() under one load_timeout. On success
// `state` holds the context, module, plugin object and scan function, and the
// plugin source a code cache for the next engine. Errors name file, line and
// column where known (see ErrorCode's load errors).
Status load_module(EngineState& state);

}  // namespace warden::runtime::detail
