#pragma once
// The Berkeley algorithm (R. Gusella and S. Zatti, "The accuracy of the clock synchronization
// achieved by TEMPO in Berkeley UNIX 4.3BSD", IEEE TSE 15(7), 1989): node 0, the leader, polls
// every node once a period; it estimates each follower's clock from its reply as Cristian does
// (the reading plus half the round trip, on the leader's monotonic clock), drops the readings
// farther than outlier_ns from the median, averages the rest with its own, and sends each follower
// the adjustment that brings it to the average. Every node slews (software_clock.hpp). A follower
// reports the clock it is slewing toward, and applies an adjustment to the reading it answered,
// carried forward on its monotonic clock, so that a step of its wall clock in between is corrected
// too; the leader measures a round against its own clock as it was at the poll, for the same
// reason. A round whose kept readings are not a majority of the nodes is abandoned.
//
// Checked by invariants/clock_sync.hpp: clock-agreement among the nodes a round steered,
// clock-accuracy against true time, clock-monotonic. protocols/clock_sync/README.md derives the
// bounds.
#include <cstdint>
#include <variant>
#include <vector>

#include "invariants/clock_sync.hpp"
#include "model/engine.hpp"
#include "protocols/clock_sync/software_clock.hpp"

namespace corridor::protocols {

struct Berkeley {
  enum class Variant {
    correct,
    step_backwards,   // every adjustment is stepped in at once, a negative one setting the clock back
    no_outlier_drop,  // the leader averages every reading, so one far-off clock pulls all
  };

  // What the protocol assumes, as Cristian does: one-way delays up to 10 ms, drift up to 1000 ppm;
  // a longer round trip is discarded.
  static constexpr time_ns delay_ns_assumed = ms(10);
  static constexpr std::int64_t drift_ppm_assumed = 1000;
  static constexpr invariants::SyncTiming timing{
      .period_ns = ms(200),
      .fresh_ns = ms(300),
      .rtt_ns_max = 2 * delay_ns_assumed + 2 * delay_ns_assumed * drift_ppm_assumed / 1'000'000,
      .outlier_ns = ms(50),
  };
  static constexpr NodeId leader = 0;
  static constexpr std::uint32_t nodes_max = 16;
  static constexpr time_ns no_offset = INT64_MIN;

  struct Poll {
    std::uint64_t round = 0;
  };
  // A reading names itself by the follower's monotonic reading when it answered, and the leader's
  // adjustment names the reading it answers: a follower that restarted and answered the same poll
  // again (a duplicate) applies no adjustment made for its earlier answer.
  struct Reading {
    std::uint64_t round = 0;
    time_ns clock_ns = 0;  // the follower's clock, as it will read once its adjustment is in
    time_ns answered_mono_ns = 0;
  };
  struct Adjust {
    std::uint64_t round = 0;
    time_ns delta_ns = 0;  // to add to the reading the follower answered with
    time_ns answered_mono_ns = 0;
  };
  using Message = std::variant<Poll, Reading, Adjust>;
  struct PollTick {};
  struct Collect {
    std::uint64_t round = 0;
  };
  using Timer = std::variant<PollTick, Collect>;
  // The leader's round survives a restart: rounds keep increasing, so followers, which ignore a
  // poll no newer than the one they answered, keep answering, and a round number names one round.
  struct Durable {
    std::uint64_t round = 0;
    friend bool operator==(const Durable&, const Durable&) = default;
  };
  using Ctx = Context<Berkeley>;

  struct Node {
    SoftwareClock clock;
    // The leader's round: its clock at the poll (target) and its monotonic reading then.
    std::uint64_t round = 0;
    time_ns epoch_ns = 0;
    time_ns epoch_mono_ns = 0;
    std::vector<time_ns> offsets;  // per node: estimated clock minus the leader's epoch clock (no_offset: none)
    std::vector<time_ns> answered; // per node: the answered_mono_ns of the reading behind its offset
    std::uint32_t outliers_dropped = 0;
    std::uint32_t rounds_abandoned = 0;
    // A follower's answer to the latest poll.
    std::uint64_t answered_round = 0;
    time_ns answered_ns = 0;
    time_ns answered_mono_ns = 0;

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
ProtocolEntry berkeley_entry();
}  // namespace corridor::protocols
