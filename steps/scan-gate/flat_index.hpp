// An open-addressing hash index from a 32-bit hash to a 32-bit position in some other table (the
// caller's records or strings), for the sets that hold one entry per finding: 8 bytes per slot and
// no node allocations, where std::unordered_map costs ~40 bytes and a malloc per entry.
#pragma once

#include <cstdint>
#include <vector>

namespace relgate::scan
{

class FlatIndex
{
public:
  static constexpr uint32_t absent = UINT32_MAX;

  // The position of an entry with this hash that `same(position)` accepts, else inserts
  // `new_position` and returns absent. Hash collisions are told apart by `same`.
  template <typename Same> uint32_t find_or_insert(uint32_t hash, uint32_t new_position, const Same &same)
  {
    if ((m_used + 1) * 2 > m_slots.size())
      grow();
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
      const uint64_t slot = m_slots[at];
      if (slot == 0) {
        m_slots[at] = pack(hash, new_position);
        ++m_used;
        return absent;
      }
      if (static_cast<uint32_t>(slot >> 32) == hash) {
        const uint32_t position = static_cast<uint32_t>(slot) - 1;
        if (same(position))
          return position;
      }
    }
  }

  // A hint: start loading the slot a lookup of this hash begins at (an index of a quarter of a
  // million entries is larger than the CPU's cache). Changes nothing.
  void prefetch(uint32_t hash) const
  {
    if (!m_slots.empty())
      __builtin_prefetch(&m_slots[hash & (m_slots.size() - 1)]);
  }

  std::size_t size() const { return m_used; }

private:
  static uint64_t pack(uint32_t hash, uint32_t position) { return uint64_t{hash} << 32 | (uint64_t{position} + 1); }

  // Load factor at most 1/2: linear probing stays short. The stored hash places entries again
  // without touching what they index.
  void grow()
  {
    std::vector<uint64_t> old;
    old.swap(m_slots);
    m_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const std::size_t mask = m_slots.size() - 1;
    for (uint64_t slot : old) {
      if (slot == 0)
        continue;
      std::size_t at = static_cast<uint32_t>(slot >> 32) & mask;
      while (m_slots[at] != 0)
        at = (at + 1) & mask;
      m_slots[at] = slot;
    }
  }

  std::vector<uint64_t> m_slots;
  std::size_t m_used = 0;
};

} // namespace relgate::scan
