// An exclusive advisory lock (flock) on a side file, held for the object's lifetime. The kernel
// drops it when the process dies, even by SIGKILL, so a crashed writer never blocks the next.
#pragma once

#include "result.hpp"

#include <string>

namespace relgate
{

class FileLock
{
public:
  // Creates the lock file if needed and blocks until the lock is ours.
  static Result<FileLock> acquire(const std::string &lock_path);

  FileLock(FileLock &&other) noexcept;
  FileLock &operator=(FileLock &&other) noexcept;
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
  ~FileLock();

  const std::string &path() const { return m_path; }

private:
  FileLock(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  void release();

  std::string m_path;
  int m_fd = -1;
};

} // namespace relgate
