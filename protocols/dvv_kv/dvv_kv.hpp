#pragma once
// dvv-kv: the leaderless store of protocols/vc_kv/versioned_kv.hpp (vc-kv's quorums, read repair
// and anti-entropy) whose versions carry dotted version vectors (Preguica, Baquero et al., "Dotted
// Version Vectors: Logical Clocks for Optimistic Replication", 2010; Riak's DVV). A version has a
// dot (replica r, counter n), the unique event of the put that made it, and a causal context (one
// entry per replica: what its writer had read). Its causal history is the context plus the dot,
// and w obsoletes v iff v's dot is in w's history. A coordinator takes a fresh dot from a durable
// counter, stores the version with the client's context, and drops exactly the siblings that
// context covers: concurrent siblings stay, even those it coordinated itself, where vc-kv's
// per-replica clock would have superseded them. A get returns the siblings; their joined histories
// are the client's next context. Siblings of a key are bounded by its writers plus its puts whose
// outcome the writer never learned, metadata by replicas + 1 entries, whatever the number of
// clients (tests/protocols/dvv_kv_test.cpp measures both).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "invariants/sibling_causality.hpp"
#include "protocols/vc_kv/versioned_kv.hpp"

namespace corridor::protocols {

struct DottedVersions {
  enum class Variant {
    correct,
    dot_folded,           // the dot is folded into the context: versions compare as per-replica vector clocks
    counter_not_durable,  // the dot counter is lost at a crash-restart: a replica reuses its dots
  };

  static constexpr std::uint32_t nodes_max = 8;  // entries of a context
  static constexpr std::uint32_t clients = 3;    // the registered protocol's
  static constexpr std::uint32_t clients_max = 16;  // what a test may run (dvv_kv_test measures 3, 6, 12)

  using Clock = std::array<std::uint32_t, nodes_max>;  // entries past the run's nodes stay 0
  using Dot = invariants::Dot;
  struct Version {
    std::int64_t value = 0;
    Dot dot{};
    Clock context{};
  };
  using ClientContext = Clock;
  // A put's ok: its dot, and the joined history of the coordinator's siblings once it stored the
  // version (they come back with it, as with Riak's return_body): the client's next context. Not
  // the sent context plus the dot: as a vector that claims the coordinator's earlier dots in
  // between, concurrent siblings the client never saw, and its next put would obsolete them.
  struct Receipt {
    Dot dot{};
    Clock seen{};
  };
  // A put sends the other replicas the coordinator's siblings with the new version, so that a
  // replica holding dot (r, n) also holds, or holds what obsoletes, every earlier dot of r for the
  // key: a reader's joined vector then claims only versions it was returned or their ancestors.
  using Stored = std::vector<Version>;
  using Siblings = std::vector<Version>;

  // Whether v's dot is in w's causal history (w's context, or w's own dot): w obsoletes v.
  static bool obsoletes(const Version& w, const Version& v);
  // `v` joins `siblings` unless one's history holds its dot; the siblings whose dots v's history
  // holds leave. Returns whether `siblings` changed.
  static bool reconcile(Siblings& siblings, const Version& v, Variant variant);
  // The causal histories of the siblings joined into one vector: the context of a reader.
  static Clock joined_history(std::span<const Version> siblings);
  static void join_dot(Clock& clock, Dot dot);

  template <class Ctx, class Put>
  static Version new_version(Ctx& ctx, const Put& p) {
    std::uint32_t& counter = ctx.durable().counter;
    CORRIDOR_ASSERT_MSG(ctx.variant() == Variant::counter_not_durable || p.context[ctx.self()] <= counter,
                        "only this replica makes dots of its own");
    Version v{.value = p.value, .dot = Dot{ctx.self(), ++counter}, .context = p.context};
    if (ctx.variant() == Variant::dot_folded) join_dot(v.context, v.dot);
    CORRIDOR_ASSERT(ctx.variant() != Variant::correct || !invariants::context_covers(v.context, v.dot));
    return v;
  }
  static Receipt receipt(const Version& v, const Siblings& here) { return {v.dot, joined_history(here)}; }
  static Stored stored(const Siblings& here, const Version&) { return here; }
  static std::span<const Version> stored_versions(const Stored& s) { return s; }
  static ClientContext context_after_put(const ClientContext&, const Receipt& r) { return r.seen; }
  static ClientContext context_after_get(std::span<const Version> siblings) { return joined_history(siblings); }
  static bool counter_lost_on_restart(Variant variant) { return variant == Variant::counter_not_durable; }
  // A put coordinated twice would get two dots, two concurrent siblings of one write.
  static constexpr bool coordinates_once = true;

  // History: [value, context..., dot replica, dot counter], one context entry per replica.
  template <class Ctx>
  static void append_sent(std::vector<std::int64_t>& out, std::int64_t value, const ClientContext& c, const Ctx& ctx) {
    invariants::append_dotted_version(out, value, entries(c, ctx.node_count()), Dot{});
  }
  template <class Ctx>
  static void append_acked(std::vector<std::int64_t>& out, std::int64_t value, const ClientContext& sent, const Receipt& r,
                           const Ctx& ctx) {
    invariants::append_dotted_version(out, value, entries(sent, ctx.node_count()), r.dot);
  }
  template <class Ctx>
  static void append_sibling(std::vector<std::int64_t>& out, const Version& v, const Ctx& ctx) {
    invariants::append_dotted_version(out, v.value, entries(v.context, ctx.node_count()), v.dot);
  }
  static std::span<const std::uint32_t> entries(const Clock& clock, std::uint32_t nodes) {
    CORRIDOR_ASSERT(nodes <= nodes_max);
    return std::span<const std::uint32_t>(clock).first(nodes);
  }
};

using DvvKv = VersionedKv<DottedVersions>;

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry dvv_kv_entry();
// dvv-kv's registration with `clients` clients (1..DottedVersions::clients_max) in place of 3:
// what dvv_kv_test measures siblings over.
ProtocolEntry dvv_kv_entry_with_clients(std::uint32_t clients);
}  // namespace corridor::protocols
