#include "protocols/vc_kv/vc_kv.hpp"

#include <algorithm>

#include "protocols/vc_kv/versioned_kv_entry.hpp"

namespace corridor::protocols {

namespace {

using Version = PerReplicaClocks::Version;
using invariants::ClockOrder;
using invariants::compare_clocks;

bool lww_later(const Version& a, const Version& b) {
  return a.written_ns != b.written_ns ? a.written_ns > b.written_ns : a.value > b.value;
}

}  // namespace

bool PerReplicaClocks::reconcile(Siblings& siblings, const Version& v, Variant variant) {
  if (variant == Variant::lww_wall_clock) {
    CORRIDOR_ASSERT(siblings.size() <= 1);
    if (!siblings.empty() && !lww_later(v, siblings.front())) return false;
    siblings.assign(1, v);
    return true;
  }
  for (const Version& s : siblings) {
    const ClockOrder order = compare_clocks(v.clock, s.clock);
    if (order == ClockOrder::before || order == ClockOrder::equal) return false;  // already known
  }
  std::erase_if(siblings, [&v](const Version& s) { return compare_clocks(s.clock, v.clock) == ClockOrder::before; });
  siblings.push_back(v);
  return true;
}

PerReplicaClocks::Clock PerReplicaClocks::merged_clock(std::span<const Version> siblings) {
  Clock merged{};
  for (const Version& s : siblings) invariants::merge_clock_into(merged, s.clock);
  return merged;
}

// --- registry entry ---

ProtocolEntry vc_kv_entry() {
  return register_protocol<VcKv>(
      versioned_kv_info(
          "vc-kv",
          "A leaderless Dynamo-style replicated kv whose versions carry vector clocks: concurrent "
          "writes are kept as siblings and resolved by the reader (W = R = a majority, read repair, "
          "anti-entropy gossip).",
          {
              correct_variant(VcKv::Variant::correct,
                              "A put's clock is its context with the coordinator's entry raised; replicas keep "
                              "every version no other dominates."),
              planted_bug(VcKv::Variant::lww_wall_clock,
                          "A replica keeps one version per key, the one with the later coordinator wall clock, "
                          "so a skewed clock (or a concurrent write) loses acknowledged writes.",
                          "no-lost-write"),
              planted_bug(VcKv::Variant::context_ignored,
                          "A put's clock leaves out the client's context, so a write that resolved siblings "
                          "stays a sibling of them, and a coordinator's later write overwrites a concurrent one.",
                          "siblings-concurrent or no-lost-write"),
          },
          // Only lww-wall-clock orders by now(). With one replica every version dominates the one
          // before: never siblings.
          VcKv::nodes_max, /*reads_clocks=*/true),
      versioned_kv_spec<VcKv>(VcKv::clients, invariants::VersionLayout{}));
}

}  // namespace corridor::protocols
