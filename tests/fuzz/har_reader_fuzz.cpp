// libFuzzer target for runtime/har_reader.cpp: read_har_stream over arbitrary
// bytes must never crash, leak or hang, and every error it reports must be a
// malformed_input whose message names the input and is printable ASCII (no
// bytes of the input leak into messages unescaped).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "warden/har_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::size_t entries = 0;
  std::size_t bytes = 0;
  auto result = warden::runtime::read_har_stream(
      in, "fuzz.har",
      [&](warden::Transaction&& transaction) {
        // Read back what was moved out of the entry DOM.
        bytes += transaction.id.size() + transaction.request.url.size() +
                 transaction.response.body.size();
        for (const auto& header : transaction.request.headers)
          bytes += header.value.size();
        if (transaction.request.body)
          bytes += transaction.request.body->size();
        ++entries;
        return true;
      },
      "f#");
  if (result.ok()) {
    if (result->entries != entries)
      std::abort();
    return 0;
  }
  const warden::Error& error = result.error();
  if (error.code != warden::ErrorCode::malformed_input)
    std::abort();
  if (error.message.rfind("fuzz.har: ", 0) != 0)
    std::abort();
  for (unsigned char c : error.message) {
    if (c < 0x20 || c >= 0x7f)
      std::abort();
  }
  return 0;
}
