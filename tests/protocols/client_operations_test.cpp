// Over every registered protocol of the simulated world (from the registry, not a list written
// here): a protocol with clients counts each client operation with ctx.start_operation(), so that
// `--ops` means the same everywhere, and it declares the bound in which every operation completes
// (ProtocolInfo::operation_bound_ns), so the one progress-bound check serves it. A local protocol
// whose client invokes without counting shows that the check fails where it should.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {

constexpr std::uint64_t seeds_per_protocol = 3;

std::uint32_t client_count(const Simulation& sim) { return sim.actor_count() - sim.node_count(); }

// Invokes per client process in the last run's history.
std::vector<std::uint32_t> invokes_per_client(const Simulation& sim) {
  std::vector<std::uint32_t> invokes(client_count(sim), 0);
  for (const HistoryEvent& h : sim.history()) {
    if (h.type == OpType::invoke && h.process < invokes.size()) ++invokes[h.process];
  }
  return invokes;
}

// What is wrong with how `entry` counts its client operations under `config`, or nothing.
std::optional<std::string> uncounted_operations(const ProtocolEntry& entry, const SimConfig& config) {
  std::unique_ptr<Simulation> sim = entry.make();
  for (std::uint64_t i = 0; i < seeds_per_protocol; ++i) {
    run_once(*sim, config, derive_seed(master_seed, i));
    const std::vector<std::uint32_t> invokes = invokes_per_client(*sim);
    for (std::uint32_t p = 0; p < invokes.size(); ++p) {
      const std::uint32_t started = sim->operations_started()[sim->node_count() + p];
      if (started != invokes[p]) {
        return fmt::format("{}: client {} invoked {} operations but counted {} with start_operation() (seed index {})",
                           entry.info.name, p, invokes[p], started, i);
      }
    }
  }
  return std::nullopt;
}

// Whether every client invoked at most `ops` operations when --ops is `ops`, and some invoked one.
std::optional<std::string> ops_not_honoured(const ProtocolEntry& entry, SimConfig config, std::uint32_t ops) {
  config.operations_max = {ops};
  std::unique_ptr<Simulation> sim = entry.make();
  std::uint32_t invoked = 0;
  for (std::uint64_t i = 0; i < seeds_per_protocol; ++i) {
    run_once(*sim, config, derive_seed(master_seed, i));
    for (std::uint32_t n : invokes_per_client(*sim)) {
      if (n > ops) return fmt::format("{}: a client invoked {} operations under --ops {}", entry.info.name, n, ops);
      invoked += n;
    }
  }
  if (invoked == 0) return fmt::format("{}: no client invoked anything under --ops {}", entry.info.name, ops);
  return std::nullopt;
}

bool has_clients(const ProtocolEntry& entry) {
  std::unique_ptr<Simulation> sim = entry.make();
  run_once(*sim, entry.default_config(0), derive_seed(master_seed, 0));
  return client_count(*sim) > 0 || !sim->history().empty();
}

// A protocol whose one client invokes three operations and never counts them.
struct Uncounting {
  struct Request {};
  using Message = std::variant<Request>;
  using Ctx = Context<Uncounting>;
  struct Node {
    void on_start(Ctx&) {}
    void on_message(Ctx&, NodeId, const Message&) {}
  };
  struct Client {
    void on_start(Ctx& ctx) {
      for (int i = 0; i < 3; ++i) {
        ctx.record(OpType::invoke, "write");
        ctx.record(OpType::ok, "write");
      }
    }
    void on_message(Ctx&, NodeId, const Message&) {}
  };
};

ProtocolEntry uncounting_entry() {
  using E = Engine<Uncounting>;
  return register_protocol<Uncounting>(
      {.name = "uncounting", .description = "a client that does not count", .variants = {correct_variant(OnlyVariant::correct, "the only one")}},
      {.layout = [](const SimConfig& c) { return E::Layout{c.nodes, 1}; },
       .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
       .install = {},
       .witnesses = {{"started", "the client ran", [](const E&) { return true; }}}});
}

}  // namespace

TEST(ClientOperations, EveryProtocolWithClientsCountsEachOperation) {
  std::uint32_t with_clients = 0;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !has_clients(entry)) continue;
    ++with_clients;
    const auto wrong = uncounted_operations(entry, entry.default_config(0));
    EXPECT_FALSE(wrong) << *wrong;
  }
  EXPECT_GE(with_clients, 3u) << "multi-paxos-kv, co-multi-paxos-kv and leader-lease have clients";
}

TEST(ClientOperations, OpsBoundsEveryProtocolsClientsAlike) {
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !has_clients(entry)) continue;
    for (std::uint32_t ops : {1u, 2u}) {
      const auto wrong = ops_not_honoured(entry, entry.default_config(0), ops);
      EXPECT_FALSE(wrong) << *wrong;
    }
  }
}

TEST(ClientOperations, EveryProtocolWithClientsChecksThatTheyComplete) {
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !has_clients(entry)) continue;
    EXPECT_GT(entry.info.operation_bound_ns, 0) << entry.info.name << " has clients but no operation_bound_ns";
    const auto& names = entry.info.invariants;
    EXPECT_NE(std::find(names.begin(), names.end(), "progress-bound"), names.end()) << entry.info.name;
  }
}

// The check above is not vacuous: a client that invokes without counting is reported.
TEST(ClientOperations, AClientThatDoesNotCountIsReported) {
  const ProtocolEntry entry = uncounting_entry();
  SimConfig config = entry.default_config(0);
  config.nodes = 1;
  const auto wrong = uncounted_operations(entry, config);
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->find("client 0 invoked 3 operations but counted 0"), std::string::npos) << *wrong;
  EXPECT_TRUE(ops_not_honoured(entry, config, 1));
}
