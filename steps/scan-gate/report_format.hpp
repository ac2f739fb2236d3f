// Which scanner wrote a report, decided from the first top-level keys so that detection reads
// only the first bytes of a large file.
#pragma once

#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace relgate::scan
{

enum class ReportFormat { trivy, grype, sarif, cyclonedx };

std::string_view report_format_name(ReportFormat format); // "trivy", "grype", "sarif", "cyclonedx"
// For --input-format: the names above, or "auto" (nullopt).
Result<std::optional<ReportFormat>> parse_report_format(std::string_view name);

class ReportInput;

// Reads from the start of the input until a top-level key decides (SchemaVersion/Results:
// Trivy; matches: Grype; runs: SARIF; bomFormat or a CycloneDX $schema: CycloneDX). A JSON array
// at the top, OpenVEX or a KEV catalogue given as a report, or no deciding key are errors.
Result<ReportFormat> detect_report_format(ReportInput &input, const std::string &source_name);

} // namespace relgate::scan
