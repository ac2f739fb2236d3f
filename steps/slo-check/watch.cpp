#include "watch.hpp"

#include "criteria.hpp"
#include "json.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace relgate::slo
{
namespace
{

volatile sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int)
{
  g_stop = 1;
}

JsonValue number_or_null(const std::optional<double> &value)
{
  JsonValue out;
  if (value && std::isfinite(*value))
    out.SetDouble(*value);
  return out;
}

} // namespace

std::string history_line(const HistorySample &sample)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &a = doc.GetAllocator();
  set_member(doc, "schema", std::string(slo_history_schema), a);
  set_member(doc, "at", sample.at, a);
  set_member(doc, "env", sample.env.empty() ? JsonValue() : JsonValue(sample.env.c_str(), a), a);
  set_member(doc, "stage", sample.stage ? JsonValue(*sample.stage) : JsonValue(), a);
  set_member(doc, "subject", sample.subject_digest.empty() ? JsonValue() : JsonValue(sample.subject_digest.c_str(), a),
             a);
  set_member(doc, "decision", std::string(decision_name(sample.decision)), a);
  set_member(doc, "error_rate", number_or_null(sample.values.error_rate), a);
  set_member(doc, "latency_p50_seconds", number_or_null(sample.values.latency_p50_seconds), a);
  set_member(doc, "latency_p99_seconds", number_or_null(sample.values.latency_p99_seconds), a);
  set_member(doc, "reasons", json_string_array(sample.reasons, a), a);
  return to_json(doc) + "\n";
}

Result<HistoryFile> HistoryFile::open(const std::string &path)
{
  if (path.empty())
    return make_error("--watch needs --history FILE (JSON Lines, one sample per line)");
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    if (error == ELOOP)
      return make_error("--history " + path + " is a symbolic link: give the real file");
    if (error == ENXIO) // a FIFO without a reader (O_NONBLOCK): never wait on it
      return make_error("--history " + path + " is not a regular file (a FIFO)");
    return make_error("--history " + path + ": cannot open for appending: " + std::strerror(error));
  }
  struct stat info {
  };
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error("--history " + path + " is not a regular file (a FIFO, a device or a folder)");
  }
  // Blocking writes from here on: a regular file never blocks, O_NONBLOCK only guarded the open.
  ::fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
  return HistoryFile(path, fd);
}

HistoryFile::HistoryFile(HistoryFile &&other) noexcept : m_path(std::move(other.m_path)), m_fd(other.m_fd)
{
  other.m_fd = -1;
}

HistoryFile::~HistoryFile()
{
  if (m_fd >= 0)
    ::close(m_fd);
}

Result<void> HistoryFile::append(const std::string &line)
{
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(m_fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return make_error("--history " + m_path + ": write failed: " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  return ok_result();
}

void install_stop_handlers()
{
  struct sigaction action {
  };
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: a sleep or a read returns early
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested()
{
  return g_stop != 0;
}

void request_stop_for_test(bool stop)
{
  g_stop = stop ? 1 : 0;
}

std::string status_line(const HistorySample &sample, int64_t number, int64_t count)
{
  std::string text = sample.at.size() >= 19 ? sample.at.substr(11, 8) : sample.at;
  text += "  " + std::string(decision_name(sample.decision));
  if (sample.values.error_rate)
    text += "  error rate " + format_value(*sample.values.error_rate, Unit::ratio);
  if (sample.values.latency_p50_seconds)
    text += "  p50 " + format_value(*sample.values.latency_p50_seconds, Unit::seconds);
  if (sample.values.latency_p99_seconds)
    text += "  p99 " + format_value(*sample.values.latency_p99_seconds, Unit::seconds);
  if (sample.decision != Decision::allow && !sample.reasons.empty())
    text += "  " + sample.reasons.front();
  text += "  (sample " + std::to_string(number) + (count > 0 ? "/" + std::to_string(count) : std::string()) + ")";
  return text;
}

} // namespace relgate::slo
