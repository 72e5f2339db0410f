#pragma once
// netsim.hh for course code, on corridor (compat/cotamer). The problem set's shape:
//
//   netsim::port<T> in(randomness, "R0/r");        // a receiving port; "R0" names its node
//   netsim::channel<T> out(randomness, "R1");      // a link from node R1 ...
//   out.connect(in); out.set_loss(0.01);           // ... to that port, with a loss of its own
//   co_await out.send(m);  auto m = co_await in.receive();  auto [m, from] = co_await in.receive_with_id();
//
// and the request/response shape of network<Req, Resp> (at the end of this file):
//
//   netsim::network<Req, Resp> net(randomness);  net.set_default_loss(0.01);
//   auto& in = net.port("R0");                       // a server's request port
//   auto* out = net.find_channel("C0", "R0");        // client C0's requests to it
//   auto [req, reply] = co_await in.receive_with_channel();  co_await reply->send(resp);
//   auto resp = co_await net.client_port("C0").receive();
//
// A send is an engine send from the channel's node to the port's node, so corridor's delays,
// loss, duplication, reordering, partitions, crashes and clock faults all apply to it; set_loss
// is this link's own loss on top (a draw through the chooser). A crash empties the crashed
// node's ports. The verbose lines are the course's: `TIME: SRC → DST "MSG"` when a channel sends
// and `TIME: DST ← SRC "MSG"` when a port hands a message to its receiver.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <format>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cotamer/cotamer.hh"
#include "cotamer/host.hh"
#include "model/reflect.hpp"
#include "random_source.hh"

namespace netsim {
namespace cot = cotamer;
using namespace std::chrono_literals;

using id_type = std::string;  // an address: the node's name, then optionally '/' and more

template <class T> class port;
template <class T> class channel;

// How a message prints in verbose lines: itself, or what it points to.
template <class T>
struct message_traits {
  static const T& print_transform(const T& x) { return x; }
};
template <class T>
struct message_traits<T*> {
  static const T& print_transform(T* x) { return *x; }
};
template <class T>
struct message_traits<std::unique_ptr<T>> {
  static const T& print_transform(const std::unique_ptr<T>& x) { return *x; }
};
template <class T>
struct message_traits<std::shared_ptr<T>> {
  static const T& print_transform(const std::shared_ptr<T>& x) { return *x; }
};

namespace detail {

// A message as verbose lines and traces show it: through its std::formatter if it has one.
template <class T>
std::string message_text(const T& m) {
  const auto& shown = message_traits<T>::print_transform(m);
  using Shown = std::remove_cvref_t<decltype(shown)>;
  if constexpr (std::is_default_constructible_v<std::formatter<Shown, char>>) {
    return std::format("{}", shown);
  } else {
    return std::string(corridor::type_name<Shown>());
  }
}

// "2021-10-12 20:21:09.020000": a node's wall clock as the course's lines print it (our own
// civil-date arithmetic, so every standard library prints the same).
inline std::string time_text(cot::system_time_point t) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  const std::int64_t seconds = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  const std::int64_t micro = micros - seconds * 1'000'000;
  const std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const std::int64_t second_of_day = seconds - days * 86400;
  // Days since 1970-01-01 to a proleptic Gregorian date, by 400-year eras of 146097 days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", year, month, day, second_of_day / 3600,
                     second_of_day / 60 % 60, second_of_day % 60, micro);
}

// A task that has finished already.
inline cot::task<> finished() { co_return; }

inline bool shows(bool verbose) { return verbose || corridor::cotamer_compat::verbose_forced(); }

}  // namespace detail

// A receiving port on a node.
template <class T>
class port : public corridor::cotamer_compat::PortBase {
 public:
  using message_type = T;
  using message_traits_type = message_traits<T>;
  // Messages one port holds for its receivers: a node that never receives fails loudly here.
  static constexpr std::size_t queue_max = std::size_t{1} << 16;

  port(random_source&, id_type id) : port(corridor::cotamer_compat::require_world(made_in_run), std::move(id)) {}
  port(const port&) = delete;
  port& operator=(const port&) = delete;
  ~port() override { world_.remove_port(this); }

  const id_type& id() const noexcept { return address(); }
  bool verbose() const noexcept { return verbose_; }
  void set_verbose(bool verbose) noexcept { verbose_ = verbose; }

  // The next message, once one has arrived (the oldest first).
  cot::task<T> receive() {
    auto got = co_await receive_with_id();
    co_return std::move(got.first);
  }
  // The next message and the id of the channel's source that sent it.
  cot::task<std::pair<T, id_type>> receive_with_id() {
    const auto& host = corridor::cotamer_compat::require_host("a netsim port receives inside a coroutine of a corridor node");
    CORRIDOR_ASSERT_MSG(host.node() == node(), "a netsim port is received from on its own node (the part of its address before '/')");
    for (std::uint32_t guard = 0;; ++guard) {
      CORRIDOR_ASSERT(guard < queue_max + 1);
      while (queue_.empty()) co_await arrival_.arm();
      co_await cot::resolve{};  // raced by first/attempt: only the chosen receive takes a message
      if (!queue_.empty()) break;
    }
    std::pair<T, id_type> got = std::move(queue_.front());
    queue_.pop_front();
    if (detail::shows(verbose_)) {
      corridor::cotamer_compat::print_line(std::format("{}: {} ← {} \"{}\"\n", detail::time_text(cot::now()), id(), got.second,
                                                       detail::message_text(got.first)));
    }
    co_return got;
  }

  std::size_t queued() const { return queue_.size(); }

 private:
  static constexpr const char* made_in_run = "a netsim port is made while corridor builds the program (in its constructor or a node's code)";
  port(corridor::cotamer_compat::World& world, id_type id) : PortBase(id, world.node_of(id)), world_(world) { world_.add_port(this); }

  void deliver(const corridor::cotamer_compat::Packet& packet) override {
    if (queue_.size() >= queue_max) throw std::length_error(std::format("netsim port {} holds more than {} messages", id(), queue_max));
    queue_.emplace_back(world_.payload<T>(packet.payload), packet.from);
    arrival_.trigger();
  }
  void drop_queued() override { queue_.clear(); }

  corridor::cotamer_compat::World& world_;
  bool verbose_ = false;
  std::deque<std::pair<T, id_type>> queue_;
  cot::event arrival_;
};

// A link from one node (the source id's node) to one port.
template <class T>
class channel {
 public:
  using message_type = T;
  using message_traits_type = message_traits<T>;

  channel(random_source& randomness, id_type source_id)
      : randomness_(randomness), source_(std::move(source_id)),
        source_node_(corridor::cotamer_compat::require_world("a netsim channel is made while corridor builds the program").node_of(source_)) {}
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  void connect(port<T>& to) {
    destination_ = to.id();
    destination_node_ = to.node();
  }
  void disconnect() { destination_.clear(); }
  bool connected() const noexcept { return !destination_.empty(); }

  const id_type& source() const noexcept { return source_; }
  const id_type& destination() const noexcept { return destination_; }
  bool verbose() const noexcept { return verbose_; }
  void set_verbose(bool verbose) noexcept { verbose_ = verbose; }
  double loss() const noexcept { return loss_; }
  // This link's own loss probability, drawn on each send on top of corridor's network faults.
  void set_loss(double probability) noexcept { loss_ = probability < 0.0 ? 0.0 : (probability > 1.0 ? 1.0 : probability); }

  // Sends `m` to the connected port (nothing, on a disconnected channel). It is an engine send:
  // the task is finished when it returns, the message is on its way.
  cot::task<> send(T m) {
    send_now(std::move(m));
    return detail::finished();
  }
  template <class U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, T> && std::is_constructible_v<T, U &&>)
  cot::task<> send(U&& value) {
    return send(T(std::forward<U>(value)));
  }

 private:
  void send_now(T m) {
    auto& host = corridor::cotamer_compat::require_host("a netsim channel sends inside a coroutine of a corridor node");
    CORRIDOR_ASSERT_MSG(host.node() == source_node_, "a netsim channel sends from its source's node (the part of its id before '/')");
    if (!connected()) return;
    std::string text = detail::message_text(m);
    if (detail::shows(verbose_)) {
      corridor::cotamer_compat::print_line(std::format("{}: {} → {} \"{}\"\n", detail::time_text(cot::now()), source_, destination_, text));
    }
    if (randomness_.coin_flip(loss_)) return;  // this link lost it
    const std::uint64_t payload = host.world().keep(std::move(m));
    host.send(destination_node_, corridor::cotamer_compat::Packet{payload, destination_, source_, std::move(text)});
  }

  random_source& randomness_;
  id_type source_;
  corridor::NodeId source_node_;
  id_type destination_;
  corridor::NodeId destination_node_ = corridor::no_node;
  bool verbose_ = false;
  double loss_ = 0.0;
};

// A server's request port in a network<Req, Resp>: each request comes with the channel that
// answers the client that sent it.
template <class Req, class Resp>
class network;

template <class Req, class Resp>
class request_port final : public port<Req> {
 public:
  request_port(random_source& randomness, id_type id, network<Req, Resp>& net) : port<Req>(randomness, std::move(id)), net_(net) {}

  // The next request, and the channel from this port's node to the port of its sender.
  cot::task<std::pair<Req, channel<Resp>*>> receive_with_channel() {
    auto [request, from] = co_await this->receive_with_id();
    channel<Resp>* reply = &net_.reply_channel(this->id(), from);
    co_return std::pair<Req, channel<Resp>*>(std::move(request), reply);
  }

 private:
  network<Req, Resp>& net_;
};

// Servers' request ports, clients' response ports, and the channels between them, made on first
// use with the network's default loss and verbosity. Channels and ports stay the network's: a
// pointer find_channel or receive_with_channel gives stays valid while the network lives.
template <class Req, class Resp>
class network {
 public:
  using port_type = request_port<Req, Resp>;
  using channel_type = channel<Req>;
  using response_port_type = netsim::port<Resp>;
  using response_channel_type = channel<Resp>;

  explicit network(random_source& randomness) : randomness_(randomness) {}
  network(const network&) = delete;
  network& operator=(const network&) = delete;

  void set_default_loss(double probability) { default_loss_ = probability; }
  void set_default_verbose(bool verbose) { default_verbose_ = verbose; }
  double default_loss() const { return default_loss_; }
  bool default_verbose() const { return default_verbose_; }

  // The request port of server `addr`.
  port_type& port(const id_type& addr) {
    auto& slot = servers_[addr];
    if (!slot) {
      slot = std::make_unique<port_type>(randomness_, addr, *this);
      slot->set_verbose(default_verbose_);
    }
    return *slot;
  }
  port_type* find_port(std::string_view addr) {
    const auto it = servers_.find(std::string(addr));
    return it == servers_.end() ? nullptr : it->second.get();
  }
  // The response port of client `addr` (where the answers to its requests arrive).
  response_port_type& client_port(const id_type& addr) {
    auto& slot = clients_[addr];
    if (!slot) {
      slot = std::make_unique<response_port_type>(randomness_, addr);
      slot->set_verbose(default_verbose_);
    }
    return *slot;
  }
  // The channel for client `from`'s requests to server port `to` (nullptr when there is no such
  // port); it also makes `from`'s response port.
  channel_type* find_channel(const id_type& from, const id_type& to) {
    port_type* server = find_port(to);
    if (server == nullptr) return nullptr;
    client_port(from);
    return &link(requests_, from, *server);
  }
  // The channel from server port `server` back to client `client`.
  response_channel_type& reply_channel(const id_type& server, const id_type& client) {
    return link(replies_, server, client_port(client));
  }

 private:
  template <class T>
  using links = std::map<std::pair<id_type, id_type>, std::unique_ptr<channel<T>>>;
  template <class T>
  channel<T>& link(links<T>& table, const id_type& from, netsim::port<T>& to) {
    auto& slot = table[{from, to.id()}];
    if (!slot) {
      slot = std::make_unique<channel<T>>(randomness_, from);
      slot->connect(to);
      slot->set_loss(default_loss_);
      slot->set_verbose(default_verbose_);
    }
    return *slot;
  }

  random_source& randomness_;
  double default_loss_ = 0.0;
  bool default_verbose_ = false;
  // Ordered maps, destroyed channels first (they point at ports), then clients' and servers' ports.
  std::map<id_type, std::unique_ptr<port_type>> servers_;
  std::map<id_type, std::unique_ptr<response_port_type>> clients_;
  links<Req> requests_;
  links<Resp> replies_;
};

}  // namespace netsim
