// The process's own peak RSS for --stats (process_stats.hpp).
#include "apps/warden/process_stats.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>

namespace warden::cli {

uint64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      uint64_t kib = 0;
      if (fields >> kib) {
        return kib * 1024;
      }
    }
  }
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
  }
  return 0;
}

}  // namespace warden::cli
