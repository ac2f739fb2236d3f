// Whole-file reads and writes with errors that name the path. Inputs are regular files under a
// size cap: a FIFO would block a step forever and /dev/zero would grow memory without bound.
#pragma once

#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace relgate
{

// Policies, keys, CI files: anything larger is not what the step expects.
constexpr std::size_t default_max_input_bytes = 64u << 20;

enum class Symlinks { follow, refuse };

// An open regular file, closed on destruction.
class InputFile
{
public:
  // Refuses FIFOs, devices, sockets and directories without blocking on them (O_NONBLOCK open),
  // and, with Symlinks::refuse, a symbolic link as the last path component.
  static Result<InputFile> open(const std::string &path, Symlinks symlinks = Symlinks::follow);
  InputFile(InputFile &&other) noexcept;
  InputFile &operator=(InputFile &&other) noexcept;
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;
  ~InputFile();

  int fd() const { return m_fd; }
  uint64_t size() const { return m_size; } // at open time
  const std::string &path() const { return m_path; }

private:
  InputFile(std::string path, int fd, uint64_t size) : m_path(std::move(path)), m_fd(fd), m_size(size) {}
  std::string m_path;
  int m_fd = -1;
  uint64_t m_size = 0;
};

// The whole file; more than max_bytes is an error naming the cap (a file growing while read too).
Result<std::string> read_file(const std::string &path, std::size_t max_bytes = default_max_input_bytes,
                              Symlinks symlinks = Symlinks::follow);
// Writes a temp file created with O_EXCL|O_NOFOLLOW beside path (a planted name or symlink is never
// followed), fsyncs, renames over path and fsyncs the folder. A symlink at path itself is refused:
// the rename would replace the link, and readers of the link's target would never see the write.
Result<void> write_file_atomic(const std::string &path, const std::string &content);
// Appends to a regular file (created when missing); a symbolic link is refused.
Result<void> append_file(const std::string &path, const std::string &content);
bool file_exists(const std::string &path);
// True for a symbolic link (dangling or not).
bool is_symlink(const std::string &path);

} // namespace relgate
