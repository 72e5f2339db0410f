#pragma once
// An immutable optional value whose copies share one heap block: the snapshot a Promise or a
// CatchUpReply carries. Inline, as std::optional<Snapshot>, it made every alternative of the
// Message variant 152 bytes (two maps and a vector beside it), and a delivery moves its message
// about five times (the engine's slot, the step's local, the inbox envelope, the receive, its
// result), for every Accept and Heartbeat as much as for the rare message with a snapshot. Held
// here, it is one pointer: the Message is 64 bytes. It hashes, prints and compares as the
// std::optional<T> it stands for (reflected()), so traces and digests read exactly as before.
//
// The count is a plain integer, for the reason shared_text.hpp gives: a run's world is used by one
// thread at a time.
#include <cstdint>
#include <optional>
#include <utility>

#include "model/assert.hpp"

namespace corridor::protocols {

template <class T>
class SharedOptional {
 public:
  SharedOptional() = default;
  // Implicit, as std::optional's own constructor from a value: `reply.snapshot = snapshot;`.
  SharedOptional(const T& value) : block_(new Block{1, std::optional<T>(value)}) {}  // NOLINT(google-explicit-constructor)
  SharedOptional(const SharedOptional& other) noexcept : block_(other.block_) {
    if (block_) ++block_->refs;
  }
  SharedOptional(SharedOptional&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedOptional& operator=(const SharedOptional& other) noexcept {
    SharedOptional copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  SharedOptional& operator=(SharedOptional&& other) noexcept {
    SharedOptional taken(std::move(other));
    std::swap(block_, taken.block_);
    return *this;
  }
  ~SharedOptional() { reset(); }

  const std::optional<T>& reflected() const { return block_ ? block_->value : none(); }
  explicit operator bool() const { return block_ != nullptr; }
  const T& operator*() const {
    CORRIDOR_ASSERT_MSG(block_ != nullptr, "a shared optional is read only when it holds a value");
    return *block_->value;
  }
  const T* operator->() const { return &**this; }
  void reset() noexcept {
    if (block_ == nullptr) return;
    CORRIDOR_ASSERT(block_->refs > 0);
    if (--block_->refs == 0) delete block_;
    block_ = nullptr;
  }

 private:
  struct Block {
    std::uint32_t refs;
    std::optional<T> value;  // always holds a value; an optional so that reflected() can show it as one
  };
  static const std::optional<T>& none() {
    static const std::optional<T> empty;
    return empty;
  }

  Block* block_ = nullptr;
};

}  // namespace corridor::protocols
