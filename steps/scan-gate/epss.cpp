#include "epss.hpp"

#include "digest.hpp"
#include "file_io.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace relgate::scan
{

namespace
{

std::string_view trim_line(std::string_view line)
{
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
    line.remove_suffix(1);
  while (!line.empty() && line.front() == ' ')
    line.remove_prefix(1);
  return line;
}

bool parse_unit(std::string_view text, double &out)
{
  if (text.empty() || text.size() > 40)
    return false;
  char buffer[48];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  char *end = nullptr;
  out = std::strtod(buffer, &end);
  return end == buffer + text.size() && out >= 0.0 && out <= 1.0;
}

// "#model_version:v2025.03.14,score_date:2026-05-18T00:00:00Z"
void parse_comment(std::string_view line, EpssScores &scores)
{
  line.remove_prefix(1);
  while (!line.empty()) {
    std::size_t comma = line.find(',');
    std::string_view field = line.substr(0, comma);
    std::size_t colon = field.find(':');
    if (colon != std::string_view::npos) {
      std::string_view key = trim_line(field.substr(0, colon));
      std::string_view value = trim_line(field.substr(colon + 1));
      if (key == "model_version")
        scores.model_version = value;
      if (key == "score_date")
        scores.score_date = value;
    }
    if (comma == std::string_view::npos)
      break;
    line.remove_prefix(comma + 1);
  }
}

} // namespace

const EpssScore *EpssScores::find(std::string_view cve) const
{
  if (cve.empty())
    return nullptr;
  auto found = by_cve.find(std::string(cve));
  return found == by_cve.end() ? nullptr : &found->second;
}

Result<EpssScores> read_epss(std::FILE *file, const std::string &source_name,
                             const std::unordered_set<std::string> *wanted)
{
  EpssScores scores;
  // getline's buffer, freed on every return.
  struct LineBuffer {
    char *data = nullptr;
    std::size_t capacity = 0;
    ~LineBuffer() { std::free(data); }
  } buffer;
  std::size_t line_number = 0;
  bool header_seen = false;
  ssize_t length;
  while ((length = getline(&buffer.data, &buffer.capacity, file)) >= 0) {
    ++line_number;
    std::string_view line = trim_line(std::string_view(buffer.data, static_cast<std::size_t>(length)));
    if (line_number == 1 && line.size() >= 2 && static_cast<unsigned char>(line[0]) == 0x1f &&
        static_cast<unsigned char>(line[1]) == 0x8b) {
      return make_error(source_name + ": this is gzip data; decompress it first (gunzip epss_scores-*.csv.gz)");
    }
    if (line.empty())
      continue;
    if (line.front() == '#') {
      parse_comment(line, scores);
      continue;
    }
    if (!header_seen) {
      if (line.substr(0, 9) != "cve,epss,") {
        return make_error(source_name + ":" + std::to_string(line_number) +
                          ": expected the header 'cve,epss,percentile' (the FIRST EPSS CSV)");
      }
      header_seen = true;
      continue;
    }
    std::size_t first = line.find(',');
    std::size_t second = first == std::string_view::npos ? first : line.find(',', first + 1);
    double probability = 0, percentile = 0;
    if (second == std::string_view::npos || line.substr(0, 4) != "CVE-" ||
        !parse_unit(line.substr(first + 1, second - first - 1), probability) ||
        !parse_unit(line.substr(second + 1), percentile)) {
      return make_error(source_name + ":" + std::to_string(line_number) +
                        ": expected 'CVE-YYYY-NNNN,<epss 0..1>,<percentile 0..1>', found '" +
                        std::string(line.substr(0, 80)) + "'");
    }
    ++scores.rows;
    std::string cve(line.substr(0, first));
    if (!wanted || wanted->count(cve))
      scores.by_cve[cve] = EpssScore{probability, percentile};
  }
  if (std::ferror(file))
    return make_error(source_name + ": read error");
  if (!header_seen)
    return make_error(source_name + ": no 'cve,epss,percentile' header: not an EPSS CSV");
  if (scores.model_version.empty() || scores.score_date.empty()) {
    return make_error(source_name + ": the first line must be '#model_version:...,score_date:...' "
                                    "(FIRST writes it; it is recorded in the evidence)");
  }
  return scores;
}

Result<EpssScores> read_epss_file(const std::string &path, const std::unordered_set<std::string> *wanted,
                                  std::string *sha256)
{
  RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path, max_epss_bytes));
  if (sha256)
    *sha256 = sha256_hex(text);
  if (text.empty())
    return make_error(path + ": the file is empty; expected the FIRST EPSS CSV (decompressed)");
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> file(fmemopen(text.data(), text.size(), "r"), &std::fclose);
  if (!file)
    return make_error(path + ": cannot read EPSS file: " + std::strerror(errno));
  return read_epss(file.get(), path, wanted);
}

} // namespace relgate::scan
