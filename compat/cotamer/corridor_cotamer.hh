#pragma once
// A course program (written against cotamer/cotamer.hh, netsim.hh and random_source.hh) as a
// corridor protocol. In place of the course's try_one_seed and main, one line registers it:
//
//   CORRIDOR_COTAMER_PROGRAM(pb_test, {.name = "pb-kv", .description = "...", .variants = {...},
//                                      .invariant = "lock-sequence", .clients = {"C"}});
//
// and corridor_add_tool(pbkv SOURCES pbkv.cc) makes the program with every corridor subcommand
// (run, replay, shrink, render, explore --stateless ...). The program type P has
//
//   P(random_source&, P::Variant)   or  P(random_source&)   builds the instance, as try_one_seed
//                                      did: servers, client model, ports, channels (no coroutines);
//   cot::task<> start(std::string_view node)                starts one node's coroutines;
//   std::optional<std::string> check()                      the end-state check: the key at fault;
//   void restart(std::string_view node)        (optional)   rebuilds a node's volatile state;
//   enum class Variant { correct, ... }                     its planted bugs.
//
// Corridor builds P once at registration to learn its nodes (the node parts of its ports' and
// channels' addresses, in order of appearance: node 0 is the first), then once per run, when
// the run's first node starts (an exception from the constructor then fails the run). Every
// node runs start(its name) when it starts, and again after a crash-restart, once restart(its
// name) has rebuilt its state and its ports have lost what they held; without restart() a
// restarted node keeps its fields (as if they were on disk). At the end of the run check() is
// the invariant `invariant`: a key it returns fails the run with the course's line,
// `*** FAILURE on seed S at key K`.
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "cotamer/cotamer.hh"
#include "cotamer/host.hh"
#include "model/co/node.hpp"
#include "netsim.hh"
#include "protocols/registry.hpp"
#include "random_source.hh"

namespace corridor::cotamer_compat {

// What a registration says besides the program type.
struct ProgramInfo {
  std::string name;                   // the protocol's name in corridor ("pb-kv")
  std::string description;            // one sentence
  std::vector<VariantInfo> variants;  // correct_variant / planted_bug of P::Variant, in order
  std::string invariant;              // what check() checks, as violations name it
  std::vector<std::string> clients;   // nodes faults leave alone (the client model: its memory is the check's)
  std::string default_faults = "delay=uniform:1ms:20ms";
  std::string default_clock;
  time_ns default_time_limit_ns = seconds(10);
  std::string demo_faults;
  std::string demo_clock;
};

// A node's durable part in the engine: the run's World (set when the run starts) and how often
// the node has started. Traces show the count.
struct Durable {
  World* world = nullptr;
  std::uint64_t starts = 0;
  struct View {
    std::uint64_t starts = 0;
  };
  View reflected() const { return {starts}; }
};

template <class P> class ProgramWorld;

template <class P>
concept has_restart = requires(P& program, std::string_view node) { program.restart(node); };

// The corridor::co bundle of program P: one engine message (Packet), and a node that runs the
// program's coroutines for its name and hands every delivered packet to its port.
template <class P>
struct Bundle {
  using Variant = typename P::Variant;
  using Message = std::variant<Packet>;
  using Durable = cotamer_compat::Durable;

  struct Node {
    std::shared_ptr<ProgramWorld<P>> world;  // keeps the program's objects alive while this node's frames are
    std::string name;
    std::uint64_t starts = 0;

    struct View {
      std::string node;
      std::uint64_t starts = 0;
    };
    View reflected() const { return {name, starts}; }

    co::task<> main(co::Env<Bundle>& env) {
      Durable& durable = env.durable();
      CORRIDOR_ASSERT_MSG(durable.world != nullptr, "a Cotamer program's run has built its World before its nodes start");
      world = static_cast<ProgramWorld<P>*>(durable.world)->shared_from_this();
      name = world->node_names()[env.self()];
      starts = ++durable.starts;
      world->start_node(env, starts > 1);
      for (;;) {
        auto got = co_await env.receive();
        world->dispatch(std::get<Packet>(got.message));
      }
    }
  };
};

template <class P>
using ProgramProtocol = co::Protocol<Bundle<P>>;

// A node's host: its clocks and sends through the corridor::co environment of its current life.
template <class P>
class EnvHost final : public NodeHost {
 public:
  EnvHost(World& world, NodeId node, co::Env<Bundle<P>>& env) : NodeHost(world, node), env_(env) {}
  time_ns wall_ns() const override { return env_.ctx().now(); }
  time_ns monotonic_ns() const override { return env_.ctx().monotonic(); }
  void send(NodeId to, Packet packet) override { env_.send(to, typename Bundle<P>::Message{std::move(packet)}); }

 private:
  co::Env<Bundle<P>>& env_;
};

// One run of program P: its random source, its instance and its nodes' hosts.
template <class P>
class ProgramWorld final : public World, public std::enable_shared_from_this<ProgramWorld<P>> {
 public:
  using Variant = typename P::Variant;

  // The World of a run whose draws go through `chooser`, with the nodes the registration's
  // probe found; the instance is built when the first node starts (so an exception its
  // constructor throws fails the run as protocol code's, exit 3). The probe (no names) builds
  // it at once.
  ProgramWorld(Chooser* chooser, std::uint32_t variant, std::vector<std::string> names) {
    set_chooser(chooser);
    set_variant(variant);
    if (names.empty()) {
      const ActiveWorld active(this);
      build();
    } else {
      seal(std::move(names));
    }
    hosts_.resize(node_names().size());
  }
  ~ProgramWorld() override {
    // The instance's ports unregister from this World as they go: it must still be whole.
    instance_.reset();
  }

  P& instance() { return *instance_; }

  void start_node(co::Env<Bundle<P>>& env, bool restart) {
    const NodeId self = env.self();
    CORRIDOR_ASSERT(self < hosts_.size());
    hosts_[self] = std::make_unique<EnvHost<P>>(*this, self, env);
    co::current_scheduler()->set_extension(hosts_[self].get());
    if (!instance_) build();
    const std::string& name = node_names()[self];
    if (restart) {
      drop_queued(self);
      if constexpr (has_restart<P>) instance_->restart(name);
    }
    cotamer::task<> node_main = instance_->start(name);
    if (node_main) node_main.detach();
  }

  std::optional<std::string> check() {
    if (!instance_) return std::nullopt;  // no node ever started
    const ActiveWorld active(this);
    return instance_->check();
  }

 private:
  void build() {
    const auto variant = static_cast<Variant>(this->variant());
    if constexpr (std::constructible_from<P, random_source&, Variant>) instance_.emplace(randomness_, variant);
    else instance_.emplace(randomness_);
  }

  random_source randomness_;
  std::optional<P> instance_;
  std::vector<std::unique_ptr<EnvHost<P>>> hosts_;
};

// The names of P's nodes: P built once outside any run (draws from random_source's own fixed
// generator then), reading the addresses its ports and channels use.
template <class P>
std::vector<std::string> probe_nodes() {
  const ProgramWorld<P> probe(nullptr, 0, {});
  std::vector<std::string> names = probe.node_names();
  CORRIDOR_ASSERT_MSG(!names.empty(), "a Cotamer program makes at least one netsim port or channel in its constructor");
  return names;
}

// The run's World: built when the run starts (after the engine reset the nodes' durable state),
// and the end-state check when it ends.
template <class P>
class ProgramRun final : public RunObserver {
 public:
  using E = Engine<ProgramProtocol<P>>;
  ProgramRun(E& engine, std::vector<std::string> names, std::string invariant)
      : engine_(engine), names_(std::move(names)), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override {
    CORRIDOR_ASSERT(info.nodes == names_.size());
    world_ = std::make_shared<ProgramWorld<P>>(&engine_.chooser(), engine_.config().variant, names_);
    for (NodeId n = 0; n < info.nodes; ++n) engine_.durable(n).world = world_.get();
  }
  void on_run_end(time_ns) override {
    if (!world_) return;
    if (auto key = world_->check()) {
      violation_ = Violation{.invariant = invariant_,
                             .step = engine_.step_count(),
                             .true_ns = engine_.now_ns(),
                             .message = fmt::format("*** FAILURE on seed {:#018x} at key {}", run_in_flight().seed, *key)};
    }
  }
  void on_event(const EventView&) override {}
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  E& engine_;
  std::vector<std::string> names_;
  std::string invariant_;
  std::shared_ptr<ProgramWorld<P>> world_;
  std::optional<Violation> violation_;
};

template <class P>
ProtocolEntry register_program(ProgramInfo info) {
  using E = Engine<ProgramProtocol<P>>;
  CORRIDOR_ASSERT_MSG(!info.invariant.empty(), "a Cotamer program's registration names what its check() checks");
  const std::vector<std::string> names = probe_nodes<P>();
  const auto count = static_cast<std::uint32_t>(names.size());
  std::vector<NodeId> faultable;
  for (NodeId n = 0; n < count; ++n) {
    bool client = false;
    for (const std::string& c : info.clients) client = client || c == names[n];
    if (!client) faultable.push_back(n);
  }
  ProtocolInfo protocol{.name = info.name,
                        .description = info.description,
                        .variants = std::move(info.variants),
                        .default_nodes = count,
                        .min_nodes = count,
                        .max_nodes = count,
                        .default_faults = std::move(info.default_faults),
                        .default_clock = std::move(info.default_clock),
                        .default_time_limit_ns = info.default_time_limit_ns,
                        .demo_faults = std::move(info.demo_faults),
                        .demo_clock = std::move(info.demo_clock)};
  SimulationSpec<ProgramProtocol<P>> spec{
      .layout = [count](const SimConfig&) { return typename E::Layout{count, 0}; },
      .targets = [faultable, count](const SimConfig&) { return FaultTargets{faultable, count}; },
      .install =
          [names, invariant = info.invariant](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
            observers.push_back(std::make_unique<ProgramRun<P>>(engine, names, invariant));
          },
  };
  return register_protocol<ProgramProtocol<P>>(std::move(protocol), std::move(spec));
}

}  // namespace corridor::cotamer_compat

#define CORRIDOR_COTAMER_CONCAT_(a, b) a##b
#define CORRIDOR_COTAMER_CONCAT(a, b) CORRIDOR_COTAMER_CONCAT_(a, b)
// Registers course program P (see the top of this file) with the corridor program it is linked
// into; one line at namespace scope, in place of try_one_seed and main.
#define CORRIDOR_COTAMER_PROGRAM(P, ...)                                                             \
  static const ::corridor::ProtocolRegistrar CORRIDOR_COTAMER_CONCAT(corridor_cotamer_program_, __LINE__){ \
      +[]() -> ::corridor::ProtocolEntry {                                                           \
        return ::corridor::cotamer_compat::register_program<P>(::corridor::cotamer_compat::ProgramInfo __VA_ARGS__); \
      }}
