// A protocol whose on_timer still takes the old integer tag: registering it must fail with the
// Protocol concept's message naming on_timer and its signature (tests/CMakeLists.txt checks it).
// expect: needs, in Node and Client, `void on_timer\(Ctx& ctx, const Timer& t\)`
#include <cstdint>
#include <variant>

#include "model/simulation.hpp"

struct WrongTimer {
  struct Ping {};
  using Message = std::variant<Ping>;
  enum class Timer { tick };
  using Ctx = corridor::Context<WrongTimer>;
  struct Node {
    void on_start(Ctx&) {}
    void on_message(Ctx&, corridor::NodeId, const Message&) {}
    void on_timer(Ctx&, std::uint64_t) {}
  };
};

corridor::SimulationSpec<WrongTimer> spec;
