#include "report_input.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
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
  std::atomic<std::size_t> hashed{0};   // bytes hashed so far (the parser releases no page before it)
  std::atomic<std::size_t> parsed{0};   // how far the parser has said it is (SIZE_MAX: done)
  std::atomic<std::size_t> released{0}; // pages before this the parser has handed back
  HashState() { EVP_DigestInit_ex(context, EVP_sha256(), nullptr); }
  ~HashState()
  {
    cancel = true;
    parser_at(SIZE_MAX);
    if (worker.joinable())
      worker.join();
    EVP_MD_CTX_free(context);
  }
  void parser_at(std::size_t offset)
  {
    if (offset > parsed.load(std::memory_order_relaxed)) {
      parsed.store(offset, std::memory_order_release);
      parsed.notify_one();
    }
  }
  // Hashes exactly the `size` mapped bytes the parser reads, through the parser's own mapping:
  // it runs a little ahead of the parser (sha256 is faster than parsing), so each page is faulted
  // in once, by this thread, and the parser finds it mapped. It waits rather than run further
  // ahead than max_hash_lead: the pages between the two stay resident until the parser is past
  // them (release_before).
  void hash_mapping(const char *bytes, std::size_t size)
  {
    constexpr std::size_t chunk = 1 << 20;
    std::size_t done = 0;
    while (!cancel && done < size) {
      for (std::size_t at = parsed.load(std::memory_order_acquire);
           at < SIZE_MAX - max_hash_lead && done >= at + max_hash_lead && !cancel;
           at = parsed.load(std::memory_order_acquire))
        parsed.wait(at, std::memory_order_acquire);
      const std::size_t n = std::min(chunk, size - done);
      EVP_DigestUpdate(context, bytes + done, n);
      // Behind the parser (no core to run on), this read pages back that it had released: hand
      // them back again, or they would stay resident to the end.
      const std::size_t parser_released = released.load(std::memory_order_acquire);
      if (parser_released > done)
        madvise(const_cast<char *>(bytes) + done, std::min(parser_released, done + n) - done, MADV_DONTNEED);
      done += n;
      hashed.store(done, std::memory_order_release);
    }
  }
};

ReportInput::ReportInput() : m_hash(std::make_unique<HashState>()) {}

ReportInput::ReportInput(ReportInput &&other) noexcept
    : m_hash(std::move(other.m_hash)), m_owned(std::move(other.m_owned)), m_map(other.m_map),
      m_map_size(other.m_map_size), m_size(other.m_size), m_released(other.m_released)
{
  m_data = m_map ? other.m_data : m_owned.c_str();
  m_fd = other.m_fd;
  m_opened = other.m_opened;
  other.m_map = nullptr;
  other.m_map_size = 0;
  other.m_fd = -1;
}

ReportInput::~ReportInput()
{
  m_hash.reset(); // stops and joins the hashing thread first
  if (m_map)
    munmap(m_map, m_map_size);
  if (m_fd >= 0)
    ::close(m_fd);
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
  // Reserve the file's pages and one more zero page, then map the file over the start: the byte
  // after the end reads as '\0', which ends RapidJSON's re-parse for an error message. The extra
  // page is one the file mapping does not cover, because a file that grows after it was mapped
  // shows the new bytes in its last page (red-team finding: when the size was not a page
  // multiple, no zero page was left and that re-parse ran past the mapping).
  const std::size_t size = static_cast<std::size_t>(info.st_size);
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t map_size = ((size + page - 1) / page + 1) * page;
  void *region = mmap(nullptr, map_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) {
    ::close(fd);
    return make_error(path + ": cannot map the report: " + std::strerror(errno));
  }
  void *mapped = mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (mapped == MAP_FAILED) {
    const int saved = errno;
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
  input.m_fd = fd; // kept open to see whether the file changes while it is read
  input.m_opened = info;
  HashState *hash = input.m_hash.get();
  const char *bytes = input.m_data;
  hash->worker = std::thread([hash, bytes, size] { hash->hash_mapping(bytes, size); });
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
  m_hash->parser_at(offset);
  // Not past what the hashing thread has read, unless it lags by more than max_hash_lag (a busy
  // second core): then memory stays flat and it reads those pages back from the page cache.
  const std::size_t hashed = m_hash->hashed.load(std::memory_order_acquire);
  if (offset > hashed)
    offset = std::max(hashed, offset > max_hash_lag ? offset - max_hash_lag : 0);
  offset -= offset % page;
  if (offset <= m_released)
    return;
  // Read-only private file pages: dropping them only means a re-read if touched again. Said
  // before it is done, so a page the hashing thread reads back in between is dropped by one side.
  m_hash->released.store(offset, std::memory_order_release);
  madvise(static_cast<char *>(m_map) + m_released, offset - m_released, MADV_DONTNEED);
  m_released = offset;
}

std::string ReportInput::change_since_opened() const
{
  if (m_fd < 0)
    return {};
  struct stat now {
  };
  if (fstat(m_fd, &now) != 0)
    return std::string("cannot stat the report again: ") + std::strerror(errno);
  auto same_time = [](const timespec &a, const timespec &b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; };
  if (now.st_size == m_opened.st_size && same_time(now.st_mtim, m_opened.st_mtim) &&
      same_time(now.st_ctim, m_opened.st_ctim))
    return {};
  return "the report changed while scan-gate read it (size, modification or change time differ), so the "
         "findings judged and the sha256 recorded could name different bytes; run scan-gate once the scanner "
         "(or whatever writes the file) has finished";
}

std::string ReportInput::finish_sha256()
{
  m_hash->parser_at(SIZE_MAX); // the parse is over: nothing to wait for
  if (m_hash->worker.joinable())
    m_hash->worker.join();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_hash->context, digest, &length);
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
