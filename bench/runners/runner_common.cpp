#include "bench/runners/runner_common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <openssl/evp.h>
#include <stdexcept>
#include <sys/resource.h>

#include "warden/har_reader.hpp"

namespace warden::bench {
namespace {

uint64_t parse_count(const std::string& flag, const std::string& text, uint64_t minimum) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text[0] == '-' || value < minimum) {
    throw std::invalid_argument(flag + " wants an integer >= " + std::to_string(minimum) +
                                ", got '" + text + "'");
  }
  return value;
}

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

double cpu_seconds_of(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

// Rounds as the peers' round(x, digits) does; non-finite numbers become null.
nlohmann::json rounded(double x, int digits) {
  if (!std::isfinite(x))
    return nullptr;
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

nlohmann::json rounded(const std::optional<double>& x, int digits) {
  return x ? rounded(*x, digits) : nlohmann::json(nullptr);
}

}  // namespace

RunnerArgs parse_runner_args(int argc, char** argv, const std::set<std::string>& valued,
                             const std::set<std::string>& switches) {
  RunnerArgs args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw std::invalid_argument(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--plugins") {
      args.plugins_dir = value();
    } else if (flag == "--har") {
      // One or more files, up to the next --flag.
      while (i + 1 < argc && std::string_view{argv[i + 1]}.substr(0, 2) != "--") {
        args.har_files.emplace_back(argv[++i]);
      }
    } else if (flag == "--recycle-every") {
      args.recycle_every = parse_count(flag, value(), 0);
    } else if (flag == "--repeat") {
      args.repeat = parse_count(flag, value(), 1);
    } else if (valued.count(flag) != 0) {
      args.flags[flag] = value();
    } else if (switches.count(flag) != 0) {
      args.flags[flag] = "";
    } else {
      throw std::invalid_argument("unknown argument: " + flag);
    }
  }
  if (args.plugins_dir.empty())
    throw std::invalid_argument("--plugins DIR is required");
  if (args.har_files.empty())
    throw std::invalid_argument("--har FILE... is required");
  return args;
}

std::vector<std::string> plugin_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    const auto extension = entry.path().extension();
    if (extension == ".js" || extension == ".mjs") {
      files.push_back(std::filesystem::absolute(entry.path()).string());
    }
  }
  if (files.empty())
    throw std::runtime_error(dir + ": no plugin (*.js, *.mjs)");
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<TransactionPtr> read_transactions(const std::vector<std::string>& har_files) {
  std::vector<TransactionPtr> transactions;
  for (const auto& file : har_files) {
    const std::string prefix = std::filesystem::path{file}.filename().string() + ":";
    auto read = runtime::read_har_file(
        file,
        [&](Transaction&& transaction) {
          transactions.push_back(std::make_shared<const Transaction>(std::move(transaction)));
          return true;
        },
        prefix);
    if (!read)
      throw std::runtime_error(read.error().describe());
  }
  return transactions;
}

runtime::EngineOptions bench_engine_options() {
  runtime::EngineOptions options;
  options.limits.scan_timeout = std::chrono::milliseconds{2000};
  options.limits.heap_limit_bytes = 128u << 20;
  options.console = [](runtime::LogLevel, std::string_view, std::string_view) {};
  return options;
}

FindingTally::FindingTally(const std::vector<std::string>& plugin_ids) {
  for (const auto& id : plugin_ids)
    lines_[id];
}

void FindingTally::accept(const std::string& plugin_id, const std::vector<Finding>& findings) {
  auto& into = lines_[plugin_id];
  for (const auto& finding : findings) {
    std::string line = finding.transaction_id;
    line += '\t';
    line += plugin_id;
    line += '\t';
    line += finding.title;
    line += '\t';
    line += to_string(finding.severity);
    into.push_back(std::move(line));
  }
  ++ok_;
}

void FindingTally::accept_line(const std::string& plugin_id, std::string_view transaction_id,
                               std::string_view title, std::string_view severity) {
  std::string line;
  line.reserve(transaction_id.size() + plugin_id.size() + title.size() + severity.size() + 3);
  line.append(transaction_id).append("\t").append(plugin_id).append("\t");
  line.append(title).append("\t").append(severity);
  lines_[plugin_id].push_back(std::move(line));
}

void FindingTally::count_ok(const std::string& plugin_id) {
  lines_[plugin_id];  // listed even when it never finds anything, as the peers list it
  ++ok_;
}

void FindingTally::fail(const std::string& plugin_id, std::string_view transaction_id,
                        std::string_view why) {
  lines_[plugin_id];
  ++errors_;
  if (error_samples_.size() < 5) {
    std::string sample = plugin_id + " on " + std::string{transaction_id} + ": ";
    sample += why.substr(0, 200);
    error_samples_.push_back(std::move(sample));
  }
}

void FindingTally::merge(FindingTally&& other) {
  for (auto& [id, lines] : other.lines_) {
    auto& into = lines_[id];
    into.insert(into.end(), std::make_move_iterator(lines.begin()),
                std::make_move_iterator(lines.end()));
  }
  ok_ += other.ok_;
  errors_ += other.errors_;
  for (auto& sample : other.error_samples_) {
    if (error_samples_.size() < 5)
      error_samples_.push_back(std::move(sample));
  }
  other = FindingTally{};
}

nlohmann::json FindingTally::summary() const {
  nlohmann::json by_plugin = nlohmann::json::object();
  std::vector<std::string> all;
  for (const auto& [id, lines] : lines_) {
    by_plugin[id] = {{"count", lines.size()}, {"digest", digest_of(lines)}};
    all.insert(all.end(), lines.begin(), lines.end());
  }
  const auto count = all.size();
  return {{"findings", count},
          {"findings_digest", digest_of(std::move(all))},
          {"findings_by_plugin", std::move(by_plugin)},
          {"errors", errors_},
          {"error_samples", error_samples_}};
}

std::string digest_of(std::vector<std::string> lines) {
  // std::string's operator< compares as unsigned bytes, like Buffer.compare.
  std::sort(lines.begin(), lines.end());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free};
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0)
      EVP_DigestUpdate(context.get(), "\n", 1);
    EVP_DigestUpdate(context.get(), lines[i].data(), lines[i].size());
  }
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), hash, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", hash[i]);
    hex += byte;
  }
  return hex;
}

std::optional<double> percentile(std::vector<double>& samples_ms, double p) {
  if (samples_ms.empty())
    return std::nullopt;
  const auto n = samples_ms.size();
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  const auto index = std::min(n - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(samples_ms.begin(), samples_ms.begin() + static_cast<std::ptrdiff_t>(index),
                   samples_ms.end());
  return samples_ms[index];
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double cpu_seconds_self() {
  return cpu_seconds_of(RUSAGE_SELF);
}

double cpu_seconds_children() {
  return cpu_seconds_of(RUSAGE_CHILDREN);
}

double peak_rss_mb_self() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void print_result_line(RunFigures figures, const FindingTally& tally) {
  const double scans = static_cast<double>(tally.scans());
  const uint64_t recycles = figures.recycles.value_or(figures.recycle_ms.size());
  nlohmann::json line = {
      {"runner", figures.runner},
      {"scans", tally.scans()},
      {"seconds", rounded(figures.seconds, 4)},
      {"scans_per_s", rounded(scans / figures.seconds, 1)},
      {"cpu_seconds", rounded(figures.cpu_seconds, 4)},
      {"scans_per_cpu_s", rounded(scans / figures.cpu_seconds, 1)},
      {"p50_ms", rounded(percentile(figures.latency_ms, 50), 4)},
      {"p99_ms", rounded(percentile(figures.latency_ms, 99), 4)},
      {"recycles", recycles},
      {"recycle_p50_ms", rounded(percentile(figures.recycle_ms, 50), 4)},
      {"recycle_p99_ms", rounded(percentile(figures.recycle_ms, 99), 4)},
      {"peak_rss_mb", rounded(figures.peak_rss_mb, 1)},
  };
  line.update(tally.summary());
  line["lost"] = static_cast<int64_t>(figures.expected) - static_cast<int64_t>(tally.scans());
  line.update(figures.extra);
  std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace warden::bench
