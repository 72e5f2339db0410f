// A one-replica register registered as "recheck-reg" whose set-up installs no history checker,
// and whose replica answers every read with the value it started with: the client writes 1 and
// reads 0, which no order explains. The child says "pass"; the grader's own re-check of the
// history (the suite's history_model) finds it.
#include <memory>
#include <variant>

#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace reg {

using namespace corridor;

constexpr std::int64_t stale = 0;  // what the replica answers reads with until written

struct Write { std::int64_t value = 0; };
struct Read {};
struct Done { std::int64_t value = 0; };

struct P {
  using Message = std::variant<Write, Read, Done>;
  using Ctx = Context<P>;
  struct Node {
    std::int64_t x = stale;
    void on_start(Ctx&) {}
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      if (const auto* w = std::get_if<Write>(&m)) x = w->value;
      ctx.send(from, Done{answer()});
    }
    std::int64_t answer() const { return stale; }  // the bug: the write is never seen
  };
  struct Client {
    bool wrote = false;
    void on_start(Ctx& ctx) {
      ctx.record(OpType::invoke, "write", "x", std::int64_t{1});
      ctx.send(0, Write{1});
    }
    void on_message(Ctx& ctx, NodeId, const Message& m) {
      const std::int64_t value = std::get<Done>(m).value;
      if (!wrote) {
        wrote = true;
        ctx.record(OpType::ok, "write", "x", std::int64_t{1});
        ctx.record(OpType::invoke, "read", "x");
        ctx.send(0, Read{});
        return;
      }
      ctx.record(OpType::ok, "read", "x", value);
    }
  };
};

ProtocolEntry entry() {
  return register_protocol<P>(
      {.name = "recheck-reg",
       .description = "A register with no checker of its own.",
       .variants = {correct_variant(OnlyVariant::correct, "As written.")},
       .default_nodes = 1,
       .min_nodes = 1,
       .max_nodes = 1},
      {
          .layout = [](const SimConfig& c) { return Engine<P>::Layout{c.nodes, 1}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install = {},
      });
}

const ProtocolRegistrar registered{entry};

}  // namespace reg
