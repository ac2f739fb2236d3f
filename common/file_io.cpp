#include "file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

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

} // namespace

Result<std::string> read_file(const std::string &path)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return io_error(path, "cannot read");
  }
  std::string content;
  struct stat info {
  };
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return make_error(path + ": is a directory, expected a file");
  }
  if (info.st_size > 0)
    content.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      auto error = io_error(path, "read failed");
      ::close(fd);
      return error;
    }
    if (n == 0)
      break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

Result<void> write_file_atomic(const std::string &path, const std::string &content)
{
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return io_error(temp, "cannot create");
  }
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
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return io_error(path, "cannot open for append");
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

} // namespace relgate
