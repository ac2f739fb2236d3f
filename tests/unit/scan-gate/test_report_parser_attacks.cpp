// Red team of the report parser (json_sax_parser.hpp), the duplicate-key check (JsonObjectKeys)
// and the finding store (StringPool): reports written so that scan-gate would read another
// document than jq or Python read, read past the end of a mapped file, or lose a finding. Every
// case here is a defence that held when it was written; keep them holding.
#include "json_object_keys.hpp"
#include "json_parser_differential.hpp"
#include "report_input.hpp"
#include "scan_test_helpers.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

using namespace relgate::scan;
using scan_test::read_text;
using scan_test::trivy_report;

namespace
{

// A Trivy report with one vulnerability object whose members are `members` (raw JSON text).
std::string one_vulnerability(const std::string &members)
{
  return trivy_report("{\"Target\":\"t\",\"Vulnerabilities\":[{\"VulnerabilityID\":\"CVE-2024-1\",\"PkgName\":\"p\","
                      "\"InstalledVersion\":\"1\"," +
                      members + "}]}");
}

bool refused_as_duplicate(const std::string &json)
{
  auto read = read_text(json);
  return !read.info && read.info.message().find("duplicate key") != std::string::npos;
}

// libstdc++'s std::hash<std::string_view> on 64-bit targets mixes each 8-byte block as
// h ^= mix(block); h *= mul, and mix is invertible. Two blocks whose mixed values differ only in
// bit 63 leave a difference in bit 63 only (mul is odd); a second such pair cancels it. So every
// choice of one of two 16-byte pieces per position gives the same hash, whatever the seed: 2^n
// keys of 16n bytes with one hash. The bytes are arbitrary (a JSON key can spell any of them).
constexpr uint64_t murmur_mul = (uint64_t{0xc6a4a793} << 32) + 0x5bd1e995;

uint64_t shift_mix(uint64_t v)
{
  return v ^ (v >> 47);
}

uint64_t inverse_of(uint64_t odd)
{
  uint64_t x = odd; // Newton's iteration: each step doubles the correct low bits
  for (int i = 0; i < 6; ++i)
    x *= 2 - odd * x;
  return x;
}

// The block whose mixed value is `mixed`: shift_mix(block * mul) * mul == mixed.
uint64_t block_mixing_to(uint64_t mixed)
{
  const uint64_t inverse = inverse_of(murmur_mul);
  return shift_mix(mixed * inverse) * inverse;
}

void append_block(std::string &text, uint64_t block)
{
  for (int i = 0; i < 8; ++i)
    text += static_cast<char>(block >> (8 * i));
}

std::vector<std::string> keys_with_one_std_hash(std::size_t pieces, std::size_t count)
{
  std::mt19937_64 random(7);
  std::vector<std::string> choices[2];
  for (std::size_t j = 0; j < pieces; ++j) {
    const uint64_t first = random(), second = random(), bit63 = uint64_t{1} << 63;
    for (int side = 0; side < 2; ++side) {
      std::string piece;
      append_block(piece, block_mixing_to(side ? first ^ bit63 : first));
      append_block(piece, block_mixing_to(side ? second ^ bit63 : second));
      choices[side].push_back(piece);
    }
  }
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < count; ++i) {
    std::string key;
    for (std::size_t j = 0; j < pieces; ++j)
      key += choices[(i >> j) & 1][j];
    keys.push_back(key);
  }
  return keys;
}

// A report file of exactly `size` bytes: `head`, spaces, then `tail` at the very end.
std::string file_of_size(const std::string &dir, std::size_t size, const std::string &head, const std::string &tail)
{
  const std::string path = dir + "/sized-" + std::to_string(size) + ".json";
  std::string text = head;
  text += std::string(size - head.size() - tail.size(), ' ');
  text += tail;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

} // namespace

TEST_CASE("attacks: every spelling of a repeated key is refused, not read first-wins or last-wins")
{
  // jq and Python read the last Severity (LOW); scan-gate must not read either one.
  CHECK(refused_as_duplicate(one_vulnerability(R"("Severity":"CRITICAL","Sev\u0065rity":"LOW")")));
  CHECK(refused_as_duplicate(one_vulnerability(R"("\u0053everity":"CRITICAL","Severity":"LOW")")));
  CHECK(refused_as_duplicate(one_vulnerability(R"("Severity":"CRITICAL","Severity":"LOW")")));
  // Keys sharing the first 8 bytes and the length, differing after them, are different keys...
  auto apart = read_text(one_vulnerability(R"("Severity":"CRITICAL","SeverityX":"LOW","SeverityY":"LOW")"));
  REQUIRE(apart.info);
  REQUIRE(apart.findings.size() == 1);
  CHECK(apart.findings[0].severity == Severity::critical);
  // ...and a repeat of a long key is found past its 8-byte prefix.
  CHECK(refused_as_duplicate(one_vulnerability(R"("VulnerabilityID":"CVE-2024-2","Severity":"LOW")")));
  // Past 32 keys (the hash index), plain and escaped.
  std::string many;
  for (int i = 0; i < 40; ++i)
    many += "\"k" + std::to_string(i) + "\":1,";
  CHECK(refused_as_duplicate(one_vulnerability(many + R"("Severity":"CRITICAL","Severity":"LOW")")));
  CHECK(refused_as_duplicate(one_vulnerability(many + R"("Severity":"CRITICAL","Sever\u0069ty":"LOW")")));
  // A nested object using the same names in between does not reset the outer object's keys.
  CHECK(refused_as_duplicate(
      one_vulnerability(R"("Severity":"CRITICAL","CVSS":{"Severity":1,"nvd":{"Severity":2}},"Severity":"LOW")")));
  // The root object too, escaped.
  CHECK(refused_as_duplicate(R"({"SchemaVersion":2,"Results":[],"Res\u0075lts":[]})"));
}

TEST_CASE("attacks: keys that only look alike are different keys for scan-gate, jq and Python alike")
{
  // "Severity/" (an escaped slash), "Severity\0" and a lone low surrogate are other keys: the
  // real Severity counts, as it does for jq and Python.
  for (const char *other : {R"("Severity\/":"LOW")", R"("Severity\u0000":"LOW")", R"("Severity\udc00":"LOW")"}) {
    auto read = read_text(one_vulnerability(std::string(R"("Severity":"CRITICAL",)") + other));
    REQUIRE_MESSAGE(read.info, other);
    REQUIRE(read.findings.size() == 1);
    CHECK(read.findings[0].severity == Severity::critical);
  }
  // A lone high surrogate is refused (Python takes it, jq refuses it).
  CHECK_FALSE(read_text(one_vulnerability(R"("Severity":"CRITICAL\ud800")")).info);
}

TEST_CASE("attacks: keys with one std::hash are still told apart, and a repeat among them is found")
{
  const auto keys = keys_with_one_std_hash(6, 64); // 64 keys of 96 bytes: past the linear search
  for (const auto &key : keys)
    REQUIRE(std::hash<std::string_view>{}(key) == std::hash<std::string_view>{}(keys[0]));
  JsonObjectKeys object_keys;
  object_keys.open_object();
  for (const auto &key : keys)
    CHECK(object_keys.add(key) == JsonObjectKeys::Added::ok);
  CHECK(object_keys.add(keys[17]) == JsonObjectKeys::Added::duplicate);
  CHECK(object_keys.add(keys[63]) == JsonObjectKeys::Added::duplicate);
  object_keys.close_object();
}

TEST_CASE("attacks: a mapped report whose last byte ends a page is never read past its end")
{
  // ReportInput maps one zero page more than the file needs; the parser reads a byte ahead in
  // literals and after a single space. Files of exactly one and two pages (and a 16-byte
  // multiple) ending in the middle of every token must be refused cleanly (ASan watches too).
  const std::string dir =
      std::filesystem::temp_directory_path().string() + "/relgate-parser-attacks-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::string head = "{\"SchemaVersion\":2,\"ArtifactName\":\"x\",\"Results\":[],\"x\":";
  for (std::size_t size : {page, 2 * page, std::size_t{4112}}) {
    for (const char *tail :
         {"n", "nu", "nul", "t",   "tru", "f", "fals",   "\"abc",    "\"a\\", "\"\\u12", "\"\\ud800\\u",
          "-", "1.", "1e",  "1e+", "[",   "{", "{\"k\"", "{\"k\": ", "[1, "}) {
      const std::string path = file_of_size(dir, size, head, tail);
      auto read = read_report_file(path, std::nullopt, [](const Finding &) {});
      CHECK_MESSAGE(!read, tail);
      if (!read)
        CHECK_MESSAGE(read.message().find("invalid JSON") != std::string::npos, read.message());
    }
    // The same size, complete: read.
    const std::string path = file_of_size(dir, size, head, "null}");
    CHECK(read_report_file(path, std::nullopt, [](const Finding &) {}));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("attacks: after a number RapidJSON calls too big, the parser still agrees with RapidJSON")
{
  // The differential fuzz target stops comparing at 0e400 (RapidJSON refuses it, the parser
  // passes it on). Compare the rest by giving RapidJSON 0e000 at the same offsets instead.
  for (const char *tail : {",1]", ",01]", ",\"a\\x\"]", ",tru]", ",[]]", ",{\"a\":1,}]", ",\"\\udc00\"]", "]]", ",-]",
                           ",1e]", "] ", "]x", ",\"\x01\"]", ",\"\\ud800\"]", ",\"\\uD834\\uDD1E\"]"}) {
    const std::string ours_text = std::string("[0e400") + tail;
    const std::string reference_text = std::string("[0e000") + tail;
    JsonParseStatus ours_status;
    {
      testing::JsonEventLog log;
      JsonSaxParser<testing::JsonEventLog> parser(ours_text.data(), ours_text.data() + ours_text.size());
      log.tell = [&] { return parser.cursor().tell(); };
      ours_status = parser.parse(log);
    }
    const auto reference = testing::compare_with_rapidjson(reference_text);
    CHECK_MESSAGE(reference.same, tail);
    CHECK_MESSAGE(ours_status.ok() == reference.accepted, tail);
  }
}

TEST_CASE("attacks: texts larger than a pool block come back whole, next to texts of exactly a quarter block")
{
  // StringPool keeps texts over 64 KiB outside its 256 KiB blocks; a text of exactly 64 KiB is a
  // block record. Both, repeated, must come back byte for byte and merge as one finding. (Readers
  // refuse such texts now, max_finding_text_bytes; the pool does not rely on it.)
  const std::string huge_package(300 * 1024, 'p');
  const std::string quarter_version(64 * 1024, 'v');
  FindingSet set;
  for (int i = 0; i < 6; ++i) {
    Finding finding;
    finding.id = "CVE-2024-" + std::to_string(i % 3);
    finding.package = i % 2 ? huge_package : "small";
    finding.version = quarter_version;
    finding.severity = i == 5 ? Severity::critical : Severity::low;
    set.add(finding, 0);
  }
  REQUIRE(set.size() == 6); // ids 0,1,2 x packages small/huge: (0,s) (1,h) (2,s) (0,h) (1,s) (2,h)
  Finding loaded;
  bool critical_seen = false;
  for (std::size_t i = 0; i < set.size(); ++i) {
    set.load(i, loaded);
    CHECK((loaded.package == huge_package || loaded.package == "small"));
    CHECK(loaded.version == quarter_version);
    critical_seen = critical_seen || loaded.severity == Severity::critical;
  }
  CHECK(critical_seen);
}

TEST_CASE("attacks: a text that names a finding is at most max_finding_text_bytes, in every reader and field")
{
  // Over the limit, a text shared by many findings would be copied, hashed and printed per finding
  // (red team round three: 1 MiB names, 6.4 GB). The report is refused at that record.
  const std::string at_limit(max_finding_text_bytes, 'a');
  const std::string over(max_finding_text_bytes + 1, 'a');
  auto trivy = [](const std::string &id, const std::string &package, const std::string &version) {
    return read_text(trivy_report("{\"Target\":\"t\",\"Vulnerabilities\":[" +
                                  scan_test::trivy_vuln("CVE-1", "p", "1", "LOW") + "," +
                                  scan_test::trivy_vuln(id, package, version, "LOW") + "]}"));
  };
  CHECK(trivy("CVE-2", at_limit, at_limit).info);
  for (int field = 0; field < 3; ++field) {
    auto read = trivy(field == 0 ? over : "CVE-2", field == 1 ? over : "p", field == 2 ? over : "1");
    REQUIRE_FALSE(read.info);
    const std::string message = read.info.message();
    CHECK(message.find("Results[0].Vulnerabilities[1]: ") != std::string::npos);
    CHECK(message.find(std::string(field == 0   ? "id"
                                   : field == 1 ? "package name"
                                                : "version") +
                       " of 4097 bytes") != std::string::npos);
  }
  const auto cyclonedx =
      read_text(R"({"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"c","name":")" + over +
                R"(","version":"1"}],"vulnerabilities":[{"id":"CVE-1","affects":[{"ref":"c"}]}]})");
  REQUIRE_FALSE(cyclonedx.info);
  CHECK(cyclonedx.info.message().find("vulnerabilities[0]: package name of 4097 bytes") != std::string::npos);
  const auto sarif = read_text(R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":")" + over +
                               R"("}]}},"results":[{"ruleIndex":0,"level":"error","message":{"text":"m"}}]}]})");
  REQUIRE_FALSE(sarif.info);
  CHECK(sarif.info.message().find("runs[0].results[0]: id of 4097 bytes") != std::string::npos);
  const auto grype =
      read_text(R"({"matches":[{"vulnerability":{"id":"CVE-1","severity":"Low"},"artifact":{"name":"p","version":")" +
                over + R"("}}],"source":{"type":"directory","target":"."},"descriptor":{"name":"grype"}})");
  REQUIRE_FALSE(grype.info);
  CHECK(grype.info.message().find("matches[0]: version of 4097 bytes") != std::string::npos);
}

TEST_CASE("attacks: key fingerprints tell apart keys that differ in one byte, at every size and position")
{
  // Keys up to 16 bytes are fingerprinted by their bytes in overlapping loads, longer ones by a
  // seeded hash: a change of any one byte, or of the length alone, must give another key.
  for (std::size_t size = 0; size <= 40; ++size) {
    const std::string base(size, 'a');
    JsonObjectKeys object_keys;
    object_keys.open_object();
    REQUIRE(object_keys.add(base) == JsonObjectKeys::Added::ok);
    for (std::size_t at = 0; at < size; ++at) {
      for (char other : {'b', '\0', '\x80'}) {
        std::string changed = base;
        changed[at] = other;
        CHECK_MESSAGE(object_keys.add(changed) == JsonObjectKeys::Added::ok, "size " << size << " at " << at);
        CHECK(object_keys.add(changed) == JsonObjectKeys::Added::duplicate);
      }
    }
    // The same bytes one shorter or longer, and with a NUL appended (zero padding must not alias).
    CHECK(object_keys.add(base + 'a') == JsonObjectKeys::Added::ok);
    CHECK(object_keys.add(base + std::string(1, '\0')) == JsonObjectKeys::Added::ok);
    CHECK(object_keys.add(base) == JsonObjectKeys::Added::duplicate);
    object_keys.close_object();
  }
}

TEST_CASE("attacks: an object's keys are forgotten when it closes, and a parent's are kept")
{
  JsonObjectKeys object_keys;
  object_keys.open_object();
  CHECK(object_keys.add("Severity") == JsonObjectKeys::Added::ok);
  object_keys.open_object();
  CHECK(object_keys.add("Severity") == JsonObjectKeys::Added::ok); // another object
  for (int i = 0; i < 40; ++i)                                     // past the linear search: indexed
    CHECK(object_keys.add("key-number-" + std::to_string(i) + "-of-a-long-object") == JsonObjectKeys::Added::ok);
  CHECK(object_keys.add("key-number-7-of-a-long-object") == JsonObjectKeys::Added::duplicate);
  CHECK(object_keys.add("Severity") == JsonObjectKeys::Added::duplicate);
  object_keys.close_object();
  CHECK(object_keys.add("Severity") == JsonObjectKeys::Added::duplicate);
  CHECK(object_keys.add("key-number-7-of-a-long-object") == JsonObjectKeys::Added::ok);
  object_keys.close_object();
}
