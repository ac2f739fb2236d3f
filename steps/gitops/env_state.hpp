// The per-environment state file relgate owns (relgate/<app>/<env>/state.json): what the environment
// should run. Argo CD / Flux never read it; the Component and templates are rendered from it.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relgate::gitops
{

constexpr std::string_view state_schema_v1 = "relgate.state/v1";

struct ReleaseRef {
  std::string release_id; // rel-YYYY-MM-DD-NN
  std::string digest;     // sha256:<hex>
  std::string since;      // RFC 3339: when it reached this position (soak time counts from here)
  bool operator==(const ReleaseRef &) const = default;
};

struct EnvState {
  std::string app; // "" in files written before applications existed (the folder names it)
  std::string env;
  std::string image;                // image name as written in manifests
  std::optional<ReleaseRef> stable; // 100% unless a canary runs
  std::optional<ReleaseRef> canary; // the release being rolled out
  int64_t canary_weight = 0;        // percent of traffic on the canary (0 when none)
  int64_t ledger_seq = 0;           // sequence number of the newest ledger entry
  std::string updated_at;
};

std::string serialize_state(const EnvState &state);
Result<EnvState> parse_state(std::string_view text, const std::string &source_name);
// relgate/<app>/<env>/state.json; nullopt when the file does not exist (never promoted to). Its
// .env (and .app, when present) must name the folder it is in.
Result<std::optional<EnvState>> load_state(const std::string &repo, const std::string &app, const std::string &env);

} // namespace relgate::gitops
