#include "json_object_keys.hpp"

#include <functional>

namespace relgate::scan
{

namespace
{
// Past this many keys an object is indexed; below it a linear scan of hashes is cheaper.
constexpr std::size_t linear_search_keys = 32;
} // namespace

void JsonObjectKeys::open_object()
{
  m_objects.push_back(Object{m_keys.size(), m_text.size(), nullptr});
}

void JsonObjectKeys::close_object()
{
  if (m_objects.empty())
    return;
  m_keys.resize(m_objects.back().first_key);
  m_text.resize(m_objects.back().text_begin);
  m_objects.pop_back();
}

bool JsonObjectKeys::seen(const Object &object, std::size_t hash, std::string_view key) const
{
  if (object.index) {
    auto [begin, end] = object.index->equal_range(hash);
    for (auto it = begin; it != end; ++it) {
      if (text_of(m_keys[it->second]) == key)
        return true;
    }
    return false;
  }
  for (std::size_t i = object.first_key; i < m_keys.size(); ++i) {
    if (m_keys[i].hash == hash && text_of(m_keys[i]) == key)
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
  const std::size_t hash = std::hash<std::string_view>{}(key);
  if (seen(object, hash, key))
    return Added::duplicate;
  m_keys.push_back(Key{hash, m_text.size(), key.size()});
  m_text.append(key);
  const std::size_t count = m_keys.size() - object.first_key;
  if (object.index) {
    object.index->emplace(hash, m_keys.size() - 1);
  } else if (count > linear_search_keys) {
    object.index = std::make_unique<std::unordered_multimap<std::size_t, std::size_t>>();
    for (std::size_t i = object.first_key; i < m_keys.size(); ++i)
      object.index->emplace(m_keys[i].hash, i);
  }
  return Added::ok;
}

} // namespace relgate::scan
