// Reading Warden's errors back from a caf::error: the workers' exit reasons (errc)
// and the request errors hosts get (category "warden_api").
#include <string>

#include "actors/worker_protocol.hpp"

namespace warden::actors {

std::string_view to_string(errc reason) {
  switch (reason) {
    case errc::none:
      return "none";
    case errc::recycle_threshold:
      return "recycle_threshold";
    case errc::heap_soft_limit:
      return "heap_soft_limit";
    case errc::timeout:
      return "timeout";
    case errc::out_of_memory:
      return "out_of_memory";
    case errc::fatal_error:
      return "fatal_error";
    case errc::shutdown:
      return "shutdown";
    case errc::load_failed:
      return "load_failed";
    case errc::crashed:
      return "crashed";
    case errc::killed:
      return "killed";
    case errc::recycle_requested:
      return "recycle_requested";
  }
  return "unknown";
}

std::optional<errc> exit_reason_of(const caf::error& error) {
  if (!error || error.category() != caf::atom("warden")) {
    return std::nullopt;
  }
  return static_cast<errc>(error.code());
}

std::optional<Error> request_error_of(const caf::error& error) {
  if (!error || error.category() != caf::atom("warden_api")) {
    return std::nullopt;
  }
  Error result{static_cast<ErrorCode>(error.code()), {}};
  const auto& context = error.context();
  if (context.size() > 0 && context.match_element<std::string>(0)) {
    result.message = context.get_as<std::string>(0);
  }
  return result;
}

}  // namespace warden::actors
