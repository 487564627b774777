// Names of the exit reasons (errc) and reading one back from a caf::error.
#include "warden/protocol.hpp"

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

}  // namespace warden::actors
