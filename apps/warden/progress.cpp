// The progress bar of `warden scan` (progress.hpp).
#include "apps/warden/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

namespace warden::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Shown only for runs that last: quick scans never flash a bar.
constexpr auto kShowAfter = std::chrono::milliseconds(700);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

int terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) {
    return size.ws_col;
  }
  return 80;
}

std::string human_bytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (1ull << 30)) {
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  } else if (bytes >= (1ull << 20)) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1ull << 20));
  } else {
    std::snprintf(text, sizeof text, "%.0f KiB", static_cast<double>(bytes) / 1024);
  }
  return text;
}

}  // namespace

bool is_terminal(int fd) {
  return isatty(fd) == 1;
}

Progress::Progress(bool enabled, uint64_t total_bytes)
    : enabled_(enabled), total_bytes_(total_bytes), start_(Clock::now()), last_draw_(start_) {}

Progress::~Progress() {
  clear();
}

void Progress::update(uint64_t bytes_read, uint64_t transactions, uint64_t findings,
                      uint64_t errors) {
  if (!enabled_) {
    return;
  }
  const auto now = Clock::now();
  if (now - start_ < kShowAfter || now - last_draw_ < kRedrawEvery) {
    return;
  }
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction =
      total_bytes_ == 0
          ? 0.0
          : std::min(1.0, static_cast<double>(bytes_read) / static_cast<double>(total_bytes_));
  char tail[200];
  const double rate = elapsed > 0 ? static_cast<double>(transactions) / elapsed : 0;
  int eta = -1;
  if (fraction > 0.01) {
    eta = static_cast<int>(elapsed / fraction - elapsed);
  }
  char eta_text[32] = "";
  char error_text[48] = "";
  if (errors > 0) {
    std::snprintf(error_text, sizeof error_text, "  %llu errors",
                  static_cast<unsigned long long>(errors));
  }
  if (eta >= 0) {
    std::snprintf(eta_text, sizeof eta_text, " ETA %d:%02d", eta / 60, eta % 60);
  }
  std::snprintf(tail, sizeof tail, " %3.0f%% %s/%s  %llu txn (%.0f/s)  %llu findings%s%s",
                fraction * 100, human_bytes(bytes_read).c_str(), human_bytes(total_bytes_).c_str(),
                static_cast<unsigned long long>(transactions), rate,
                static_cast<unsigned long long>(findings), error_text, eta_text);
  const int columns = terminal_columns();
  const int bar_width = std::clamp(columns - static_cast<int>(std::strlen(tail)) - 4, 0, 40);
  // Written piece by piece (GCC 12 -O3 warns falsely on string concatenation here).
  std::fputs("\r", stderr);
  if (bar_width >= 10) {
    const int filled = static_cast<int>(fraction * bar_width);
    std::fputc('[', stderr);
    for (int i = 0; i < bar_width; ++i) {
      std::fputc(i < filled ? '#' : '-', stderr);
    }
    std::fputc(']', stderr);
  }
  std::fputs(tail, stderr);
  std::fputs("\x1b[K", stderr);  // erase what a longer previous line left
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace warden::cli
