// A report's bytes, held so that any size parses in flat memory (see the class comment).
#pragma once

#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <thread>

namespace relgate::scan
{

// How often (in bytes parsed) the walker hands consumed pages back.
constexpr std::size_t release_interval = 4u << 20;

// A report's bytes for the in-memory report parser (json_sax_parser.hpp): a regular file
// is memory-mapped and the pages behind the parser are dropped as it goes, so peak memory stays a
// few MB whatever the size, while a second thread hashes the same mapping a little ahead of the
// parser (on two cores it costs no wall time; each page is faulted in once). Only regular files up to max_report_bytes
// are opened (a FIFO or /dev/zero is refused, never read); from_bytes holds other bytes (tests, fuzz input) in memory.
// The bytes are always followed by a readable '\0' (RapidJSON's StringStream, which re-parses a
// refused report for its error message, stops there).
class ReportInput
{
public:
  static Result<ReportInput> open_file(const std::string &path);
  static ReportInput from_bytes(std::string_view bytes);

  ReportInput(ReportInput &&other) noexcept;
  ReportInput &operator=(ReportInput &&) = delete;
  ReportInput(const ReportInput &) = delete;
  ~ReportInput();

  const char *data() const { return m_data; }
  std::size_t size() const { return m_size; }
  // Where the JSON text starts: after a UTF-8 byte order mark (Windows editors write one).
  const char *json_begin() const { return m_data + json_offset(); }
  std::size_t json_offset() const;
  // "" when the bytes can be JSON; else why not (UTF-16/32 text, e.g. from PowerShell's `>`).
  std::string encoding_problem() const;

  // For a mapping, returns the pages before `cursor` to the kernel (the parser is past them).
  void release_before(const char *cursor);
  // release_before() once the cursor reaches `next_release` (an offset), which then moves on by
  // release_interval: what every pass over the text calls at its events.
  void release_every_interval(const char *cursor, std::size_t &next_release)
  {
    const auto offset = static_cast<std::size_t>(cursor - m_data);
    if (offset >= next_release) {
      release_before(cursor);
      next_release = offset + release_interval;
    }
  }
  // For a second pass from the start (the error message's re-parse): pages are released again.
  void restart_release() { m_released = 0; }
  // The file's sha256 in hex (waits for the hashing thread).
  std::string finish_sha256();
  // "" when the file's size, modification and change times are still those it had when opened;
  // else why the parse and the digest (finish_sha256) cannot be trusted to name one text.
  std::string change_since_opened() const;

private:
  ReportInput();
  struct HashState;
  std::unique_ptr<HashState> m_hash;
  std::string m_owned;
  void *m_map = nullptr;
  std::size_t m_map_size = 0;
  const char *m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_released = 0;
  int m_fd = -1; // a mapped file's, for change_since_opened
  struct stat m_opened {
  }; // its status when opened
};

// Reports larger than this are refused: the largest real ones are a few hundred MB (a Trivy
// result full of secret text reached 160 MB), and the size is what a hostile file controls.
constexpr uint64_t max_report_bytes = uint64_t{2} << 30;

// How far the hashing thread may fall behind the parser before pages it has not read yet are
// released all the same (it reads them back): peak memory stays bounded when it gets no core.
constexpr std::size_t max_hash_lag = 8u << 20;
// How far it may run ahead of the parser (the pages in between are resident).
constexpr std::size_t max_hash_lead = 8u << 20;

} // namespace relgate::scan
