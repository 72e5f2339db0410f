#pragma once
// What the Cotamer compatibility headers (cotamer/cotamer.hh, netsim.hh, random_source.hh) stand
// on: one World per corridor run, holding the course program's node names, its ports, the
// payloads of messages in flight and the run's chooser; and one NodeHost per node, hung on the
// node's corridor::co scheduler, through which a coroutine of course code finds the node it runs
// on, that node's clocks and its engine send. Course code never names anything here.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/chooser.hpp"
#include "model/co/scheduler.hpp"
#include "model/event.hpp"
#include "model/time.hpp"

namespace corridor::cotamer_compat {

// The one engine message of a Cotamer program: which port it is for, who sent it (the sending
// channel's source id), and the payload by number (payloads are course types, which corridor
// does not reflect; the World keeps them). `text` is the payload as the verbose lines print it,
// so traces and pictures show what was sent.
struct Packet {
  std::uint64_t payload = 0;
  std::string to;
  std::string from;
  std::string text;
};

// A port as the World sees it: an address on a node, and the two things the World does to it.
class PortBase {
 public:
  PortBase(std::string address, NodeId node) : address_(std::move(address)), node_(node) {}
  PortBase(const PortBase&) = delete;
  PortBase& operator=(const PortBase&) = delete;
  virtual ~PortBase() = default;

  const std::string& address() const { return address_; }
  NodeId node() const { return node_; }
  // A packet the engine delivered to this port's node.
  virtual void deliver(const Packet& packet) = 0;
  // The node crashed: what was queued in its memory is gone.
  virtual void drop_queued() = 0;

 private:
  std::string address_;
  NodeId node_;
};

// The node part of an address: up to its first '/' ("R0/r" is on node "R0").
inline std::string_view node_part(std::string_view address) {
  const auto slash = address.find('/');
  return slash == std::string_view::npos ? address : address.substr(0, slash);
}

class World;

// One node of the run, as coroutines of course code reach it.
class NodeHost {
 public:
  NodeHost(World& world, NodeId node) : world_(world), node_(node) {}
  NodeHost(const NodeHost&) = delete;
  NodeHost& operator=(const NodeHost&) = delete;
  virtual ~NodeHost() = default;

  World& world() const { return world_; }
  NodeId node() const { return node_; }
  virtual time_ns wall_ns() const = 0;       // the node's wall clock (offset, drift, jumps)
  virtual time_ns monotonic_ns() const = 0;  // the node's monotonic clock (drift; never back)
  virtual void send(NodeId to, Packet packet) = 0;

 private:
  World& world_;
  NodeId node_;
};

namespace detail {
// The World whose program instance is being built or checked on this thread, outside any node
// handler (a seed runner runs one world per thread).
inline thread_local World* active_world = nullptr;
}  // namespace detail

// The host of the node whose handler runs now, or nullptr outside node handlers.
inline NodeHost* current_host() {
  co::Scheduler* sched = co::current_scheduler();
  return sched ? static_cast<NodeHost*>(sched->extension()) : nullptr;
}
inline NodeHost& require_host(const char* what) {
  NodeHost* host = current_host();
  CORRIDOR_ASSERT_MSG(host != nullptr, what);
  return *host;
}

class World {
 public:
  static constexpr std::size_t nodes_max = 256;
  static constexpr std::size_t ports_max = 4096;
  static constexpr std::size_t payloads_max = std::size_t{1} << 22;

  World() = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  virtual ~World() = default;

  // ---- nodes, named by the node part of the addresses the program uses -----------------------

  // The node `address` is on. While the program's instance is first built (the probe) new names
  // join the list in order of appearance; in a run the list is fixed, so a name the probe did
  // not see is a defect of the program (its set-up depends on something the probe did not do).
  NodeId node_of(std::string_view address) {
    const std::string name(node_part(address));
    CORRIDOR_ASSERT_MSG(!name.empty(), "a netsim address has a node name before its first '/'");
    for (NodeId n = 0; n < names_.size(); ++n) {
      if (names_[n] == name) return n;
    }
    if (sealed_) throw std::invalid_argument(fmt::format("address '{}' names node '{}', which the program's set-up did not make", address, name));
    CORRIDOR_ASSERT_MSG(names_.size() < nodes_max, "a Cotamer program has at most nodes_max nodes");
    names_.push_back(name);
    return static_cast<NodeId>(names_.size() - 1);
  }
  const std::vector<std::string>& node_names() const { return names_; }
  void seal(std::vector<std::string> names) {
    names_ = std::move(names);
    sealed_ = true;
  }

  // ---- ports ---------------------------------------------------------------------------------

  void add_port(PortBase* port) {
    CORRIDOR_ASSERT_MSG(ports_.size() < ports_max, "a Cotamer program has at most ports_max ports");
    const auto [it, fresh] = ports_.emplace(port->address(), port);
    if (fresh) return;
    // In a run, a node's code may rebuild a server whose ports the old one still holds for a
    // moment: the newest port is the live one. While the program is first built, two ports with
    // one address are a mistake in its set-up.
    if (!sealed_) throw std::invalid_argument(fmt::format("two netsim ports have the address '{}'", port->address()));
    it->second = port;
  }
  void remove_port(PortBase* port) {
    const auto it = ports_.find(port->address());
    if (it != ports_.end() && it->second == port) ports_.erase(it);
  }
  PortBase* find_port(std::string_view address) const {
    const auto it = ports_.find(std::string(address));
    return it == ports_.end() ? nullptr : it->second;
  }
  // A packet the engine delivered: to its port (a packet for a port that no longer exists, or
  // never did, is dropped as a network would drop it).
  void dispatch(const Packet& packet) {
    if (PortBase* port = find_port(packet.to)) port->deliver(packet);
  }
  // A node restarts: its ports lose what was queued in the crashed node's memory.
  void drop_queued(NodeId node) {
    for (auto& [address, port] : ports_) {
      if (port->node() == node) port->drop_queued();
    }
  }

  // ---- payloads of messages in flight --------------------------------------------------------

  // Keeps a sent payload and gives its number. Kept until the run ends: the engine may deliver
  // a message twice (duplication), and every delivery copies it.
  template <class T>
  std::uint64_t keep(T value) {
    if (payloads_.size() >= payloads_max) throw std::length_error("a Cotamer run sent more than payloads_max messages");
    payloads_.push_back({std::type_index(typeid(T)), std::make_shared<const T>(std::move(value))});
    return payloads_.size();  // numbers start at 1
  }
  template <class T>
  const T& payload(std::uint64_t number) const {
    CORRIDOR_ASSERT_MSG(number >= 1 && number <= payloads_.size(), "a delivered packet names a kept payload");
    const Kept& kept = payloads_[number - 1];
    CORRIDOR_ASSERT_MSG(kept.type == std::type_index(typeid(T)), "a port receives the message type its channels send");
    return *static_cast<const T*>(kept.value.get());
  }

  // ---- randomness and the variant ------------------------------------------------------------

  // The run's chooser (nullptr while the program is probed outside any run).
  Chooser* chooser() const { return chooser_; }
  void set_chooser(Chooser* chooser) { chooser_ = chooser; }
  std::uint32_t variant() const { return variant_; }
  void set_variant(std::uint32_t variant) { variant_ = variant; }

 private:
  struct Kept {
    std::type_index type;
    std::shared_ptr<const void> value;
  };
  std::vector<std::string> names_;
  bool sealed_ = false;
  std::map<std::string, PortBase*> ports_;  // ordered by address: iteration never depends on pointers
  std::vector<Kept> payloads_;
  Chooser* chooser_ = nullptr;
  std::uint32_t variant_ = 0;
};

// The World of the code running now: the node's (in a handler), else the one being built or
// checked on this thread; nullptr when there is none.
inline World* current_world() {
  if (NodeHost* host = current_host()) return &host->world();
  return detail::active_world;
}
inline World& require_world(const char* what) {
  World* world = current_world();
  CORRIDOR_ASSERT_MSG(world != nullptr, what);
  return *world;
}

// Makes `world` the active one for a scope (building the instance, its end check).
class ActiveWorld {
 public:
  explicit ActiveWorld(World* world) : previous_(detail::active_world) { detail::active_world = world; }
  ActiveWorld(const ActiveWorld&) = delete;
  ActiveWorld& operator=(const ActiveWorld&) = delete;
  ~ActiveWorld() { detail::active_world = previous_; }

 private:
  World* previous_;
};

// ---- the course's verbose output -------------------------------------------------------------

// COTAMER_VERBOSE=1 turns every port's and channel's verbose lines on, whatever the program set:
// the way to see them under `replay` of one trace. Read once; it changes no behaviour, only output.
inline bool verbose_forced() {
  static const bool forced = [] {
    const char* v = std::getenv("COTAMER_VERBOSE");
    return v != nullptr && v[0] != '\0' && v[0] != '0';
  }();
  return forced;
}
// One verbose line to stdout, whole (seed runners print from several threads).
inline void print_line(const std::string& line) {
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace corridor::cotamer_compat
