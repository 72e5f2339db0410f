#pragma once
// The set of visited states of an exhaustive search: 64-bit fingerprints in a flat
// open-addressing table (linear probing, power-of-two capacity), each with the 32-bit index the
// search gave its state in discovery order. Insertion is lock-free (one compare-and-swap on the
// fingerprint), so every core inserts at once; growing is not, and the search does it while the
// workers are parked (explorers/exhaustive.hpp).
//
// 12 bytes a slot: the fingerprints in one array (the hot one, read on every probe) and the
// indexes (+1, so that 0 means "not written yet") in another, written once per new state and read
// when a path is rebuilt or a sleep set updated.
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>

#include "explorers/zeroed_array.hpp"

namespace corridor {

class FingerprintTable {
 public:
  static constexpr std::size_t bytes_per_slot = sizeof(std::uint64_t) + sizeof(std::uint32_t);
  static constexpr std::uint64_t states_max = std::uint64_t{0xFFFFFFFF};  // indexes are 32-bit

  explicit FingerprintTable(std::size_t capacity)
      : fingerprints_(capacity), indexes_(capacity), mask_(capacity - 1) {
    assert(std::has_single_bit(capacity));
  }

  // 0 marks an empty slot, so the fingerprint 0 is stored as 1 (one more way to collide, in 2^64).
  static std::uint64_t normalize(std::uint64_t fingerprint) { return fingerprint == 0 ? 1 : fingerprint; }

  void prefetch(std::uint64_t fingerprint) const {
    __builtin_prefetch(&fingerprints_[normalize(fingerprint) & mask_]);
  }

  struct Insertion {
    bool inserted = false;
    std::uint32_t index = 0;  // the new state's (`index` as given) or the one stored before
  };

  // Stores `fingerprint` with `index` if it is absent. Lock-free; the caller keeps the table
  // under its load limit (see needs_growth). The caller hands out indexes, so that threads take
  // them in blocks instead of contending for one counter per state.
  template <bool want_existing_index>
  Insertion insert(std::uint64_t fingerprint, std::uint32_t index) {
    assert(index < states_max);
    const std::uint64_t fp = normalize(fingerprint);
    std::size_t pos = fp & mask_;
    for (std::size_t probes = 0; probes <= mask_; ++probes, pos = (pos + 1) & mask_) {
      std::atomic_ref<std::uint64_t> slot(fingerprints_[pos]);
      std::uint64_t seen = slot.load(std::memory_order_relaxed);
      if (seen == 0) {
        if (slot.compare_exchange_strong(seen, fp, std::memory_order_acq_rel)) {
          std::atomic_ref<std::uint32_t>(indexes_[pos]).store(index + 1, std::memory_order_release);
          return {true, index};
        }
        // Another thread took the slot: it may hold this very fingerprint.
      }
      if (seen == fp) {
        if constexpr (want_existing_index) return {false, stored_index(pos)};
        return {false, 0};
      }
    }
    assert(false && "fingerprint table full: the search must grow it before");
    return {};
  }

  // The index of a stored fingerprint. Only once every insert has finished.
  std::optional<std::uint32_t> find(std::uint64_t fingerprint) const {
    const std::uint64_t fp = normalize(fingerprint);
    std::size_t pos = fp & mask_;
    for (std::size_t probes = 0; probes <= mask_; ++probes, pos = (pos + 1) & mask_) {
      if (fingerprints_[pos] == fp) return indexes_[pos] - 1;
      if (fingerprints_[pos] == 0) return std::nullopt;
    }
    return std::nullopt;
  }

  std::size_t capacity() const { return mask_ + 1; }
  std::size_t bytes() const { return bytes_for(capacity()); }
  static std::size_t bytes_for(std::size_t capacity) { return capacity * bytes_per_slot; }

  // Half full at most: linear probing stays at a couple of probes a lookup. The caller counts the
  // stored fingerprints (a shared counter bumped on every insert would bounce between cores).
  bool needs_growth(std::uint64_t stored, std::uint64_t headroom) const { return 2 * (stored + headroom) > capacity(); }

  // Rehashes into `capacity` slots. Only while no other thread touches the table.
  void grow(std::size_t capacity) {
    assert(std::has_single_bit(capacity) && capacity > this->capacity());
    FingerprintTable bigger(capacity);
    for (std::size_t pos = 0; pos <= mask_; ++pos) {
      const std::uint64_t fp = fingerprints_[pos];
      if (fp != 0) bigger.place(fp, indexes_[pos]);  // stored as index + 1 in both
    }
    fingerprints_ = std::move(bigger.fingerprints_);
    indexes_ = std::move(bigger.indexes_);
    mask_ = bigger.mask_;
  }

 private:
  // The winner of a slot writes its index right after its compare-and-swap; wait for it.
  std::uint32_t stored_index(std::size_t pos) {
    std::atomic_ref<std::uint32_t> slot(indexes_[pos]);
    for (std::uint64_t spins = 0;; ++spins) {
      const std::uint32_t stored = slot.load(std::memory_order_acquire);
      if (stored != 0) return stored - 1;
      assert(spins < (std::uint64_t{1} << 40));
      if (spins > 64) std::this_thread::yield();
    }
  }

  void place(std::uint64_t fp, std::uint32_t index) {
    std::size_t pos = fp & mask_;
    while (fingerprints_[pos] != 0) pos = (pos + 1) & mask_;
    fingerprints_[pos] = fp;
    indexes_[pos] = index;
  }

  ZeroedArray<std::uint64_t> fingerprints_;
  ZeroedArray<std::uint32_t> indexes_;
  std::size_t mask_;
};

}  // namespace corridor
