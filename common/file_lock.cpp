#include "file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <utility>

namespace relgate
{

Result<FileLock> FileLock::acquire(const std::string &lock_path)
{
  // O_NOFOLLOW: a planted symlink must not make us create or lock a file elsewhere.
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return make_error(lock_path + ": cannot create the lock file: " + std::strerror(errno) +
                      " (the folder must exist and be writable)");
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR)
      continue;
    int saved = errno;
    ::close(fd);
    return make_error(lock_path + ": cannot lock: " + std::strerror(saved) +
                      " (flock is not supported on this file system)");
  }
  return FileLock(lock_path, fd);
}

FileLock::FileLock(FileLock &&other) noexcept : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)) {}

FileLock &FileLock::operator=(FileLock &&other) noexcept
{
  if (this != &other) {
    release();
    m_path = std::move(other.m_path);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

FileLock::~FileLock()
{
  release();
}

void FileLock::release()
{
  if (m_fd >= 0) {
    // Closing the descriptor drops the flock; the lock file stays so every writer locks the same inode.
    ::close(m_fd);
    m_fd = -1;
  }
}

} // namespace relgate
