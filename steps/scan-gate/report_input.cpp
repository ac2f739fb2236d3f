#include "report_input.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate::scan
{

struct ReportInput::HashState {
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  std::thread worker;
  std::atomic<bool> cancel{false};
  std::string error; // set by the worker
  HashState() { EVP_DigestInit_ex(context, EVP_sha256(), nullptr); }
  ~HashState()
  {
    cancel = true;
    if (worker.joinable())
      worker.join();
    EVP_MD_CTX_free(context);
  }
  // Hashes the file through a mapping of its own (the page cache, not the parser's mapping, so
  // either side drops pages freely; a mapping, not read(), which would copy every byte once more),
  // exactly the `size` bytes that were mapped and parsed, handing pages back as it goes.
  void hash_file(int fd, std::size_t size)
  {
    void *map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
      error = std::strerror(errno);
      return;
    }
    madvise(map, size, MADV_SEQUENTIAL);
    const char *bytes = static_cast<const char *>(map);
    constexpr std::size_t chunk = 1 << 20;
    std::size_t done = 0;
    std::size_t released = 0;
    while (!cancel && done < size) {
      const std::size_t n = std::min(chunk, size - done);
      EVP_DigestUpdate(context, bytes + done, n);
      done += n;
      if (done - released >= release_interval || done == size) {
        madvise(const_cast<char *>(bytes) + released, done - released, MADV_DONTNEED);
        released = done;
      }
    }
    munmap(map, size);
  }
};

ReportInput::ReportInput() : m_hash(std::make_unique<HashState>()) {}

ReportInput::ReportInput(ReportInput &&other) noexcept
    : m_hash(std::move(other.m_hash)), m_owned(std::move(other.m_owned)), m_map(other.m_map),
      m_map_size(other.m_map_size), m_size(other.m_size), m_released(other.m_released)
{
  m_data = m_map ? other.m_data : m_owned.c_str();
  other.m_map = nullptr;
  other.m_map_size = 0;
}

ReportInput::~ReportInput()
{
  m_hash.reset(); // stops and joins the hashing thread first
  if (m_map)
    munmap(m_map, m_map_size);
}

ReportInput ReportInput::from_bytes(std::string_view bytes)
{
  ReportInput input;
  input.m_owned.assign(bytes);
  input.m_data = input.m_owned.c_str();
  input.m_size = bytes.size();
  EVP_DigestUpdate(input.m_hash->context, input.m_data, input.m_size);
  return input;
}

Result<ReportInput> ReportInput::open_file(const std::string &path)
{
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return make_error(path + ": cannot open report: " + std::strerror(errno) + " (check the --report path)");
  struct stat info {
  };
  if (fstat(fd, &info) != 0) {
    int saved = errno;
    ::close(fd);
    return make_error(path + ": cannot stat report: " + std::strerror(saved));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    // A pipe never ends if the writer hangs and /dev/zero never ends at all: the gate needs a file.
    return make_error(path + ": not a regular file (a pipe, device or directory); write the scanner's report to a "
                             "file and pass that path with --report");
  }
  if (static_cast<uint64_t>(info.st_size) > max_report_bytes) {
    ::close(fd);
    return make_error(path + ": the report is " + std::to_string(info.st_size) + " bytes, over the " +
                      std::to_string(max_report_bytes >> 30) +
                      " GiB limit for a scanner report; split the scan (one report per image or target)");
  }
  if (info.st_size == 0) {
    ::close(fd);
    return from_bytes("");
  }
  // Reserve one more zero page than the file needs, then map the file over its start: the bytes
  // after the end of the file read as '\0', which ends the parse.
  const std::size_t size = static_cast<std::size_t>(info.st_size);
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t map_size = (size / page + 1) * page;
  void *region = mmap(nullptr, map_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) {
    ::close(fd);
    return make_error(path + ": cannot map the report: " + std::strerror(errno));
  }
  void *mapped = mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (mapped == MAP_FAILED) {
    int saved = errno;
    ::close(fd);
    munmap(region, map_size);
    return make_error(path + ": cannot map the report: " + std::strerror(saved));
  }
  madvise(mapped, size, MADV_SEQUENTIAL);
  ReportInput input;
  input.m_map = region;
  input.m_map_size = map_size;
  input.m_data = static_cast<const char *>(region);
  input.m_size = size;
  HashState *hash = input.m_hash.get();
  hash->worker = std::thread([hash, fd, size] { hash->hash_file(fd, size); });
  return input;
}

std::size_t ReportInput::json_offset() const
{
  return m_size >= 3 && std::memcmp(m_data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

std::string ReportInput::encoding_problem() const
{
  auto starts = [&](const char *bom, std::size_t length) {
    return m_size >= length && std::memcmp(m_data, bom, length) == 0;
  };
  if (starts("\xFF\xFE", 2) || starts("\xFE\xFF", 2)) {
    return "the file is UTF-16 text (PowerShell's `>` writes it); write the report with the scanner's "
           "--output/--file option, or convert it to UTF-8";
  }
  return {};
}

void ReportInput::release_before(const char *cursor)
{
  if (!m_map)
    return;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::size_t offset = static_cast<std::size_t>(cursor - m_data);
  if (offset > m_size)
    offset = m_size;
  offset -= offset % page;
  if (offset <= m_released)
    return;
  // Read-only private file pages: dropping them only means a re-read if touched again.
  madvise(static_cast<char *>(m_map) + m_released, offset - m_released, MADV_DONTNEED);
  m_released = offset;
}

std::string ReportInput::finish_sha256()
{
  if (m_hash->worker.joinable())
    m_hash->worker.join();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_hash->context, digest, &length);
  if (!m_hash->error.empty())
    return {}; // the caller reports an empty digest as a read error
  static const char *hex = "0123456789abcdef";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0xf];
  }
  return text;
}

} // namespace relgate::scan
