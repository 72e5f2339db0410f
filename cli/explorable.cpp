#include "cli/explorable.hpp"

#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace corridor::cli {

ProtocolEntry two_phase_commit_model() {
  using protocols::TwoPhaseCommit;
  return register_model<TwoPhaseCommit>(
      {
          .name = "two-phase-commit",
          .description = "Lamport's TwoPhase TLA+ spec as a state machine: --nodes resource managers and one "
                         "transaction manager",
          .variants = {correct_variant(TwoPhaseCommit::Variant::correct, "The TM commits once every RM has prepared."),
                       planted_bug(TwoPhaseCommit::Variant::commit_without_all_prepared,
                                   "The TM commits once all but one RM have prepared, so the last may abort on its own.",
                                   "tc-consistent")},
          .invariants = {"tc-consistent"},
          .default_nodes = 3,
          .min_nodes = 1,
          .max_nodes = TwoPhaseCommit::rms_max,
      },
      [](std::uint32_t nodes, std::uint32_t variant) {
        return TwoPhaseCommit(nodes, static_cast<TwoPhaseCommit::Variant>(variant));
      },
      [](const TwoPhaseCommit& model, const TwoPhaseCommit::State& s) { return model.render(s); });
}

}  // namespace corridor::cli
