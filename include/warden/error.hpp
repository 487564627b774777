#pragma once
// Typed errors shared by every layer: what went wrong, and where. Plain data,
// no V8 and no CAF, so runtime/, actors/ and apps/ all speak it.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

// Every failure Warden reports. Values are stable: they cross the actor
// boundary and appear in machine-readable output (jsonl, --stats).
enum class ErrorCode : uint8_t {
  none = 0,
  // loading a plugin
  file_unreadable,    // the plugin or input file cannot be read
  syntax_error,       // the module does not parse
  module_threw,       // module evaluation threw (or rejected)
  load_timeout,       // module evaluation or init() ran past the time limit
  static_import,      // the module has a static import (message names the specifier)
  no_default_export,  // no default export, or it is not an object
  no_scan_function,   // the default export has no scan function
  invalid_id,         // id missing or not [a-z0-9][a-z0-9-]*
  duplicate_id,       // two loaded plugins share an id
  init_failed,        // init(config) threw or rejected
  // scanning one transaction
  js_exception,     // scan threw or its promise rejected
  invalid_result,   // scan returned something other than valid findings
  timeout,          // scan ran past the time limit (engine must be recycled)
  out_of_memory,    // scan hit the heap limit (engine must be recycled)
  engine_unusable,  // the engine was terminated earlier and must not be reused
  crashed,          // the worker process running the engine died (signal, V8 fatal error)
  // the actor layer
  quarantined,     // the plugin is quarantined after too many failures
  overloaded,      // the plugin's queue is full
  shutting_down,   // Warden is stopping and takes no new work
  worker_lost,     // the job was lost with its worker a 3rd time (poison input)
  unknown_plugin,  // no plugin with that id is loaded
  // input
  malformed_input,  // a HAR file is not valid JSON or not HAR-shaped
  // the host facade
  request_timeout,  // no answer within the facade call's timeout (the scan may still run)
  // Warden nodes (warden/network.hpp, warden/remote_warden.hpp)
  node_unreachable,  // a node refused, failed the TLS handshake, timed out or is no Warden;
                     // or every node was lost during a remote scan
  node_mismatch,     // two nodes serve different plugin sets
};

// Stable snake_case name of every code ("timeout", "out_of_memory", ...).
std::string_view to_string(ErrorCode code);

// True for errors after which an engine must not be reused.
bool is_fatal_for_engine(ErrorCode code);

// An error as a value: the code, a human-readable reason and, where known,
// the file and 1-based line/column it points at and a JS stack trace.
struct Error {
  Error() = default;
  // Keeps the brace form Error{code, message, file} working everywhere.
  Error(ErrorCode code, std::string message, std::string file = {}, int line = 0, int column = 0)
      : code(code),
        message(std::move(message)),
        file(std::move(file)),
        line(line),
        column(column) {}

  ErrorCode code = ErrorCode::none;
  std::string message;
  std::string file;
  int line = 0;    // 1-based, 0 when unknown
  int column = 0;  // 1-based, 0 when unknown
  std::string stack;

  // "file:line:column: code: message" with the unknown parts left out.
  std::string describe() const;
};

}  // namespace warden
