#pragma once
// What the benchmarks run over: the HAR corpus (every *.har of a folder, in
// name order, every entry a shared transaction; a file that fails is skipped
// with a message on stderr: benchmarks measure, they do not judge inputs),
// repeated to a size, and the bundled plugins.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "warden/har_reader.hpp"
#include "warden/transaction.hpp"

namespace warden::bench {

// Every entry of one HAR file, appended to `into`; a file that fails is
// named on stderr with the transactions read before the error kept.
inline void read_har_into(const std::filesystem::path& file, std::vector<TransactionPtr>& into) {
  auto read = runtime::read_har_file(file.string(), [&](Transaction&& t) {
    into.push_back(std::make_shared<const Transaction>(std::move(t)));
    return true;
  });
  if (!read)
    std::cerr << "skipping the rest of " << file << ": " << read.error().describe() << "\n";
}

inline std::vector<TransactionPtr> read_corpus(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (entry.path().extension() == ".har")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<TransactionPtr> result;
  for (const auto& file : files)
    read_har_into(file, result);
  return result;
}

// `input` repeated up to `count` transactions, each a copy with a unique id
// ("0", "1", ...), so reports can be matched to transactions.
inline std::vector<TransactionPtr> repeated(const std::vector<TransactionPtr>& input,
                                            std::size_t count) {
  std::vector<TransactionPtr> result;
  result.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto copy = std::make_shared<Transaction>(*input[i % input.size()]);
    copy->id = std::to_string(i);
    result.push_back(std::move(copy));
  }
  return result;
}

// plugins/*.js of the source tree, in name order; empty when there is none.
inline std::vector<std::filesystem::path> bundled_plugin_files() {
  const std::filesystem::path dir = std::filesystem::path{WARDEN_SOURCE_DIR} / "plugins";
  std::vector<std::filesystem::path> files;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    return files;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (entry.path().extension() == ".js")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace warden::bench
