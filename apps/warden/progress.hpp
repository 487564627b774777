#pragma once
// The progress bar of `warden scan`: one line on stderr, redrawn at most ten
// times a second, shown only when stderr is a terminal and the run has taken
// longer than a moment (never in pipes, CI logs or --quiet). Used on the
// thread that receives scan reports.

#include <chrono>
#include <cstdint>
#include <string>

namespace warden::cli {

class Progress {
 public:
  // `total_bytes`: summed size of the inputs, for the percentage and ETA.
  Progress(bool enabled, uint64_t total_bytes);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `bytes_read`: input consumed so far (all files); cheap when not drawing.
  void update(uint64_t bytes_read, uint64_t transactions, uint64_t findings, uint64_t errors);

  // Removes the bar so the next line on stderr starts clean.
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// True when `fd` is a terminal.
bool is_terminal(int fd);

}  // namespace warden::cli
