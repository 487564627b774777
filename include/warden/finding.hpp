#pragma once
// A finding reported by a plugin (plugin contract, "A finding"), plus the
// plugin id, transaction id and URL the runtime adds. Plain data.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

enum class Severity : uint8_t { info, low, medium, high, critical };
enum class Confidence : uint8_t { unspecified, low, medium, high };

std::string_view to_string(Severity severity);
std::string_view to_string(Confidence confidence);  // "" for unspecified
std::optional<Severity> parse_severity(std::string_view text);
std::optional<Confidence> parse_confidence(std::string_view text);

struct Finding {
  std::string plugin_id;
  std::string transaction_id;
  std::string url;
  std::string title;
  Severity severity = Severity::info;
  std::string description;  // "" when the plugin gave none
  std::string evidence;     // "" when the plugin gave none
  int cwe = 0;              // 0 when the plugin gave none
  Confidence confidence = Confidence::unspecified;
  // Optional fields, as ZAP alerts carry them ("" / empty / 0 when absent).
  std::string param;                    // the parameter or header concerned
  std::string other_info;               // more detail than the description
  std::string solution;                 // how to fix it
  std::vector<std::string> references;  // URLs to read
  int wasc = 0;                         // WASC threat classification id
  // The scanned transaction's host metadata, copied by the actor layer as it
  // answers (empty from an Engine alone, and when the host set none).
  std::map<std::string, std::string> metadata;
};

}  // namespace warden
