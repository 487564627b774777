// `--format jsonl`: one JSON object per line, streamed as the run goes, in the
// deterministic output order. The schema is documented in docs/jsonl-schema.md
// and is stable: fields are only ever added, and every record has every field
// of its type (null when absent), so `jq` filters never trip on a missing key.

#include <nlohmann/json.hpp>

#include "apps/warden/report.hpp"

namespace warden::cli {
namespace {

using json = nlohmann::ordered_json;

json or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json or_null(int number) {
  return number > 0 ? json(number) : json(nullptr);
}

class JsonlReport final : public Report {
 public:
  explicit JsonlReport(std::ostream& out) : out_(out) {}

  void begin(const RunInfo&) override {}

  void plugin_load_error(const Error& error) override {
    write(error_record("load", error, nullptr));
  }

  void finding(const Finding& finding, const TransactionRef& transaction) override {
    json record = {
        {"type", "finding"},
        {"plugin", finding.plugin_id},
        {"transaction", transaction.id},
        {"input", transaction.input},
        {"entry", transaction.entry},
        {"url", transaction.url},
        {"title", finding.title},
        {"severity", to_string(finding.severity)},
        {"description", or_null(finding.description)},
        {"evidence", or_null(finding.evidence)},
        {"cwe", or_null(finding.cwe)},
        {"confidence", finding.confidence == Confidence::unspecified
                           ? json(nullptr)
                           : json(to_string(finding.confidence))},
        {"param", or_null(finding.param)},
        {"otherInfo", or_null(finding.other_info)},
        {"solution", or_null(finding.solution)},
        {"references", finding.references.empty() ? json(nullptr) : json(finding.references)},
        {"wasc", or_null(finding.wasc)},
    };
    write(record);
  }

  void scan_error(const ScanFailure& failure) override {
    write(error_record("scan", failure.error, &failure));
  }

  void input_error(const Error& error) override {
    write(error_record("input", error, nullptr));
  }

  void end(const RunSummary&) override {
    out_.flush();
  }

 private:
  static json error_record(const char* phase, const Error& error, const ScanFailure* failure) {
    json record = {
        {"type", "error"},
        {"phase", phase},
        {"kind", to_string(error.code)},
        {"plugin", failure ? json(failure->plugin_id) : json(nullptr)},
        {"transaction", failure ? json(failure->transaction.id) : json(nullptr)},
        {"input", failure ? json(failure->transaction.input) : json(nullptr)},
        {"entry", failure ? json(failure->transaction.entry) : json(nullptr)},
        {"url", failure ? json(failure->transaction.url) : json(nullptr)},
        {"message", error.message},
        {"file", or_null(error.file)},
        {"line", or_null(error.line)},
        {"column", or_null(error.column)},
    };
    return record;
  }

  void write(const json& record) {
    // Invalid UTF-8 from a capture must not abort the run: replace it.
    out_ << record.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }

  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Report> make_jsonl_report(std::ostream& out, ReportOptions) {
  return std::make_unique<JsonlReport>(out);
}

}  // namespace warden::cli
