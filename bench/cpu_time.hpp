#pragma once
// This process's CPU time, every thread, user and system: what the benches
// report as CPU per scan or per request.

#include <sys/resource.h>

namespace warden::bench {

inline double self_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace warden::bench
