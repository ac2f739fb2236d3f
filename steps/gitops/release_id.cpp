#include "release_id.hpp"

#include <cstdio>

namespace relgate::gitops
{
namespace
{

bool digits(std::string_view text)
{
  if (text.empty())
    return false;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
  }
  return true;
}

} // namespace

std::string ReleaseId::str() const
{
  char number_text[16];
  std::snprintf(number_text, sizeof number_text, "%02d", number);
  return "rel-" + date + "-" + number_text;
}

Result<ReleaseId> parse_release_id(std::string_view text)
{
  auto bad = [&] {
    return make_error("release id '" + std::string(text) +
                      "' is malformed: expected rel-YYYY-MM-DD-NN (e.g. rel-2026-02-11-01)");
  };
  if (text.size() < 17 || text.substr(0, 4) != "rel-" || text[8] != '-' || text[11] != '-' || text[14] != '-')
    return bad();
  auto year = text.substr(4, 4), month = text.substr(9, 2), day = text.substr(12, 2), number = text.substr(15);
  if (!digits(year) || !digits(month) || !digits(day) || !digits(number) || number.size() > 6)
    return bad();
  int month_value = std::stoi(std::string(month)), day_value = std::stoi(std::string(day));
  int number_value = std::stoi(std::string(number));
  if (month_value < 1 || month_value > 12 || day_value < 1 || day_value > 31 || number_value < 1)
    return bad();
  return ReleaseId{std::string(text.substr(4, 10)), number_value};
}

bool release_id_before(std::string_view a, std::string_view b)
{
  auto left = parse_release_id(a);
  auto right = parse_release_id(b);
  if (!right)
    return false;
  if (!left)
    return true;
  if (left->date != right->date)
    return left->date < right->date;
  return left->number < right->number;
}

Result<std::string> next_release_id(std::string_view last, TimePoint now)
{
  std::string today = format_rfc3339(now).substr(0, 10);
  int number = 1;
  if (!last.empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto previous, parse_release_id(last));
    // Never behind the last id: a pipeline may have chosen an id dated later than today (or a
    // clock went back), and restarting that day's count at 01 would hand out an existing id.
    if (previous.date >= today) {
      if (previous.number >= 999999)
        return make_error("release id " + std::string(last) + " is the last of its day: relgate cannot count on");
      today = previous.date;
      number = previous.number + 1;
    }
  }
  return ReleaseId{today, number}.str();
}

} // namespace relgate::gitops
