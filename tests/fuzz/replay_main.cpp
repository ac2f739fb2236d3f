// Runs a fuzz target over its seed files so every build (gcc too) exercises the fuzz entry points.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    if (!std::filesystem::exists(root)) {
      std::fprintf(stderr, "replay: no seeds at %s\n", argv[i]);
      return 1;
    }
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(root)) {
      for (const auto &entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
          files.push_back(entry.path());
      }
    } else {
      files.push_back(root);
    }
    for (const auto &file : files) {
      std::ifstream in(file, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
      // Every prefix too: truncated input is the most common malformed case.
      for (std::size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 64) {
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), cut);
      }
      ++count;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "replay: no seed files\n");
    return 1;
  }
  std::printf("replayed %zu seed files without a crash\n", count);
  return 0;
}
