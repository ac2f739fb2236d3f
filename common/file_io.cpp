#include "file_io.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace relgate
{

namespace
{

Error io_error(const std::string &path, std::string_view what)
{
  return make_error(path + ": " + std::string(what) + ": " + std::strerror(errno));
}

Result<void> write_all(int fd, const std::string &path, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return io_error(path, "write failed");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::string parent_directory(const std::string &path)
{
  const auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

const char *file_kind(mode_t mode)
{
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

std::string size_text(std::size_t bytes)
{
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

} // namespace

Result<InputFile> InputFile::open(const std::string &path, Symlinks symlinks)
{
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (symlinks == Symlinks::refuse)
    flags |= O_NOFOLLOW;
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP && symlinks == Symlinks::refuse) {
      return make_error(path + ": is a symbolic link (name the file itself: a link here could point readers and "
                               "writers at different files)");
    }
    return io_error(path, "cannot read");
  }
  struct stat info {
  };
  if (::fstat(fd, &info) != 0) {
    auto error = io_error(path, "cannot stat");
    ::close(fd);
    return error;
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(path + ": is " + file_kind(info.st_mode) + ", expected a regular file");
  }
  // Regular files never block; plain blocking reads from here on.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return InputFile(path, fd, static_cast<uint64_t>(info.st_size));
}

InputFile::InputFile(InputFile &&other) noexcept
    : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)), m_size(other.m_size)
{
}

InputFile &InputFile::operator=(InputFile &&other) noexcept
{
  if (this != &other) {
    if (m_fd >= 0)
      ::close(m_fd);
    m_path = std::move(other.m_path);
    m_fd = std::exchange(other.m_fd, -1);
    m_size = other.m_size;
  }
  return *this;
}

InputFile::~InputFile()
{
  if (m_fd >= 0)
    ::close(m_fd);
}

Result<std::string> read_file(const std::string &path, std::size_t max_bytes, Symlinks symlinks)
{
  RELGATE_ASSIGN_OR_RETURN(InputFile file, InputFile::open(path, symlinks));
  const std::string too_large = path + ": larger than the " + size_text(max_bytes) + " this input may have";
  if (file.size() > max_bytes)
    return make_error(too_large);
  std::string content;
  content.reserve(static_cast<std::size_t>(file.size()));
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(file.fd(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return io_error(path, "read failed");
    }
    if (n == 0)
      break;
    if (content.size() + static_cast<std::size_t>(n) > max_bytes)
      return make_error(too_large); // grew while we read it
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

Result<void> write_file_atomic(const std::string &path, const std::string &content)
{
  if (is_symlink(path)) {
    return make_error(path + ": is a symbolic link; refusing to replace it (name the file itself)");
  }
  // mkstemp: a fresh name, O_CREAT|O_EXCL, so a planted file or symlink is never opened.
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return io_error(path + ".tmp.*", "cannot create a temp file");
  }
  ::fchmod(fd, 0644);
  auto written = write_all(fd, temp, content);
  if (written && ::fsync(fd) != 0) {
    written = io_error(temp, "fsync failed");
  }
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto error = io_error(path, "rename failed");
    ::unlink(temp.c_str());
    return error;
  }
  // The rename is durable only once the directory entry is.
  const std::string dir = parent_directory(path);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

Result<void> append_file(const std::string &path, const std::string &content)
{
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) {
    if (errno == ELOOP)
      return make_error(path + ": is a symbolic link; refusing to append through it");
    return io_error(path, "cannot open for append");
  }
  struct stat info {
  };
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(path + ": is not a regular file; refusing to append to it");
  }
  auto written = write_all(fd, path, content);
  ::close(fd);
  return written;
}

bool file_exists(const std::string &path)
{
  struct stat info {
  };
  return ::stat(path.c_str(), &info) == 0;
}

bool is_symlink(const std::string &path)
{
  struct stat info {
  };
  return ::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

} // namespace relgate
