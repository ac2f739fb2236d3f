// Fuzzes the slo-check policy reader (criteria, metric names, plan, burn rate, score).
#include "criteria.hpp"
#include "slo_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::string text(reinterpret_cast<const char *>(data), size);
  (void)relgate::slo::load_slo_policy_text(text, "fuzz.toml");
  (void)relgate::slo::parse_criterion(text.substr(0, 64));
  (void)relgate::slo::parse_metric_name(text.substr(0, 64));
  return 0;
}
