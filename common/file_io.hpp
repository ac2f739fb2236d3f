// Whole-file reads and writes with errors that name the path.
#pragma once

#include "result.hpp"

#include <string>

namespace relgate
{

Result<std::string> read_file(const std::string &path);
// Writes to "<path>.tmp.<pid>", fsyncs, renames over path and fsyncs the folder.
Result<void> write_file_atomic(const std::string &path, const std::string &content);
Result<void> append_file(const std::string &path, const std::string &content);
bool file_exists(const std::string &path);

} // namespace relgate
