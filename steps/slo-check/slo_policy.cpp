#include "slo_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace relgate::slo
{

namespace
{

Result<std::vector<Criterion>> read_criteria(PolicyTable &table, const std::string &key)
{
  std::vector<Criterion> criteria;
  RELGATE_ASSIGN_OR_RETURN(auto texts, table.string_array(key));
  if (!texts)
    return criteria;
  for (const auto &text : *texts) {
    auto criterion = parse_criterion(text);
    if (!criterion)
      return table.error_at(key, criterion.message());
    criteria.push_back(*criterion);
  }
  return criteria;
}

Result<void> read_source(PolicyTable &root, SloPolicy &policy)
{
  RELGATE_ASSIGN_OR_RETURN(auto source, root.table("source"));
  if (!source)
    return ok_result();
  RELGATE_ASSIGN_OR_RETURN(auto requests, source->string("requests_metric"));
  if (requests)
    policy.names.requests_total = *requests;
  RELGATE_ASSIGN_OR_RETURN(auto labels, source->string_array("status_labels"));
  if (labels) {
    if (labels->empty())
      return source->error_at("status_labels", "needs at least one label name, e.g. [\"status_code\", \"code\"]");
    policy.names.status_labels = *labels;
  }
  RELGATE_ASSIGN_OR_RETURN(auto prefix, source->string("error_status_prefix"));
  if (prefix)
    policy.names.error_status_prefix = *prefix;
  RELGATE_ASSIGN_OR_RETURN(auto histogram, source->string("latency_histogram"));
  if (histogram)
    policy.names.latency_histogram = *histogram;
  RELGATE_ASSIGN_OR_RETURN(auto selector, source->string("prometheus_selector"));
  if (selector)
    policy.prometheus_selector = *selector;
  RELGATE_ASSIGN_OR_RETURN(auto window, source->duration("window"));
  if (window) {
    if (window->count() <= 0)
      return source->error_at("window", "must be longer than 0, e.g. \"30s\"");
    policy.window = *window;
    policy.min_window = *window;
  }
  RELGATE_ASSIGN_OR_RETURN(auto min_window, source->duration("min_window"));
  if (min_window) {
    if (min_window->count() <= 0 || *min_window > policy.window)
      return source->error_at("min_window", "must be longer than 0 and at most window, e.g. \"10s\"");
    policy.min_window = *min_window;
  }
  RELGATE_ASSIGN_OR_RETURN(auto timeout, source->duration("request_timeout"));
  if (timeout) {
    if (timeout->count() <= 0)
      return source->error_at("request_timeout", "must be longer than 0, e.g. \"10s\"");
    policy.request_timeout = *timeout;
  }
  return source->finish();
}

Result<void> read_plan(PolicyTable &root, MeasurementPlan &plan)
{
  RELGATE_ASSIGN_OR_RETURN(auto table, root.table("measurement"));
  if (!table)
    return ok_result();
  RELGATE_ASSIGN_OR_RETURN(auto interval, table->duration("interval"));
  if (interval)
    plan.interval = *interval;
  RELGATE_ASSIGN_OR_RETURN(auto count, table->integer("count", 1, 1000));
  if (count)
    plan.count = *count;
  RELGATE_ASSIGN_OR_RETURN(auto failure_limit, table->integer("failure_limit", 0, 1000));
  if (failure_limit)
    plan.failure_limit = *failure_limit;
  RELGATE_ASSIGN_OR_RETURN(auto inconclusive_limit, table->integer("inconclusive_limit", 0, 1000));
  if (inconclusive_limit)
    plan.inconclusive_limit = *inconclusive_limit;
  RELGATE_ASSIGN_OR_RETURN(auto error_limit, table->integer("consecutive_error_limit", 0, 1000));
  if (error_limit)
    plan.consecutive_error_limit = *error_limit;
  if (plan.count > 1 && plan.interval.count() <= 0) {
    return table->error_at(
        "interval", "count > 1 needs an interval between measurements, e.g. interval = \"30s\" (as in Argo Rollouts)");
  }
  return table->finish();
}

Result<Objective> read_objective(PolicyTable &table)
{
  Objective objective;
  RELGATE_ASSIGN_OR_RETURN(auto name, table.string("name"));
  if (!name || name->empty())
    return make_error(table.location() + ": [[objectives]] needs a name");
  objective.name = *name;
  RELGATE_ASSIGN_OR_RETURN(auto metric, table.string("metric"));
  RELGATE_ASSIGN_OR_RETURN(auto query, table.string("query"));
  RELGATE_ASSIGN_OR_RETURN(auto gauge, table.string("gauge"));
  if (metric && query)
    return table.error_at("query", "set either metric (built-in) or query (PromQL), not both");
  if (int(metric.has_value()) + int(query.has_value()) + int(gauge.has_value()) > 1)
    return table.error_at(gauge ? "gauge" : "query",
                          "set one of metric (built-in), query (PromQL) or gauge (a gauge's selector)");
  if (!metric && !query && !gauge)
    return make_error(table.location() + ": objective '" + objective.name +
                      "' needs metric (e.g. \"p99_latency\"), query (PromQL) or gauge "
                      "(e.g. 'node_load1')");
  RELGATE_ASSIGN_OR_RETURN(auto where, table.string("where"));
  if (where) {
    for (char c : *where) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        return table.error_at("where", "one line of text, e.g. \"on /srv\"");
    }
    objective.where = *where;
  }
  if (gauge) {
    auto spec = parse_gauge_selector(*gauge);
    if (!spec)
      return table.error_at("gauge", spec.message());
    objective.metric = *spec;
  } else if (metric) {
    auto spec = parse_metric_name(*metric);
    if (!spec)
      return table.error_at("metric", spec.message());
    objective.metric = *spec;
  } else {
    objective.metric.kind = MetricSpec::Kind::query;
    objective.metric.query = *query;
    objective.metric.text = "query";
  }
  objective.unit = default_unit(objective.metric);
  objective.direction = default_direction(objective.metric);
  RELGATE_ASSIGN_OR_RETURN(auto unit, table.choice("unit", {"seconds", "ratio", "per_second", "number", "bytes"}));
  if (unit) {
    objective.unit = *unit == "seconds"      ? Unit::seconds
                     : *unit == "ratio"      ? Unit::ratio
                     : *unit == "per_second" ? Unit::per_second
                     : *unit == "bytes"      ? Unit::bytes
                                             : Unit::number;
  }
  RELGATE_ASSIGN_OR_RETURN(objective.pass, read_criteria(table, "pass"));
  RELGATE_ASSIGN_OR_RETURN(objective.warning, read_criteria(table, "warning"));
  RELGATE_ASSIGN_OR_RETURN(auto relative_to, table.choice("relative_to", {"baseline", "last_allow"}));
  if (relative_to)
    objective.relative_to = *relative_to == "baseline" ? RelativeTo::baseline : RelativeTo::last_allow;
  RELGATE_ASSIGN_OR_RETURN(auto weight, table.number("weight", 0, 1000));
  if (weight)
    objective.weight = *weight;
  RELGATE_ASSIGN_OR_RETURN(auto key, table.boolean("key"));
  if (key)
    objective.key = *key;
  RELGATE_ASSIGN_OR_RETURN(auto no_data, table.choice("no_data", {"deny", "inconclusive", "pass"}));
  if (no_data) {
    objective.no_data = *no_data == "deny"   ? NoDataPolicy::deny
                        : *no_data == "pass" ? NoDataPolicy::pass
                                             : NoDataPolicy::inconclusive;
  }
  RELGATE_ASSIGN_OR_RETURN(auto no_reference, table.choice("no_reference", {"deny", "inconclusive", "pass"}));
  if (no_reference) {
    objective.no_reference = *no_reference == "deny"   ? NoDataPolicy::deny
                             : *no_reference == "pass" ? NoDataPolicy::pass
                                                       : NoDataPolicy::inconclusive;
  }
  RELGATE_ASSIGN_OR_RETURN(auto direction, table.choice("direction", {"increase", "decrease", "none"}));
  if (direction) {
    objective.direction = *direction == "increase"   ? Direction::increase_is_bad
                          : *direction == "decrease" ? Direction::decrease_is_bad
                                                     : Direction::none;
  }
  RELGATE_TRY(table.finish());
  return objective;
}

Result<void> read_canary(PolicyTable &root, CanaryComparison &canary)
{
  RELGATE_ASSIGN_OR_RETURN(auto table, root.table("canary"));
  if (!table)
    return ok_result();
  RELGATE_ASSIGN_OR_RETURN(auto confidence, table->number("confidence", 0.5, 0.9999));
  if (confidence)
    canary.confidence = *confidence;
  RELGATE_ASSIGN_OR_RETURN(auto tolerance, table->number("tolerance", 0, 100));
  if (tolerance)
    canary.tolerance = *tolerance;
  RELGATE_ASSIGN_OR_RETURN(auto min_samples, table->integer("min_samples", 2, 100000));
  if (min_samples)
    canary.min_samples = *min_samples;
  RELGATE_ASSIGN_OR_RETURN(auto excuse, table->boolean("excuse_if_baseline_fails"));
  if (excuse)
    canary.excuse_if_baseline_fails = *excuse;
  RELGATE_ASSIGN_OR_RETURN(auto range, table->duration("sample_range"));
  if (range)
    canary.sample_range = *range;
  RELGATE_ASSIGN_OR_RETURN(auto step, table->duration("sample_step"));
  if (step) {
    if (step->count() <= 0)
      return table->error_at("sample_step", "must be longer than 0, e.g. \"15s\"");
    canary.sample_step = *step;
  }
  if (canary.sample_range.count() > 0 && canary.sample_range / canary.sample_step > 11000) {
    return table->error_at("sample_step",
                           "gives more than 11000 points over sample_range (Prometheus's limit); use a longer step");
  }
  return table->finish();
}

Result<void> read_burn_rate(PolicyTable &root, BurnRatePolicy &burn)
{
  RELGATE_ASSIGN_OR_RETURN(auto table, root.table("burn_rate"));
  if (!table)
    return ok_result();
  burn.enabled = true;
  RELGATE_ASSIGN_OR_RETURN(auto enabled, table->boolean("enabled"));
  if (enabled)
    burn.enabled = *enabled;
  RELGATE_ASSIGN_OR_RETURN(auto target, table->number("target", 0.5, 0.999999));
  if (target)
    burn.target = *target;
  RELGATE_ASSIGN_OR_RETURN(auto period, table->duration("period"));
  if (period)
    burn.period = *period;
  RELGATE_ASSIGN_OR_RETURN(auto windows, table->array_of_tables("windows"));
  for (auto &window_table : windows) {
    BurnRateWindow window;
    RELGATE_ASSIGN_OR_RETURN(auto long_window, window_table.duration("long"));
    RELGATE_ASSIGN_OR_RETURN(auto short_window, window_table.duration("short"));
    RELGATE_ASSIGN_OR_RETURN(auto factor, window_table.number("factor", 0.01, 100000));
    if (!long_window || !short_window || !factor) {
      return make_error(
          window_table.location() +
          ": [[burn_rate.windows]] needs long, short and factor, e.g. long = \"1h\", short = \"5m\", factor = 14.4");
    }
    if (*short_window >= *long_window)
      return window_table.error_at("short", "must be shorter than long");
    window.long_window = *long_window;
    window.short_window = *short_window;
    window.factor = *factor;
    RELGATE_TRY(window_table.finish());
    burn.windows.push_back(window);
  }
  if (burn.enabled && burn.windows.empty()) {
    // The SRE workbook's page-level pair for a 30-day SLO.
    burn.windows.push_back({std::chrono::hours(1), std::chrono::minutes(5), 14.4});
    burn.windows.push_back({std::chrono::hours(6), std::chrono::minutes(30), 6});
  }
  return table->finish();
}

Result<void> read_score(PolicyTable &root, ScorePolicy &score)
{
  RELGATE_ASSIGN_OR_RETURN(auto table, root.table("score"));
  if (!table)
    return ok_result();
  RELGATE_ASSIGN_OR_RETURN(auto pass, table->number("pass", 0, 100));
  if (pass)
    score.pass = *pass;
  RELGATE_ASSIGN_OR_RETURN(auto warning, table->number("warning", 0, 100));
  if (warning)
    score.warning = *warning;
  if (score.warning > score.pass)
    return table->error_at("warning", "must be <= pass");
  return table->finish();
}

} // namespace

Result<MetricSpec> parse_metric_name(const std::string &name)
{
  MetricSpec spec;
  spec.text = name;
  using Kind = MetricSpec::Kind;
  if (name == "error_rate")
    spec.kind = Kind::error_rate;
  else if (name == "availability")
    spec.kind = Kind::availability;
  else if (name == "request_rate")
    spec.kind = Kind::request_rate;
  else if (name == "mean_latency")
    spec.kind = Kind::latency_mean;
  else if (name.size() > 9 && name[0] == 'p' && name.substr(name.size() - 8) == "_latency") {
    // "99.9" becomes the text "0.999" before parsing: 99.9 / 100 would be 0.9990000000000001,
    // not the 0.999 a PromQL query passes, and the answers would differ in the last bit.
    const std::string digits = name.substr(1, name.size() - 9);
    const std::size_t dot = digits.find('.');
    const std::string whole = digits.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "" : digits.substr(dot + 1);
    const bool well_formed = !whole.empty() && whole.size() <= 2 &&
                             whole.find_first_not_of("0123456789") == std::string::npos &&
                             fraction.find_first_not_of("0123456789") == std::string::npos &&
                             (dot == std::string::npos || !fraction.empty());
    const std::string q_text = "0." + std::string(2 - std::min<std::size_t>(2, whole.size()), '0') + whole + fraction;
    double q = 0;
    auto [end, ec] = std::from_chars(q_text.data(), q_text.data() + q_text.size(), q);
    if (!well_formed || ec != std::errc() || end != q_text.data() + q_text.size() || !(q > 0 && q < 1)) {
      return make_error("unknown metric '" + name +
                        "': a latency percentile is written p50_latency, p99_latency, p99.9_latency");
    }
    spec.kind = Kind::latency_quantile;
    spec.quantile = q;
  } else {
    return make_error("unknown metric '" + name +
                      "'; built-in metrics: error_rate, availability, request_rate, p50_latency, p90_latency, "
                      "p95_latency, p99_latency, mean_latency (or write a PromQL query)");
  }
  return spec;
}

Result<MetricSpec> parse_gauge_selector(const std::string &text)
{
  const std::string example = " (expected a metric name with optional exact matchers, e.g. "
                              "node_filesystem_avail_bytes{mountpoint=\"/srv\"})";
  auto is_name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
  };
  MetricSpec spec;
  spec.kind = MetricSpec::Kind::gauge;
  spec.query = text;
  spec.text = "gauge";
  std::size_t i = 0;
  while (i < text.size() && is_name_char(text[i], i == 0))
    ++i;
  spec.gauge_name = text.substr(0, i);
  if (spec.gauge_name.empty())
    return make_error("gauge '" + text + "': no metric name" + example);
  if (i == text.size())
    return spec;
  if (text[i] != '{' || text.back() != '}')
    return make_error("gauge '" + text + "': unexpected text after the name" + example);
  ++i;
  const std::size_t end = text.size() - 1;
  while (i < end) {
    const std::size_t start = i;
    while (i < end && is_name_char(text[i], i == start) && text[i] != ':')
      ++i;
    std::string label = text.substr(start, i - start);
    if (label.empty() || i + 1 >= end || text[i] != '=' || text[i + 1] != '"')
      return make_error("gauge '" + text + "': label matchers are label=\"value\" (exact only)" + example);
    i += 2;
    std::string value;
    while (i < end && text[i] != '"') {
      if (text[i] == '\\' && i + 1 < end) {
        const char next = text[i + 1];
        value += next == 'n' ? '\n' : next;
        i += 2;
        continue;
      }
      value += text[i++];
    }
    if (i >= end)
      return make_error("gauge '" + text + "': unterminated label value" + example);
    ++i; // closing quote
    for (const auto &existing : spec.gauge_labels) {
      if (existing.first == label)
        return make_error("gauge '" + text + "': label " + label + " given twice");
    }
    spec.gauge_labels.emplace_back(std::move(label), std::move(value));
    if (i < end) {
      if (text[i] != ',')
        return make_error("gauge '" + text + "': matchers are separated by commas" + example);
      ++i;
    }
  }
  return spec;
}

Unit default_unit(const MetricSpec &metric)
{
  switch (metric.kind) {
  case MetricSpec::Kind::error_rate:
  case MetricSpec::Kind::availability:
    return Unit::ratio;
  case MetricSpec::Kind::request_rate:
    return Unit::per_second;
  case MetricSpec::Kind::latency_quantile:
  case MetricSpec::Kind::latency_mean:
    return Unit::seconds;
  case MetricSpec::Kind::query:
  case MetricSpec::Kind::gauge:
    return Unit::number;
  }
  return Unit::number;
}

Direction default_direction(const MetricSpec &metric)
{
  switch (metric.kind) {
  case MetricSpec::Kind::availability:
    return Direction::decrease_is_bad;
  case MetricSpec::Kind::request_rate:
    return Direction::none; // a canary gets less traffic by design
  default:
    return Direction::increase_is_bad;
  }
}

Result<SloPolicy> read_slo_policy(const LoadedPolicy &loaded)
{
  SloPolicy policy;
  PolicyTable &root = *loaded.root;
  RELGATE_TRY(read_source(root, policy));
  RELGATE_TRY(read_plan(root, policy.plan));
  RELGATE_ASSIGN_OR_RETURN(auto objective_tables, root.array_of_tables("objectives"));
  for (auto &table : objective_tables) {
    RELGATE_ASSIGN_OR_RETURN(auto objective, read_objective(table));
    for (const auto &existing : policy.objectives) {
      if (existing.name == objective.name)
        return table.error_at("name", "duplicate objective name '" + objective.name + "'");
    }
    policy.objectives.push_back(std::move(objective));
  }
  RELGATE_TRY(read_canary(root, policy.canary));
  RELGATE_TRY(read_burn_rate(root, policy.burn_rate));
  RELGATE_TRY(read_score(root, policy.score));
  RELGATE_TRY(root.finish());
  if (policy.objectives.empty() && !policy.burn_rate.enabled) {
    return make_error(loaded.path + ": the policy has no [[objectives]] and no [burn_rate]: nothing to check");
  }
  return policy;
}

Result<SloPolicy> load_slo_policy_text(const std::string &text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy_text(text, source_name, slo_policy_version));
  return read_slo_policy(loaded);
}

} // namespace relgate::slo
