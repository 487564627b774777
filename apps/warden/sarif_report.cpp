// `--format sarif`: one SARIF 2.1.0 log with one run. Each loaded plugin is a
// rule of the `warden` driver (rule id = plugin id), each finding a result
// located at its request URL, and plugin or input failures are the
// invocation's toolExecutionNotifications. Validated against the official
// 2.1.0 JSON schema by tests/cli (tests/sarif/sarif-validate.mjs).

#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <system_error>

#include "apps/warden/report.hpp"

namespace warden::cli {
namespace {

using json = nlohmann::ordered_json;

// SARIF levels: critical/high -> error, medium -> warning, low/info -> note.
const char* level_for(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    case Severity::low:
    case Severity::info:
      break;
  }
  return "note";
}

// GitHub-style numeric severity (0.0-10.0) so viewers can sort by it.
const char* security_severity_for(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    case Severity::info:
      break;
  }
  return "0.0";
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// A local file as an absolute `file://` URI (RFC 8089), each path byte outside
// RFC 3986's unreserved set and '/' percent-encoded: a bare absolute path is a
// relative reference starting with '/', which SARIF validators reject
// (SARIF1004). Standard input ("-") is the relative reference "stdin".
std::string to_file_uri(const std::string& path) {
  if (path == "-") {
    return "stdin";
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string text =
      (ec ? std::filesystem::path(path) : absolute).lexically_normal().string();
  static const char* hex = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

// artifactLocation.uri must be a URI reference; captured URLs may hold spaces,
// '|', '[' in a query, raw UTF-8 and stray '%'. Percent-encode whatever
// RFC 3986 does not allow, keeping valid escapes as they are and brackets
// only where they belong (an IPv6 host).
std::string to_uri_reference(const std::string& url) {
  static const std::string allowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'()*+,;=";
  std::size_t authority_begin = std::string::npos;
  std::size_t authority_end = std::string::npos;
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    authority_begin = scheme + 3;
    authority_end = url.find_first_of("/?#", authority_begin);
    if (authority_end == std::string::npos) {
      authority_end = url.size();
    }
  }
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (std::size_t i = 0; i < url.size(); ++i) {
    const char c = url[i];
    if (c == '%' && i + 2 < url.size() && is_hex(url[i + 1]) && is_hex(url[i + 2])) {
      out += c;
    } else if (c != '%' && allowed.find(c) != std::string::npos) {
      out += c;
    } else if ((c == '[' || c == ']') && authority_begin != std::string::npos &&
               i >= authority_begin && i < authority_end) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  if (out.empty()) {
    out = "about:blank";
  }
  return out;
}

// Microsoft's SARIF Multitool (SARIF1002, .NET's Uri.IsWellFormedUriString)
// rejects a valid URI that holds both an escaped non-ASCII byte (%C3%A4) and
// an escaped character that stays escaped (%20, %2F, %25): .NET compares the
// string with its own IRI-normalised form, which differs. Such a URL is kept
// out of artifactLocation.uri (the result keeps it in properties.url).
bool multitool_accepts(const std::string& uri) {
  bool non_ascii = false;
  bool reserved = false;
  for (std::size_t i = 0; i + 2 < uri.size(); ++i) {
    if (uri[i] != '%' || !is_hex(uri[i + 1]) || !is_hex(uri[i + 2])) {
      continue;
    }
    const int byte = std::stoi(uri.substr(i + 1, 2), nullptr, 16);
    const bool unreserved =
        std::isalnum(byte) || byte == '-' || byte == '.' || byte == '_' || byte == '~';
    non_ascii = non_ascii || byte >= 0x80;
    reserved = reserved || (byte < 0x80 && !unreserved);
  }
  return !(non_ascii && reserved);
}

// Where a finding or scan error on a captured request points: its URL as the
// artifact when the URI is usable there, and always the transaction id.
json request_location(const TransactionRef& transaction) {
  json location = {{"logicalLocations",
                    json::array({{{"fullyQualifiedName", transaction.id}, {"kind", "resource"}}})}};
  const std::string uri = to_uri_reference(transaction.url);
  if (multitool_accepts(uri)) {
    location["physicalLocation"] = {{"artifactLocation", {{"uri", uri}}}};
  }
  return location;
}

class SarifReport final : public Report {
 public:
  explicit SarifReport(std::ostream& out) : out_(out) {}

  void begin(const RunInfo& run) override {
    tool_version_ = run.tool_version;
    rules_ = json::array();
    for (std::size_t i = 0; i < run.plugins.size(); ++i) {
      const auto& plugin = run.plugins[i];
      const std::string title = plugin.name.empty() ? plugin.id : plugin.name;
      json properties = {{"file", plugin.path}};
      if (!plugin.version.empty()) {
        properties["version"] = plugin.version;
      }
      properties["tags"] = json::array({"security"});
      properties["kind"] = runtime::to_string(plugin.kind);
      json rule = {
          {"id", plugin.id},
          {"name", title},
          {"shortDescription", {{"text", title}}},
      };
      if (!plugin.help_uri.empty()) {
        rule["helpUri"] = plugin.help_uri;  // a ZAP script's helpLink
      }
      rule["properties"] = properties;
      rules_.push_back(std::move(rule));
      rule_index_[plugin.id] = i;
    }
    for (const auto& input : run.inputs) {
      artifacts_.push_back({{"location", {{"uri", to_file_uri(input)}}},
                            {"roles", json::array({"analysisTarget"})}});
    }
  }

  void plugin_load_error(const Error& error) override {
    json notification = notification_for(error, "");
    if (!error.file.empty()) {
      json region = json::object();
      if (error.line > 0) {
        region["startLine"] = error.line;
      }
      if (error.column > 0) {
        region["startColumn"] = error.column;
      }
      json physical = {{"artifactLocation", {{"uri", to_file_uri(error.file)}}}};
      if (!region.empty()) {
        physical["region"] = region;
      }
      notification["locations"] = json::array({{{"physicalLocation", physical}}});
    }
    configuration_notifications_.push_back(std::move(notification));
  }

  void finding(const Finding& finding, const TransactionRef& transaction) override {
    std::string text = finding.title;
    if (!finding.evidence.empty()) {
      text += " (evidence: " + finding.evidence + ")";
    }
    json properties = {
        {"severity", to_string(finding.severity)},
        {"security-severity", security_severity_for(finding.severity)},
        {"transaction", transaction.id},
        {"input", transaction.input},
        {"entry", transaction.entry},
        {"url", transaction.url},
    };
    if (!finding.description.empty()) {
      properties["description"] = finding.description;
    }
    if (!finding.evidence.empty()) {
      properties["evidence"] = finding.evidence;
    }
    if (finding.cwe > 0) {
      properties["cwe"] = "CWE-" + std::to_string(finding.cwe);
    }
    if (finding.confidence != Confidence::unspecified) {
      properties["confidence"] = to_string(finding.confidence);
    }
    if (!finding.param.empty()) {
      properties["param"] = finding.param;
    }
    if (!finding.other_info.empty()) {
      properties["otherInfo"] = finding.other_info;
    }
    if (!finding.solution.empty()) {
      properties["solution"] = finding.solution;
    }
    if (!finding.references.empty()) {
      properties["references"] = finding.references;
    }
    if (finding.wasc > 0) {
      properties["wasc"] = "WASC-" + std::to_string(finding.wasc);
    }
    json result = {
        {"ruleId", finding.plugin_id}, {"level", level_for(finding.severity)},
        {"message", {{"text", text}}}, {"locations", json::array({request_location(transaction)})},
        {"properties", properties},
    };
    if (auto it = rule_index_.find(finding.plugin_id); it != rule_index_.end()) {
      result["ruleIndex"] = it->second;
    }
    results_.push_back(std::move(result));
  }

  void scan_error(const ScanFailure& failure) override {
    json notification = notification_for(failure.error, failure.plugin_id);
    notification["message"]["text"] =
        failure.plugin_id + " failed on " + failure.transaction.id + ": " + failure.error.message;
    notification["locations"] = json::array({request_location(failure.transaction)});
    execution_notifications_.push_back(std::move(notification));
  }

  void input_error(const Error& error) override {
    json notification = notification_for(error, "");
    if (!error.file.empty()) {
      notification["locations"] = json::array(
          {{{"physicalLocation", {{"artifactLocation", {{"uri", to_file_uri(error.file)}}}}}}});
    }
    execution_notifications_.push_back(std::move(notification));
    execution_successful_ = false;
  }

  void end(const RunSummary& summary) override {
    if (summary.interrupted_by_signal != 0) {
      execution_successful_ = false;
      execution_notifications_.push_back(
          {{"level", "error"},
           {"message",
            {{"text", "interrupted by " + std::string(signal_name(summary.interrupted_by_signal)) +
                          ": the results cover the transactions scanned before it"}}},
           {"descriptor", {{"id", "interrupted"}}}});
    }
    json invocation = {
        {"executionSuccessful", execution_successful_},
        {"exitCode", summary.exit_code},
        {"toolExecutionNotifications", execution_notifications_},
        {"toolConfigurationNotifications", configuration_notifications_},
        {"properties",
         {{"transactions", summary.transactions}, {"elapsedSeconds", summary.elapsed_seconds}}},
    };
    json driver = {
        {"name", "warden"},
        {"version", tool_version_},
        {"semanticVersion", tool_version_},
        {"rules", rules_},
    };
    json log = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs", json::array({{
                     {"tool", {{"driver", driver}}},
                     {"invocations", json::array({invocation})},
                     {"artifacts", artifacts_},
                     {"results", results_},
                     {"columnKind", "unicodeCodePoints"},
                 }})},
    };
    out_ << log.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    out_.flush();
  }

 private:
  json notification_for(const Error& error, const std::string& plugin_id) const {
    json notification = {
        {"level", "error"},
        {"message", {{"text", describe(error)}}},
        {"descriptor", {{"id", std::string(to_string(error.code))}}},
    };
    if (!plugin_id.empty()) {
      json rule = {{"id", plugin_id}};
      if (auto it = rule_index_.find(plugin_id); it != rule_index_.end()) {
        rule["index"] = it->second;
      }
      notification["associatedRule"] = rule;
    }
    return notification;
  }

  std::ostream& out_;
  std::string tool_version_;
  json rules_ = json::array();
  json artifacts_ = json::array();
  json results_ = json::array();
  json execution_notifications_ = json::array();
  json configuration_notifications_ = json::array();
  std::map<std::string, std::size_t> rule_index_;
  bool execution_successful_ = true;
};

}  // namespace

std::unique_ptr<Report> make_sarif_report(std::ostream& out, ReportOptions) {
  return std::make_unique<SarifReport>(out);
}

}  // namespace warden::cli
