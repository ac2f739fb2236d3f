#include "text_join.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

using namespace relgate;

TEST_CASE("join puts the separator between neighbours only")
{
  CHECK(join(std::vector<std::string>{}, ", ") == "");
  CHECK(join(std::vector<std::string>{"a"}, ", ") == "a");
  CHECK(join(std::vector<std::string>{"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join(std::vector<std::string>{"", ""}, "|") == "|");
}

TEST_CASE("join takes any range of string-like elements")
{
  const std::array<const char *, 2> literals{"x", "y"};
  CHECK(join(literals, " or ") == "x or y");
  const std::vector<std::string_view> views{"p", "q"};
  CHECK(join(views, "") == "pq");
}

TEST_CASE("join with a projection joins what the projection returns")
{
  struct Named {
    std::string name;
    int count;
  };
  const std::vector<Named> items{{"a", 1}, {"b", 2}};
  CHECK(join(items, ", ", [](const Named &item) { return item.name; }) == "a, b");
  CHECK(join(items, "+", [](const Named &item) { return std::to_string(item.count); }) == "1+2");
}
