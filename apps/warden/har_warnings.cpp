// Logging one input's HAR warnings with a cap (har_warnings.hpp).
#include "apps/warden/har_warnings.hpp"

#include <spdlog/spdlog.h>

namespace warden::cli {

void HarWarnings::add(std::string&& warning) {
  if (++count_ <= kShown) {
    spdlog::warn("{}", warning);
  }
}

void HarWarnings::finish() {
  if (count_ > kShown) {
    spdlog::warn("{}: {} more warning(s) not shown ({} in all)", input_, count_ - kShown, count_);
  }
}

}  // namespace warden::cli
