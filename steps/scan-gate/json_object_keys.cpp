#include "json_object_keys.hpp"
#include "text_hash.hpp"

#include <cstring>

namespace relgate::scan
{

namespace
{
// Past this many keys an object is indexed; below it a linear scan of prefixes is cheaper.
constexpr std::size_t linear_search_keys = 32;
} // namespace

void JsonObjectKeys::open_object()
{
  m_objects.push_back(Object{m_keys.size(), m_text.size(), nullptr, {}});
}

void JsonObjectKeys::close_object()
{
  if (m_objects.empty())
    return;
  m_keys.resize(m_objects.back().first_key);
  m_text.resize(m_objects.back().text_begin);
  m_objects.pop_back();
}

uint64_t JsonObjectKeys::prefix_of(std::string_view key)
{
  uint64_t prefix = 0;
  if (key.size() >= sizeof prefix) {
    std::memcpy(&prefix, key.data(), sizeof prefix); // one load, not a call
    return prefix;
  }
  for (std::size_t i = 0; i < key.size(); ++i)
    prefix |= uint64_t{static_cast<unsigned char>(key[i])} << (8 * i);
  return prefix;
}

bool JsonObjectKeys::seen(const Object &object, const Key &candidate, std::string_view key) const
{
  if (object.index) {
    auto [begin, end] = object.index->equal_range(text_hash(key));
    for (auto it = begin; it != end; ++it) {
      if (text_of(m_keys[it->second]) == key)
        return true;
    }
    return false;
  }
  for (std::size_t i = object.first_key; i < m_keys.size(); ++i) {
    const Key &other = m_keys[i];
    if (other.prefix == candidate.prefix && other.length == candidate.length && text_of(other) == key)
      return true;
  }
  return false;
}

JsonObjectKeys::Added JsonObjectKeys::add(std::string_view key)
{
  if (m_objects.empty())
    return Added::ok; // keys only occur inside objects; the parser guarantees it
  Object &object = m_objects.back();
  if (m_keys.size() - object.first_key >= max_object_keys)
    return Added::too_many;
  // Offsets fit 32 bits: the open objects' keys are part of a report, capped at 2 GiB.
  const Key candidate{prefix_of(key), static_cast<uint32_t>(key.size()), static_cast<uint32_t>(m_text.size())};
  const unsigned bit = filter_bit(candidate);
  uint64_t &filter_word = object.filter[bit >> 6];
  const uint64_t mask = uint64_t{1} << (bit & 63);
  if ((filter_word & mask) != 0 && seen(object, candidate, key))
    return Added::duplicate;
  filter_word |= mask;
  m_keys.push_back(candidate);
  m_text.append(key);
  const std::size_t count = m_keys.size() - object.first_key;
  if (object.index) {
    object.index->emplace(text_hash(key), m_keys.size() - 1);
  } else if (count > linear_search_keys) {
    object.index = std::make_unique<std::unordered_multimap<std::size_t, std::size_t>>();
    for (std::size_t i = object.first_key; i < m_keys.size(); ++i)
      object.index->emplace(text_hash(text_of(m_keys[i])), i);
  }
  return Added::ok;
}

} // namespace relgate::scan
