#pragma once
// Helpers for tests/hostile: prepare an attack's plugin folder from its file's
// directives, run warden on it with a wall-clock bound and its peak RSS, and
// check what every contained attack leaves behind. Included by hostile_test.cpp.

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli/cli_test_support.hpp"

namespace warden::hostile_test {

namespace fs = std::filesystem;
using cli_test::read_file;
using cli_test::TempDir;

// What a hostile run is allowed before it counts as hung or as escaping its
// memory: far above what a contained attack costs, so they test behaviour,
// not speed.
inline constexpr std::chrono::seconds kRunBound{60};
inline constexpr long kMaxPeakRssKib = 1L << 20;  // 1 GiB
// A run past twice that is killed at once, to spare the machine running the
// suite; it fails the RSS bound anyway.
inline constexpr long kKillRssKib = 2 * kMaxPeakRssKib;
// Output a plugin can cause within the contract: a scan's findings are capped
// at 1 MiB of text (plus JSON keys), errors and console lines at a few KiB.
inline constexpr std::size_t kMaxStdoutBytesPerTransaction = 2u << 20;
inline constexpr std::size_t kMaxLineBytes = 2u << 20;
inline constexpr std::size_t kMaxStderrBytes = 1u << 20;
// Any file the child writes past this is cut by the kernel (SIGXFSZ): a flood
// must not fill the disk of the machine running the suite.
inline constexpr rlim_t kMaxOutputFileBytes = 256u << 20;
// What an attack prints when it got something the sandbox must never give it.
inline constexpr const char* kEscapeMarker = "SANDBOX-ESCAPED";

struct BoundedRun {
  bool timed_out = false;
  bool killed_for_memory = false;
  bool signalled = false;
  int exit_code = -1;  // when not signalled
  int signal = 0;      // when signalled
  long peak_rss_kib = 0;
  std::chrono::milliseconds elapsed{0};
  std::string out;
  std::string err;
  std::uintmax_t out_bytes = 0;
  std::uintmax_t err_bytes = 0;
};

// Reads at most `limit` bytes of `path` (a flood is judged by its size).
inline std::string read_prefix(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The resident set of process `pid` now, in KiB (0 when it is gone).
inline long current_rss_kib(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Runs `program args...` in its own process group, stdout and stderr in files;
// past `bound` the whole group is killed. Peak RSS is the child's ru_maxrss
// from wait4 (its reaped children included).
inline BoundedRun run_bounded(const std::string& program, const std::vector<std::string>& args,
                              std::chrono::seconds bound) {
  TempDir capture;
  const std::string out_path = capture / "stdout";
  const std::string err_path = capture / "stderr";
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  BoundedRun run;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    rlimit fsize{kMaxOutputFileBytes, kMaxOutputFileBytes};
    setrlimit(RLIMIT_FSIZE, &fsize);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
      _exit(127);
    setenv("NO_COLOR", "1", 1);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  if (pid < 0) {
    run.err = "fork failed";
    return run;
  }
  setpgid(pid, pid);  // also here, so the group exists before any kill below
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid)
      break;
    const bool late = std::chrono::steady_clock::now() - start > bound;
    const bool huge = current_rss_kib(pid) > kKillRssKib;
    if (late || huge) {
      run.timed_out = late;
      run.killed_for_memory = huge;
      kill(-pid, SIGKILL);
      wait4(pid, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Whatever it left behind in its group (workers of a killed run) goes too.
  kill(-pid, SIGKILL);
  run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  run.peak_rss_kib = usage.ru_maxrss;
  if (WIFSIGNALED(status)) {
    run.signalled = true;
    run.signal = WTERMSIG(status);
  } else {
    run.exit_code = WEXITSTATUS(status);
  }
  std::error_code ec;
  run.out_bytes = fs::file_size(out_path, ec);
  run.err_bytes = fs::file_size(err_path, ec);
  run.out = read_prefix(out_path, 64u << 20);
  run.err = read_prefix(err_path, kMaxStderrBytes + 1);
  return run;
}

// C-style escapes in a directive's argument: \n, \r, \t, \\ and \xNN.
inline std::string unescape(const std::string& text) {
  std::string result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      result += text[i];
      continue;
    }
    const char next = text[++i];
    if (next == 'n') {
      result += '\n';
    } else if (next == 'r') {
      result += '\r';
    } else if (next == 't') {
      result += '\t';
    } else if (next == 'x' && i + 2 < text.size()) {
      result += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      result += next;
    }
  }
  return result;
}

// Code that sets `isValidatingLoad`: true in the load that validates the
// plugin (compiled from source), false in the workers' loads (compiled from
// the code cache the validation left). A long function's first call compiles
// it lazily unless the cache already holds it. The compiled speed is the
// fastest of three later calls: one call alone, slowed by a loaded machine
// descheduling the thread, made the validating load look cached, and then the
// validation saw the id meant for the workers (the attack never happened, and
// its findings carried an id the case did not expect).
inline std::string validation_probe() {
  std::string code = "function probeBody() {\n  let x = 0;\n";
  for (int i = 0; i < 40000; ++i)
    code += "  x = (x * 31 + " + std::to_string(i) + ") | 0;\n";
  code += "  return x;\n}\n";
  code +=
      "const isValidatingLoad = (() => {\n"
      "  const t0 = Date.now(); probeBody(); const first = Date.now() - t0;\n"
      "  let second = Infinity;\n"
      "  for (let i = 0; i < 3; i++) {\n"
      "    const t = Date.now(); probeBody(); second = Math.min(second, Date.now() - t);\n"
      "  }\n"
      "  return first > 20 && first > 8 * (second + 1);\n"
      "})();\n";
  return code;
}

// `//! pad KIND BYTES` (or `//! pad probe`) replaced by generated code, so a
// huge plugin file is made at run time and never committed.
inline std::string expand_pad(const std::string& kind, std::size_t bytes) {
  if (kind == "probe")
    return validation_probe();
  if (kind == "comment")
    return "/*" + std::string(bytes, 'a') + "*/\n";
  if (kind == "array") {
    std::string code = "const padArray = [";
    code.reserve(bytes + 64);
    while (code.size() < bytes)
      code += "0,";
    return code + "0];\n";
  }
  throw std::runtime_error("unknown pad kind " + kind);
}

// An attack file and what its directives ask for. A directive is a line
// `//! key value`, removed from the code the plugin folder gets:
//   //! id ID            an id its findings may carry (default: the file's stem)
//   //! file NAME        its file name there (\n, \r, \t and \xNN escapes)
//   //! har-repeat N     the demo HAR's entries N times over, for slow attacks
//   //! pad KIND BYTES   generated code: a comment or an array literal of that
//                        size, or `pad probe` (isValidatingLoad, see above)
//   //! forbid-text T    text that must not appear in the run's output
struct Attack {
  std::string name;
  std::string code;                  // with pads expanded
  std::string file_name;             // in the plugin folder
  std::vector<std::string> own_ids;  // the ids its findings may carry
  int har_repeat = 1;
  // Text that must appear in neither stdout nor stderr: a message that would
  // be untrue for this attack.
  std::vector<std::string> forbidden_text;
};

inline Attack load_attack(const std::string& name) {
  Attack attack;
  attack.name = name;
  attack.file_name = name + ".js";
  const std::string text =
      read_file(fs::path(WARDEN_SOURCE_DIR) / "tests/hostile" / (name + ".js"));
  if (text.empty())
    throw std::runtime_error("no attack file for " + name);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("//! ", 0) != 0) {
      attack.code += line + "\n";
      continue;
    }
    std::istringstream words(line.substr(4));
    std::string key;
    words >> key;
    std::string value;
    std::getline(words >> std::ws, value);
    if (key == "id") {
      attack.own_ids.push_back(value);
    } else if (key == "file") {
      attack.file_name = unescape(value);
    } else if (key == "forbid-text") {
      attack.forbidden_text.push_back(value);
    } else if (key == "har-repeat") {
      attack.har_repeat = std::stoi(value);
    } else if (key == "pad") {
      std::istringstream pad(value);
      std::string kind;
      std::size_t bytes = 0;
      pad >> kind >> bytes;
      attack.code += expand_pad(kind, bytes);
    } else {
      throw std::runtime_error("unknown directive in " + name + ": " + key);
    }
  }
  if (attack.own_ids.empty())
    attack.own_ids.push_back(name);
  return attack;
}

// examples/demo.har with its entries repeated `times` times, in `dir`.
inline std::string repeated_har(const TempDir& dir, int times) {
  const std::string demo = cli_test::source_path("examples/demo.har");
  if (times == 1)
    return demo;
  nlohmann::json har = nlohmann::json::parse(read_file(demo));
  nlohmann::json entries = nlohmann::json::array();
  for (int i = 0; i < times; ++i) {
    for (const auto& entry : har["log"]["entries"])
      entries.push_back(entry);
  }
  har["log"]["entries"] = entries;
  const std::string path = dir / ("demo-x" + std::to_string(times) + ".har");
  std::ofstream(path) << har.dump();
  return path;
}

inline std::vector<std::string> har_urls(const std::string& har_path) {
  std::vector<std::string> urls;
  const nlohmann::json har = nlohmann::json::parse(read_file(har_path));
  for (const auto& entry : har["log"]["entries"])
    urls.push_back(entry["request"]["url"].get<std::string>());
  return urls;
}

// Raw control characters in text meant for a terminal (newline and tab
// aside): C0, DEL, and the C1 controls U+0080..U+009F in UTF-8.
inline std::size_t first_raw_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f)
      return i;
    if (byte == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f)
        return i;
    }
  }
  return std::string::npos;
}

}  // namespace warden::hostile_test
