#pragma once
// State-based CRDTs (Shapiro, Preguica, Baquero and Zawirski, "Conflict-free Replicated Data
// Types", SSS 2011) replicated by gossip. Every node is a replica of three CRDTs at once: a
// G-counter (a count per replica, merged by the maximum of each entry), a PN-counter (two
// G-counters, increments and decrements) and an observed-remove set (each add carries a unique
// tag, a dot (origin, seq); a remove tombstones the tags of the element it has seen; merge is the
// union of both). A node's update timer issues updates_per_node updates, each of one type, and
// reads all three after it; a gossip timer sends the whole replica to a random peer, which merges
// it (the join) and reads again. The replica is durable: a crash-restart keeps what it had seen.
//
// Checked by invariants/convergence.hpp (strong eventual consistency at every step; convergence
// once the anti-entropy has quiesced, as quiesced() below declares; that it quiesces) and
// invariants/crdt_reads.hpp (each read against the updates in the reader's causal past), from the
// "replica-update" and "*-read" notes.
#include <compare>
#include <cstdint>
#include <variant>
#include <vector>

#include "invariants/convergence.hpp"
#include "model/engine.hpp"

namespace corridor::protocols {

struct Crdts {
  enum class Variant {
    correct,
    merge_adds_counters,     // a merge adds the two replicas' counter entries instead of taking the maximum
    or_set_remove_by_value,  // a remove tombstones the element's value, so it deletes adds it never saw
  };

  static constexpr std::uint32_t nodes_max = 16;
  static constexpr std::uint32_t updates_per_node = 24;
  static constexpr std::uint32_t elements = 4;  // the OR-set's elements are 0..elements-1: adds and removes meet
  static constexpr std::uint64_t amount_max = 3;
  static constexpr time_ns update_interval_min_ns = ms(5);
  static constexpr time_ns update_interval_max_ns = ms(40);
  static constexpr time_ns gossip_interval_min_ns = ms(5);
  static constexpr time_ns gossip_interval_max_ns = ms(15);
  // Quiescence takes about 100 ms after the last heal and update (every pair must meet once).
  static constexpr time_ns quiesce_bound_ns = ms(400);
  static constexpr time_ns divergence_ns_max = ms(100);  // the replica-divergence badge's corridor

  // One entry per replica; a replica only ever raises its own.
  struct GCounter {
    std::vector<std::uint64_t> counts;
    friend bool operator==(const GCounter&, const GCounter&) = default;
  };
  struct PnCounter {
    GCounter up;
    GCounter down;
    friend bool operator==(const PnCounter&, const PnCounter&) = default;
  };
  // A unique tag: the origin replica and the number of its update that made it.
  struct Dot {
    std::uint32_t origin = 0;
    std::uint32_t seq = 0;
    friend auto operator<=>(const Dot&, const Dot&) = default;
  };
  struct TaggedAdd {
    std::uint32_t element = 0;
    Dot dot;
    friend auto operator<=>(const TaggedAdd&, const TaggedAdd&) = default;
  };
  // Sorted, without duplicates, so that equal sets are equal vectors.
  struct OrSet {
    std::vector<TaggedAdd> adds;
    std::vector<Dot> removed;                     // tombstoned tags
    std::vector<std::uint32_t> removed_values;    // or-set-remove-by-value only: tombstoned elements
    friend bool operator==(const OrSet&, const OrSet&) = default;
  };
  // What must converge: the three CRDTs of a replica.
  struct State {
    GCounter g;
    PnCounter pn;
    OrSet set;
    friend bool operator==(const State&, const State&) = default;
  };
  struct Durable {
    State state;
    std::vector<std::uint32_t> seen;  // per origin, how many of its updates this replica holds
    bool updates_done = false;        // this replica issues no more updates
  };

  struct Gossip {
    State state;
    std::vector<std::uint32_t> seen;
  };
  using Message = std::variant<Gossip>;
  enum class Timer { update, gossip };
  using Ctx = Context<Crdts>;

  struct Node {
    // Per peer, the `seen` of the last gossip merged from it (volatile: quiesced() reads it).
    std::vector<std::vector<std::uint32_t>> heard;

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };

  // The join of two replicas' states (the variant's merge), and the reads.
  static State merge(const State& a, const State& b, Variant variant);
  static std::uint64_t value(const GCounter& g);
  static std::int64_t value(const PnCounter& pn);
  static bool contains(const OrSet& set, std::uint32_t element);
  // The anti-entropy has quiesced (that no fault is left to heal is the checker's part; this is
  // the protocol's): every live replica has issued all its updates and has merged, from every
  // other live replica, a gossip carrying that replica's `seen` as it is now.
  static bool quiesced(const Engine<Crdts>& world);
  // What invariants/convergence.hpp reads of the replicas (the durable state, its `seen`).
  static invariants::ReplicaStates<Engine<Crdts>, State> replicas();
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry crdts_entry();
}  // namespace corridor::protocols
