// Severity and confidence names, and their parsing from plugin text.
#include "warden/finding.hpp"

namespace warden {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "info";
}

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::unspecified:
      return "";
    case Confidence::low:
      return "low";
    case Confidence::medium:
      return "medium";
    case Confidence::high:
      return "high";
  }
  return "";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (auto s :
       {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(s) == text)
      return s;
  }
  return std::nullopt;
}

std::optional<Confidence> parse_confidence(std::string_view text) {
  for (auto c : {Confidence::low, Confidence::medium, Confidence::high}) {
    if (to_string(c) == text)
      return c;
  }
  return std::nullopt;
}

}  // namespace warden
