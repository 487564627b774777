#pragma once
// The warnings one HAR input raises (tolerated deviations from HAR 1.2, from
// the HAR reader), logged on stderr with a cap per input so a file with a
// million deviations prints a bounded number of lines. Used by the input reader.

#include <cstdint>
#include <string>
#include <utility>

namespace warden::cli {

class HarWarnings {
 public:
  // The first kShown warnings of an input are logged, the rest only counted.
  static constexpr uint64_t kShown = 20;

  explicit HarWarnings(std::string input) : input_(std::move(input)) {}

  // Logs `warning` (which names file and entry) while under the cap.
  void add(std::string&& warning);

  // Logs how many warnings were not shown, if any.
  void finish();

  uint64_t count() const {
    return count_;
  }

 private:
  std::string input_;
  uint64_t count_ = 0;
};

}  // namespace warden::cli
