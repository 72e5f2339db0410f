#pragma once
// Chandy-Lamport snapshots (Chandy and Lamport 1985) of a bank: every node starts with the same
// balance and keeps sending random amounts to random other nodes over FIFO channels. Snapshots
// start at fixed windows of the run from one node, and sometimes from a second node at the same
// moment (initiators of one snapshot merge: whoever records first sends the markers). A node
// records its balance when it initiates or gets the snapshot's first marker, sends a marker on
// every outgoing channel before anything else, and records on each incoming channel what arrives
// between its recording and that channel's marker. Its part of the snapshot is complete when
// every incoming channel's marker arrived; then it reports what it recorded.
#include <array>
#include <cstdint>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct ChandyLamport {
  enum class Variant {
    correct,
    record_after_marker,  // keeps recording a channel after its marker
    no_in_flight,         // records no channel contents at all
  };

  static constexpr std::int64_t initial_balance = 100;
  static constexpr std::int64_t transfer_max = 20;
  static constexpr std::uint32_t transfers_per_node = 40;
  static constexpr time_ns transfer_interval_min_ns = ms(1);
  static constexpr time_ns transfer_interval_max_ns = ms(10);
  static constexpr std::uint32_t snapshots = 3;            // numbered 1..snapshots
  static constexpr time_ns snapshot_window_ns = ms(80);    // snapshot k starts near k * window
  static constexpr time_ns initiator_jitter_ns = ms(3);
  // A node's part of a snapshot completes within this after it recorded its state (or the last
  // fault healed): one marker delay per incoming channel (exponential, mean 10 ms) and a margin.
  static constexpr time_ns snapshot_completion_bound_ns = ms(300);
  static constexpr std::uint32_t nodes_max = NodeSet::capacity;  // marker sets are NodeSets

  struct Transfer { std::int64_t amount = 0; };
  struct Marker { std::uint32_t snapshot = 0; };
  using Message = std::variant<Transfer, Marker>;

  // Timers: this node's next transfer; this node initiates snapshot k.
  struct NextTransfer {};
  struct StartSnapshot { std::uint32_t snapshot = 0; };
  using Timer = std::variant<NextTransfer, StartSnapshot>;

  using Ctx = Context<ChandyLamport>;

  struct Recording {
    bool recorded = false;              // this node's state is recorded
    bool complete = false;              // every incoming channel's marker arrived
    NodeSet markers;                    // the nodes whose marker arrived
    std::vector<std::int64_t> channel;  // per sender: amount recorded in flight
  };

  struct Node {
    std::int64_t balance = 0;
    std::uint32_t transfers = 0;
    std::array<Recording, snapshots + 1> recordings{};  // index 0 unused

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry chandy_lamport_entry();
}  // namespace corridor::protocols
