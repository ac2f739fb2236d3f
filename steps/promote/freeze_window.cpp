#include "freeze_window.hpp"

#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <string_view>

namespace relgate::promote
{
namespace
{

constexpr const char *weekday_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string lowercase(std::string_view text)
{
  std::string lower(text);
  for (char &c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string zoneinfo_dir()
{
  const char *dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

bool is_tzif_file(const std::string &path)
{
  struct stat info {
  };
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  char magic[4] = {};
  const ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  return n == 4 && std::string_view(magic, 4) == "TZif";
}

std::string two_digits(int value)
{
  return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

} // namespace

Result<int> parse_weekday(std::string_view text)
{
  auto lower = lowercase(text);
  for (int day = 0; day < 7; ++day) {
    std::string_view name = weekday_names[day];
    if (lower == name || (lower.size() > 3 && lower.substr(0, 3) == name &&
                          (lower == "sunday" || lower == "monday" || lower == "tuesday" || lower == "wednesday" ||
                           lower == "thursday" || lower == "friday" || lower == "saturday"))) {
      return day;
    }
  }
  return make_error("weekday '" + std::string(text) + "': expected one of mon, tue, wed, thu, fri, sat, sun");
}

Result<int> parse_clock_minutes(std::string_view text)
{
  auto bad = make_error("time '" + std::string(text) + "': expected HH:MM between 00:00 and 24:00");
  if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1])) || !std::isdigit(static_cast<unsigned char>(text[3])) ||
      !std::isdigit(static_cast<unsigned char>(text[4]))) {
    return bad;
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
    return bad;
  return hours * 60 + minutes;
}

Result<void> validate_timezone(const std::string &name)
{
  if (name == "UTC")
    return ok_result();
  bool safe = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
  for (char c : name) {
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+');
  }
  // A directory ("Asia") or any file that is not TZif data makes glibc fall back to UTC silently.
  if (!safe || !is_tzif_file(zoneinfo_dir() + "/" + name)) {
    return make_error("time zone '" + name + "' is not in the TZ database (" + zoneinfo_dir() +
                      "): use an IANA name like Europe/Berlin or America/New_York (install tzdata if missing)");
  }
  return ok_result();
}

Result<LocalClock> local_clock(TimePoint time, const std::string &timezone)
{
  RELGATE_TRY(validate_timezone(timezone));
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  // libstdc++ 12 has no std::chrono::zoned_time, so glibc converts: TZ is switched around one
  // localtime_r call. Steps are single-threaded, which makes touching the environment safe here.
  const char *saved = std::getenv("TZ");
  std::string previous = saved != nullptr ? saved : "";
  ::setenv("TZ", (":" + timezone).c_str(), 1);
  ::tzset();
  bool converted = ::localtime_r(&seconds, &local) != nullptr;
  if (saved != nullptr) {
    ::setenv("TZ", previous.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  if (!converted)
    return make_error("cannot convert the time to time zone " + timezone);
  return LocalClock{local.tm_wday, local.tm_hour * 60 + local.tm_min};
}

Result<bool> freeze_active(const FreezeWindow &window, TimePoint now)
{
  if (window.start && window.end)
    return *window.start <= now && now < *window.end;
  RELGATE_ASSIGN_OR_RETURN(auto clock, local_clock(now, window.timezone));
  auto listed = [&](int day) {
    return std::find(window.weekdays.begin(), window.weekdays.end(), (day + 7) % 7) != window.weekdays.end();
  };
  if (window.from_minute < window.to_minute) {
    return listed(clock.weekday) && window.from_minute <= clock.minute && clock.minute < window.to_minute;
  }
  // Wraps past midnight (e.g. fri 22:00-06:00): the weekday names the evening it starts.
  return (listed(clock.weekday) && clock.minute >= window.from_minute) ||
         (listed(clock.weekday - 1) && clock.minute < window.to_minute);
}

std::string describe_freeze(const FreezeWindow &window)
{
  if (window.start && window.end)
    return format_rfc3339(*window.start) + ".." + format_rfc3339(*window.end);
  std::string days;
  for (int day : window.weekdays)
    days += (days.empty() ? "" : ",") + std::string(weekday_names[day]);
  auto clock = [](int minutes) { return two_digits(minutes / 60) + ":" + two_digits(minutes % 60); };
  return days + " " + clock(window.from_minute) + "-" + clock(window.to_minute) + " " + window.timezone;
}

} // namespace relgate::promote
