// Error codes' stable names and an Error's one-line description.
#include "warden/error.hpp"

namespace warden {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::none:
      return "none";
    case ErrorCode::file_unreadable:
      return "file_unreadable";
    case ErrorCode::syntax_error:
      return "syntax_error";
    case ErrorCode::module_threw:
      return "module_threw";
    case ErrorCode::load_timeout:
      return "load_timeout";
    case ErrorCode::static_import:
      return "static_import";
    case ErrorCode::no_default_export:
      return "no_default_export";
    case ErrorCode::no_scan_function:
      return "no_scan_function";
    case ErrorCode::invalid_id:
      return "invalid_id";
    case ErrorCode::duplicate_id:
      return "duplicate_id";
    case ErrorCode::init_failed:
      return "init_failed";
    case ErrorCode::js_exception:
      return "js_exception";
    case ErrorCode::invalid_result:
      return "invalid_result";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::out_of_memory:
      return "out_of_memory";
    case ErrorCode::engine_unusable:
      return "engine_unusable";
    case ErrorCode::quarantined:
      return "quarantined";
    case ErrorCode::overloaded:
      return "overloaded";
    case ErrorCode::shutting_down:
      return "shutting_down";
    case ErrorCode::crashed:
      return "crashed";
    case ErrorCode::worker_lost:
      return "worker_lost";
    case ErrorCode::unknown_plugin:
      return "unknown_plugin";
    case ErrorCode::malformed_input:
      return "malformed_input";
    case ErrorCode::request_timeout:
      return "request_timeout";
    case ErrorCode::node_unreachable:
      return "node_unreachable";
    case ErrorCode::node_mismatch:
      return "node_mismatch";
  }
  return "unknown";
}

bool is_fatal_for_engine(ErrorCode code) {
  return code == ErrorCode::timeout || code == ErrorCode::out_of_memory ||
         code == ErrorCode::engine_unusable || code == ErrorCode::crashed;
}

std::string Error::describe() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':' + std::to_string(line);
      if (column > 0)
        out += ':' + std::to_string(column);
    }
    out += ": ";
  }
  out += to_string(code);
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

}  // namespace warden
