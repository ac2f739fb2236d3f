#include "string_pool.hpp"

#include "text_hash.hpp"

#include <stdexcept>

namespace relgate::scan
{

StringPool::StringPool()
{
  append({}); // handle 0: the empty text
}

std::size_t StringPool::record_bytes(std::size_t text_size)
{
  return sizeof(uint32_t) + (text_size > block_bytes / 4 ? sizeof(uint32_t) : text_size);
}

uint32_t StringPool::next_handle(std::size_t text_size) const
{
  if (block_bytes - m_block_used < record_bytes(text_size))
    return static_cast<uint32_t>(m_blocks.size() << block_bits);
  return static_cast<uint32_t>((m_blocks.size() - 1) << block_bits | m_block_used);
}

uint32_t StringPool::append(std::string_view text)
{
  const bool large = text.size() > block_bytes / 4;
  const std::size_t record = record_bytes(text.size());
  if (block_bytes - m_block_used < record) {
    // 16,384 blocks hold 4 GiB, twice the largest report (max_report_bytes), whose text is all
    // a pool can hold: running out means a broken invariant, not a big report.
    if (m_blocks.size() == (std::size_t{1} << (32 - block_bits)))
      throw std::length_error("StringPool: more than 4 GiB of text");
    m_blocks.emplace_back(new char[block_bytes]);
    m_block_used = 0;
  }
  char *at = m_blocks.back().get() + m_block_used;
  const auto handle = static_cast<uint32_t>((m_blocks.size() - 1) << block_bits | m_block_used);
  if (large) {
    m_large_bytes.emplace_back(new char[text.size()]);
    std::memcpy(m_large_bytes.back().get(), text.data(), text.size());
    m_large.emplace_back(m_large_bytes.back().get(), text.size());
    const uint32_t which = static_cast<uint32_t>(m_large.size() - 1);
    std::memcpy(at, &large_marker, sizeof large_marker);
    std::memcpy(at + sizeof large_marker, &which, sizeof which);
  } else {
    const auto length = static_cast<uint32_t>(text.size());
    std::memcpy(at, &length, sizeof length);
    if (!text.empty())
      std::memcpy(at + sizeof length, text.data(), text.size());
  }
  m_block_used += record;
  ++m_count;
  return handle;
}

uint32_t StringPool::intern_hashed(std::string_view text, uint64_t full_hash)
{
  if (text.empty())
    return empty;
  // The index maps a hash to a handle; a fresh text takes the handle append() will give it.
  const uint32_t found = m_index.find_or_insert(fold(full_hash), next_handle(text.size()),
                                                [&](uint32_t handle) { return view(handle) == text; });
  if (found != FlatIndex::absent)
    return found;
  return append(text);
}

} // namespace relgate::scan
