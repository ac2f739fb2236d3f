// Strings kept for the length of a run, named by 32-bit indices: interned ones (package names,
// versions, severities' ids, targets: a dense report repeats them thousands of times) are stored
// once; unique ones (purls) are appended without an index entry. The bytes live in fixed blocks,
// so views stay valid and growth never copies.
#pragma once

#include "flat_index.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

namespace relgate::scan
{

class StringPool
{
public:
  static constexpr uint32_t empty = 0; // the index of "", always present

  StringPool();
  StringPool(StringPool &&) noexcept = default;
  StringPool &operator=(StringPool &&) noexcept = default;

  // The index of this text, stored on first sight.
  uint32_t intern(std::string_view text);
  // A new index for this text, without looking for an equal one (texts that rarely repeat).
  uint32_t store(std::string_view text);

  std::string_view view(uint32_t index) const { return m_views[index]; }
  std::size_t size() const { return m_views.size(); }

private:
  std::string_view copy_in(std::string_view text);
  uint32_t hash(std::string_view text) const;

  static constexpr std::size_t block_bytes = 256 * 1024;
  std::vector<std::unique_ptr<char[]>> m_blocks; // shared; the last one is being filled
  std::vector<std::unique_ptr<char[]>> m_large;  // one text each
  std::size_t m_block_used = block_bytes;
  std::deque<std::string_view> m_views; // a deque: no doubling slack, no copy on growth
  FlatIndex m_index;
};

} // namespace relgate::scan
