#pragma once
// A flat open-addressing map from 64-bit keys to 32-bit values: linear probing, power-of-two
// capacity, at most half full. The key all-ones is reserved as "empty". No allocation per insert
// except when the table doubles.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/hash_mix.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

class FlatTable64 {
 public:
  static constexpr std::uint64_t empty_key = ~std::uint64_t{0};

  // Allocates nothing until the first insert: a model's tables often stay empty.
  FlatTable64() = default;

  // The value for `key`, or nullptr.
  const std::uint32_t* find(std::uint64_t key) const {
    CORRIDOR_ASSERT(key != empty_key);
    if (count_ == 0) return nullptr;
    for (std::size_t i = mix64(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == empty_key) return nullptr;
    }
  }

  void insert(std::uint64_t key, std::uint32_t value) {
    CORRIDOR_ASSERT(key != empty_key);
    if ((count_ + 1) * 2 > slots_.size()) resize(slots_.empty() ? 16 : slots_.size() * 2);
    place(key, value);
    count_++;
  }

  // Room for `count` entries without growing.
  void reserve(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    if (capacity > slots_.size()) resize(capacity);
  }

  std::size_t size() const { return count_; }
  std::size_t bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t key = empty_key;
    std::uint32_t value = 0;
  };

  void place(std::uint64_t key, std::uint32_t value) {
    for (std::size_t i = mix64(key) & mask_;; i = (i + 1) & mask_) {
      CORRIDOR_ASSERT(slots_[i].key != key);
      if (slots_[i].key == empty_key) {
        slots_[i] = Slot{key, value};
        return;
      }
    }
  }

  void resize(std::size_t capacity) {
    CORRIDOR_ASSERT((capacity & (capacity - 1)) == 0);
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& slot : old) {
      if (slot.key != empty_key) place(slot.key, slot.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

}  // namespace corridor::lincheck
