// The evidence file: the release contract. One subject digest and an append-only, hash-chained
// list of decision records. Format: docs/evidence.md.
#pragma once

#include "decision.hpp"
#include "json.hpp"
#include "result.hpp"
#include "subject.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate
{

// v2: a record's signature covers its place in the chain (prev), so transitively the subject,
// the release and every record before it. v1 signatures covered the record body only.
constexpr std::string_view evidence_schema = "relgate.evidence/v2";
constexpr std::string_view evidence_schema_v1 = "relgate.evidence/v1";
// The DSSE payload type the record signatures are made over (PAE, as in-toto / cosign do).
constexpr std::string_view evidence_record_payload_type = "application/vnd.relgate.evidence-record.v2+json";

struct FileRef {
  std::string path;
  std::string sha256; // hex
};

struct PolicyRef {
  std::string path;
  std::string sha256; // hex
  int64_t version = 0;
};

// Where the decision applies: promote asks for "slo-check ALLOW for env staging, stage 10".
struct RecordScope {
  std::string env;              // "" = any
  std::optional<int64_t> stage; // canary stage (percent), if any
};

struct RecordSignature {
  std::string key_id;    // "sha256:<hex of the DER public key>"
  std::string algorithm; // "ed25519" or "ecdsa-p256-sha256"
  std::string value;     // base64
};

struct EvidenceRecord {
  std::string step;
  Decision decision = Decision::error;
  std::vector<std::string> reasons;
  JsonDocument summary; // step-specific object
  RecordScope scope;
  std::optional<PolicyRef> policy;
  std::vector<FileRef> inputs;
  std::string tool_version;
  std::string started_at; // RFC 3339 UTC
  int64_t duration_ms = 0;
  JsonDocument ci;           // CI context object, or null outside CI
  bool pinned_clock = false; // started_at came from --now, not the system clock
  std::string prev;          // "sha256:<hex>" of the previous record's canonical bytes
  std::optional<RecordSignature> signature;
  // "sha256:<hex>" of this record's chain bytes; filled on append. It lets verification name
  // an edited record itself (and catch an edit of the last one), not only its successor.
  std::string hash;
};

struct EvidenceFile {
  std::string schema{evidence_schema};
  Subject subject;
  std::string release_id; // may be empty
  std::string created_at;
  // When the release's source commit was made (RFC 3339 UTC, "Z"); "" = not recorded. Part of
  // the genesis like the rest of the header; audit's lead time counts from it.
  std::string source_commit_time;
  std::vector<EvidenceRecord> records;
};

// Serialization. Canonical bytes are sorted-key compact JSON (common/json.hpp).
JsonDocument record_to_json(const EvidenceRecord &record);
Result<EvidenceRecord> record_from_json(const JsonValue &value, const std::string &where);
std::string record_chain_bytes(const EvidenceRecord &record); // everything but hash: hashed into the next prev
std::string record_hash(const EvidenceRecord &record);        // "sha256:" + sha256(record_chain_bytes)
EvidenceRecord copy_record(const EvidenceRecord &record);     // records hold JSON documents: no copy constructor
// What a signature covers: DSSE PAE(evidence_record_payload_type, canonical record without signature
// and hash). It includes prev, so a signed record cannot move to another place, file or subject.
std::string record_signed_bytes(const EvidenceRecord &record);
// "sha256:" + sha256 of the record's content without prev, signature and hash: the same in every
// copy of the record, before and after a merge. Anchors (--expect-evidence-head) name records by it.
std::string record_id(const EvidenceRecord &record);
std::string genesis_prev(const EvidenceFile &file);       // prev of record 0: binds the chain to the subject
std::string serialize_evidence(const EvidenceFile &file); // pretty JSON, records in order
// record_id of the newest record, "" for a file without records. Steps publish it as a CI output.
std::string evidence_head(const EvidenceFile &file);
// Every id must be the record_id of a record in the file: a pipeline that passes the heads its gate
// jobs published sees records cut off the end of the chain, which the chain itself cannot.
Result<void> require_evidence_anchors(const EvidenceFile &file, const std::vector<std::string> &record_ids);
// relgate's own steps: only they write records under these names (`evidence append` refuses them).
bool is_reserved_step_name(std::string_view step);

// Evidence size cap: a release has tens of records; a huge file is an attack, not evidence.
constexpr std::size_t max_evidence_bytes = 16u << 20;
Result<EvidenceFile> parse_evidence(std::string_view text, const std::string &source_name);
// Schema and shape, not the chain. The path must be a regular file, not a symbolic link: readers and
// writers (which rename over it) must see the same file.
Result<EvidenceFile> load_evidence(const std::string &path);

// Creates the file; an existing file with the same subject is left as it is (idempotent),
// one with another subject is an error.
Result<EvidenceFile> init_evidence(const std::string &path, const Subject &subject, const std::string &release_id,
                                   const std::string &source_commit_time = "");
// A source commit time as the header keeps it: any RFC 3339 time, normalised to UTC with "Z" and
// second precision ("2026-11-17T09:00:00Z"); an error names what is wrong.
Result<std::string> normalize_source_commit_time(std::string_view text);

struct AppendOptions {
  std::optional<Subject> create_with_subject; // create the file when missing
  std::optional<Digest> judged_digest;        // must equal the file's subject digest
  std::string signing_key_path;               // PEM private key; "" = unsigned
};

// Under an exclusive lock: re-reads the file, verifies the chain, fills record.prev (and the
// signature), writes a temp file, fsyncs, renames, fsyncs the folder. Never leaves a torn file.
Result<EvidenceRecord> append_record(const std::string &path, EvidenceRecord record, const AppendOptions &options);

struct ChainReport {
  bool intact = true;
  std::optional<std::size_t> first_bad_index;
  std::string problem; // "record 3: prev does not match record 2 (edited, removed or reordered)"
  std::size_t signed_records = 0;
};

// With trusted keys (PEM public keys), every record must carry a valid signature by one of them.
// Keys are validated first: an unusable key is an error, not a broken chain.
Result<ChainReport> verify_chain_with_keys(const EvidenceFile &file, const std::vector<std::string> &trusted_key_pems);
// The chain alone (hashes and links, no signature checks).
ChainReport verify_chain(const EvidenceFile &file);

// Signing (OpenSSL): Ed25519 or ECDSA P-256 with SHA-256, over record_signed_bytes.
// key_id = "sha256:" + hex(sha256(DER SubjectPublicKeyInfo)).
Result<RecordSignature> sign_record(const EvidenceRecord &record, const std::string &private_key_pem,
                                    const std::string &key_source_name);
// Reads and checks a signing key file (regular file, one unencrypted Ed25519 / P-256 private key):
// steps call it before they change anything, so a bad key never leaves a half-done action.
Result<std::string> read_signing_key(const std::string &path, const std::string &source_name);
// Validates a PEM public key (Ed25519 or P-256) and returns its key_id.
Result<std::string> public_key_id(const std::string &public_key_pem, const std::string &key_source_name);
// Every PEM public key in the file, each one validated; no key, a private key or junk is an error.
Result<std::vector<std::string>> read_public_key_pems(const std::string &path);
// The public key of a private key, PEM.
Result<std::string> public_key_of(const std::string &private_key_pem, const std::string &key_source_name);
// Ok, or why not (OpenSSL's reason included).
Result<void> verify_record_signature(const EvidenceRecord &record, const std::string &public_key_pem);

// Combines copies written by parallel jobs: same subject only, each input chain intact, records
// ordered by start time, duplicates dropped, chain rebuilt. A signed record whose prev changes
// is verified (by a trusted key or the signing key) and re-signed with the signing key.
struct MergeKeys {
  std::string signing_key_pem;               // "" = none: only unsigned inputs can be merged
  std::string signing_key_source;            // for messages
  std::vector<std::string> trusted_key_pems; // besides the signing key's own public key
};
Result<EvidenceFile> merge_evidence(const std::vector<EvidenceFile> &inputs, const MergeKeys &keys = {});

struct MergeSummary {
  std::size_t input_records = 0;
  std::size_t merged_records = 0; // input_records minus the duplicates dropped
  std::size_t resigned_records = 0;
};
// Merges the input files into output_path under its lock. An existing output file is merged
// in too (first), so merging into it never loses a record.
Result<MergeSummary> merge_evidence_files(const std::string &output_path, const std::vector<std::string> &input_paths,
                                          const MergeKeys &keys = {});

// The one scope filter for "a record of this step for this question": with env (and stage) given,
// only a record carrying exactly that env (and stage) counts; without them, any record of the step.
bool record_in_scope(const EvidenceRecord &record, std::string_view step, std::string_view env = {},
                     std::optional<int64_t> stage = std::nullopt);

// Newest record of a step in scope (record_in_scope), or nullptr.
const EvidenceRecord *find_latest_record(const EvidenceFile &file, std::string_view step, std::string_view env = {},
                                         std::optional<int64_t> stage = std::nullopt);

} // namespace relgate
