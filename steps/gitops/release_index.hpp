// Small indexes relgate keeps beside the ledger so no decision scans history:
// - relgate/<app>/releases.json (per application): the last release id handed out, and the
//   releases marked bad by a rollback (rejected: never promoted again by automation).
// - relgate/<app>/<env>/known-good.json: releases that reached 100% here and were not rolled back,
//   newest last, capped; the default rollback target is read from it in O(1).
#pragma once

#include "env_state.hpp"
#include "result.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::gitops
{

struct RejectedRelease {
  std::string release_id;
  std::string env; // where it was rolled back
  std::string reason;
  std::string time;
};

struct ReleasesIndex {
  std::string last_release_id;                     // "" before the first promotion
  std::map<std::string, RejectedRelease> rejected; // by digest
  // Every release id handed out or accepted for this application -> its digest: an id names one
  // digest for good, whichever environment or evidence file brings it.
  std::map<std::string, std::string> release_digests;
};

// Binds id to digest (and moves last_release_id forward, never back). Refuses an id that already
// belongs to another digest. Returns whether the index changed.
Result<bool> bind_release_id(ReleasesIndex &index, const std::string &release_id, const std::string &digest);

std::string serialize_releases_index(const ReleasesIndex &index);
Result<ReleasesIndex> parse_releases_index(std::string_view text, const std::string &source_name);
// relgate/<app>/releases.json; empty when absent.
Result<ReleasesIndex> load_releases_index(const std::string &repo, const std::string &app);

constexpr std::size_t known_good_capacity = 32;

struct KnownGoodIndex {
  std::vector<ReleaseRef> releases; // newest last
};

std::string serialize_known_good(const KnownGoodIndex &index);
Result<KnownGoodIndex> parse_known_good(std::string_view text, const std::string &source_name);
Result<KnownGoodIndex> load_known_good(const std::string &repo, const std::string &app, const std::string &env);

// Appends (dropping an older entry of the same digest) and trims to the capacity.
void remember_known_good(KnownGoodIndex &index, const ReleaseRef &release);
// Removes a release (rolled back) by digest.
void forget_known_good(KnownGoodIndex &index, std::string_view digest);

} // namespace relgate::gitops
