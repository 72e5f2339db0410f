#pragma once
// The set of visited states of an exhaustive search: 64-bit fingerprints in a flat
// open-addressing table (linear probing, power-of-two capacity, at most half full). Insertion is
// lock-free (one compare-and-swap on the slot), so every core inserts at once; growing is not,
// and the search does it while the workers are parked (explorers/exhaustive.hpp).
//
// 8 bytes a slot: only the fingerprint, the one thing read on every probe. What else the search
// keeps per state (its fingerprint again and its parent, by state index) it writes sequentially
// elsewhere, so a new state costs one random cache line, not two. A table may carry a 64-bit
// payload per slot (partial-order reduction keeps a state's sleep set there), moved with the slot.
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "explorers/zeroed_array.hpp"
#include "model/assert.hpp"

namespace corridor {

class FingerprintTable {
 public:
  FingerprintTable(std::size_t capacity, bool with_payload)
      : fingerprints_(capacity), payloads_(with_payload ? capacity : 0), mask_(capacity - 1) {
    CORRIDOR_ASSERT(std::has_single_bit(capacity));
  }

  // 0 marks an empty slot, so the fingerprint 0 is stored as 1 (one more way to collide, in 2^64).
  static std::uint64_t normalize(std::uint64_t fingerprint) { return fingerprint == 0 ? 1 : fingerprint; }

  void prefetch(std::uint64_t fingerprint) const {
    __builtin_prefetch(&fingerprints_[normalize(fingerprint) & mask_], 1);
  }

  struct Insertion {
    bool inserted = false;  // false: the fingerprint was there before
    std::size_t slot = 0;   // where it is now (valid until the table grows)
  };

  // Stores `fingerprint` if it is absent. Lock-free; the caller keeps the table under its load
  // limit (see needs_growth), so a probe sequence always ends at an empty slot.
  Insertion insert(std::uint64_t fingerprint) {
    const std::uint64_t fp = normalize(fingerprint);
    std::size_t pos = fp & mask_;
    for (std::size_t probes = 0; probes <= mask_; ++probes, pos = (pos + 1) & mask_) {
      std::atomic_ref<std::uint64_t> slot(fingerprints_[pos]);
      std::uint64_t seen = slot.load(std::memory_order_relaxed);
      if (seen == 0) {
        if (slot.compare_exchange_strong(seen, fp, std::memory_order_relaxed)) return {true, pos};
        // Another thread took the slot: it may hold this very fingerprint.
      }
      if (seen == fp) return {false, pos};
    }
    CORRIDOR_ASSERT_MSG(false, "fingerprint table full: the search must grow it before");
    return {};
  }

  // The slot of a stored fingerprint, or capacity() when it is absent.
  std::size_t find(std::uint64_t fingerprint) const {
    const std::uint64_t fp = normalize(fingerprint);
    std::size_t pos = fp & mask_;
    for (std::size_t probes = 0; probes <= mask_; ++probes, pos = (pos + 1) & mask_) {
      const std::uint64_t seen = std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(fingerprints_[pos])).load(std::memory_order_relaxed);
      if (seen == fp) return pos;
      if (seen == 0) return capacity();
    }
    return capacity();
  }

  std::uint64_t& payload(std::size_t slot) {
    CORRIDOR_ASSERT(slot < payloads_.size());
    return payloads_[slot];
  }

  std::size_t capacity() const { return mask_ + 1; }
  std::size_t bytes() const { return bytes_for(capacity(), payloads_.size() > 0); }
  static std::size_t bytes_for(std::size_t capacity, bool with_payload) {
    return capacity * (sizeof(std::uint64_t) + (with_payload ? sizeof(std::uint64_t) : 0));
  }
  bool with_payload() const { return payloads_.size() > 0; }

  // Half full at most: linear probing stays at a couple of probes a lookup. The caller counts the
  // stored fingerprints (a shared counter bumped on every insert would bounce between cores).
  bool needs_growth(std::uint64_t stored, std::uint64_t headroom) const { return 2 * (stored + headroom) > capacity(); }

  // Rehashes into `capacity` slots. Only while no other thread touches the table.
  void grow(std::size_t capacity) {
    CORRIDOR_ASSERT(std::has_single_bit(capacity) && capacity > this->capacity());
    FingerprintTable bigger(capacity, with_payload());
    std::size_t moved = 0;
    for (std::size_t pos = 0; pos <= mask_; ++pos) {
      const std::uint64_t fp = fingerprints_[pos];
      if (fp == 0) continue;
      bigger.place(fp, with_payload() ? payloads_[pos] : 0);
      ++moved;
    }
    // Both sides of a rehash: place() found room for each fingerprint, and the bigger table keeps
    // empty slots, so every probe sequence in it ends.
    CORRIDOR_ASSERT(moved < capacity);
    *this = std::move(bigger);
  }

 private:
  void place(std::uint64_t fp, std::uint64_t payload) {
    CORRIDOR_ASSERT(fp != 0);
    std::size_t pos = fp & mask_;
    for (std::size_t probes = 0; fingerprints_[pos] != 0; ++probes, pos = (pos + 1) & mask_) {
      CORRIDOR_ASSERT_MSG(probes < mask_, "a table being grown into has room");
      CORRIDOR_ASSERT_MSG(fingerprints_[pos] != fp, "a fingerprint is stored once");
    }
    fingerprints_[pos] = fp;
    if (with_payload()) payloads_[pos] = payload;
  }

  ZeroedArray<std::uint64_t> fingerprints_;
  ZeroedArray<std::uint64_t> payloads_;
  std::size_t mask_;
};

}  // namespace corridor
