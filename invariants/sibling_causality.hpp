#pragma once
// Versioned stores with vector clocks (Dynamo, Riak), checked from the client history. A store
// whose versions carry vector clocks (one entry per replica) keeps concurrent writes as siblings
// and returns them all to a reader, who resolves them by writing with the merged clock of what it
// read (the write's context). The history says what every client wrote and read:
//
//   put invoke  [value, context...]     the value (unique per write) and the context it carries
//   put ok      [value, clock...]       the version the store acknowledged
//   get ok      [value, clock...]*      every sibling returned, one after the other ([] if none)
//
// each clock `replicas` entries long (the run's nodes). Two invariants, each its own monitor:
//   no-lost-write        once a put is acknowledged, every read of its key invoked after that
//                        returns the written value among its siblings, or a sibling whose clock
//                        dominates the write's (taken, as Dynamo does, for a write that saw it;
//                        with one clock entry per replica it may not have: protocols/vc_kv/README.md
//                        measures how often): an acknowledged write is never dropped, neither
//                        returned below a version in its place nor left out beside writes
//                        concurrent with it;
//   siblings-concurrent  a read's siblings are pairwise concurrent: no sibling's clock is at or
//                        below another's, and no sibling was written with a context that covers
//                        another sibling (it resolved that one, so it is not concurrent with it).
// The half of "siblings are exactly the concurrent writes" that says none is dropped is
// no-lost-write's for the writes a read is bound to see, the acknowledged ones: an unacknowledged
// write may not have reached the replicas a read asks.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

// How two vector clocks are ordered: a before b when a <= b entrywise and a != b.
enum class ClockOrder { equal, before, after, concurrent };
ClockOrder compare_clocks(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);
// a's entries raised to b's where b's is larger (the least clock that both are at or below).
void merge_clock_into(std::span<std::uint32_t> a, std::span<const std::uint32_t> b);
std::string format_clock(std::span<const std::uint32_t> clock);

// One version as the history carries it.
struct HistoryVersion {
  std::int64_t value = 0;
  std::vector<std::uint32_t> clock;
};
// Appends [value, clock...] to a history value under construction.
void append_version(std::vector<std::int64_t>& out, std::int64_t value, std::span<const std::uint32_t> clock);
// The versions of a history value written with append_version, each `replicas` entries long;
// nullopt when it is not such a value.
std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t replicas);

class SiblingCausalityMonitor : public RunObserver {
 public:
  enum class Check { no_lost_write, siblings_concurrent };
  static constexpr std::size_t writes_max = 1'000'000;     // puts per run this monitor follows
  static constexpr std::size_t siblings_max = 4096;        // siblings of one read

  explicit SiblingCausalityMonitor(Check check) : check_(check) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override;
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<SiblingCausalityMonitor>(*this); }

 private:
  struct Open {  // a client's operation in progress
    std::string f;
    std::string key;
    std::uint64_t invoke_index = 0;  // its invoke's position in the history
  };
  struct Write {
    std::string key;
    std::uint32_t client = 0;
    std::vector<std::uint32_t> context;
    std::vector<std::uint32_t> clock;  // once acknowledged
    std::optional<std::uint64_t> ack_index;  // its ok's position in the history, once acknowledged
  };

  void on_invoke(const HistoryEvent& h);
  void on_read(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  void check_no_lost_write(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  void check_siblings_concurrent(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  std::string describe_read(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings) const;
  void fail(const EventView& view, std::vector<std::uint64_t> operations, std::string message);

  Check check_;
  std::uint32_t replicas_ = 0;
  std::uint64_t history_seen_ = 0;           // history events so far: the next one's index
  std::map<std::uint32_t, Open> open_;        // by client
  std::map<std::int64_t, Write> writes_;      // by value (unique per put)
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
