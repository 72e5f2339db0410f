#pragma once
// The untyped half of a coroutine node (corridor::co): one Scheduler per node, holding its frame
// arena, its ready queue, its armed timers and the tasks nobody awaits (main and detached ones).
// The engine never sees a coroutine: it hands the node one event (start, delivery, timer) and the
// scheduler resumes the node's ready coroutines until each waits on something the engine can see
// (a message, a timer) or on another coroutine. Nothing here reads the wall clock or an address
// for ordering: waiters are served in the order they began to wait, tasks are named by
// (node, spawn order).
#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/event.hpp"
#include "model/time.hpp"
#include "model/verdict.hpp"

namespace corridor::co {

// The engine timer every coroutine protocol declares: which armed wait it ends.
struct Wake {
  std::uint64_t id = 0;
};

// Frames of one node's coroutines, in size classes of `granule` bytes, reused through free lists:
// once a node's coroutines have run a few events, a new frame (a combinator's alternatives, a
// helper task) takes a freed block instead of calling the allocator. A node's arena lives only as
// long as its Runtime (one run, or until a crash), so an arena that goes hands its blocks to its
// thread's BlockCache, where the next run's arenas find them: a campaign of thousands of short runs
// calls the allocator for frames only while the first runs warm the cache up.
class FrameArena {
 public:
  static constexpr std::size_t granule = 64;
  static constexpr std::size_t classes = 64;  // blocks up to 4 KiB; larger frames use the heap directly

  FrameArena() = default;
  FrameArena(const FrameArena&) = delete;
  FrameArena& operator=(const FrameArena&) = delete;
  ~FrameArena() {
    CORRIDOR_ASSERT_MSG(live_ == 0, "a node's frames are destroyed before its arena");
    // Every block is free now (live_ == 0): each goes to the thread's cache, or to the system
    // when the cache is full.
    std::uint64_t returned = 0;
    for (std::size_t size_class = 0; size_class < classes; ++size_class) {
      for (FreeBlock* block = free_[size_class]; block != nullptr; ++returned) {
        CORRIDOR_ASSERT(returned < fresh_blocks_);
        FreeBlock* next = block->next;
        if (BlockCache* cache = BlockCache::local()) cache->put(size_class, block);
        else ::operator delete(block);
        block = next;
      }
    }
    CORRIDOR_ASSERT_MSG(returned == fresh_blocks_, "an arena gives back every block it took");
  }

  // A frame of `bytes` from `arena`, or from the heap when there is none (a task made outside
  // any node, as in a unit test).
  static void* allocate(FrameArena* arena, std::size_t bytes) {
    const std::size_t total = round_up(bytes + sizeof(Header));
    const std::size_t size_class = total / granule - 1;
    void* block = nullptr;
    if (arena == nullptr || size_class >= classes) {
      block = ::operator new(total);
      arena = nullptr;
    } else {
      block = arena->take(size_class);
    }
    auto* header = static_cast<Header*>(block);
    header->arena = arena;
    header->size_class = static_cast<std::uint32_t>(size_class);
    return static_cast<std::byte*>(block) + sizeof(Header);
  }
  static void release(void* frame) noexcept {
    auto* header = reinterpret_cast<Header*>(static_cast<std::byte*>(frame) - sizeof(Header));
    if (header->arena == nullptr) {
      ::operator delete(header);
      return;
    }
    header->arena->give_back(header);
  }

  // Blocks this arena took from outside itself (its thread's cache or the system allocator):
  // flat once the node is warm.
  std::uint64_t fresh_blocks() const { return fresh_blocks_; }
  std::uint64_t live_frames() const { return live_; }
  // Free blocks this thread's cache holds for the arenas of later runs.
  static std::size_t cached_blocks() {
    const BlockCache* cache = BlockCache::local();
    return cache ? cache->held() : 0;
  }

 private:
  struct alignas(std::max_align_t) Header {
    FrameArena* arena;
    std::uint32_t size_class;
  };
  struct FreeBlock {
    FreeBlock* next;
  };
  static std::size_t round_up(std::size_t bytes) { return (bytes + granule - 1) / granule * granule; }
  static std::size_t class_bytes(std::size_t size_class) { return (size_class + 1) * granule; }

  // Free blocks of the arenas that have gone, per size class, for the arenas of later runs on the
  // same thread (seed runners run one world per thread at a time). Bounded: past blocks_max a
  // returned block goes to the system allocator.
  class BlockCache {
   public:
    static constexpr std::size_t blocks_max = 1u << 14;
    // Null once the thread's cache is destroyed (an arena destroyed later, at the thread's or
    // the program's exit, then uses the system allocator): the flag is trivially destructible, so
    // it can still be read then.
    static BlockCache* local() {
      if (gone()) return nullptr;
      thread_local BlockCache cache;
      return &cache;
    }
    static bool& gone() {
      thread_local bool flag = false;
      return flag;
    }
    BlockCache() = default;
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;
    ~BlockCache() {
      gone() = true;
      for (FreeBlock* head : free_) {
        while (head != nullptr) ::operator delete(std::exchange(head, head->next));
      }
    }
    FreeBlock* get(std::size_t size_class) {
      FreeBlock* block = free_[size_class];
      if (block == nullptr) return nullptr;
      CORRIDOR_ASSERT(held_ > 0);
      free_[size_class] = block->next;
      --held_;
      return block;
    }
    std::size_t held() const { return held_; }
    void put(std::size_t size_class, FreeBlock* block) {
      if (held_ >= blocks_max) {
        ::operator delete(block);
        return;
      }
      block->next = free_[size_class];
      free_[size_class] = block;
      ++held_;
    }

   private:
    std::array<FreeBlock*, classes> free_{};
    std::size_t held_ = 0;
  };

  void* take(std::size_t size_class) {
    ++live_;
    if (FreeBlock* free = free_[size_class]) {
      free_[size_class] = free->next;
      return free;
    }
    CORRIDOR_ASSERT_MSG(fresh_blocks_ < blocks_max, "a node holds more coroutine frames than blocks_max");
    ++fresh_blocks_;
    if (BlockCache* cache = BlockCache::local()) {
      if (FreeBlock* cached = cache->get(size_class)) return cached;
    }
    return ::operator new(class_bytes(size_class));
  }
  void give_back(Header* header) {
    CORRIDOR_ASSERT(live_ > 0 && header->size_class < classes);
    --live_;
    auto* free = reinterpret_cast<FreeBlock*>(header);
    free->next = free_[header->size_class];
    free_[header->size_class] = free;
  }

  static constexpr std::size_t blocks_max = 1u << 20;
  std::array<FreeBlock*, classes> free_{};
  std::uint64_t fresh_blocks_ = 0;
  std::uint64_t live_ = 0;
};

class Scheduler;

namespace detail {
// The scheduler whose node is handling an event on this thread (seed runners run one world per
// thread, so this never crosses threads). Frames and waiters made now belong to it.
inline thread_local Scheduler* current = nullptr;
}  // namespace detail

inline Scheduler* current_scheduler() { return detail::current; }

// Something a coroutine waits on. When it is satisfied it is queued (wake); a waiter destroyed
// while queued (its coroutine was cancelled) leaves the queue, so a cancelled coroutine is never
// resumed.
class Waiter {
 public:
  Waiter();
  Waiter(const Waiter& other) : sched_(other.sched_) { CORRIDOR_ASSERT_MSG(!other.queued_, "a queued waiter is not copied"); }
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter();

  Scheduler& scheduler() const {
    CORRIDOR_ASSERT_MSG(sched_ != nullptr, "corridor::co awaits only inside a coroutine node's handler");
    return *sched_;
  }
  void park(std::coroutine_handle<> handle) { handle_ = handle; }
  void wake();
  bool queued() const { return queued_; }

 private:
  friend class Scheduler;
  Scheduler* sched_ = nullptr;
  std::coroutine_handle<> handle_;
  bool queued_ = false;
};

// A timer wait (after, at): armed with the engine until it fires or its coroutine is cancelled.
class TimerWaiter : public Waiter {
 public:
  TimerWaiter() = default;
  TimerWaiter(const TimerWaiter& other) : Waiter(other) {
    CORRIDOR_ASSERT_MSG(!other.armed_ && other.fired_ == nullptr, "a timer wait is copied only before it waits");
  }
  ~TimerWaiter();
  void arm(time_ns delay_ns);
  // Cancels the wait (and its engine timer) if it is armed.
  void disarm();
  bool armed() const { return armed_; }
  // Called when the engine fires this wait, before its coroutine is queued: a wait that races a
  // timer against something else inside one awaitable (Env::receive_until) withdraws the other
  // side there, so that the coroutine cannot be woken twice.
  void on_fire(void (*fired)(void* context), void* context) {
    fired_ = fired;
    fired_context_ = context;
  }

 private:
  friend class Scheduler;
  void (*fired_)(void*) = nullptr;
  void* fired_context_ = nullptr;
  std::uint64_t wake_id_ = 0;
  std::uint64_t timer_id_ = 0;
  bool armed_ = false;
};

class Scheduler {
 public:
  // A coroutine that resumes more often than this within one engine event is spinning: the run
  // is hung (exit 4) rather than looping forever inside one step.
  static constexpr std::uint64_t resumptions_per_step_max = 100'000;
  static constexpr std::size_t roots_max = 1u << 16;
  static constexpr std::size_t timers_max = 1u << 16;

  explicit Scheduler(NodeId node) : node_(node) {}
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  virtual ~Scheduler() { tear_down(); }

  NodeId node() const { return node_; }
  FrameArena& arena() { return arena_; }
  const FrameArena& arena() const { return arena_; }
  std::uint64_t spawn() { return spawned_++; }
  std::uint64_t spawned() const { return spawned_; }
  bool tearing_down() const { return tearing_down_; }
  // No frame left: nothing would be lost by copying this node's state.
  bool idle() const { return roots_.empty() && arena_.live_frames() == 0; }
  std::size_t roots() const { return roots_.size(); }

  // The node's monotonic clock (drift moves it; it never goes back).
  virtual time_ns monotonic_ns() const = 0;

  // An opaque pointer a layer above may hang on the node (compat/cotamer keeps its per-node host
  // there, so course code finds its node from any coroutine); corridor::co never reads it.
  void* extension() const { return extension_; }
  void set_extension(void* extension) { extension_ = extension; }

  void add_root(std::coroutine_handle<> frame) {
    if (roots_.size() >= roots_max) throw std::length_error(fmt::format("node {} holds more than {} detached tasks", node_, roots_max));
    roots_.push_back(frame);
  }
  void forget_root(std::coroutine_handle<> frame) {
    if (tearing_down_) return;
    for (std::size_t i = 0; i < roots_.size(); ++i) {
      if (roots_[i] == frame) {
        roots_.erase(roots_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
    CORRIDOR_ASSERT_MSG(false, "a finished detached task was one of its node's roots");
  }

  // The first exception that escaped a task: the run fails with it (exit 3).
  void fail(std::uint64_t task, std::exception_ptr error) {
    if (failure_) return;
    std::string what = "a non-standard exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    failure_ = std::make_unique<std::string>(fmt::format("task {}{} of node {} threw: {}", task, task == 0 ? " (main)" : "", node_, what));
  }
  bool failed() const { return failure_ != nullptr; }

  void push_ready(Waiter* waiter) {
    CORRIDOR_ASSERT(!waiter->queued_ && waiter->handle_);
    waiter->queued_ = true;
    ready_.push_back(waiter);
  }
  void unqueue(Waiter* waiter) {
    for (std::size_t i = ready_head_; i < ready_.size(); ++i) {
      if (ready_[i] == waiter) {
        ready_[i] = nullptr;
        waiter->queued_ = false;
        return;
      }
    }
    CORRIDOR_ASSERT_MSG(false, "a queued waiter is in its scheduler's ready queue");
  }

  // Resumes ready coroutines until none is left; then reports what went wrong, if anything, to
  // the engine: an escaped exception (crashed) or a spinning coroutine (hung).
  void drain() {
    std::uint64_t resumptions = 0;
    while (ready_head_ < ready_.size() && !failure_) {
      Waiter* waiter = ready_[ready_head_++];
      if (waiter == nullptr) continue;  // its coroutine was cancelled after it was queued
      if (++resumptions > resumptions_per_step_max) {
        waiter->queued_ = false;
        abandon_ready();
        throw HungError(fmt::format("node {} resumed its coroutines more than {} times in one step (a coroutine spins)",
                                    node_, resumptions_per_step_max));
      }
      waiter->queued_ = false;
      waiter->handle_.resume();
    }
    abandon_ready();
    if (failure_) throw std::runtime_error(*failure_);
  }
  std::uint64_t ready_count() const { return ready_.size() - ready_head_; }

  // The timer the engine fired for `wake`: its waiter resumes (a wait cancelled since cannot
  // fire: its timer was cancelled with it, or dropped by the crash that destroyed it).
  void fire(const Wake& wake) {
    for (std::size_t i = 0; i < armed_.size(); ++i) {
      if (armed_[i]->wake_id_ != wake.id) continue;
      TimerWaiter* waiter = armed_[i];
      armed_.erase(armed_.begin() + static_cast<std::ptrdiff_t>(i));
      waiter->armed_ = false;
      if (waiter->fired_ != nullptr) waiter->fired_(waiter->fired_context_);
      waiter->wake();
      return;
    }
  }
  std::size_t armed_count() const { return armed_.size(); }

 protected:
  // The engine's timers, through the node's context (only while it handles an event).
  virtual std::uint64_t set_engine_timer(const Wake& wake, time_ns delay_ns) = 0;
  virtual void cancel_engine_timer(std::uint64_t timer_id) = 0;
  virtual bool in_handler() const = 0;

  // Destroys every frame: roots first (they own the tasks they await, whose frames go with them).
  void tear_down() {
    tearing_down_ = true;
    abandon_ready();
    while (!roots_.empty()) {
      const std::coroutine_handle<> frame = roots_.back();
      roots_.pop_back();
      frame.destroy();
    }
    armed_.clear();
  }

 private:
  friend class TimerWaiter;
  void arm(TimerWaiter* waiter, time_ns delay_ns) {
    if (armed_.size() >= timers_max) throw std::length_error(fmt::format("node {} has more than {} timer waits", node_, timers_max));
    waiter->wake_id_ = next_wake_++;
    waiter->timer_id_ = set_engine_timer(Wake{waiter->wake_id_}, delay_ns);
    waiter->armed_ = true;
    armed_.push_back(waiter);
  }
  void disarm(TimerWaiter* waiter) {
    waiter->armed_ = false;
    if (tearing_down_) return;  // a crash: the engine dropped the node's timers already
    for (std::size_t i = 0; i < armed_.size(); ++i) {
      if (armed_[i] == waiter) {
        armed_.erase(armed_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (in_handler()) cancel_engine_timer(waiter->timer_id_);
  }

  // Forgets the ready queue (the step ended, failed, or the node is torn down): no waiter in it
  // stays marked as queued.
  void abandon_ready() {
    for (std::size_t i = ready_head_; i < ready_.size(); ++i) {
      if (ready_[i] != nullptr) ready_[i]->queued_ = false;
    }
    ready_.clear();
    ready_head_ = 0;
  }

  FrameArena arena_;  // first member: destroyed last, after every frame
  NodeId node_;
  std::uint64_t spawned_ = 0;
  std::uint64_t next_wake_ = 0;
  bool tearing_down_ = false;
  std::vector<std::coroutine_handle<>> roots_;
  std::vector<Waiter*> ready_;
  std::size_t ready_head_ = 0;
  std::vector<TimerWaiter*> armed_;
  std::unique_ptr<std::string> failure_;
  void* extension_ = nullptr;
};

inline Waiter::Waiter() : sched_(current_scheduler()) {}
inline Waiter::~Waiter() {
  if (queued_) sched_->unqueue(this);
}
inline void Waiter::wake() { scheduler().push_ready(this); }

inline TimerWaiter::~TimerWaiter() {
  if (armed_) scheduler().disarm(this);
}
inline void TimerWaiter::arm(time_ns delay_ns) { scheduler().arm(this, delay_ns); }
inline void TimerWaiter::disarm() {
  if (armed_) scheduler().disarm(this);
}

// Makes `sched` current for the duration of one handler (and restores what was, so nested
// simulations in one thread stay apart).
class CurrentScheduler {
 public:
  explicit CurrentScheduler(Scheduler* sched) : previous_(detail::current) { detail::current = sched; }
  CurrentScheduler(const CurrentScheduler&) = delete;
  CurrentScheduler& operator=(const CurrentScheduler&) = delete;
  ~CurrentScheduler() { detail::current = previous_; }

 private:
  Scheduler* previous_;
};

}  // namespace corridor::co
