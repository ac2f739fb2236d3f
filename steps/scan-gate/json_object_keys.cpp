#include "json_object_keys.hpp"
#include "text_hash.hpp"

#include <cstring>

namespace relgate::scan
{

namespace
{
// Past this many keys an object is indexed; below it a linear scan of fingerprints is cheaper.
constexpr std::size_t linear_search_keys = 32;

template <typename Word> uint64_t load(const char *at)
{
  Word word;
  std::memcpy(&word, at, sizeof word); // one load, not a call
  return word;
}

// All the bytes of a key of 0 to 8 bytes, in overlapping fixed-size loads: for a given size,
// different keys give different words.
uint64_t short_key_word(const char *at, std::size_t size)
{
  if (size >= 4)
    return size == 8 ? load<uint64_t>(at) : load<uint32_t>(at) | load<uint32_t>(at + size - 4) << 32;
  if (size == 0)
    return 0;
  return static_cast<unsigned char>(at[0]) | uint64_t{static_cast<unsigned char>(at[size / 2])} << 8 |
         uint64_t{static_cast<unsigned char>(at[size - 1])} << 16;
}
JsonObjectKeys::Key fingerprint_of(std::string_view key)
{
  const std::size_t size = key.size();
  if (size <= 8)
    return JsonObjectKeys::Key{short_key_word(key.data(), size), 0, size};
  if (size <= 16)
    return JsonObjectKeys::Key{load<uint64_t>(key.data()), load<uint64_t>(key.data() + size - 8), size};
  return JsonObjectKeys::Key{load<uint64_t>(key.data()), text_hash(key), size};
}
} // namespace

std::size_t JsonObjectKeys::KeyHash::operator()(const Key &key) const
{
  // Seeded: a short key's fingerprint is its own bytes, which a report chooses.
  char bytes[sizeof(Key)];
  std::memcpy(bytes, &key, sizeof bytes);
  return static_cast<std::size_t>(text_hash(std::string_view(bytes, sizeof bytes)));
}

void JsonObjectKeys::open_object()
{
  m_objects.push_back(Object{m_keys.size(), nullptr, {}});
}

void JsonObjectKeys::close_object()
{
  if (m_objects.empty())
    return;
  m_keys.resize(m_objects.back().first_key);
  m_objects.pop_back();
}

bool JsonObjectKeys::seen(const Object &object, const Key &candidate) const
{
  if (object.index)
    return object.index->count(candidate) != 0;
  for (std::size_t i = object.first_key; i < m_keys.size(); ++i) {
    if (m_keys[i] == candidate)
      return true;
  }
  return false;
}

JsonObjectKeys::Added JsonObjectKeys::add(std::string_view key)
{
  if (m_objects.empty())
    return Added::ok; // keys only occur inside objects; the parser guarantees it
  Object &object = m_objects.back();
  const std::size_t count = m_keys.size() - object.first_key;
  if (count >= max_object_keys)
    return Added::too_many;
  const Key candidate = fingerprint_of(key);
  const unsigned bit = filter_bit(candidate);
  uint64_t &filter_word = object.filter[bit >> 6];
  const uint64_t mask = uint64_t{1} << (bit & 63);
  if ((filter_word & mask) != 0 && seen(object, candidate))
    return Added::duplicate;
  filter_word |= mask;
  m_keys.push_back(candidate);
  if (object.index) {
    object.index->insert(candidate);
  } else if (count + 1 > linear_search_keys) {
    object.index = std::make_unique<std::unordered_set<Key, KeyHash>>(m_keys.begin() + object.first_key, m_keys.end());
  }
  return Added::ok;
}

} // namespace relgate::scan
