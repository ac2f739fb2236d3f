// Renderers of the audit report, one per --format (summary is release_summary.hpp).
#pragma once

#include "audit_report.hpp"
#include "json.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::audit
{

constexpr std::string_view audit_json_schema = "relgate.audit/v1";

// audit_report.md: timeline, policies, violations, gate decisions, DORA, drills (GFM).
std::string render_markdown(const AuditReport &report);
// Prometheus text 0.0.4 for node_exporter's textfile collector or a Pushgateway.
Result<std::string> render_prom(const AuditReport &report);
// Everything as data (docs/audit.md documents the schema).
JsonDocument report_to_json(const AuditReport &report);
std::string render_json(const AuditReport &report);
// The release console: one self-contained HTML page.
std::string render_html(const AuditReport &report);

// JSON text made safe inside <script type="application/json">: '<', '>', '&', U+2028 and U+2029
// as \u escapes, so neither </script> nor <!-- can end or change the block.
std::string escape_json_for_script(std::string_view json);

} // namespace relgate::audit
