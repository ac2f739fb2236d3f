#include "string_pool.hpp"

#include <cstring>
#include <functional>

namespace relgate::scan
{

StringPool::StringPool()
{
  m_views.emplace_back();
}

uint32_t StringPool::hash(std::string_view text) const
{
  const uint64_t full = std::hash<std::string_view>{}(text);
  return static_cast<uint32_t>(full ^ (full >> 32));
}

std::string_view StringPool::copy_in(std::string_view text)
{
  if (text.empty())
    return {};
  // A long text gets a block of its own; short ones share the current block.
  if (text.size() > block_bytes / 4) {
    m_large.emplace_back(new char[text.size()]);
    std::memcpy(m_large.back().get(), text.data(), text.size());
    return std::string_view(m_large.back().get(), text.size());
  }
  if (block_bytes - m_block_used < text.size()) {
    m_blocks.emplace_back(new char[block_bytes]);
    m_block_used = 0;
  }
  char *at = m_blocks.back().get() + m_block_used;
  std::memcpy(at, text.data(), text.size());
  m_block_used += text.size();
  return std::string_view(at, text.size());
}

uint32_t StringPool::intern(std::string_view text)
{
  if (text.empty())
    return empty;
  const uint32_t position = static_cast<uint32_t>(m_views.size());
  const uint32_t found = m_index.find_or_insert(hash(text), position, [&](uint32_t at) { return m_views[at] == text; });
  if (found != FlatIndex::absent)
    return found;
  m_views.push_back(copy_in(text));
  return position;
}

uint32_t StringPool::store(std::string_view text)
{
  if (text.empty())
    return empty;
  m_views.push_back(copy_in(text));
  return static_cast<uint32_t>(m_views.size() - 1);
}

} // namespace relgate::scan
