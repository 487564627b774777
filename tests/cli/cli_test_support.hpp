#pragma once
// Helpers for tests/cli: run the warden binary as a child process with its
// stdout and stderr captured in files, and locate fixtures. Included by every
// tests/cli/*_test.cpp.

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace warden::cli_test {

namespace fs = std::filesystem;

inline std::string warden_bin() {
  return std::string(WARDEN_BIN_DIR) + "/warden";
}

inline std::string fixture(const std::string& relative) {
  return std::string(WARDEN_FIXTURES) + "/cli/" + relative;
}

inline std::string source_path(const std::string& relative) {
  return std::string(WARDEN_SOURCE_DIR) + "/" + relative;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A directory under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "warden-cli-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const {
    return path_;
  }
  std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) {
        lines.push_back(line);
      }
    }
    return lines;
  }
};

// A child process with stdin from a file and stdout/stderr captured in files
// (so a chatty child never blocks on a full pipe). NO_COLOR is set so output
// is plain even if a test is run from a terminal.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args,
        const std::string& stdin_path = "/dev/null") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    setenv("NO_COLOR", "1", 1);
    spawned_ = posix_spawnp(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (spawned_ == 0 && pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void signal(int number) const {
    kill(pid_, number);
  }

  // The child's stderr so far (it may still be writing).
  std::string err_so_far() const {
    return read_file(err_path());
  }

  // Waits for the child to end; the exit code is 128 + the signal that killed it, if one did.
  RunResult wait() {
    RunResult result;
    if (spawned_ != 0) {
      result.err = "spawn failed: " + std::to_string(spawned_);
      return result;
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path());
    result.err = read_file(err_path());
    return result;
  }

 private:
  std::string out_path() const {
    return capture_ / "stdout";
  }
  std::string err_path() const {
    return capture_ / "stderr";
  }

  TempDir capture_;
  pid_t pid_ = -1;
  int spawned_ = -1;
};

// Runs `program args...` to its end, with stdin from `stdin_path`.
inline RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                             const std::string& stdin_path = "/dev/null") {
  return Child(program, args, stdin_path).wait();
}

inline RunResult run_warden(const std::vector<std::string>& args) {
  return run_program(warden_bin(), args);
}

// Every non-empty stdout line parsed as JSON (fails the test on a bad line).
inline std::vector<nlohmann::json> parse_jsonl(const std::string& text) {
  std::vector<nlohmann::json> records;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      records.push_back(nlohmann::json::parse(line));
    }
  }
  return records;
}

// The --stats object: the last stderr line that parses as a JSON object.
inline nlohmann::json stats_from(const std::string& err) {
  nlohmann::json stats;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() == '{') {
      stats = nlohmann::json::parse(line, nullptr, false);
    }
  }
  return stats;
}

inline bool have_program(const std::string& name) {
  return run_program("sh", {"-c", "command -v " + name + " >/dev/null 2>&1"}).exit_code == 0;
}

}  // namespace warden::cli_test
