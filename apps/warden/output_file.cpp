// The --output file of `warden scan`, written under a temporary name and
// renamed when complete (output_file.hpp).
#include "apps/warden/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps/warden/progress.hpp"

namespace warden::cli {

OutputFile::~OutputFile() {
  if (!temporary_.empty()) {
    file_.close();
    ::unlink(temporary_.c_str());
  }
}

bool OutputFile::open(const std::string& path) {
  to_stdout_ = path.empty() || path == "-";
  if (to_stdout_) {
    return true;
  }
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string pattern = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    spdlog::error("cannot open --output {}: {}", path, std::strerror(errno));
    return false;
  }
  // mkstemp creates the file 0600; the report gets what a plain open would give.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temporary_ = pattern;
  target_ = path;
  file_.open(temporary_, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!file_) {
    spdlog::error("cannot open --output {}: {}", path, std::strerror(errno));
    return false;
  }
  return true;
}

bool OutputFile::colour() const {
  return to_stdout_ && is_terminal(1) && std::getenv("NO_COLOR") == nullptr;
}

bool OutputFile::commit() {
  if (to_stdout_) {
    std::cout.flush();
    if (!std::cout) {
      spdlog::error("writing the report failed");
      return false;
    }
    return true;
  }
  file_.flush();
  const bool written = static_cast<bool>(file_);
  file_.close();
  if (!written || file_.fail()) {
    spdlog::error("writing the report to {} failed", target_);
    return false;  // the destructor removes the temporary
  }
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    spdlog::error("cannot rename the report to {}: {}", target_, std::strerror(errno));
    return false;
  }
  temporary_.clear();
  return true;
}

}  // namespace warden::cli
