// Prometheus text exposition (0.0.4) and OpenMetrics parsing: the samples of one scrape.
#pragma once

#include "result.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate::slo
{

// Label pairs sorted by name, so two scrapes of the same series compare equal.
using Labels = std::vector<std::pair<std::string, std::string>>;

struct ExpositionSample {
  std::string name; // the sample name: "x_bucket", "x_total"
  Labels labels;
  double value = 0;
  std::optional<double> timestamp_ms; // OpenMetrics seconds are converted to ms
};

struct Exposition {
  std::vector<ExpositionSample> samples;     // the kept ones (ExpositionFilter)
  std::map<std::string, std::string> types;  // family name -> counter|gauge|histogram|...
  bool openmetrics = false;                  // ended with "# EOF"
  std::optional<double> newest_timestamp_ms; // over every sample line, kept or not
};

// Samples kept per scrape at most: each costs ~100 bytes however short its line.
inline constexpr std::size_t max_kept_samples = 100000;

// What a scrape is parsed for. Every line is checked; only the samples (and # TYPE families) of
// `names` are kept, so a scrape costs memory for the series a policy reads, not for its size.
struct ExpositionFilter {
  std::optional<std::set<std::string, std::less<>>> names; // sample names; nullopt = all
  std::size_t max_samples = max_kept_samples;              // more kept samples: an error
};

// Errors name "<source>:<line>" and what was expected there.
Result<Exposition> parse_exposition(std::string_view text, const std::string &source_name,
                                    const ExpositionFilter &filter = {});

// "NaN", "+Inf", "-Inf", "Inf" and decimal/exponent floats (locale-free). nullopt when invalid.
std::optional<double> parse_prometheus_float(std::string_view text);

// A value as the exposition format spells it ("NaN", "+Inf", "-Inf", else the shortest exact
// decimal), for reasons that quote bad data; printf would say "nan" or "inf".
std::string prometheus_value_text(double value);

std::optional<std::string> label_value(const Labels &labels, std::string_view name);
// A label value as the text format spells it inside quotes: '\\', '"' and a newline escaped.
std::string escape_label_value(std::string_view value);
// name{a="b",...} with escaped values: one key per label set, to match series between scrapes.
// Untrusted text: show it in messages through printable_excerpt.
std::string series_key(const std::string &name, const Labels &labels);

} // namespace relgate::slo
