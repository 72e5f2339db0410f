#pragma once
// A large array of zeroed trivially-copyable values straight from the kernel (mmap): pages cost
// memory only once touched, so a table sized for the worst case costs what is used; transparent
// huge pages are requested, because a fingerprint table is read at random and TLB misses would
// otherwise dominate.
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "model/assert.hpp"

namespace corridor {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_destructible_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(std::size_t size) : size_(size) {
    if (size == 0) return;
    void* p = ::mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (bytes() >= (std::size_t{8} << 20)) ::madvise(p, bytes(), MADV_HUGEPAGE);
#endif
    data_ = static_cast<T*>(p);
  }
  ZeroedArray(ZeroedArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ~ZeroedArray() { release(); }

  T& operator[](std::size_t i) {
    CORRIDOR_ASSERT(i < size_);
    return data_[i];
  }
  const T& operator[](std::size_t i) const {
    CORRIDOR_ASSERT(i < size_);
    return data_[i];
  }
  T* data() { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

 private:
  void release() {
    if (data_ != nullptr) ::munmap(data_, bytes());
    data_ = nullptr;
    size_ = 0;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace corridor
