#pragma once
// Cristian's algorithm (F. Cristian, "Probabilistic clock synchronization", Distributed Computing
// 3(3), 1989): node 0 is a time server; every other node asks it for the time once a period,
// measures the round trip on its monotonic clock, and sets its software clock to the server's
// reading plus half the round trip, slewed in (protocols/clock_sync/software_clock.hpp). A round
// trip longer than rtt_ns_max is discarded: the estimate's error is at most half the round trip
// less the smallest one-way delay, so a long one would break the bound. The server's clock is its
// monotonic clock plus its wall clock's offset at its first boot, a reference that does not step.
//
// Checked by invariants/clock_sync.hpp (clock-agreement: a synchronised client within its share of
// the error of the server, two clients within the sum of their shares; clock-monotonic).
// protocols/clock_sync/README.md derives the bound.
#include <cstdint>
#include <variant>

#include "invariants/clock_sync.hpp"
#include "model/engine.hpp"
#include "protocols/clock_sync/software_clock.hpp"

namespace corridor::protocols {

struct Cristian {
  enum class Variant {
    correct,
    no_halving,  // the client takes the server's reading as it is, without half the round trip
  };

  // What the protocol assumes of its world: one-way delays up to delay_ns_assumed and clocks
  // within drift_ppm_assumed. A round trip longer than two assumed delays (on a fast clock) is
  // discarded.
  static constexpr time_ns delay_ns_assumed = ms(10);
  static constexpr std::int64_t drift_ppm_assumed = 1000;
  static constexpr invariants::SyncTiming timing{
      .period_ns = ms(200),
      .fresh_ns = ms(300),  // a period, the round trip and the slew of a steady adjustment, with room
      .rtt_ns_max = 2 * delay_ns_assumed + 2 * delay_ns_assumed * drift_ppm_assumed / 1'000'000,
      .outlier_ns = 0,
  };
  static constexpr NodeId server = 0;

  // A request names itself by the client's monotonic reading when it was sent, which no other
  // request of that client shares, across restarts too (a sequence number restarts with the node,
  // and an answer to a request sent before a crash would then pass for one sent after).
  struct TimeRequest {
    time_ns asked_mono_ns = 0;
  };
  struct TimeReply {
    time_ns asked_mono_ns = 0;
    time_ns server_ns = 0;  // the server's clock when it answered
  };
  using Message = std::variant<TimeRequest, TimeReply>;
  enum class Timer { sync };
  // The server's boot offset survives a restart, so that the reference does not step when the
  // server restarts after its wall clock has (its monotonic clock runs on through a crash).
  struct Durable {
    bool booted = false;
    time_ns boot_offset_ns = 0;
    friend bool operator==(const Durable&, const Durable&) = default;
  };
  using Ctx = Context<Cristian>;

  struct Node {
    SoftwareClock clock;            // a client's clock
    time_ns boot_offset_ns = 0;     // the server's: now() - monotonic() at its first start (Durable)
    std::uint64_t requests = 0;     // a client's requests since it started
    time_ns asked_mono_ns = 0;      // when its latest was sent
    bool awaiting = false;
    std::uint32_t discarded = 0;    // replies discarded for a round trip over rtt_ns_max

    // The clock this node keeps, at wall reading wall_ns and monotonic reading mono_ns.
    time_ns reading(NodeId self, time_ns wall_ns, time_ns mono_ns) const {
      return self == server ? mono_ns + boot_offset_ns : clock.read(wall_ns, mono_ns);
    }

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
ProtocolEntry cristian_entry();
}  // namespace corridor::protocols
