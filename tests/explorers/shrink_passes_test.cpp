// The shrink passes on small hand-made candidates, with a predicate instead of a replay: a pass
// never keeps a candidate that loses the failure, chunk removal reaches a 1-minimal list, and the
// moves bring numbers to the smallest value the predicate allows.
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string_view>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "explorers/shrink_passes.hpp"

using namespace corridor;

namespace {

// A ShrinkSearch whose "replay" is a predicate: a candidate is kept when it still "fails" (the
// predicate holds) and it is smaller (fewer faults, then fewer decisions, then a smaller sum of
// fault starts, durations, budgets and values).
class PredicateSearch final : public ShrinkSearch {
 public:
  PredicateSearch(FailingRun start, std::function<bool(const FailingRun&)> fails, std::uint64_t offers_max = 100'000)
      : best_(std::move(start)), fails_(std::move(fails)), offers_max_(offers_max) {
    operations_ = best_.config.operations_max;
  }
  const FailingRun& best() const override { return best_; }
  const std::vector<std::uint32_t>& best_operations() const override { return operations_; }
  bool spent() const override { return offers_ >= offers_max_; }
  const Violation& failure() const override { return failure_; }
  // The passes over lists and numbers never replay a run; untimed-events does, and is tested on
  // real runs (tests/explorers/untimed_shrink_test.cpp).
  Simulation& simulation() override { throw std::logic_error("a predicate search has no simulation"); }
  bool offer(FailingRun c) override {
    if (spent()) return false;
    ++offers_;
    if (!fails_(c)) return false;
    if (!(size(c) < size(best_))) return false;
    best_ = std::move(c);
    operations_ = best_.config.operations_max;
    return true;
  }
  std::uint64_t offers() const { return offers_; }

 private:
  static std::tuple<std::size_t, std::size_t, std::uint64_t> size(const FailingRun& r) {
    std::uint64_t sum = 0;
    for (const FaultEvent& f : r.plan) sum += static_cast<std::uint64_t>(f.at_ns + std::max<time_ns>(f.duration_ns, 0));
    for (std::uint32_t b : r.config.operations_max) sum += b;
    for (const Choice& c : r.choices.entries()) sum += c.value;
    return {r.plan.size(), r.choices.size(), sum};
  }
  FailingRun best_;
  Violation failure_{.invariant = "predicate"};
  std::vector<std::uint32_t> operations_;
  std::function<bool(const FailingRun&)> fails_;
  std::uint64_t offers_ = 0;
  std::uint64_t offers_max_;
};

const ShrinkPass& pass_named(std::string_view name) {
  for (const ShrinkPass& p : shrink_passes()) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no pass " << name;
  return shrink_passes().front();
}

FaultEvent crash_at(time_ns at_ns, time_ns duration_ns = -1) {
  FaultEvent f;
  f.at_ns = at_ns;
  f.kind = FaultKind::crash;
  f.nodes = {0};
  f.duration_ns = duration_ns;
  return f;
}

bool has_start(const FailingRun& r, time_ns at_ns) {
  return std::any_of(r.plan.begin(), r.plan.end(), [&](const FaultEvent& f) { return f.at_ns == at_ns; });
}

TEST(ShrinkPasses, TheListIsNamedAndInTheDocumentedOrder) {
  std::vector<std::string_view> names;
  for (const ShrinkPass& p : shrink_passes()) {
    names.push_back(p.name);
    EXPECT_FALSE(p.what.empty()) << p.name;
    EXPECT_NE(p.run, nullptr) << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string_view>{"fault-chunks", "fault-times", "operation-budgets", "choice-chunks",
                                                   "postpone-deliveries", "default-chunks", "choice-values",
                                                   "untimed-events"}));
}

TEST(ShrinkPasses, FaultChunksKeepsExactlyTheFaultsThePredicateNeeds) {
  FailingRun run;
  for (time_ns t = 1; t <= 12; ++t) run.plan.push_back(crash_at(t * 100));
  PredicateSearch search(run, [](const FailingRun& r) { return has_start(r, 300) && has_start(r, 1100); });
  EXPECT_TRUE(pass_named("fault-chunks").run(search));
  ASSERT_EQ(search.best().plan.size(), 2u);
  EXPECT_EQ(search.best().plan[0].at_ns, 300);
  EXPECT_EQ(search.best().plan[1].at_ns, 1100);
  EXPECT_FALSE(pass_named("fault-chunks").run(search)) << "a fixed point keeps nothing more";
}

TEST(ShrinkPasses, FaultTimesMovesStartsAndDurationsToTheSmallestThatStillFails) {
  FailingRun run;
  run.plan.push_back(crash_at(1000, 500));
  // Fails while the crash starts at 10 ns or later and lasts at least 40 ns.
  PredicateSearch search(run, [](const FailingRun& r) {
    return r.plan.size() == 1 && r.plan[0].at_ns >= 10 && r.plan[0].duration_ns >= 40;
  });
  EXPECT_TRUE(pass_named("fault-times").run(search));
  // Eight halvings from 1000 reach within 1000 / 2^8 of 10, and from 500 within 2 of 40.
  EXPECT_GE(search.best().plan[0].at_ns, 10);
  EXPECT_LE(search.best().plan[0].at_ns, 10 + 1000 / 256 + 1);
  EXPECT_GE(search.best().plan[0].duration_ns, 40);
  EXPECT_LE(search.best().plan[0].duration_ns, 40 + 500 / 256 + 1);
}

TEST(ShrinkPasses, OperationBudgetsGoToZeroOrTheSmallestThatStillFails) {
  FailingRun run;
  run.config.operations_max = {10, 7, 30};
  PredicateSearch search(run, [](const FailingRun& r) { return r.config.operations_max.at(2) >= 13; });
  EXPECT_TRUE(pass_named("operation-budgets").run(search));
  EXPECT_EQ(search.best().config.operations_max, (std::vector<std::uint32_t>{0, 0, 13}));
}

TEST(ShrinkPasses, DefaultChunksAndChoiceValuesMoveDecisionsTowardTheirDefaults) {
  FailingRun run;
  for (std::uint64_t v : {5, 9, 0, 70, 3}) run.choices.push({ChoiceKind::random, v});
  // Fails while the fourth draw is at least 20.
  auto fails = [](const FailingRun& r) { return r.choices.size() == 5 && r.choices.entries()[3].value >= 20; };
  PredicateSearch search(run, fails);
  EXPECT_TRUE(pass_named("default-chunks").run(search));
  EXPECT_TRUE(pass_named("choice-values").run(search));
  const auto& e = search.best().choices.entries();
  EXPECT_EQ(e[0].value, 0u);
  EXPECT_EQ(e[1].value, 0u);
  EXPECT_EQ(e[4].value, 0u);
  EXPECT_GE(e[3].value, 20u);
  EXPECT_LT(e[3].value, 70u) << "the bisection moved it toward 0";
}

TEST(ShrinkPasses, PassesStopOfferingOnceTheBudgetIsSpent) {
  FailingRun run;
  for (std::uint64_t i = 0; i < 64; ++i) run.choices.push({ChoiceKind::random, i});
  PredicateSearch search(run, [](const FailingRun&) { return false; }, 5);
  for (const ShrinkPass& p : shrink_passes()) p.run(search);
  EXPECT_EQ(search.offers(), 5u);
}

// Properties over random lists and random needed subsets.
RC_GTEST_PROP(ShrinkPasses, ChoiceChunksNeverKeepsACandidateThatLosesTheFailureAndEndsOneMinimal,
              (const std::vector<bool>& needed_flags)) {
  FailingRun run;
  for (std::size_t i = 0; i < needed_flags.size(); ++i) run.choices.push({ChoiceKind::random, i});
  auto fails = [&](const FailingRun& r) {
    std::size_t found = 0;
    for (const Choice& c : r.choices.entries()) found += needed_flags[c.value] ? 1 : 0;
    return found == static_cast<std::size_t>(std::count(needed_flags.begin(), needed_flags.end(), true));
  };
  PredicateSearch search(run, fails);
  const ShrinkPass& pass = pass_named("choice-chunks");
  for (int round = 0; round < 64 && pass.run(search); ++round) {
    RC_ASSERT(fails(search.best()));
  }
  RC_ASSERT(fails(search.best()));
  // 1-minimal: removing any single remaining decision loses the failure.
  for (std::size_t i = 0; i < search.best().choices.size(); ++i) {
    FailingRun without = search.best();
    without.choices.entries().erase(without.choices.entries().begin() + static_cast<std::ptrdiff_t>(i));
    RC_ASSERT(!fails(without));
  }
  RC_ASSERT(search.best().choices.size() <= run.choices.size());
}

}  // namespace
