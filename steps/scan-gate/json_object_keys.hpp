// Duplicate key detection for the streaming walkers: `{"Severity":"CRITICAL","Severity":"LOW"}`
// means one thing to a first-wins reader and another to a last-wins one, so a gate refuses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace relgate::scan
{

// No scanner writes an object with more keys than this (Trivy's CVSS map has a handful).
constexpr std::size_t max_object_keys = 100000;

// The keys of every open object, as fixed 24-byte fingerprints back to back, so memory is the
// key count of the objects still open (not of the document) and no key text is copied. Small
// objects are searched linearly; an object that grows past a few dozen keys gets a hash index,
// so a million-key object stays linear time.
class JsonObjectKeys
{
public:
  void open_object();
  void close_object();
  enum class Added { ok, duplicate, too_many };
  // Records a key of the innermost open object: duplicate when that object already has it,
  // too_many past max_object_keys (the index would cost memory the file size does not bound well).
  Added add(std::string_view key);

  // A key's fingerprint: its length and two words that hold all its bytes up to 16 (nearly every
  // report key: the first and last 8, overlapping); past 16 bytes the second word is the key's
  // seeded 64-bit hash instead. Equal keys always match; two different long keys would match
  // only by a 2^-64 hash collision, and then the report is refused (never passed).
  struct Key {
    uint64_t head;
    uint64_t tail;
    uint64_t length;
    bool operator==(const Key &other) const
    {
      return head == other.head && tail == other.tail && length == other.length;
    }
  };

private:
  struct KeyHash {
    std::size_t operator()(const Key &key) const;
  };
  struct Object {
    std::size_t first_key;                                   // index into m_keys
    std::unique_ptr<std::unordered_set<Key, KeyHash>> index; // past linear_search_keys keys
    uint64_t filter[4] = {}; // one bit per key (from its fingerprint): a clear bit means a new key
  };

  // Which of the filter's 256 bits stands for this key.
  static unsigned filter_bit(const Key &key)
  {
    return static_cast<unsigned>(((key.head ^ key.tail ^ key.length) * 0x9e3779b97f4a7c15ULL) >> 56);
  }
  bool seen(const Object &object, const Key &candidate) const;

  std::vector<Key> m_keys;
  std::vector<Object> m_objects;
};

} // namespace relgate::scan
