#include "protocols/dvv_kv/dvv_kv.hpp"

#include <algorithm>

#include "protocols/vc_kv/versioned_kv_entry.hpp"

namespace corridor::protocols {

bool DottedVersions::obsoletes(const Version& w, const Version& v) {
  return w.dot == v.dot || invariants::context_covers(w.context, v.dot);
}

// The same rule in every variant: dot-folded differs in the contexts new_version makes, and
// counter-not-durable in the dots.
bool DottedVersions::reconcile(Siblings& siblings, const Version& v, Variant) {
  CORRIDOR_ASSERT(v.dot.counter > 0);
  for (const Version& s : siblings) {
    if (obsoletes(s, v)) return false;  // already known, or seen by a sibling's writer
  }
  std::erase_if(siblings, [&v](const Version& s) { return obsoletes(v, s); });
  siblings.push_back(v);
  return true;
}

void DottedVersions::join_dot(Clock& clock, Dot dot) {
  CORRIDOR_ASSERT(dot.replica < nodes_max);
  clock[dot.replica] = std::max(clock[dot.replica], dot.counter);
}

DottedVersions::Clock DottedVersions::joined_history(std::span<const Version> siblings) {
  Clock joined{};
  for (const Version& s : siblings) {
    invariants::merge_clock_into(joined, s.context);
    join_dot(joined, s.dot);
  }
  return joined;
}

ProtocolEntry dvv_kv_entry_with_clients(std::uint32_t clients) {
  return register_protocol<DvvKv>(
      versioned_kv_info(
          "dvv-kv",
          "vc-kv's leaderless store with dotted version vectors: a version carries the dot of the put "
          "that made it and its writer's context, so siblings are exactly the concurrent writes, "
          "bounded by the writers, with replicas + 1 entries of metadata.",
          {
              correct_variant(DvvKv::Variant::correct,
                              "A put takes a fresh dot from a durable counter and the client's context; a version "
                              "obsoletes exactly those whose dots its history holds."),
              planted_bug(DvvKv::Variant::dot_folded,
                          "The dot is folded into the context, so versions compare as per-replica vector clocks "
                          "and a coordinator's later put supersedes a concurrent write it never saw.",
                          "no-lost-write"),
              planted_bug(DvvKv::Variant::counter_not_durable,
                          "The dot counter is lost at a crash-restart, so the replica hands out dots again and a "
                          "new write is taken for an old one.",
                          "no-lost-write or siblings-concurrent"),
          },
          DvvKv::nodes_max, /*reads_clocks=*/false),  // no replica reads a clock
      versioned_kv_spec<DvvKv>(clients, invariants::VersionLayout{.dotted = true, .clock_entries = 0}));
}

ProtocolEntry dvv_kv_entry() { return dvv_kv_entry_with_clients(DvvKv::clients); }

}  // namespace corridor::protocols
