#pragma once
// The plugin's console object (log, info, warn, error, debug), which hands each
// call to the host's ConsoleSink as one bounded line. Private to runtime/.

#include <cstddef>
#include <string>

#include <v8.h>

#include "warden/engine.hpp"

namespace warden::runtime::detail {

// Where console.* goes. Both are read at call time (the plugin id is known
// only once the default export was read); they must outlive the context.
struct ConsoleTarget {
  const ConsoleSink* sink = nullptr;
  const std::string* plugin_id = nullptr;
  const std::size_t* max_bytes = nullptr;  // EngineLimits::max_text_bytes
};

// Installs `console` on the context's global object; call before plugin code runs.
void install_console(v8::Local<v8::Context> context, ConsoleTarget* target);

}  // namespace warden::runtime::detail
