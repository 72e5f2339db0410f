#include "model/sim_config.hpp"

#include <fmt/format.h>

#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor {

const char* const fault_spec_help =
    "Fault spec (--faults), comma separated, each item name[=value]:\n"
    "  crash[=K]        K crash-restart faults (volatile state lost, durable kept), default 1\n"
    "  crash-stop[=K]   K crashes without restart\n"
    "  partition[=K]    K partitions (symmetric split, group-to-group, or one link), each healed\n"
    "  pause[=K]        K pauses (no handler runs; the node's events wait)\n"
    "  loss-burst[=K]   K periods of 50% loss\n"
    "  loss=P           message loss probability on every link (0.02 or 2%)\n"
    "  dup=P            message duplication probability\n"
    "  delay=DIST       const:2ms | uniform:1ms:10ms | exp:MIN:MEAN | normal:MEAN:STDDEV\n"
    "  fifo             no reordering on a link\n"
    "  capacity=N       at most N messages in flight per link\n"
    "  none             no faults\n"
    "Faults start in the first half of the run and heal by 70% of it.";

const char* const clock_spec_help =
    "Clock spec (--clock), comma separated:\n"
    "  drift=X          each node's drift drawn from [-X, +X] (200ppm or 2%)\n"
    "  skew=D           each node's initial offset drawn from [0, D] (5ms)\n"
    "  jump=D           a wall-clock jump of D (-2s), on a random node at a random time\n"
    "  jumps=K          how many jumps (default 1 when jump is given)\n"
    "  drift-changes=K  K changes of a node's drift to a new value in [-X, +X]";

const char* explorer_name(ExplorerKind kind) {
  switch (kind) {
    case ExplorerKind::timed: return "random";
    case ExplorerKind::pct: return "pct";
    case ExplorerKind::walk: return "walk";
    case ExplorerKind::schedule: return "schedule";
  }
  return "random";
}

std::string DelaySpec::text() const {
  switch (kind) {
    case Kind::constant: return fmt::format("const:{}", format_duration(a_ns));
    case Kind::uniform: return fmt::format("uniform:{}:{}", format_duration(a_ns), format_duration(b_ns));
    case Kind::exponential: return fmt::format("exp:{}:{}", format_duration(a_ns), format_duration(b_ns));
    case Kind::normal: return fmt::format("normal:{}:{}", format_duration(a_ns), format_duration(b_ns));
  }
  return "?";
}

namespace {

struct Item {
  std::string_view name;
  std::string_view value;
  bool has_value;
};

template <class Fn>
void for_each_item(std::string_view text, Fn&& fn) {
  std::size_t pos = 0;
  for (int guard = 0; pos <= text.size() && guard < 1000; ++guard) {
    const std::size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) fn(Item{item, {}, false});
      else fn(Item{item.substr(0, eq), item.substr(eq + 1), true});
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
}

std::uint32_t count_of(const Item& item, std::string_view spec) {
  if (!item.has_value) return 1;
  const auto n = parse_count(item.value);
  if (!n || *n > 1000) {
    throw UsageError(fmt::format("{} item '{}={}' needs a count from 0 to 1000", spec, item.name, item.value));
  }
  return static_cast<std::uint32_t>(*n);
}

template <class T>
T require(const std::optional<T>& value, const Item& item, std::string_view spec, std::string_view expected) {
  if (!item.has_value || !value) {
    throw UsageError(fmt::format("{} item '{}' needs {} (for example {}={})", spec, item.name, expected, item.name,
                                 expected == "a probability" ? "0.02" : "5ms"));
  }
  return *value;
}

}  // namespace

std::optional<DelaySpec> parse_delay_spec(std::string_view text) {
  const std::size_t c1 = text.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const std::string_view kind = text.substr(0, c1);
  const std::string_view rest = text.substr(c1 + 1);
  const std::size_t c2 = rest.find(':');
  const auto a = parse_duration_ns(rest.substr(0, c2));
  std::optional<time_ns> b;
  if (c2 != std::string_view::npos) b = parse_duration_ns(rest.substr(c2 + 1));
  if (!a || *a < 0) return std::nullopt;
  DelaySpec spec;
  spec.a_ns = *a;
  if (kind == "const" || kind == "constant") {
    if (c2 != std::string_view::npos) return std::nullopt;
    spec.kind = DelaySpec::Kind::constant;
    spec.b_ns = *a;
    return spec;
  }
  if (!b.has_value() || b.value() < 0) return std::nullopt;
  spec.b_ns = b.value();
  if (kind == "uniform" && spec.b_ns >= spec.a_ns) spec.kind = DelaySpec::Kind::uniform;
  else if (kind == "exp" || kind == "exponential") spec.kind = DelaySpec::Kind::exponential;
  else if (kind == "normal") spec.kind = DelaySpec::Kind::normal;
  else return std::nullopt;
  return spec;
}

void apply_fault_spec(std::string_view text, SimConfig& config) {
  constexpr std::string_view spec = "--faults";
  config.faults_text = std::string(text);
  for_each_item(text, [&](const Item& item) {
    if (item.name == "none") {
      config.faults = FaultSpec{};
    } else if (item.name == "crash") {
      config.faults.crash = count_of(item, spec);
    } else if (item.name == "crash-stop") {
      config.faults.crash_stop = count_of(item, spec);
    } else if (item.name == "partition") {
      config.faults.partition = count_of(item, spec);
    } else if (item.name == "pause") {
      config.faults.pause = count_of(item, spec);
    } else if (item.name == "loss-burst") {
      config.faults.loss_burst = count_of(item, spec);
    } else if (item.name == "loss") {
      config.link.loss = require(parse_probability(item.value), item, spec, "a probability");
    } else if (item.name == "dup") {
      config.link.dup = require(parse_probability(item.value), item, spec, "a probability");
    } else if (item.name == "delay") {
      const auto delay = item.has_value ? parse_delay_spec(item.value) : std::nullopt;
      if (!delay) {
        throw UsageError(fmt::format("--faults item 'delay={}' is not a distribution: use const:2ms, "
                                     "uniform:1ms:10ms, exp:MIN:MEAN or normal:MEAN:STDDEV", item.value));
      }
      config.link.delay = *delay;
    } else if (item.name == "fifo") {
      config.link.fifo = true;
    } else if (item.name == "capacity") {
      config.link.capacity = count_of(item, spec);
    } else {
      throw UsageError(fmt::format("--faults has an unknown item '{}' (known: crash, crash-stop, partition, pause, "
                                   "loss-burst, loss, dup, delay, fifo, capacity, none)", item.name));
    }
  });
}

LinkOverride parse_link_override(std::string_view text, const LinkSpec& base) {
  const std::size_t colon = text.find(':');
  const std::string_view ends = text.substr(0, colon);
  const std::size_t arrow_both = ends.find("<->");
  const std::size_t arrow = arrow_both != std::string_view::npos ? arrow_both : ends.find("->");
  if (colon == std::string_view::npos || arrow == std::string_view::npos) {
    throw UsageError(fmt::format("--link '{}' is not of the form n0->n1:ITEMS or n0<->n1:ITEMS", text));
  }
  const std::string_view from = ends.substr(0, arrow);
  const std::string_view to = ends.substr(arrow + (arrow_both != std::string_view::npos ? 3 : 2));
  // A node id, "n" then at most 4095; node_limit_exceeded when the text is not one. (A plain
  // integer, not an optional: gcc 12 with -fsanitize=thread warns that an optional's value may be
  // used uninitialised here.)
  static constexpr std::uint64_t node_limit_exceeded = 4096;
  const auto node_id = [](std::string_view end) -> std::uint64_t {
    if (end.size() < 2 || end[0] != 'n') return node_limit_exceeded;
    return parse_count(end.substr(1)).value_or(node_limit_exceeded);
  };
  const std::uint64_t from_id = node_id(from);
  const std::uint64_t to_id = node_id(to);
  if (from_id >= node_limit_exceeded || to_id >= node_limit_exceeded) {
    throw UsageError(fmt::format("--link '{}' names no nodes (expected e.g. n0->n1)", text));
  }
  SimConfig scratch;
  scratch.link = base;
  apply_fault_spec(text.substr(colon + 1), scratch);
  if (!(scratch.faults == FaultSpec{})) {
    throw UsageError(fmt::format("--link '{}' may only set delay, loss, dup, fifo and capacity", text));
  }
  return {static_cast<std::uint32_t>(from_id), static_cast<std::uint32_t>(to_id), arrow_both != std::string_view::npos,
          scratch.link, std::string(text)};
}

void apply_clock_spec(std::string_view text, SimConfig& config) {
  constexpr std::string_view spec = "--clock";
  config.clock_text = std::string(text);
  bool jumps_given = false;
  for_each_item(text, [&](const Item& item) {
    if (item.name == "drift") {
      const auto ppm = require(parse_ppm(item.value), item, spec, "a rate such as 200ppm or 2%");
      if (ppm < 0 || ppm >= 490'000) {
        throw UsageError(fmt::format("--clock drift={} is out of range: use 0 to 49%", item.value));
      }
      config.clock.drift_ppm = ppm;
    } else if (item.name == "skew") {
      const auto ns = require(parse_duration_ns(item.value), item, spec, "a duration");
      if (ns < 0) throw UsageError(fmt::format("--clock skew={} must not be negative", item.value));
      config.clock.skew_ns = ns;
    } else if (item.name == "jump") {
      config.clock.jump_ns = require(parse_duration_ns(item.value), item, spec, "a duration");
      if (!jumps_given) config.clock.jumps = 1;
    } else if (item.name == "jumps") {
      config.clock.jumps = count_of(item, spec);
      jumps_given = true;
    } else if (item.name == "drift-changes") {
      config.clock.drift_changes = count_of(item, spec);
    } else {
      throw UsageError(fmt::format("--clock has an unknown item '{}' (known: drift, skew, jump, jumps, drift-changes)",
                                   item.name));
    }
  });
}

}  // namespace corridor
