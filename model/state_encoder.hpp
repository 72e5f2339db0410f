#pragma once
// The canonical byte encoding of one model state, and its 64-bit fingerprint (xxh3-64 of those
// bytes). A model writes everything that distinguishes two states and nothing else: no absolute
// time, no addresses, no order that depends on hashing or allocation. Two states with the same
// bytes are the same state to every explorer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "model/assert.hpp"

namespace corridor {

class StateEncoder {
 public:
  // A bound on one state's encoding: a model that writes more has lost track of its state.
  static constexpr std::size_t bytes_max = std::size_t{64} << 20;

  StateEncoder() : bytes_(256) {}

  // Starts a new state; keeps the buffer so that encoding allocates nothing.
  void clear() { size_ = 0; }

  void u8(std::uint8_t value) { append(&value, 1); }
  void u16(std::uint16_t value) { append(&value, sizeof value); }
  void u32(std::uint32_t value) { append(&value, sizeof value); }
  void u64(std::uint64_t value) { append(&value, sizeof value); }
  void boolean(bool value) { u8(value ? 1 : 0); }
  // Length-prefixed, so that "ab","c" and "a","bc" differ.
  void text(std::string_view value) {
    u64(value.size());
    append(value.data(), value.size());
  }
  // Raw bytes of a trivially copyable value with no padding (padding bytes are indeterminate).
  template <class T>
    requires std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>
  void raw(const T& value) {
    append(&value, sizeof value);
  }
  void bytes(const void* data, std::size_t size) { append(data, size); }

  std::span<const unsigned char> view() const { return {bytes_.data(), size_}; }
  std::size_t size() const { return size_; }
  std::uint64_t fingerprint() const { return XXH3_64bits(bytes_.data(), size_); }

 private:
  // On the hot path of every search: a size check and a memcpy of a known length.
  void append(const void* data, std::size_t size) {
    CORRIDOR_ASSERT(size_ + size <= bytes_max);
    if (size_ + size > bytes_.size()) bytes_.resize(std::max(2 * bytes_.size(), size_ + size));
    if (size > 0) std::memcpy(bytes_.data() + size_, data, size);
    size_ += size;
  }

  std::vector<unsigned char> bytes_;  // the buffer; only the first size_ bytes are this state's
  std::size_t size_ = 0;
};

}  // namespace corridor
