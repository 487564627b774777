// What every output format shares: format names, error text, the factory
// (report.hpp).
#include "apps/warden/report.hpp"

#include <csignal>

namespace warden::cli {

std::string_view to_string(Format format) {
  switch (format) {
    case Format::text:
      return "text";
    case Format::jsonl:
      return "jsonl";
    case Format::sarif:
      return "sarif";
  }
  return "text";
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal);
  }
}

std::string describe(const Error& error) {
  if (!error.file.empty() && error.message.rfind(error.file, 0) == 0) {
    return error.message + " (" + std::string(to_string(error.code)) + ")";
  }
  return error.describe();
}

std::unique_ptr<Report> make_report(Format format, std::ostream& out, ReportOptions options) {
  switch (format) {
    case Format::jsonl:
      return make_jsonl_report(out, options);
    case Format::sarif:
      return make_sarif_report(out, options);
    case Format::text:
      break;
  }
  return make_text_report(out, options);
}

}  // namespace warden::cli
