#pragma once
// A mutex: acquire succeeds only when free, release only when held. Owners are not tracked (as in
// Knossos), because Jepsen renumbers a crashed client. A failed acquire or release did not happen.
#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

struct LockModel {
  using State = bool;  // held
  static constexpr std::string_view name = "lock";
  enum Function : std::uint8_t { acquire, release };

  explicit LockModel(const ValueCodec&) {}
  State initial() const { return false; }
  std::uint64_t hash(const State& state) const { return state ? 0x9e3779b97f4a7c15ULL : 1; }
  std::string describe(const State& state) const { return state ? "held" : "free"; }

  bool step(const State& state, const Operation& op, State& next) const {
    next = op.function == acquire;
    return state != next;
  }

  static bool preserves_state(const Operation&) { return false; }

  static bool compile(const OperationEvents& events, ValueCodec&, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "acquire" || f == "lock") op.function = acquire;
    else if (f == "release" || f == "unlock") op.function = release;
    else unknown_function(name, f);
    return events.outcome != Outcome::fail;
  }

  static std::string describe(const Operation& op, const ValueCodec&) {
    return op.function == acquire ? "acquire" : "release";
  }
};

}  // namespace corridor::lincheck
