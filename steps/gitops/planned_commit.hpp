// What one promotion or rollback writes: whole files, ledger appends and the commit message.
#pragma once

#include <string>
#include <vector>

namespace relgate::gitops
{

struct FileWrite {
  std::string path;    // repo-relative
  std::string content; // whole file
};

struct FileAppend {
  std::string path;    // repo-relative
  std::string content; // appended bytes
};

struct PlannedCommit {
  std::vector<std::string> removes; // repo-relative tracked files deleted (a layout migration)
  std::vector<FileWrite> writes;
  std::vector<FileAppend> appends;
  std::string message;
};

} // namespace relgate::gitops
