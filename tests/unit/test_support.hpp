// Scratch space for unit tests: $RELGATE_TEST_TMP (set by ctest), created on first use.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace relgate::test
{

inline std::string scratch_path(const std::string &name)
{
  const char *dir = std::getenv("RELGATE_TEST_TMP");
  const std::filesystem::path base = dir ? dir : std::filesystem::temp_directory_path() / "relgate-unit";
  std::filesystem::create_directories(base);
  return (base / name).string();
}

} // namespace relgate::test
