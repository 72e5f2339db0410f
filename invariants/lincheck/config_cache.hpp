#pragma once
// The memo of the search: configurations (set of linearized operations, model state) already
// explored. Flat open addressing over 24-byte slots; the sets live in one arena of 64-bit words.
// A configuration's hash is the XOR of per-operation random words (Zobrist) mixed with the state,
// so the search updates it in O(1) per step and can ask about "this set minus one operation"
// without building that set.
#include <cstdint>
#include <cstring>
#include <vector>

#include "invariants/lincheck/models/model.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

class ConfigCache {
 public:
  // `expected` configurations fit without growing (the table grows as needed).
  ConfigCache(std::size_t words_per_set, std::size_t expected) : words_(words_per_set) {
    CORRIDOR_ASSERT(words_ > 0);
    std::size_t capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = slots_.size() - 1;
  }

  // Inserts the configuration; false if it was already there.
  bool insert(std::uint64_t hash, std::uint64_t state, const std::uint64_t* set) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = hash & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.set_offset_plus_1 == 0) break;
      if (slot.hash == hash && slot.state == state && equal(slot, set, no_bit)) return false;
    }
    const std::size_t offset = arena_.size();
    arena_.insert(arena_.end(), set, set + words_);
    slots_[i] = Slot{hash, state, offset + 1};
    count_++;
    return true;
  }

  // Whether the configuration (set without `bit`, state) is there; `hash` is already its hash.
  bool contains_without(std::uint64_t hash, std::uint64_t state, const std::uint64_t* set, std::uint32_t bit) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.set_offset_plus_1 == 0) return false;
      if (slot.hash == hash && slot.state == state && equal(slot, set, bit)) return true;
    }
  }

  std::size_t size() const { return count_; }
  std::size_t bytes() const { return slots_.size() * sizeof(Slot) + arena_.capacity() * sizeof(std::uint64_t); }

 private:
  static constexpr std::uint32_t no_bit = ~std::uint32_t{0};
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t state = 0;
    std::size_t set_offset_plus_1 = 0;  // 0: empty
  };

  bool equal(const Slot& slot, const std::uint64_t* set, std::uint32_t without_bit) const {
    const std::uint64_t* stored = arena_.data() + (slot.set_offset_plus_1 - 1);
    if (without_bit == no_bit) return std::memcmp(stored, set, words_ * sizeof(std::uint64_t)) == 0;
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t word = set[w];
      if (w == without_bit / 64) word &= ~(std::uint64_t{1} << (without_bit % 64));
      if (stored[w] != word) return false;
    }
    return true;
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.set_offset_plus_1 == 0) continue;
      std::size_t i = slot.hash & mask_;
      while (slots_[i].set_offset_plus_1 != 0) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
  }

  std::size_t words_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
  std::vector<std::uint64_t> arena_;
};

}  // namespace corridor::lincheck
