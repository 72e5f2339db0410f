// on_recover is optional, but a declared one with another signature is refused with the concept's
// message (tests/CMakeLists.txt checks it).
// expect: on_recover is optional \(without it a restart calls on_start\)
#include <variant>

#include "model/simulation.hpp"

struct BadRecover {
  struct Ping {};
  using Message = std::variant<Ping>;
  using Ctx = corridor::Context<BadRecover>;
  struct Node {
    void on_start(Ctx&) {}
    void on_message(Ctx&, corridor::NodeId, const Message&) {}
    void on_recover(Ctx&, int attempt) { (void)attempt; }
  };
};

corridor::SimulationSpec<BadRecover> spec;
