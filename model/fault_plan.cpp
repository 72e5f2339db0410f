#include "model/fault_plan.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/prng.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor {

namespace {

std::string node_list(const std::vector<NodeId>& nodes) {
  std::string out;
  for (NodeId n : nodes) {
    if (!out.empty()) out += ',';
    out += fmt::format("n{}", n);
  }
  return out;
}

std::string suffix_for(time_ns duration_ns) {
  return duration_ns < 0 ? std::string() : fmt::format(" for {}", format_duration(duration_ns));
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size() && words.size() < 64) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos >= line.size()) break;
    std::size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    words.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

struct PlanParser {
  std::string_view where;
  std::size_t line_no;
  std::uint32_t actors;

  [[noreturn]] void fail(std::string_view what) const {
    throw InputError(fmt::format("{}:{}: {}", where, line_no, what));
  }

  time_ns duration(std::string_view word, std::string_view what) const {
    const auto ns = parse_duration_ns(word);
    if (!ns) fail(fmt::format("'{}' is not a duration for {} (expected e.g. 500ms, 2s)", word, what));
    return *ns;
  }

  std::vector<NodeId> nodes(std::string_view word) const {
    std::vector<NodeId> out;
    std::size_t pos = 0;
    while (pos <= word.size() && out.size() < 1024) {
      const std::size_t comma = word.find(',', pos);
      const std::string_view item = word.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      const auto id = item.size() > 1 && item[0] == 'n' ? parse_count(item.substr(1)) : std::nullopt;
      if (!id) fail(fmt::format("'{}' is not a node list (expected n0,n1,...)", word));
      if (*id >= actors) fail(fmt::format("node n{} does not exist (this run has n0 to n{})", *id, actors - 1));
      out.push_back(static_cast<NodeId>(*id));
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    return out;
  }

  // "for <duration>" at words[i], if present.
  time_ns optional_for(const std::vector<std::string_view>& words, std::size_t i) const {
    if (words.size() == i) return -1;
    if (words.size() != i + 2 || words[i] != "for") fail("expected 'for <duration>' or the end of the entry");
    const time_ns d = duration(words[i + 1], "'for'");
    if (d <= 0) fail("a fault's duration must be positive");
    return d;
  }

  FaultEvent parse(const std::vector<std::string_view>& w) const {
    FaultEvent f;
    f.at_ns = duration(w[0], "the fault's time");
    if (f.at_ns < 0) fail("a fault's time must not be negative");
    if (w.size() < 2) fail("expected a fault kind after the time (crash, pause, partition, heal, jump, drift, loss)");
    const std::string_view kind = w[1];
    if (kind == "crash" || kind == "pause") {
      f.kind = kind == "crash" ? FaultKind::crash : FaultKind::pause;
      if (w.size() < 3) fail(fmt::format("{} needs a node (e.g. n1)", kind));
      f.nodes = nodes(w[2]);
      f.duration_ns = optional_for(w, 3);
      if (f.kind == FaultKind::pause && f.duration_ns < 0) fail("pause needs 'for <duration>'");
    } else if (kind == "partition") {
      if (w.size() < 5) fail("partition needs two groups: 'n0,n1 | n2' or 'n0 -> n1'");
      f.kind = FaultKind::partition;
      f.nodes = nodes(w[2]);
      if (w[3] != "|" && w[3] != "->") fail(fmt::format("expected '|' or '->' between partition groups, found '{}'", w[3]));
      f.both_ways = w[3] == "|";
      f.others = nodes(w[4]);
      for (NodeId n : f.nodes) {
        if (std::find(f.others.begin(), f.others.end(), n) != f.others.end()) {
          fail(fmt::format("node n{} is on both sides of the partition", n));
        }
      }
      f.duration_ns = optional_for(w, 5);
    } else if (kind == "heal") {
      f.kind = FaultKind::heal;
      if (w.size() != 2) fail("heal takes no arguments");
    } else if (kind == "jump") {
      f.kind = FaultKind::jump;
      if (w.size() != 4) fail("jump needs a node and an amount (e.g. 'jump n1 -2s')");
      f.nodes = nodes(w[2]);
      f.amount_ns = duration(w[3], "the jump");
    } else if (kind == "drift") {
      f.kind = FaultKind::drift;
      if (w.size() != 4) fail("drift needs a node and a rate (e.g. 'drift n1 150ppm')");
      f.nodes = nodes(w[2]);
      const auto ppm = parse_ppm(w[3]);
      if (!ppm || *ppm <= -490'000 || *ppm >= 490'000) fail(fmt::format("'{}' is not a drift rate within +-49% (e.g. 150ppm)", w[3]));
      f.drift_ppm = *ppm;
    } else if (kind == "loss") {
      f.kind = FaultKind::loss;
      if (w.size() < 3) fail("loss needs a probability (e.g. 'loss 0.5 for 200ms')");
      const auto p = parse_probability(w[2]);
      if (!p) fail(fmt::format("'{}' is not a probability", w[2]));
      f.probability = *p;
      f.duration_ns = optional_for(w, 3);
    } else {
      fail(fmt::format("unknown fault '{}' (expected crash, pause, partition, heal, jump, drift or loss)", kind));
    }
    return f;
  }
};

}  // namespace

std::string format_fault(const FaultEvent& f) {
  const std::string at = format_duration(f.at_ns);
  switch (f.kind) {
    case FaultKind::crash: return fmt::format("{} crash {}{}", at, node_list(f.nodes), suffix_for(f.duration_ns));
    case FaultKind::pause: return fmt::format("{} pause {}{}", at, node_list(f.nodes), suffix_for(f.duration_ns));
    case FaultKind::partition:
      return fmt::format("{} partition {} {} {}{}", at, node_list(f.nodes), f.both_ways ? "|" : "->",
                         node_list(f.others), suffix_for(f.duration_ns));
    case FaultKind::heal: return fmt::format("{} heal", at);
    case FaultKind::jump: return fmt::format("{} jump {} {}", at, node_list(f.nodes), format_duration(f.amount_ns));
    case FaultKind::drift: return fmt::format("{} drift {} {}ppm", at, node_list(f.nodes), f.drift_ppm);
    case FaultKind::loss: return fmt::format("{} loss {}{}", at, f.probability, suffix_for(f.duration_ns));
  }
  return "?";
}

std::string format_fault_plan(const FaultPlan& plan, std::string_view separator) {
  std::string out;
  for (const FaultEvent& f : plan) {
    if (!out.empty()) out += separator;
    out += format_fault(f);
  }
  return out;
}

FaultPlan parse_fault_plan(std::string_view text, std::uint32_t actors, std::string_view where) {
  FaultPlan plan;
  std::size_t line_no = 1;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of("\n;", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto words = split_words(line);
    if (!words.empty()) {
      if (plan.size() >= 100'000) throw InputError(fmt::format("{}:{}: more than 100000 fault entries", where, line_no));
      plan.push_back(PlanParser{where, line_no, actors}.parse(words));
    }
    if (end < text.size() && text[end] == '\n') ++line_no;
    pos = end + 1;
  }
  std::stable_sort(plan.begin(), plan.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.at_ns < b.at_ns; });
  return plan;
}

namespace {

class PlanDraws {
 public:
  explicit PlanDraws(std::uint64_t seed) : rng_(derive_seed(seed, 0xFA017)) {}
  std::uint64_t below(std::uint64_t n) { return n <= 1 ? 0 : uniform_below([this] { return rng_.next(); }, n); }
  time_ns between(time_ns lo, time_ns hi) {
    return hi <= lo ? lo : lo + static_cast<time_ns>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  std::int64_t signed_up_to(std::int64_t bound) {
    return bound <= 0 ? 0 : static_cast<std::int64_t>(below(static_cast<std::uint64_t>(2 * bound + 1))) - bound;
  }

 private:
  Xoshiro256 rng_;
};

void add_partition(FaultEvent& f, const std::vector<NodeId>& targets, PlanDraws& draws) {
  const std::uint64_t shape = draws.below(3);
  const std::size_t n = targets.size();
  if (shape == 2 || n < 3) {  // one link, one way
    const std::size_t a = draws.below(n);
    std::size_t b = draws.below(n - 1);
    if (b >= a) ++b;
    f.nodes = {targets[a]};
    f.others = {targets[b]};
    f.both_ways = false;
    return;
  }
  // A random split into two non-empty groups; shape 0 cuts both ways, shape 1 one way.
  std::vector<NodeId> side_a, side_b;
  for (int attempt = 0; attempt < 64 && (side_a.empty() || side_b.empty()); ++attempt) {
    side_a.clear();
    side_b.clear();
    for (NodeId t : targets) (draws.below(2) ? side_a : side_b).push_back(t);
  }
  if (side_a.empty() || side_b.empty()) { side_a = {targets[0]}; side_b.assign(targets.begin() + 1, targets.end()); }
  f.nodes = side_a;
  f.others = side_b;
  f.both_ways = shape == 0;
}

}  // namespace

FaultPlan generate_fault_plan(const SimConfig& config, const FaultTargets& targets, std::uint64_t seed) {
  PlanDraws draws(seed);
  FaultPlan plan;
  const time_ns limit = config.time_limit_ns;
  // Faults start in [5%, 50%] of the run and last [2%, 20%] of it, so all heal by 70%.
  auto start = [&] { return draws.between(limit / 20, limit / 2); };
  auto length = [&] { return draws.between(limit / 50, limit / 5); };
  auto target = [&] { return targets.nodes[draws.below(targets.nodes.size())]; };
  for (NodeId n = 0; n < targets.clock_nodes; ++n) {
    if (config.clock.skew_ns > 0) plan.push_back({.at_ns = 0, .kind = FaultKind::jump, .nodes = {n}, .amount_ns = draws.between(0, config.clock.skew_ns)});
    if (config.clock.drift_ppm > 0) plan.push_back({.at_ns = 0, .kind = FaultKind::drift, .nodes = {n}, .drift_ppm = draws.signed_up_to(config.clock.drift_ppm)});
  }
  if (!targets.nodes.empty()) {
    for (std::uint32_t i = 0; i < config.faults.crash; ++i) plan.push_back({.at_ns = start(), .kind = FaultKind::crash, .nodes = {target()}, .duration_ns = length()});
    for (std::uint32_t i = 0; i < config.faults.crash_stop; ++i) plan.push_back({.at_ns = start(), .kind = FaultKind::crash, .nodes = {target()}, .duration_ns = -1});
    for (std::uint32_t i = 0; i < config.faults.pause; ++i) plan.push_back({.at_ns = start(), .kind = FaultKind::pause, .nodes = {target()}, .duration_ns = length()});
    if (targets.nodes.size() >= 2) {
      for (std::uint32_t i = 0; i < config.faults.partition; ++i) {
        FaultEvent f{.at_ns = start(), .kind = FaultKind::partition, .duration_ns = length()};
        add_partition(f, targets.nodes, draws);
        plan.push_back(f);
      }
    }
  }
  for (std::uint32_t i = 0; i < config.faults.loss_burst; ++i) plan.push_back({.at_ns = start(), .kind = FaultKind::loss, .duration_ns = length(), .probability = 0.5});
  if (targets.clock_nodes > 0) {
    for (std::uint32_t i = 0; i < config.clock.jumps; ++i) {
      plan.push_back({.at_ns = start(), .kind = FaultKind::jump, .nodes = {static_cast<NodeId>(draws.below(targets.clock_nodes))}, .amount_ns = config.clock.jump_ns});
    }
    for (std::uint32_t i = 0; i < config.clock.drift_changes; ++i) {
      plan.push_back({.at_ns = start(), .kind = FaultKind::drift, .nodes = {static_cast<NodeId>(draws.below(targets.clock_nodes))}, .drift_ppm = draws.signed_up_to(config.clock.drift_ppm)});
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.at_ns < b.at_ns; });
  return plan;
}

time_ns last_heal_ns(const FaultPlan& plan) {
  time_ns last = 0;
  for (const FaultEvent& f : plan) {
    switch (f.kind) {
      case FaultKind::crash:  // a crash-stop heals no further: the rest must go on without it
        last = std::max(last, f.at_ns + std::max<time_ns>(f.duration_ns, 0));
        break;
      case FaultKind::pause:
      case FaultKind::partition:
      case FaultKind::loss:
        if (f.duration_ns < 0 && f.kind == FaultKind::partition) {
          // healed by a later 'heal' entry, if any
          bool healed = false;
          for (const FaultEvent& h : plan) healed = healed || (h.kind == FaultKind::heal && h.at_ns >= f.at_ns);
          if (!healed) return time_ns_max;
          break;
        }
        if (f.duration_ns < 0) return time_ns_max;
        last = std::max(last, f.at_ns + f.duration_ns);
        break;
      case FaultKind::heal:
      case FaultKind::jump:
      case FaultKind::drift:
        last = std::max(last, f.at_ns);
        break;
    }
  }
  return last;
}

}  // namespace corridor
