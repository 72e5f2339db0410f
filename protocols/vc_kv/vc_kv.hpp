#pragma once
// vc-kv: the leaderless store of protocols/vc_kv/versioned_kv.hpp whose versions carry vector
// clocks (one entry per replica): the coordinator of a put takes the client's context (the merged
// clock of what the client read), raises its own entry past every clock it has made, and stores
// the result. Replicas keep every version no other version dominates, so concurrent writes survive
// as siblings; a get returns them all, and the client resolves them by writing with their merged
// clock as context.
//
// Checked from the client history by invariants/sibling_causality.hpp (no-lost-write,
// siblings-concurrent): put values are unique per run, so a sibling names the write it came from.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "invariants/sibling_causality.hpp"
#include "protocols/vc_kv/versioned_kv.hpp"

namespace corridor::protocols {

struct PerReplicaClocks {
  enum class Variant {
    correct,
    lww_wall_clock,   // a replica keeps one version per key: the one with the later coordinator wall clock
    context_ignored,  // a put's clock leaves out the client's context: a resolving write stays a sibling
  };

  static constexpr std::uint32_t nodes_max = 8;  // entries of a vector clock
  static constexpr std::uint32_t clients = 3;
  static constexpr std::uint32_t clients_max = clients;

  using Clock = std::array<std::uint32_t, nodes_max>;  // entries past the run's nodes stay 0
  struct Version {
    std::int64_t value = 0;
    Clock clock{};
    time_ns written_ns = 0;  // the coordinator's wall clock at the put (lww-wall-clock orders by it)
  };
  using ClientContext = Clock;
  using Receipt = Clock;  // the version's clock: the client's next context
  using Stored = Version;  // a put sends the other replicas its version
  using Siblings = std::vector<Version>;

  // Sibling reconciliation: `v` joins `siblings` unless a sibling's clock is at or above its own;
  // the siblings it dominates leave. lww-wall-clock keeps one version, the later written. Returns
  // whether `siblings` changed.
  static bool reconcile(Siblings& siblings, const Version& v, Variant variant);
  // The clock of what a reader saw: the entrywise maximum of the siblings' clocks.
  static Clock merged_clock(std::span<const Version> siblings);

  // The put's version: its context with this replica's entry raised past every clock it has made
  // (the counter is durable, so a restart never makes a clock twice). context-ignored starts from
  // nothing instead of the context.
  template <class Ctx, class Put>
  static Version new_version(Ctx& ctx, const Put& p) {
    std::uint32_t& counter = ctx.durable().counter;
    CORRIDOR_ASSERT_MSG(p.context[ctx.self()] <= counter, "only this replica makes its own clock entry");
    const bool ignored = ctx.variant() == Variant::context_ignored;
    Version v{.value = p.value, .clock = ignored ? Clock{} : p.context, .written_ns = ctx.now()};
    v.clock[ctx.self()] = ++counter;
    CORRIDOR_ASSERT(ignored || invariants::compare_clocks(p.context, v.clock) == invariants::ClockOrder::before);
    return v;
  }
  static Receipt receipt(const Version& v, const Siblings&) { return v.clock; }
  static Stored stored(const Siblings&, const Version& v) { return v; }
  static std::span<const Version> stored_versions(const Stored& v) { return {&v, 1}; }
  static ClientContext context_after_put(const ClientContext&, const Receipt& r) { return r; }
  static ClientContext context_after_get(std::span<const Version> siblings) { return merged_clock(siblings); }
  static bool counter_lost_on_restart(Variant) { return false; }
  // A put coordinated twice gets two clocks, the second above the first: one version survives.
  static constexpr bool coordinates_once = false;

  // History: [value, clock...], one entry per replica.
  template <class Ctx>
  static void append_sent(std::vector<std::int64_t>& out, std::int64_t value, const ClientContext& c, const Ctx& ctx) {
    invariants::append_version(out, value, replica_entries(c, ctx.node_count()));
  }
  template <class Ctx>
  static void append_acked(std::vector<std::int64_t>& out, std::int64_t value, const ClientContext&, const Receipt& r,
                           const Ctx& ctx) {
    invariants::append_version(out, value, replica_entries(r, ctx.node_count()));
  }
  template <class Ctx>
  static void append_sibling(std::vector<std::int64_t>& out, const Version& v, const Ctx& ctx) {
    invariants::append_version(out, v.value, replica_entries(v.clock, ctx.node_count()));
  }
  static std::span<const std::uint32_t> replica_entries(const Clock& clock, std::uint32_t nodes) {
    CORRIDOR_ASSERT(nodes <= nodes_max);
    return std::span<const std::uint32_t>(clock).first(nodes);
  }
};

using VcKv = VersionedKv<PerReplicaClocks>;

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry vc_kv_entry();
}  // namespace corridor::protocols
