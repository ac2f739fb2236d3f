// FIRST EPSS scores (the daily CSV: "#model_version:...,score_date:..." then "cve,epss,percentile").
// Read line by line and only the CVEs asked for are kept: the file has >250,000 rows.
#pragma once

#include "result.hpp"

#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace relgate::scan
{

struct EpssScore {
  double probability = 0; // 0..1
  double percentile = 0;  // 0..1
};

struct EpssScores {
  std::string model_version; // recorded in the evidence
  std::string score_date;
  std::size_t rows = 0;
  std::unordered_map<std::string, EpssScore> by_cve;

  const EpssScore *find(std::string_view cve) const;
};

// `wanted` = the CVE ids to keep (nullptr: keep all). A malformed row is an error with its line.
Result<EpssScores> read_epss(std::FILE *file, const std::string &source_name,
                             const std::unordered_set<std::string> *wanted);
// The FIRST CSV is ~10 MB decompressed; a larger file is not one (and a FIFO or device is refused).
constexpr std::size_t max_epss_bytes = 256u << 20;
// Reads the file once, as a regular file under max_epss_bytes; *sha256 gets the hex digest of
// exactly the bytes parsed (for the evidence).
Result<EpssScores> read_epss_file(const std::string &path, const std::unordered_set<std::string> *wanted,
                                  std::string *sha256);

} // namespace relgate::scan
