#pragma once
// A heartbeat failure detector with a primary-backup replicated register (asynchronous
// replication): the lab protocol of coherence badges.
//
// Every node sends a heartbeat, stamped with its wall clock, to every other node every
// heartbeat_ns. A node suspects a peer whose heartbeat has not arrived for suspect_after_ns and
// trusts it again at its next heartbeat. A node believes it is the primary when every lower node
// is suspected (node 0 leads while it is trusted). The primary writes the register every
// write_every_ns (its load: the same per backup at any size) and replicates each version to every
// other node without waiting for anyone (asynchronous replication). A replica holds the highest
// version it has applied, durably.
//
// Nothing here is coordinated, so under delay, loss, partitions and skew two nodes may both
// believe they lead and replicas fall behind: that is what the badge monitors it declares show,
// and it is not a bug. The invariants are that a replica's version never goes backwards, and the
// detector's completeness and accuracy after stabilisation, within the bounds below.
#include <cstdint>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct HeartbeatRegister {
  enum class Variant {
    correct,
    apply_any_order,   // a replica applies updates as they arrive
    shared_timeout,    // a heartbeat from any peer re-arms every peer's timeout
    keeps_suspecting,  // a heartbeat from a suspected peer re-arms its timeout but does not trust it
  };

  static constexpr time_ns heartbeat_ns = ms(50);
  static constexpr time_ns suspect_after_ns = ms(150);
  static constexpr time_ns write_every_ns = ms(20);
  // The detector's bounds (invariants/failure_detector.hpp), from its own timing. Completeness:
  // the timeout runs suspect_after_ns on the observer's monotonic clock from the last heartbeat
  // to arrive; a tenth more covers its clock running up to 9% slow (drift of 90,000ppm; the fault
  // models use at most 5,000). Accuracy: after
  // the last fault (or lost message) a live peer's next heartbeat is sent within heartbeat_ns and
  // trusts it on arrival, which leaves suspect_after_ns - heartbeat_ns (100ms) for its delay.
  static constexpr time_ns completeness_bound_ns = suspect_after_ns + suspect_after_ns / 10;
  static constexpr time_ns accuracy_bound_ns = suspect_after_ns;
  static constexpr std::uint32_t nodes_max = NodeSet::capacity;  // suspicion is a NodeSet

  // The corridors it declares (the badge monitors in heartbeat_register.cpp).
  static constexpr time_ns delay_ns_max = ms(15);
  static constexpr time_ns skew_ns_max = ms(10);
  static constexpr time_ns heartbeat_gap_ns_max = 2 * heartbeat_ns;
  static constexpr std::uint64_t version_lag_max = 3;

  struct Heartbeat { time_ns sent_wall_ns = 0; };
  struct Update { std::uint64_t version = 0; std::int64_t value = 0; };
  using Message = std::variant<Heartbeat, Update>;

  struct Durable {
    std::uint64_t version = 0;  // the highest version applied
    std::int64_t value = 0;
    friend bool operator==(const Durable&, const Durable&) = default;
  };

  // Timers: send the next heartbeats; the primary's next write (void once its leadership, the
  // epoch it was set in, has ended); a peer's heartbeat is overdue.
  struct Beat {};
  struct WriteDue { std::uint64_t epoch = 0; };
  struct Suspect { NodeId peer = no_node; };
  using Timer = std::variant<Beat, WriteDue, Suspect>;

  using Ctx = Context<HeartbeatRegister>;

  struct Node {
    NodeSet suspected;
    std::vector<TimerId> suspect_timers;  // per peer
    bool leading = false;
    std::uint64_t epoch = 0;              // bumped when leadership changes; older write timers are void

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
ProtocolEntry heartbeat_register_entry();
}  // namespace corridor::protocols
