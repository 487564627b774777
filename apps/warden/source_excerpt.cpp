// The source line and caret under a load error (source_excerpt.hpp).
#include "apps/warden/source_excerpt.hpp"

#include <algorithm>
#include <fstream>
#include <string>

#include "runtime/inert_text.hpp"

namespace warden::cli {

std::string source_excerpt(const Error& error, const std::string& indent) {
  if (error.file.empty() || error.line <= 0)
    return {};
  std::ifstream in(error.file, std::ios::binary);
  if (!in)
    return {};
  std::string line;
  for (int i = 0; i < error.line; ++i) {
    if (!std::getline(in, line))
      return {};
  }
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  // Columns are 1-based; 0 means unknown: the caret then marks the line start.
  std::size_t column = error.column > 0 ? static_cast<std::size_t>(error.column - 1) : 0;
  if (column > line.size())
    column = line.size();
  constexpr std::size_t kWidth = 160;
  std::size_t start = 0;
  if (line.size() > kWidth) {
    start = column > kWidth / 2 ? column - kWidth / 2 : 0;
    line = line.substr(start, kWidth);
    column -= start;
  }
  // The line is the plugin's text: tabs become spaces (one column each, as V8
  // counts them) and every other control character a visible escape, so the
  // excerpt cannot act on the terminal; the caret follows the escaped text.
  std::replace(line.begin(), line.end(), '\t', ' ');
  const std::string before = printable(line.substr(0, column));
  const std::string shown = before + printable(line.substr(column));
  std::string number = std::to_string(error.line);
  std::string gutter(number.size(), ' ');
  std::string caret(before.size(), ' ');
  caret += '^';
  return indent + number + " | " + shown + '\n' + indent + gutter + " | " + caret + '\n';
}

}  // namespace warden::cli
