// Duplicate key detection for the streaming walkers: `{"Severity":"CRITICAL","Severity":"LOW"}`
// means one thing to a first-wins reader and another to a last-wins one, so a gate refuses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relgate::scan
{

// No scanner writes an object with more keys than this (Trivy's CVSS map has a handful).
constexpr std::size_t max_object_keys = 100000;

// The keys of every open object, back to back in one buffer, so memory is the key text of the
// objects still open (not of the document). Small objects are searched linearly; an object that
// grows past a few dozen keys gets a hash index, so a million-key object stays linear time.
class JsonObjectKeys
{
public:
  void open_object();
  void close_object();
  enum class Added { ok, duplicate, too_many };
  // Records a key of the innermost open object: duplicate when that object already has it,
  // too_many past max_object_keys (the index would cost memory the file size does not bound well).
  Added add(std::string_view key);

private:
  // A key's first 8 bytes and length tell nearly all keys apart without hashing them; the rest
  // is compared only when those match.
  struct Key {
    uint64_t prefix;
    uint32_t length;
    uint32_t offset; // into m_text
  };
  struct Object {
    std::size_t first_key;                                                    // index into m_keys
    std::size_t text_begin;                                                   // offset into m_text
    std::unique_ptr<std::unordered_multimap<std::size_t, std::size_t>> index; // hash -> key index
    uint64_t filter[4] = {}; // one bit per key (from prefix and length): a clear bit means a new key
  };

  std::string_view text_of(const Key &key) const { return std::string_view(m_text).substr(key.offset, key.length); }
  static uint64_t prefix_of(std::string_view key);
  // Which of the filter's 256 bits stands for this key.
  static unsigned filter_bit(const Key &key)
  {
    return static_cast<unsigned>(((key.prefix ^ key.length) * 0x9e3779b97f4a7c15ULL) >> 56);
  }
  bool seen(const Object &object, const Key &candidate, std::string_view key) const;

  std::string m_text;
  std::vector<Key> m_keys;
  std::vector<Object> m_objects;
};

} // namespace relgate::scan
