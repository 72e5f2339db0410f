// A protocol without on_message: registering it must fail with the Protocol concept's message
// naming on_message and its signature (tests/CMakeLists.txt checks it).
// expect: need `void on_message\(Ctx& ctx, NodeId from, const Message& m\)`
#include <variant>

#include "model/simulation.hpp"

struct NoOnMessage {
  struct Ping {};
  using Message = std::variant<Ping>;
  using Ctx = corridor::Context<NoOnMessage>;
  struct Node {
    void on_start(Ctx&) {}
  };
};

corridor::SimulationOf<NoOnMessage>* sim = nullptr;
std::unique_ptr<corridor::Simulation> make() { return std::make_unique<corridor::SimulationOf<NoOnMessage>>(corridor::SimulationSpec<NoOnMessage>{}); }
