// Inputs are regular files under a cap (a FIFO must not block, /dev/zero must not grow memory);
// writes never follow a planted temp name or symlink; the evidence refuses symbolic links.
#include "test_evidence_helpers.hpp"

#include "file_io.hpp"
#include "file_lock.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace relgate;
using namespace relgate::evidence_test;
namespace fs = std::filesystem;

namespace
{

std::string contents(const std::string &path)
{
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("file_io: a FIFO, a device and a directory are refused at once, naming what they are")
{
  const std::string dir = scratch_dir("io-kinds");
  const std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto started = std::chrono::steady_clock::now();
  auto from_fifo = read_file(fifo); // no writer: a blocking open would never return
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  REQUIRE_FALSE(from_fifo.ok());
  CHECK(from_fifo.message() == fifo + ": is a FIFO (named pipe), expected a regular file");

  auto zero = read_file("/dev/zero");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.message() == "/dev/zero: is a device, expected a regular file");

  auto folder = read_file(dir);
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.message() == dir + ": is a directory, expected a regular file");

  CHECK_FALSE(sha256_file_hex(fifo).ok());
  CHECK_FALSE(sha256_file_hex("/dev/zero").ok());
  CHECK_FALSE(load_evidence(fifo).ok());
  CHECK_FALSE(read_public_key_pems(fifo).ok());
  CHECK_FALSE(read_signing_key(fifo, "RELGATE_EVIDENCE_KEY").ok());
}

TEST_CASE("file_io: the size cap is enforced, at the cap is fine")
{
  const std::string dir = scratch_dir("io-cap");
  const std::string path = dir + "/big";
  std::ofstream(path) << std::string(1000, 'x');
  CHECK(read_file(path, 1000).ok());
  auto over = read_file(path, 999);
  REQUIRE_FALSE(over.ok());
  CHECK(over.message() == path + ": larger than the 999 bytes this input may have");

  // The evidence cap (16 MiB): a sparse file, so the test writes nothing.
  const std::string huge = dir + "/huge.json";
  {
    std::ofstream touch(huge);
  }
  fs::resize_file(huge, max_evidence_bytes + 1);
  auto evidence = load_evidence(huge);
  REQUIRE_FALSE(evidence.ok());
  CHECK(evidence.message() == huge + ": larger than the 16 MiB this input may have");
  fs::resize_file(huge, default_max_input_bytes + 1);
  CHECK_FALSE(read_file(huge).ok());
}

TEST_CASE("file_io: write_file_atomic never follows a planted temp name")
{
  const std::string dir = scratch_dir("io-planted");
  const std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious";
  const std::string path = dir + "/e.json";
  // The names a pid-suffixed writer (v1) would have used, and a few others.
  for (const std::string &suffix : {std::to_string(::getpid()), std::string("0"), std::string("XXXXXX")}) {
    fs::create_symlink(victim, path + ".tmp." + suffix);
  }
  REQUIRE(write_file_atomic(path, "new content").ok());
  CHECK(contents(path) == "new content");
  CHECK(contents(victim) == "precious");
  CHECK_FALSE(fs::is_symlink(path));
}

TEST_CASE("file_io: a symbolic link is refused where it would split readers from writers")
{
  const std::string dir = scratch_dir("io-symlink");
  const std::string target = dir + "/target.json";
  const std::string link = dir + "/link.json";
  REQUIRE(init_evidence(target, test_subject(), "").ok());
  const std::string before = contents(target);
  fs::create_symlink(target, link);

  auto written = write_file_atomic(link, "x");
  REQUIRE_FALSE(written.ok());
  CHECK(written.message() == link + ": is a symbolic link; refusing to replace it (name the file itself)");
  CHECK(fs::is_symlink(link));

  auto loaded = load_evidence(link);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.message().rfind(link + ": is a symbolic link", 0) == 0);
  AppendOptions options;
  CHECK_FALSE(append_record(link, make_record("manual-check", Decision::deny, "2026-02-11T09:00:00Z"), options).ok());
  CHECK_FALSE(init_evidence(link, test_subject(), "").ok());
  CHECK_FALSE(merge_evidence_files(link, {target}).ok());
  CHECK_FALSE(merge_evidence_files(dir + "/out.json", {link}).ok());
  CHECK(contents(target) == before);
  CHECK(fs::is_symlink(link));
  CHECK_FALSE(fs::exists(dir + "/out.json"));

  // A dangling link is not created through either.
  fs::create_symlink(dir + "/nowhere.json", dir + "/dangling.json");
  options.create_with_subject = test_subject();
  CHECK_FALSE(append_record(dir + "/dangling.json", make_record("manual-check", Decision::deny, "2026-02-11T09:00:00Z"),
                            options)
                  .ok());
  CHECK_FALSE(fs::exists(dir + "/nowhere.json"));

  auto appended = append_file(link, "x");
  REQUIRE_FALSE(appended.ok());
  CHECK(contents(target) == before);
  // Reading through a link stays possible where nothing writes back (policies, keys).
  CHECK(read_file(link).ok());
}

TEST_CASE("file_io: a lock file that is a symbolic link is not followed")
{
  const std::string dir = scratch_dir("io-lock");
  const std::string victim = dir + "/victim";
  fs::create_symlink(victim, dir + "/e.json.lock");
  auto lock = FileLock::acquire(dir + "/e.json.lock");
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.message().rfind(dir + "/e.json.lock: cannot create the lock file: ", 0) == 0);
  CHECK_FALSE(fs::exists(victim));

  AppendOptions options;
  options.create_with_subject = test_subject();
  CHECK_FALSE(
      append_record(dir + "/e.json", make_record("manual-check", Decision::deny, "2026-02-11T09:00:00Z"), options)
          .ok());
  CHECK_FALSE(fs::exists(victim));
  CHECK_FALSE(fs::exists(dir + "/e.json"));
}
