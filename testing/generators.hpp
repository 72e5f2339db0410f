#pragma once
// RapidCheck generators for corridor scenarios: cluster sizes, fault plans and workloads, with
// RapidCheck's own shrinking (fewer faults, earlier and shorter ones on lower node ids, smaller
// clusters, fewer operations), so RC_GTEST_PROP properties over corridor runs shrink and print a
// reproduce token like any other property.
//
//   RC_GTEST_PROP(TokenRing, OneToken, ()) {
//     const auto s = *corridor::property::gen::scenario({.nodes_min = 2, .nodes_max = 5});
//     auto sim = make_token_ring();
//     const corridor::RunOutcome out = corridor::property::run_scenario(*sim, config, s);
//     RC_ASSERT(out.verdict == corridor::Verdict::pass);
//   }
//
// Header-only and test-side: include it from test code that links RapidCheck.
#include <algorithm>
#include <cstdint>
#include <ostream>
#include <vector>

#include <rapidcheck.h>

#include "explorers/random_explorer.hpp"
#include "model/assert.hpp"
#include "model/fault_plan.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor {
// So that RC_ASSERT(out.verdict == Verdict::pass) shows the verdicts it compared.
inline void showValue(Verdict verdict, std::ostream& os) { os << to_string(verdict); }
}  // namespace corridor

namespace corridor::property {

// One generated run: a cluster, a fault plan over its nodes, per-actor operation budgets, a seed
// for the choices the plan leaves open (delays, draws).
struct Scenario {
  std::uint32_t nodes = 0;
  FaultPlan plan;
  std::vector<std::uint32_t> operations;  // SimConfig::operations_max; empty: no limit
  std::uint64_t seed = 0;
};

inline void showValue(const Scenario& s, std::ostream& os) {
  os << "{nodes " << s.nodes << ", seed " << s.seed << ", operations [";
  for (std::size_t i = 0; i < s.operations.size(); ++i) os << (i ? "," : "") << s.operations[i];
  os << "], plan [" << format_fault_plan(s.plan, "; ") << "]}";
}

// What the generators may produce.
struct ScenarioSpec {
  std::uint32_t nodes_min = 3;
  std::uint32_t nodes_max = 5;
  std::uint32_t actors_extra = 0;       // clients (or other actors) after the nodes, for budgets
  time_ns horizon_ns = seconds(1);      // faults start before this
  std::size_t faults_max = 4;
  std::vector<FaultKind> kinds = {FaultKind::crash, FaultKind::pause, FaultKind::partition};
  std::uint32_t operations_max = 0;     // 0: workloads unlimited (no budgets generated)
};

namespace gen {

// A node count in [lo, hi]; shrinks toward lo.
inline rc::Gen<std::uint32_t> cluster_size(std::uint32_t lo, std::uint32_t hi) {
  CORRIDOR_ASSERT(lo >= 1 && lo <= hi);
  return rc::gen::inRange<std::uint32_t>(lo, hi + 1);
}

// One whole fault (a crash with its restart, a pause, a partition of one node from the rest, a
// drift change in [-50,000, 50,000] ppm) at a time in [0, horizon); shrinks toward the first kind,
// node 0, time 0, a short duration and no drift.
inline rc::Gen<FaultEvent> fault(std::uint32_t nodes, time_ns horizon_ns, std::vector<FaultKind> kinds) {
  // RapidCheck shrinks a number toward the low end of its range, so the drift is drawn as a rank
  // 0, 1, 2, 3, 4, ... read as 0, +1, -1, +2, -2, ... ppm: shrinking it goes toward no drift.
  constexpr std::int64_t drift_ppm_max = 50'000;
  const auto drift_of_rank = [](std::int64_t rank) { return rank % 2 == 1 ? (rank + 1) / 2 : -(rank / 2); };
  return rc::gen::apply(
      [nodes, drift_of_rank](FaultKind kind, std::uint32_t node, time_ns at_ns, time_ns duration_ns, std::int64_t drift_rank) {
        FaultEvent f;
        f.kind = kind;
        f.at_ns = at_ns;
        f.nodes = {node};
        f.duration_ns = duration_ns;
        if (kind == FaultKind::partition) {
          for (NodeId other = 0; other < nodes; ++other) {
            if (other != node) f.others.push_back(other);
          }
        } else if (kind == FaultKind::drift) {
          f.duration_ns = -1;
          f.drift_ppm = drift_of_rank(drift_rank);
        }
        return f;
      },
      rc::gen::elementOf(kinds), rc::gen::inRange<std::uint32_t>(0, nodes), rc::gen::inRange<time_ns>(0, horizon_ns),
      rc::gen::inRange<time_ns>(ms(1), std::max<time_ns>(ms(2), horizon_ns / 2)),
      rc::gen::inRange<std::int64_t>(0, 2 * drift_ppm_max + 1));
}

// Up to `faults_max` faults, in time order (as a parsed plan is); shrinks by removing entries and
// shrinking each.
inline rc::Gen<FaultPlan> fault_plan(std::uint32_t nodes, time_ns horizon_ns, std::size_t faults_max,
                                     std::vector<FaultKind> kinds) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, faults_max + 1), [=](std::size_t n) {
    return rc::gen::map(rc::gen::container<FaultPlan>(n, fault(nodes, horizon_ns, kinds)), [](FaultPlan plan) {
      std::stable_sort(plan.begin(), plan.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.at_ns < b.at_ns; });
      return plan;
    });
  });
}

// Per-actor operation budgets in [0, max]; shrinks toward fewer operations.
inline rc::Gen<std::vector<std::uint32_t>> workload(std::uint32_t actors, std::uint32_t operations_max) {
  return rc::gen::container<std::vector<std::uint32_t>>(actors, rc::gen::inRange<std::uint32_t>(0, operations_max + 1));
}

inline rc::Gen<Scenario> scenario(const ScenarioSpec& spec) {
  return rc::gen::mapcat(cluster_size(spec.nodes_min, spec.nodes_max), [spec](std::uint32_t nodes) {
    const rc::Gen<std::vector<std::uint32_t>> ops =
        spec.operations_max == 0 ? rc::gen::just(std::vector<std::uint32_t>{})
                                 : workload(nodes + spec.actors_extra, spec.operations_max);
    return rc::gen::apply(
        [nodes](FaultPlan plan, std::vector<std::uint32_t> operations, std::uint64_t seed) {
          return Scenario{nodes, std::move(plan), std::move(operations), seed};
        },
        fault_plan(nodes, spec.horizon_ns, spec.faults_max, spec.kinds), ops, rc::gen::arbitrary<std::uint64_t>());
  });
}

}  // namespace gen

// Runs `s` on `sim`: its node count and budgets replace the config's, its plan the generated one.
inline RunOutcome run_scenario(Simulation& sim, SimConfig config, const Scenario& s, bool record = false) {
  config.nodes = s.nodes;
  config.operations_max = s.operations;
  return run_once(sim, config, s.seed, {.record = record, .plan = &s.plan});
}

}  // namespace corridor::property
