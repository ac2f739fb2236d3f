// Fuzzes Prometheus API response parsing: the first byte picks the HTTP status class.
#include "prometheus_api.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  const long statuses[] = {200, 400, 422, 500, 503};
  const long status = statuses[data[0] % 5];
  std::string_view body(reinterpret_cast<const char *>(data + 1), size - 1);
  auto result = relgate::slo::parse_prometheus_response(status, "application/json", body, "fuzz");
  if (result)
    (void)relgate::slo::single_value(*result, "q");
  (void)relgate::slo::body_excerpt(body);
  return 0;
}
