// Record signatures: Ed25519 and ECDSA P-256 keys made by `openssl genpkey` at test time,
// checked by our verifier and by the openssl CLI itself (interoperability).
#include "test_evidence_helpers.hpp"

#include "encoding.hpp"
#include "file_io.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::evidence_test;

namespace
{

struct KeyPair {
  std::string private_path;
  std::string public_path;
  std::string private_pem;
  std::string public_pem;
};

void run_ok(const std::vector<std::string> &argv)
{
  auto result = run_process(argv);
  REQUIRE_MESSAGE(result.ok(), error_of(result));
  REQUIRE_MESSAGE(result->exit_code == 0, (argv[0] + " " + argv[1] + ": " + result->stderr_text));
}

KeyPair generate_key(const std::string &dir, const std::string &name, std::vector<std::string> genpkey_args)
{
  KeyPair key{dir + "/" + name + ".key", dir + "/" + name + ".pub", "", ""};
  std::vector<std::string> argv{"openssl", "genpkey"};
  argv.insert(argv.end(), genpkey_args.begin(), genpkey_args.end());
  argv.insert(argv.end(), {"-out", key.private_path});
  run_ok(argv);
  run_ok({"openssl", "pkey", "-in", key.private_path, "-pubout", "-out", key.public_path});
  key.private_pem = *read_file(key.private_path);
  key.public_pem = *read_file(key.public_path);
  return key;
}

KeyPair ed25519_key(const std::string &dir, const std::string &name = "ed")
{
  return generate_key(dir, name, {"-algorithm", "ed25519"});
}

KeyPair p256_key(const std::string &dir, const std::string &name = "p256")
{
  return generate_key(dir, name, {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
}

EvidenceFile signed_file(const KeyPair &key, std::size_t count)
{
  EvidenceFile file = make_file(0);
  for (std::size_t i = 0; i < count; ++i) {
    EvidenceRecord record =
        make_record("step-" + std::to_string(i), Decision::allow, "2026-02-11T09:0" + std::to_string(i) + ":00Z", "ok");
    chain_append_signed(file, std::move(record), key.private_pem);
  }
  return file;
}

} // namespace

TEST_CASE("signing: Ed25519 and P-256 records verify against their public key and nothing else")
{
  const std::string dir = scratch_dir("signing-roundtrip");
  const KeyPair ed = ed25519_key(dir);
  const KeyPair p256 = p256_key(dir);
  for (const KeyPair *key : {&ed, &p256}) {
    CAPTURE(key->private_path);
    EvidenceFile file = signed_file(*key, 3);
    CHECK(file.records[0].signature->algorithm == (key == &ed ? "ed25519" : "ecdsa-p256-sha256"));
    ChainReport report = verify_with_keys(file, {key->public_pem});
    CHECK_MESSAGE(report.intact, report.problem);
    CHECK(report.signed_records == 3);
    CHECK(verify_chain(file).signed_records == 3);

    const KeyPair &other = key == &ed ? p256 : ed;
    ChainReport untrusted = verify_with_keys(file, {other.public_pem});
    CHECK_FALSE(untrusted.intact);
    CHECK(untrusted.first_bad_index == 0u);
    CHECK(untrusted.problem.find("which is not one of the trusted keys") != std::string::npos);
    CHECK(verify_with_keys(file, {other.public_pem, key->public_pem}).intact);
  }
}

TEST_CASE("signing: key_id is the sha256 of the DER SubjectPublicKeyInfo")
{
  const std::string dir = scratch_dir("signing-keyid");
  const KeyPair ed = ed25519_key(dir);
  run_ok({"openssl", "pkey", "-pubin", "-in", ed.public_path, "-outform", "DER", "-out", dir + "/ed.der"});
  const std::string expected = "sha256:" + *sha256_file_hex(dir + "/ed.der");
  CHECK(public_key_id(ed.public_pem, ed.public_path).value_or("") == expected);
  CHECK(signed_file(ed, 1).records[0].signature->key_id == expected);
}

TEST_CASE("signing: openssl itself verifies our signatures over record_signed_bytes")
{
  const std::string dir = scratch_dir("signing-interop");
  const KeyPair ed = ed25519_key(dir);
  const KeyPair p256 = p256_key(dir);
  for (const KeyPair *key : {&ed, &p256}) {
    EvidenceFile file = signed_file(*key, 1);
    const EvidenceRecord &record = file.records[0];
    REQUIRE(write_file_atomic(dir + "/message", record_signed_bytes(record)).ok());
    REQUIRE(write_file_atomic(dir + "/signature", *base64_decode(record.signature->value)).ok());
    std::vector<std::string> argv =
        key == &ed ? std::vector<std::string>{"openssl",        "pkeyutl",        "-verify",         "-pubin",
                                              "-inkey",         key->public_path, "-rawin",          "-in",
                                              dir + "/message", "-sigfile",       dir + "/signature"}
                   : std::vector<std::string>{"openssl",        "dgst",       "-sha256",          "-verify",
                                              key->public_path, "-signature", dir + "/signature", dir + "/message"};
    auto result = run_process(argv);
    REQUIRE(result.ok());
    CHECK_MESSAGE(result->exit_code == 0, (result->stdout_text + result->stderr_text));
  }
}

TEST_CASE("signing: an edited signed record fails even when the chain is rebuilt around it")
{
  const std::string dir = scratch_dir("signing-tamper");
  const KeyPair ed = ed25519_key(dir);
  EvidenceFile file = signed_file(ed, 3);
  file.records[1].decision = Decision::deny;
  rechain(file);                    // what a forger who knows the format would do
  CHECK(verify_chain(file).intact); // integrity alone cannot see it...
  ChainReport report = verify_with_keys(file, {ed.public_pem});
  CHECK_FALSE(report.intact); // ...the signature does
  CHECK(report.first_bad_index == 1u);
  CHECK(report.problem.find("does not verify (the record, its place in the chain or the subject was changed") !=
        std::string::npos);
}

TEST_CASE("signing: with trusted keys an unsigned record is refused")
{
  const std::string dir = scratch_dir("signing-unsigned");
  const KeyPair ed = ed25519_key(dir);
  EvidenceFile file = signed_file(ed, 2);
  chain_append(file, make_record("manual", Decision::allow, "2026-02-11T10:00:00Z"));
  ChainReport report = verify_with_keys(file, {ed.public_pem});
  CHECK_FALSE(report.intact);
  CHECK(report.first_bad_index == 2u);
  CHECK(report.problem == "record 2: not signed, but trusted keys were given (every record must be signed)");
}

TEST_CASE("signing: unsupported or unusable keys are refused with the file named")
{
  const std::string dir = scratch_dir("signing-badkeys");
  const EvidenceRecord record = make_record("x", Decision::allow, "2026-02-11T10:00:00Z");
  const KeyPair p384 = generate_key(dir, "p384", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"});
  auto refused = sign_record(record, p384.private_pem, p384.private_path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message() ==
        p384.private_path + ": key type is not supported for evidence signing (use Ed25519 or ECDSA P-256)");
  CHECK_FALSE(public_key_id(p384.public_pem, "p384.pub").ok());

  // An encrypted key must be refused, never prompt for a passphrase.
  run_ok({"openssl", "genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret", "-out",
          dir + "/enc.key"});
  CHECK_FALSE(sign_record(record, *read_file(dir + "/enc.key"), "enc.key").ok());

  auto garbage = sign_record(record, "not a key", "key.pem");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.message().rfind("key.pem: not a usable key: ", 0) == 0);

  // A private key where a public one is expected.
  const KeyPair ed = ed25519_key(dir);
  CHECK_FALSE(public_key_id(ed.private_pem, "ed.key").ok());
  // An unusable trusted key is an error naming it, not "the chain is broken".
  auto unusable = verify_chain_with_keys(make_file(1), {"garbage"});
  REQUIRE_FALSE(unusable.ok());
  CHECK(unusable.message().rfind("trusted key 1: not a usable key: ", 0) == 0);
}
