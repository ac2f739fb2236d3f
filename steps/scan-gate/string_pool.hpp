// Strings kept for the length of a run, named by 32-bit handles: every text (package names,
// versions, ids, targets, purls: a dense report repeats them thousands of times) is stored once.
// The bytes live in fixed blocks, so views stay valid and growth never copies.
#pragma once

#include "flat_index.hpp"
#include "text_hash.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace relgate::scan
{

class StringPool
{
public:
  static constexpr uint32_t empty = 0; // the handle of "", always present

  StringPool();
  StringPool(StringPool &&) noexcept = default;
  StringPool &operator=(StringPool &&) noexcept = default;

  // The handle of this text, stored on first sight.
  uint32_t intern(std::string_view text) { return intern_hashed(text, text_hash(text)); }
  // intern() with the text's text_hash computed already (the finding set hashes its key fields once).
  uint32_t intern_hashed(std::string_view text, uint64_t full_hash);
  // A hint: start loading the index slot intern_hashed(text, full_hash) will look at.
  void prefetch(uint64_t full_hash) const { m_index.prefetch(fold(full_hash)); }
  // intern() for a field that often repeats the previous record's text (the target, a purl's
  // qualifiers): a match with `last` costs one comparison instead of a hash lookup.
  struct Last {
    std::string_view text;
    uint32_t handle = empty;
  };
  uint32_t intern(std::string_view text, Last &last)
  {
    if (text != last.text) {
      last.handle = intern(text);
      last.text = view(last.handle);
    }
    return last.handle;
  }

  std::string_view view(uint32_t handle) const
  {
    const char *record = m_blocks[handle >> block_bits].get() + (handle & (block_bytes - 1));
    uint32_t length = 0;
    std::memcpy(&length, record, sizeof length);
    if (length == large_marker) {
      uint32_t which = 0;
      std::memcpy(&which, record + sizeof length, sizeof which);
      return m_large[which];
    }
    return std::string_view(record + sizeof length, length);
  }
  std::size_t size() const { return m_count; }

private:
  // A handle is where the text's record starts: block number and offset. A record is the length
  // (4 bytes) and the bytes, so checking a hash match reads one place; a text too long for a
  // block has a record pointing into m_large.
  static constexpr unsigned block_bits = 18;
  static constexpr std::size_t block_bytes = std::size_t{1} << block_bits; // 256 KiB, 16,384 blocks max
  static constexpr uint32_t large_marker = UINT32_MAX;

  static std::size_t record_bytes(std::size_t text_size);
  uint32_t next_handle(std::size_t text_size) const; // what append() will return
  uint32_t append(std::string_view text);
  static uint32_t fold(uint64_t full_hash) { return static_cast<uint32_t>(full_hash ^ (full_hash >> 32)); }

  std::vector<std::unique_ptr<char[]>> m_blocks; // the last one is being filled
  std::vector<std::string_view> m_large;         // views of m_large_bytes
  std::vector<std::unique_ptr<char[]>> m_large_bytes;
  std::size_t m_block_used = block_bytes;
  std::size_t m_count = 0;
  FlatIndex m_index;
};

} // namespace relgate::scan
