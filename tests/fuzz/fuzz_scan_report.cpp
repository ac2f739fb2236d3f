// scan-gate report readers on arbitrary bytes, through the path the binary takes: the bytes are a
// regular (memfd) file opened and mapped by read_report_file, format detection then the reader,
// then the subject binding. Any input either parses or returns an error, never crashes or hangs.
#include "finding_set.hpp"
#include "report_reader.hpp"
#include "subject_binding.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace
{

// One memfd for the whole run: /proc/self/fd/N is a regular file, like the --report the binary opens.
const std::string &report_path()
{
  static const std::string path = [] {
    int fd = memfd_create("fuzz-report.json", MFD_CLOEXEC);
    return fd < 0 ? std::string() : "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

bool write_report(std::string_view bytes)
{
  const std::string &path = report_path();
  if (path.empty())
    return false;
  int fd = std::stoi(path.substr(path.rfind('/') + 1));
  if (ftruncate(fd, 0) != 0)
    return false;
  return pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size());
}

void bind(const relgate::Result<relgate::scan::ReportInfo> &info)
{
  if (!info)
    return;
  static const relgate::Digest subject = *relgate::parse_digest("sha256:" + std::string(64, 'a'));
  const relgate::scan::BoundReport bound{info->path, info->format, info->digest_claims};
  (void)relgate::scan::bind_report_to_subject(bound, subject);
  (void)relgate::scan::check_unbound_report(bound, subject);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  relgate::scan::FindingSet set;
  auto sink = [&](const relgate::scan::Finding &finding) { set.add(finding, 0); };
  if (write_report(bytes)) {
    bind(relgate::scan::read_report_file(report_path(), std::nullopt, sink));
  } else {
    bind(relgate::scan::read_report_bytes(bytes, "fuzz.json", std::nullopt, sink));
  }
  // The first byte also forces each reader on the rest, past detection.
  if (size > 0) {
    auto format = static_cast<relgate::scan::ReportFormat>(data[0] % 4);
    bind(relgate::scan::read_report_bytes(bytes.substr(1), "fuzz.json", format, sink));
  }
  return 0;
}
