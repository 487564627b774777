#pragma once
// Where `warden scan` writes its report: stdout, or an --output file that is
// written to a temporary file in the same folder and renamed over the target
// only once the report is complete, so a failed or killed run never leaves a
// half file. Used by the scan command.

#include <fstream>
#include <iostream>
#include <ostream>
#include <string>

namespace warden::cli {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // removes the temporary file unless commit() renamed it
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // "" or "-": stdout. Otherwise creates "<folder>/.<name>.XXXXXX" next to
  // `path` (so the final rename stays within one file system). False (logged)
  // when it cannot be created.
  bool open(const std::string& path);

  std::ostream& stream() {
    return to_stdout_ ? std::cout : file_;
  }

  // ANSI colours only on a terminal, and never when NO_COLOR is set.
  bool colour() const;

  // The temporary file's path ("" for stdout), for removal on a forced exit.
  const std::string& temporary_path() const {
    return temporary_;
  }

  // Flushes; for a file also closes it and renames it to the target. False
  // (logged) when writing failed; the temporary is then removed.
  bool commit();

 private:
  std::ofstream file_;
  std::string target_;
  std::string temporary_;
  bool to_stdout_ = true;
};

}  // namespace warden::cli
