#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace corridor::protocols {

std::string TwoPhaseCommit::render(const State& s) const {
  static constexpr const char* tm_names[] = {"init", "committed", "aborted", "?"};
  static constexpr const char* rm_names[] = {"working", "prepared", "committed", "aborted"};
  std::string text = std::string("tm=") + tm_names[tm_state(s)];
  for (std::uint32_t rm = 0; rm < rms_; ++rm) {
    text += " rm" + std::to_string(rm) + "=" + rm_names[rm_state(s, rm)];
    if (tm_prepared(s, rm)) text += "+tmPrepared";
    if (prepared_msg(s, rm)) text += "+Prepared";
  }
  if (s & commit_msg_bit) text += " msgs+Commit";
  if (s & abort_msg_bit) text += " msgs+Abort";
  return text;
}

}  // namespace corridor::protocols
