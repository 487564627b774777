// `--format text` (the default): findings as a table grouped by severity,
// critical first, then plugin and input errors, then one summary line.
// Findings are buffered (never transactions) because grouping needs them
// all; within a group they keep the run's deterministic order.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "apps/warden/report.hpp"
#include "apps/warden/source_excerpt.hpp"
#include "runtime/inert_text.hpp"

namespace warden::cli {
namespace {

constexpr std::size_t kMaxTransaction = 32;
constexpr std::size_t kMaxPlugin = 28;
constexpr std::size_t kMaxTitle = 60;
constexpr std::size_t kMaxUrl = 80;
constexpr std::size_t kMaxErrorsShown = 50;

// Terminal columns of UTF-8 text, counted as code points (good enough for
// the Latin and symbol text that reports hold).
std::size_t width_of(const std::string& text) {
  std::size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

// Cuts text to `max` columns at a code point boundary, ending in "…"; control
// characters (newlines in a title) become spaces so a row stays one line.
std::string fit(const std::string& raw, std::size_t max) {
  std::string text = raw;
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = ' ';
    }
  }
  if (width_of(text) <= max) {
    return text;
  }
  std::string out;
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_code_point) {
      if (width + 1 >= max) {
        break;
      }
      ++width;
    }
    out += text[i];
  }
  return out + "\u2026";
}

// Like fit(), but keeps the end: a transaction id's "#entry" must survive.
std::string fit_tail(const std::string& raw, std::size_t max) {
  const std::string text = fit(raw, SIZE_MAX);
  const std::size_t width = width_of(text);
  if (width <= max) {
    return text;
  }
  std::size_t skip = width - (max - 1);  // code points to drop from the front
  std::size_t i = 0;
  for (; i < text.size() && skip > 0; ++i) {
    if ((static_cast<unsigned char>(text[i + 1 < text.size() ? i + 1 : i]) & 0xC0) != 0x80) {
      --skip;
    }
  }
  return "\u2026" + text.substr(i);
}

std::string pad(const std::string& text, std::size_t width) {
  const std::size_t used = width_of(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string plural(uint64_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

struct Row {
  std::string transaction;
  std::string plugin;
  std::string title;
  std::string url;
  std::string description;
  std::string evidence;
};

class TextReport final : public Report {
 public:
  TextReport(std::ostream& out, ReportOptions options) : out_(out), options_(options) {}

  void begin(const RunInfo& run) override {
    plugins_ = run.plugins.size();
    inputs_ = run.inputs.size();
  }

  void plugin_load_error(const Error& error) override {
    std::string text = printable(error.describe());
    std::string excerpt = source_excerpt(error, "    ");  // the offending line and a caret
    if (!excerpt.empty()) {
      excerpt.pop_back();
      text += '\n' + excerpt;
    }
    load_errors_.push_back(std::move(text));
  }

  void finding(const Finding& finding, const TransactionRef& transaction) override {
    rows_[static_cast<std::size_t>(finding.severity)].push_back(
        Row{fit_tail(printable(transaction.id), kMaxTransaction),
            fit(printable(finding.plugin_id), kMaxPlugin), fit(printable(finding.title), kMaxTitle),
            fit(printable(transaction.url), kMaxUrl), fit(printable(finding.description), 200),
            fit(printable(finding.evidence), 200)});
  }

  void scan_error(const ScanFailure& failure) override {
    ++scan_errors_;
    if (scan_error_lines_.size() < kMaxErrorsShown) {
      scan_error_lines_.push_back(printable(failure.transaction.id) + "  " +
                                  printable(failure.plugin_id) + "  " +
                                  std::string(to_string(failure.error.code)) + ": " +
                                  fit(printable(failure.error.message), 160));
    }
  }

  void input_error(const Error& error) override {
    input_errors_.push_back(printable(describe(error)));
  }

  void end(const RunSummary& summary) override {
    write_findings();
    write_section("Plugin errors", load_errors_.size() + scan_errors_, [this] {
      for (const auto& line : load_errors_) {
        out_ << "  " << line << '\n';
      }
      for (const auto& line : scan_error_lines_) {
        out_ << "  " << line << '\n';
      }
      if (scan_errors_ > scan_error_lines_.size()) {
        out_ << "  ... and " << scan_errors_ - scan_error_lines_.size()
             << " more (--format jsonl lists every one)\n";
      }
    });
    write_section("Input errors", input_errors_.size(), [this] {
      for (const auto& line : input_errors_) {
        out_ << "  " << line << '\n';
      }
    });
    write_summary(summary);
    out_.flush();
  }

 private:
  const char* colour_for(Severity severity) const {
    if (!options_.color) {
      return "";
    }
    switch (severity) {
      case Severity::critical:
        return "\x1b[1;35m";
      case Severity::high:
        return "\x1b[1;31m";
      case Severity::medium:
        return "\x1b[1;33m";
      case Severity::low:
        return "\x1b[1;36m";
      case Severity::info:
        break;
    }
    return "\x1b[1m";
  }
  const char* bold() const {
    return options_.color ? "\x1b[1m" : "";
  }
  const char* dim() const {
    return options_.color ? "\x1b[2m" : "";
  }
  const char* reset() const {
    return options_.color ? "\x1b[0m" : "";
  }

  void write_findings() {
    // One set of column widths for every group, so the table lines up.
    std::size_t w_transaction = width_of("TRANSACTION");
    std::size_t w_plugin = width_of("PLUGIN");
    std::size_t w_title = width_of("FINDING");
    for (const auto& group : rows_) {
      for (const auto& row : group) {
        w_transaction = std::max(w_transaction, width_of(row.transaction));
        w_plugin = std::max(w_plugin, width_of(row.plugin));
        w_title = std::max(w_title, width_of(row.title));
      }
    }
    bool first = true;
    for (int s = static_cast<int>(Severity::critical); s >= static_cast<int>(Severity::info); --s) {
      const auto severity = static_cast<Severity>(s);
      const auto& group = rows_[static_cast<std::size_t>(s)];
      if (group.empty()) {
        continue;
      }
      if (!first) {
        out_ << '\n';
      }
      first = false;
      out_ << colour_for(severity) << upper(to_string(severity)) << " (" << group.size() << ")"
           << reset() << '\n';
      out_ << dim() << "  " << pad("TRANSACTION", w_transaction) << "  " << pad("PLUGIN", w_plugin)
           << "  " << pad("FINDING", w_title) << "  URL" << reset() << '\n';
      for (const auto& row : group) {
        out_ << "  " << pad(row.transaction, w_transaction) << "  " << pad(row.plugin, w_plugin)
             << "  " << pad(row.title, w_title) << "  " << row.url << '\n';
        if (options_.verbose) {
          const std::string indent(4, ' ');
          if (!row.description.empty()) {
            out_ << indent << dim() << row.description << reset() << '\n';
          }
          if (!row.evidence.empty()) {
            out_ << indent << dim() << "evidence: " << row.evidence << reset() << '\n';
          }
        }
      }
    }
    if (first) {
      out_ << "No findings.\n";
    }
  }

  template <class Body>
  void write_section(const char* title, std::size_t count, Body body) {
    if (count == 0) {
      return;
    }
    out_ << '\n' << bold() << title << " (" << count << ")" << reset() << '\n';
    body();
  }

  void write_summary(const RunSummary& summary) {
    std::ostringstream line;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s", summary.elapsed_seconds);
    line << "Scanned " << plural(summary.transactions, "transaction", "transactions") << " from "
         << plural(inputs_, "file", "files") << " with " << plural(plugins_, "plugin", "plugins")
         << " in " << seconds << ": " << plural(summary.findings, "finding", "findings");
    if (summary.findings > 0) {
      line << " (";
      bool first = true;
      for (int s = static_cast<int>(Severity::critical); s >= 0; --s) {
        const uint64_t count = summary.findings_by_severity[static_cast<std::size_t>(s)];
        if (count == 0) {
          continue;
        }
        line << (first ? "" : ", ") << count << " " << to_string(static_cast<Severity>(s));
        first = false;
      }
      line << ")";
    }
    const uint64_t plugin_errors = summary.scan_errors + summary.plugin_load_errors;
    if (plugin_errors > 0) {
      line << ", " << plural(plugin_errors, "plugin error", "plugin errors");
    }
    if (summary.input_errors > 0) {
      line << ", " << plural(summary.input_errors, "input error", "input errors");
    }
    if (summary.interrupted_by_signal != 0) {
      line << "; interrupted by " << signal_name(summary.interrupted_by_signal)
           << " before the end of the input";
    }
    out_ << '\n' << bold() << line.str() << reset() << '\n';
  }

  std::ostream& out_;
  ReportOptions options_;
  std::size_t plugins_ = 0;
  std::size_t inputs_ = 0;
  std::array<std::vector<Row>, 5> rows_;
  std::vector<std::string> load_errors_;
  std::vector<std::string> scan_error_lines_;
  uint64_t scan_errors_ = 0;
  std::vector<std::string> input_errors_;
};

}  // namespace

std::unique_ptr<Report> make_text_report(std::ostream& out, ReportOptions options) {
  return std::make_unique<TextReport>(out, options);
}

}  // namespace warden::cli
