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
//                        measures how often; exact in the dotted layout below): an acknowledged write is never dropped, neither
//                        returned below a version in its place nor left out beside writes
//                        concurrent with it;
//   siblings-concurrent  a read's siblings are pairwise concurrent: no sibling's clock is at or
//                        below another's, and no sibling was written with a context that covers
//                        another sibling (it resolved that one, so it is not concurrent with it).
// The half of "siblings are exactly the concurrent writes" that says none is dropped is
// no-lost-write's for the writes a read is bound to see, the acknowledged ones: an unacknowledged
// write may not have reached the replicas a read asks.
//
// Dotted version vectors (dvv-kv, VersionLayout::dotted): a version is [value, context..., dot
// replica, dot counter] (a put's invoke has no dot yet: counter 0), its causal history is its
// context plus its dot, and "a write that saw it" is exact: a sibling stands for an acknowledged
// write only if the context its writer sent (the sibling's put invoke) contains the write's dot.
// no-lost-write also fails when two acknowledged puts of one key carry one dot (the store cannot
// tell them apart); siblings-concurrent when one sibling's history contains another's dot.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

// How two vector clocks are ordered: a before b when a <= b entrywise and a != b.
enum class ClockOrder { equal, before, after, concurrent };
ClockOrder compare_clocks(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);
// a's entries raised to b's where b's is larger (the least clock that both are at or below).
void merge_clock_into(std::span<std::uint32_t> a, std::span<const std::uint32_t> b);
std::string format_clock(std::span<const std::uint32_t> clock);

// The unique event of the put that made a version: the counter-th put its replica coordinated.
struct Dot {
  std::uint32_t replica = 0;
  std::uint32_t counter = 0;  // 0: no dot (a put's invoke, or a store without dots)
  auto operator<=>(const Dot&) const = default;
};
// Whether a causal context (a vector, one entry per replica) contains `dot`.
bool context_covers(std::span<const std::uint32_t> context, Dot dot);

// How a store's versions are laid out in the history.
struct VersionLayout {
  bool dotted = false;              // [value, context..., dot replica, dot counter] in place of [value, clock...]
  std::uint32_t clock_entries = 0;  // entries of a clock or context; 0: one per replica (the run's nodes)
};

// One version as the history carries it: `clock` is a dotted version's context.
struct HistoryVersion {
  std::int64_t value = 0;
  std::vector<std::uint32_t> clock;
  Dot dot{};
};
// Appends [value, clock...] to a history value under construction.
void append_version(std::vector<std::int64_t>& out, std::int64_t value, std::span<const std::uint32_t> clock);
// Appends [value, context..., dot replica, dot counter].
void append_dotted_version(std::vector<std::int64_t>& out, std::int64_t value, std::span<const std::uint32_t> context,
                           Dot dot);
// The versions of a history value written with append_version, each `replicas` entries long;
// nullopt when it is not such a value.
std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t replicas);
// The same for values laid out as `layout` says, with clocks of `entries` entries.
std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t entries,
                                                          bool dotted);

class SiblingCausalityMonitor : public RunObserver {
 public:
  enum class Check { no_lost_write, siblings_concurrent };
  static constexpr std::size_t writes_max = 1'000'000;     // puts per run this monitor follows
  static constexpr std::size_t siblings_max = 4096;        // siblings of one read

  explicit SiblingCausalityMonitor(Check check, VersionLayout layout = {}) : check_(check), layout_(layout) {}

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
    Dot dot{};                         // once acknowledged, in the dotted layout
    std::optional<std::uint64_t> ack_index;  // its ok's position in the history, once acknowledged
  };

  void on_invoke(const HistoryEvent& h);
  void on_put_ok(const EventView& view, const HistoryVersion& v, std::uint64_t index);
  void check_dotted_write(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings,
                          std::int64_t value, const Write& w);
  bool check_dotted_pair(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings,
                         const HistoryVersion& s, const HistoryVersion& t);
  std::vector<HistoryVersion> versions_of(const HistoryEvent& h) const;
  // The context the writer of sibling `s` sent with its put (what it had read), or s's own.
  std::span<const std::uint32_t> writer_context(const HistoryVersion& s) const;
  void on_read(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  void check_no_lost_write(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  void check_siblings_concurrent(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings);
  std::string describe_read(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings) const;
  void fail(const EventView& view, std::vector<std::uint64_t> operations, std::string message);

  Check check_;
  VersionLayout layout_;
  std::uint32_t replicas_ = 0;
  std::uint32_t entries_ = 0;                 // of every clock or context this run
  std::uint64_t history_seen_ = 0;           // history events so far: the next one's index
  std::map<std::uint32_t, Open> open_;        // by client
  std::map<std::int64_t, Write> writes_;      // by value (unique per put)
  std::map<std::pair<std::string, Dot>, std::int64_t> dots_;  // dotted layout: by key and dot, the acknowledged put's value
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
