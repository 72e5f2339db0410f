#pragma once
// An immutable string whose copies share one buffer. A lock-sequence command's value is copied
// into every Accept, Decide, durable entry, log entry, cell and reply it reaches; as std::string
// each copy of a value past 15 characters was an allocation and a memcpy, as SharedText it is a
// reference count. It hashes, prints and compares as the std::string it holds (reflected() gives
// its characters as a std::string_view, which model/reflect.hpp hashes, prints and compares
// exactly as a std::string), so traces, digests and the "decide" notes' hashes read exactly as
// they did when the fields were std::string.
//
// One allocation per value: the count and the characters share a block. The count is a plain
// integer, not an atomic: a value lives in one run, and a run's world (its nodes, messages and
// durable state) is used by one thread at a time (seed runners and `explore --stateless` run one
// world per thread; the stateless explorer destroys its workers' worlds on the main thread, after
// joining them, which orders every count change before it). An atomic count cost a locked
// instruction per copy and per release of every command.
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "model/assert.hpp"

namespace corridor::protocols {

class SharedText {
 public:
  // A value longer than this is a defect of the workload (the lock-sequence values stay under a
  // hundred characters).
  static constexpr std::size_t size_max = 1u << 20;

  SharedText() = default;
  // Implicit, as std::string's own constructors are: a field that was a std::string still takes
  // a string literal or a std::string.
  SharedText(std::string_view text) : block_(make(text)) {}                   // NOLINT(google-explicit-constructor)
  SharedText(const std::string& text) : SharedText(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  SharedText(const char* text) : SharedText(std::string_view(text)) {}         // NOLINT(google-explicit-constructor)
  SharedText(const SharedText& other) noexcept : block_(other.block_) {
    if (block_) ++block_->refs;
  }
  SharedText(SharedText&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedText& operator=(const SharedText& other) noexcept {
    SharedText copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  SharedText& operator=(SharedText&& other) noexcept {
    SharedText taken(std::move(other));
    std::swap(block_, taken.block_);
    return *this;
  }
  ~SharedText() { release(); }

  std::string_view reflected() const { return block_ ? std::string_view(block_->text(), block_->size) : std::string_view{}; }
  std::string str() const { return std::string(reflected()); }
  bool empty() const { return block_ == nullptr; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.block_ == b.block_ || a.reflected() == b.reflected(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.reflected() == b; }

 private:
  struct Block {
    std::uint32_t refs;
    std::uint32_t size;
    const char* text() const { return reinterpret_cast<const char*>(this + 1); }
  };
  // Null for the empty string, so that default values (a get's operands, a missing cell) cost
  // nothing to make or copy.
  static Block* make(std::string_view text) {
    if (text.empty()) return nullptr;
    CORRIDOR_ASSERT_MSG(text.size() <= size_max, "a shared value of at most size_max characters");
    void* memory = ::operator new(sizeof(Block) + text.size());
    auto* block = new (memory) Block{1, static_cast<std::uint32_t>(text.size())};
    std::memcpy(static_cast<char*>(memory) + sizeof(Block), text.data(), text.size());
    return block;
  }
  void release() noexcept {
    if (block_ == nullptr) return;
    CORRIDOR_ASSERT(block_->refs > 0);
    if (--block_->refs == 0) ::operator delete(block_);
    block_ = nullptr;
  }

  Block* block_ = nullptr;
};

}  // namespace corridor::protocols
